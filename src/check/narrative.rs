//! The narrative facts of a finished run, which narrative assertions judge
//! and the report shows: beats by rule, goals adopted and how they ended,
//! zone headlines dropped and gazettes printed, the story checker's
//! findings over `events.db`, how many deaths and births were told, and the
//! weightiest lives in words.

use std::collections::BTreeMap;
use std::path::Path;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::core::agent::story::{GoalKind, GoalOutcome};
use crate::core::scenario::checks::{Bound, NarrativeMeasure, Op};
use crate::core::scenario::{CheckKind, Verdict};
use crate::narrative::{GoalBook, ZoneChronicle};
use crate::store::consistency::{Finding, audit};
use crate::store::story::{life, top};
use crate::store::telling::{Teller, audit_text};
use crate::store::verify::open_read_only;

/// Findings listed in the report (all are counted).
const FINDINGS_LISTED: usize = 20;
/// Lives told in the report, and lines of each.
const LIVES: usize = 3;
const LINES_PER_LIFE: usize = 40;

/// One goal kind's book.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GoalLine {
    pub adopted: u64,
    /// By outcome name.
    pub ended: BTreeMap<String, u64>,
}

/// A life told.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ToldLife {
    pub entity: u64,
    /// `tick: words` per beat.
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NarrativeReport {
    /// Goals by kind name.
    pub goals: BTreeMap<String, GoalLine>,
    /// Goals held at the end.
    pub goals_active: u64,
    /// Whether adopted = ended + active (in the running book).
    pub goals_balanced: bool,
    pub headlines_dropped: u64,
    pub gazettes: u64,
    /// From the store (absent without one).
    #[serde(default)]
    pub beats: BTreeMap<String, u64>,
    #[serde(default)]
    pub deaths: u64,
    #[serde(default)]
    pub epitaphs: u64,
    #[serde(default)]
    pub births: u64,
    #[serde(default)]
    pub born_told: u64,
    /// The story checker's findings: total, by class, the first few.
    #[serde(default)]
    pub findings: u64,
    #[serde(default)]
    pub findings_by_class: BTreeMap<String, u64>,
    #[serde(default)]
    pub first_findings: Vec<Finding>,
    #[serde(default)]
    pub lives: Vec<ToldLife>,
    /// The live checks' findings during the run (`narrative::watch`).
    #[serde(default)]
    pub live_findings: u64,
    #[serde(default)]
    pub first_live_finding: Option<(u64, String)>,
    /// Whether the store was read (the fields above it are meaningful).
    #[serde(default)]
    pub checked: bool,
    /// Each zone under the director (empty without one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub director: Vec<super::director::ZoneDirection>,
    /// The live sifter's stories and pool (absent when the pack has no
    /// patterns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sift: Option<super::sift::SiftReport>,
}

impl NarrativeReport {
    /// The section for a run that ended with `world`, its store at `store`.
    pub fn build(world: &World, store: Option<&Path>) -> NarrativeReport {
        let mut r = NarrativeReport::default();
        if let Some(book) = world.get_resource::<GoalBook>() {
            for kind in GoalKind::ALL {
                let line = GoalLine {
                    adopted: book.adopted[kind as usize],
                    ended: GoalOutcome::ALL
                        .iter()
                        .map(|o| {
                            (
                                o.as_str().to_string(),
                                book.ended[kind as usize][*o as usize],
                            )
                        })
                        .filter(|(_, n)| *n > 0)
                        .collect(),
                };
                r.goals.insert(kind.as_str().to_string(), line);
            }
            r.goals_active = book.active();
            r.goals_balanced = book.balanced();
        }
        if let Some(live) = world.get_resource::<crate::narrative::LiveFindings>() {
            r.live_findings = live.count;
            r.first_live_finding = live.first.clone();
        }
        r.director = super::director::zones(world);
        r.sift = super::sift::SiftReport::build(world);
        if let Some(z) = world.get_resource::<ZoneChronicle>() {
            r.headlines_dropped = z.dropped;
            r.gazettes = z.gazettes;
        }
        if let Some(path) = store
            && let Err(e) = r.read_store(path)
        {
            r.first_findings.push(Finding {
                class: crate::store::consistency::Class::BadCause,
                seq: 0,
                message: format!("the store could not be read: {e}"),
            });
            r.findings += 1;
        }
        r
    }

