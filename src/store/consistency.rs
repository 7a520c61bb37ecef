//! The story's consistency checker (`seedsim story --check`, and the end of
//! every stored run): contradictions a told life must never contain, found
//! in one pass over `events.db` in seq order, each reported with the first
//! seq that shows it. The hash chain proves the log was not changed after
//! it was written; this proves what was written makes sense as a story.
//!
//! Classes: the dead acting (any act after its death, but the effects of
//! its own acts struck before it in the same tick) or narrated as alive
//! (a story event after its death that does not follow from it); one agent
//! in two places in one tick; coins from nowhere (loot picked beyond what
//! was dropped); a beat or goal ending citing a missing or later cause;
//! goal books that do not balance (an ending without its adoption, a second
//! goal without the first ending, the dead still holding one). Unresolved
//! template slots are the renderer's to find, over the same beats.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::verify::for_each_row;
use crate::events::Payload;
use crate::events::chain::Row;

/// What kind of contradiction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    DeadActing,
    NarratedAfterDeath,
    TwoPlaces,
    CoinsFromNowhere,
    BadCause,
    UnresolvedSlot,
    GoalBooks,
}

impl Class {
    pub const ALL: [Class; 7] = [
        Class::DeadActing,
        Class::NarratedAfterDeath,
        Class::TwoPlaces,
        Class::CoinsFromNowhere,
        Class::BadCause,
        Class::UnresolvedSlot,
        Class::GoalBooks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::DeadActing => "dead_acting",
            Class::NarratedAfterDeath => "narrated_after_death",
            Class::TwoPlaces => "two_places",
            Class::CoinsFromNowhere => "coins_from_nowhere",
            Class::BadCause => "bad_cause",
            Class::UnresolvedSlot => "unresolved_slot",
            Class::GoalBooks => "goal_books",
        }
    }
}

/// One contradiction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub class: Class,
    /// The first event that shows it.
    pub seq: u64,
    pub message: String,
}

/// Most findings kept in full; the rest are only counted.
pub const MAX_FINDINGS: usize = 100;

/// What the checker found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// Events read.
    pub events: u64,
    /// Findings by class (every one, kept or not).
    pub counts: BTreeMap<&'static str, u64>,
    /// The first [`MAX_FINDINGS`], in seq order.
    pub findings: Vec<Finding>,
    /// Goals adopted, ended and still held at the end.
    pub goals_adopted: u64,
    pub goals_ended: u64,
    pub goals_active: u64,
}

impl Audit {
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    pub fn add(&mut self, class: Class, seq: u64, message: String) {
        *self.counts.entry(class.as_str()).or_default() += 1;
        if self.findings.len() < MAX_FINDINGS {
            self.findings.push(Finding {
                class,
                seq,
                message,
            });
        }
    }
}

/// The running state of one pass.
#[derive(Default)]
struct Pass {
    audit: Audit,
    /// Seq of each agent's death.
    dead: BTreeMap<u64, u64>,
    /// (agent, tick) → where it was put by an event that places it.
    placed: BTreeMap<u64, (u64, (u32, u32), u64)>,
    /// Seqs of loot drops still on the ground, with what is left of them.
    loot: BTreeMap<u64, u64>,
    /// Each holder's goal: (adoption seq, goal).
    goals: BTreeMap<u64, (u64, String)>,
    /// Seqs of every adoption ever (an ending must name one).
    adoptions: BTreeSet<u64>,
    /// This tick's events' actors by seq (a consequence names its cause).
    actors: BTreeMap<u64, u64>,
    /// This tick's beats and goal endings: seq → what they cite.
    told: BTreeMap<u64, u64>,
    tick: u64,
}

/// Checks the story in `conn`.
pub fn audit(conn: &Connection) -> rusqlite::Result<Audit> {
    let mut pass = Pass::default();
    for_each_row(conn, |row, _| {
        pass.row(&row);
        true
    })?;
    pass.finish();
    Ok(pass.audit)
}

/// Whether a kind is the narrative's telling rather than an act.
fn narrated(kind: &str) -> bool {
    matches!(
        kind,
        "beat" | "goal_ended" | "goal_adopted" | "life_stage" | "sifted"
    )
}

impl Pass {
    fn row(&mut self, row: &Row) {
        self.audit.events += 1;
        let h = &row.header;
        let payload = Payload::from_json(&row.payload);
        if h.tick != self.tick {
            self.actors.clear();
            self.told.clear();
            self.tick = h.tick;
        }
        if let Some(actor) = h.actor {
            self.actors.insert(h.seq, actor);
            self.after_death(row, actor);
        }
        if matches!(row.kind.as_str(), "beat" | "goal_ended")
            && let Some(c) = h.cause.filter(|c| *c < h.seq)
        {
            self.told.insert(h.seq, c);
        }
        if matches!(row.kind.as_str(), "beat" | "goal_ended" | "sifted")
            && h.cause.is_none_or(|c| c == 0 || c >= h.seq)
        {
            let message = format!("{} cites {:?}, not an earlier event", row.kind, h.cause);
            self.audit.add(Class::BadCause, h.seq, message);
        }
        let Some(p) = payload else {
            return;
        };
        match &p {
            Payload::Death { .. } => {
                if let Some(a) = h.actor {
                    self.dead.entry(a).or_insert(h.seq);
                }
            }
            Payload::Spawn { x, y, .. } | Payload::Arrived { x, y } => {
                if let Some(a) = h.actor {
                    self.place(a, h.tick, (*x, *y), h.seq);
                }
            }
            Payload::LootDropped { wealth, .. } => {
                self.loot.insert(h.seq, *wealth);
            }
            Payload::LootPicked { wealth, .. } => self.pick(h.seq, h.cause, *wealth),
            Payload::GoalAdopted { goal, .. } => self.adopted(row, goal.as_str()),
            Payload::GoalEnded { goal, adopted, .. } => self.ended(row, goal.as_str(), *adopted),
            _ => {}
        }
    }

    /// What a telling tells at bottom: a beat of a goal's end tells what
    /// ended the goal.
    fn root(&self, mut c: u64) -> u64 {
        while let Some(&up) = self.told.get(&c) {
            c = up;
        }
        c
    }

    /// Whether an event of `actor` after its death is the effect of its own
    /// act struck earlier in the tick, before it died (the damage of a blow
    /// dealt just before a cataclysm), not a new act.
    fn unfolding(&self, h: &crate::core::event::EventHeader, actor: u64, died: u64) -> bool {
        h.cause
            .is_some_and(|c| c < died && self.actors.get(&c) == Some(&actor))
    }

    /// Nothing acts after its death but what its death itself causes (its
    /// loot dropped, its coins inherited); the story may go on telling the
    /// dead only what follows from the death or came before it.
    fn after_death(&mut self, row: &Row, actor: u64) {
        let h = &row.header;
        let Some(&died) = self.dead.get(&actor) else {
            return;
        };
        // A sifted story looks back over lives, the dead's among them.
        if row.kind == "sifted" {
            return;
        }
        if row.kind == "death" {
            let message = format!("agent {actor} dies again (first at seq {died})");
            self.audit.add(Class::DeadActing, h.seq, message);
        } else if !narrated(&row.kind) && h.cause != Some(died) && !self.unfolding(h, actor, died) {
            let message = format!(
                "agent {actor} acts ({}) after its death at seq {died}",
                row.kind
            );
            self.audit.add(Class::DeadActing, h.seq, message);
        } else if row.kind == "goal_adopted"
            || row.kind == "life_stage"
            || h.cause.is_some_and(|c| self.root(c) > died)
        {
            let message = format!(
                "agent {actor} is told as alive ({}) after its death at seq {died}",
                row.kind
            );
            self.audit.add(Class::NarratedAfterDeath, h.seq, message);
        }
    }

    fn place(&mut self, agent: u64, tick: u64, (x, y): (f32, f32), seq: u64) {
        let at = (x.to_bits(), y.to_bits());
        if let Some(&(t, there, first)) = self.placed.get(&agent)
            && t == tick
            && there != at
        {
            let message = format!(
                "agent {agent} is at ({x}, {y}) and, at seq {first}, elsewhere in tick {tick}"
            );
            self.audit.add(Class::TwoPlaces, seq, message);
        }
        self.placed.insert(agent, (tick, at, seq));
    }

    fn pick(&mut self, seq: u64, cause: Option<u64>, wealth: u64) {
        let left = cause.and_then(|c| self.loot.get_mut(&c));
        match left {
            Some(left) if *left >= wealth => *left -= wealth,
            Some(left) => {
                let message = format!("{wealth} coins picked from a pile of {left}");
                self.audit.add(Class::CoinsFromNowhere, seq, message);
                *left = 0;
            }
            None if wealth > 0 => {
                let message = format!("{wealth} coins picked from no dropped loot ({cause:?})");
                self.audit.add(Class::CoinsFromNowhere, seq, message);
            }
            None => {}
        }
    }

    fn adopted(&mut self, row: &Row, goal: &str) {
        let h = &row.header;
        let Some(holder) = h.actor else {
            return;
        };
        self.audit.goals_adopted += 1;
        self.adoptions.insert(h.seq);
        if let Some((seq, old)) = self.goals.insert(holder, (h.seq, goal.to_string())) {
            let message =
                format!("agent {holder} adopts {goal} while its {old} (seq {seq}) has not ended");
            self.audit.add(Class::GoalBooks, h.seq, message);
        }
    }

    fn ended(&mut self, row: &Row, goal: &str, adopted: u64) {
        let h = &row.header;
        let Some(holder) = h.actor else {
            return;
        };
        self.audit.goals_ended += 1;
        match self.goals.get(&holder) {
            Some((seq, g)) if *seq == adopted && g == goal => {
                self.goals.remove(&holder);
            }
            _ => {
                let known = if self.adoptions.contains(&adopted) {
                    "not its current"
                } else {
                    "no"
                };
                let message = format!(
                    "agent {holder}'s {goal} ends, naming {known} adoption (seq {adopted})"
                );
                self.audit.add(Class::GoalBooks, h.seq, message);
            }
        }
    }

    fn finish(&mut self) {
        self.audit.goals_active = self.goals.len() as u64;
        let held_by_dead: Vec<(u64, u64, String)> = self
            .goals
            .iter()
            .filter(|(holder, _)| self.dead.contains_key(holder))
            .map(|(holder, (seq, goal))| (*holder, *seq, goal.clone()))
            .collect();
        for (holder, seq, goal) in held_by_dead {
            let message = format!("agent {holder} died still holding its {goal}");
            self.audit.add(Class::GoalBooks, seq, message);
        }
        if self.audit.goals_adopted != self.audit.goals_ended + self.audit.goals_active {
            let message = format!(
                "{} adopted, {} ended, {} active",
                self.audit.goals_adopted, self.audit.goals_ended, self.audit.goals_active
            );
            self.audit.add(Class::GoalBooks, 0, message);
        }
        self.audit.findings.sort_by_key(|f| f.seq);
    }
}