    fn read_store(&mut self, path: &Path) -> Result<(), String> {
        let conn = open_read_only(path).map_err(|e| e.to_string())?;
        let sql = |e: rusqlite::Error| e.to_string();
        let mut a = audit(&conn).map_err(sql)?;
        audit_text(&conn, &mut a).map_err(|e| e.to_string())?;
        self.findings = a.total();
        self.findings_by_class = a.counts.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        self.first_findings = a.findings.into_iter().take(FINDINGS_LISTED).collect();
        let count = |q: &str| -> Result<u64, String> {
            conn.query_row(q, [], |r| r.get::<_, i64>(0))
                .map(|v| v as u64)
                .map_err(sql)
        };
        self.deaths = count("SELECT count(*) FROM events WHERE kind = 'death'")?;
        self.births = count("SELECT count(*) FROM events WHERE kind = 'birth'")?;
        let told = |beat: &str| {
            count(&format!(
                "SELECT count(*) FROM events WHERE kind = 'beat' AND json_extract(payload, '$.beat') = '{beat}'"
            ))
        };
        self.epitaphs = told("epitaph")?;
        self.born_told = told("born")?;
        let mut stmt = conn
            .prepare(
                "SELECT json_extract(payload, '$.beat'), count(*) FROM events WHERE kind = 'beat' GROUP BY 1 ORDER BY 1",
            )
            .map_err(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(sql)?;
        for row in rows {
            let (beat, n) = row.map_err(sql)?;
            self.beats.insert(beat.unwrap_or_default(), n as u64);
        }
        let mut teller = Teller::open(&conn).map_err(|e| e.to_string())?;
        for (id, _) in top(&conn, LIVES).map_err(sql)? {
            let lines = life(&conn, id).map_err(sql)?;
            let words = teller.tell(&conn, id, &lines).map_err(sql)?;
            let lines = lines
                .iter()
                .zip(words)
                .take(LINES_PER_LIFE)
                .map(|(l, w)| format!("{}: {}", l.tick, w.unwrap_or_else(|_| l.beat.clone())))
                .collect();
            self.lives.push(ToldLife { entity: id, lines });
        }
        if let Some(sift) = &mut self.sift {
            sift.tell_stories(&conn)?;
        }
        self.checked = true;
        Ok(())
    }

    /// Goals of `kind` (all kinds if `None`) that ended as `outcome` (any
    /// if `None`), or were adopted if `adopted`.
    pub fn goals_where(&self, kind: Option<GoalKind>, outcome: Option<GoalOutcome>) -> u64 {
        self.goals
            .iter()
            .filter(|(k, _)| kind.is_none_or(|want| want.as_str() == k.as_str()))
            .map(|(_, g)| match outcome {
                None => g.adopted,
                Some(o) => g.ended.get(o.as_str()).copied().unwrap_or(0),
            })
            .sum()
    }
}

/// A narrative assertion's verdict.
pub(super) fn judge(
    name: &str,
    measure: NarrativeMeasure,
    expect: &str,
    facts: Option<&NarrativeReport>,
    tick: u64,
) -> Verdict {
    let bound = Bound::parse(expect).unwrap_or(Bound {
        op: Op::Eq,
        value: f64::NAN,
    });
    let Some(f) = facts else {
        return super::judge::verdict(
            CheckKind::Assertion,
            name,
            false,
            "no narrative facts (the run has no store)".into(),
            bound.describe(),
            tick,
        );
    };
    let pct = |told: u64, all: u64| {
        if all == 0 {
            100.0
        } else {
            told as f64 * 100.0 / all as f64
        }
    };
    let needs_store = matches!(
        measure,
        NarrativeMeasure::Findings
            | NarrativeMeasure::EpitaphCoverage
            | NarrativeMeasure::BirthCoverage
    );
    let value = match measure {
        // The full check sees everything the live one does; the larger
        // count says how much is wrong.
        NarrativeMeasure::Findings => f.findings.max(f.live_findings) as f64,
        NarrativeMeasure::EpitaphCoverage => pct(f.epitaphs, f.deaths),
        NarrativeMeasure::BirthCoverage => pct(f.born_told, f.births),
        NarrativeMeasure::Adopted(kind) => f.goals_where(kind, None) as f64,
        NarrativeMeasure::Ended(kind, outcome) => match outcome {
            Some(o) => f.goals_where(kind, Some(o)) as f64,
            None => GoalOutcome::ALL
                .iter()
                .map(|o| f.goals_where(kind, Some(*o)))
                .sum::<u64>() as f64,
        },
        NarrativeMeasure::Unbalanced => {
            let ended: u64 = GoalOutcome::ALL
                .iter()
                .map(|o| f.goals_where(None, Some(*o)))
                .sum();
            f.goals_where(None, None) as f64 - ended as f64 - f.goals_active as f64
        }
    };
    if needs_store && !f.checked {
        return super::judge::verdict(
            CheckKind::Assertion,
            name,
            false,
            "not measured (the run has no store)".into(),
            bound.describe(),
            tick,
        );
    }
    super::judge::verdict(
        CheckKind::Assertion,
        name,
        bound.holds(value),
        format!("{value}"),
        bound.describe(),
        tick,
    )
}
