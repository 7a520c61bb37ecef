//! The server's world as the stream has shown it so far: every entity from
//! the last `snapshot` with the `delta`s since, the last heatmap and
//! metrics. It is plain data, fed one [`ServerMsg`] at a time, so all its
//! rules (a snapshot replaces, a delta changes and removes, a bad heatmap
//! is ignored, caps hold) are tested without a socket. Frames are built
//! from it; the session decides when.

use std::collections::BTreeMap;
use std::sync::Arc;

use bevy::math::Vec2;

use super::super::{Agent, Frame, Heat, Info, Logged, Notice, SourceKind, Stats, ZoneView};
use super::wire;
use crate::core::agent::ZoneId;
use crate::core::agent::kinds::KIND_COUNT;
use crate::core::protocol::{EntityView, ServerMsg, WorldInfo};
use crate::core::stat7::Realm;

/// Most entities mirrored; a server showing more has the rest left out
/// (counted, told once). Far above any population the window can draw.
pub const MAX_ENTITIES: usize = 1 << 20;
/// Most heatmap cells accepted (1024 × 1024).
pub const MAX_HEAT_CELLS: u64 = 1 << 20;

/// Things that went wrong, each told to the window once, then only counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Trouble {
    Entity,
    Event,
    Heat,
    Full,
}

/// What one stream message changed besides the mirror.
#[derive(Debug, Default)]
pub struct Applied {
    pub events: Vec<Logged>,
    pub notices: Vec<Notice>,
}

#[derive(Debug, Default)]
pub struct Mirror {
    realms: BTreeMap<u16, Realm>,
    agents: BTreeMap<u64, Agent>,
    /// The agents as last handed out, until something changes them.
    cached: Option<Arc<Vec<Agent>>>,
    pub tick: u64,
    heat: Heat,
    stats: Stats,
    events_total: Option<u64>,
    /// Entities, events and heatmaps that could not be read; entities left
    /// out because the mirror was full.
    pub unreadable_entities: u64,
    pub unreadable_events: u64,
    pub bad_heatmaps: u64,
    pub left_out: u64,
    told: Vec<Trouble>,
    /// Entities mirrored at most (0: [`MAX_ENTITIES`]; tests lower it).
    limit: usize,
}

/// The window's description of a server's world, and the mirror for it.
pub fn describe(world: &WorldInfo, url: &str, can_tune: bool) -> (Info, Mirror, Vec<Notice>) {
    let mut mirror = Mirror::default();
    let mut notices = Vec::new();
    let zones = world
        .zones
        .iter()
        .map(|z| {
            let realm = z.realm.parse::<Realm>().unwrap_or_else(|_| {
                notices.push(Notice::Problem(format!(
                    "zone {} ({}): unknown realm {:?}, drawn as void",
                    z.id, z.name, z.realm
                )));
                Realm::Void
            });
            mirror.realms.insert(z.id, realm);
            ZoneView {
                id: z.id,
                name: z.name.clone(),
                realm,
                min: Vec2::from(z.min),
                max: Vec2::from(z.max),
            }
        })
        .collect();
    let info = Info {
        title: format!(
            "seedsim — {} (seed {}) at {url}",
            world.scenario, world.seed
        ),
        kind: SourceKind::Remote {
            url: url.to_string(),
            can_tune,
        },
        size: Vec2::from(world.size),
        zones,
        ticks: None,
    };
    (info, mirror, notices)
}

impl Mirror {
    fn trouble(&mut self, what: Trouble, text: String, out: &mut Applied) {
        if !self.told.contains(&what) {
            self.told.push(what);
            out.notices.push(Notice::Problem(format!(
                "{text} (further ones are only counted)"
            )));
        }
    }

    fn upsert(&mut self, views: &[EntityView], out: &mut Applied) {
        for v in views {
            let realms = &self.realms;
            match wire::agent(v, |z| realms.get(&z).copied()) {
                Ok(a) => {
                    let limit = if self.limit == 0 {
                        MAX_ENTITIES
                    } else {
                        self.limit
                    };
                    if self.agents.len() >= limit && !self.agents.contains_key(&a.id) {
                        self.left_out += 1;
                        let text = format!("more than {limit} entities: the rest are not drawn");
                        self.trouble(Trouble::Full, text, out);
                        continue;
                    }
                    self.agents.insert(a.id, a);
                }
                Err(e) => {
                    self.unreadable_entities += 1;
                    // An entity that can no longer be read must not stay drawn as it was.
                    self.agents.remove(&v.id);
                    self.trouble(Trouble::Entity, format!("an unreadable entity: {e}"), out);
                }
            }
        }
    }

    /// Takes one message from the stream.
    pub fn apply(&mut self, msg: ServerMsg) -> Applied {
        let mut out = Applied::default();
        match msg {
            ServerMsg::Snapshot { tick, entities } => {
                self.tick = self.tick.max(tick);
                self.agents.clear();
                self.cached = None;
                self.upsert(&entities, &mut out);
            }
            ServerMsg::Delta {
                tick,
                changed,
                removed,
            } => {
                self.tick = self.tick.max(tick);
                self.cached = None;
                for id in removed {
                    self.agents.remove(&id);
                }
                self.upsert(&changed, &mut out);
            }
            ServerMsg::Events { tick, events, .. } => {
                self.tick = self.tick.max(tick);
                for v in &events {
                    match wire::event(v) {
                        Ok(event) => {
                            // Where it happened, when the event says;
                            // else where its actor stands.
                            let zone = super::super::stated_zone(&event.payload)
                                .or_else(|| {
                                    event
                                        .actor
                                        .and_then(|a| self.agents.get(&a.0))
                                        .map(|a| a.zone)
                                })
                                .map(ZoneId);
                            out.events.push(Logged { event, zone });
                        }
                        Err(e) => {
                            self.unreadable_events += 1;
                            self.trouble(
                                Trouble::Event,
                                format!("an unreadable event: {e}"),
                                &mut out,
                            );
                        }
                    }
                }
            }
            ServerMsg::Heatmap {
                tick,
                cols,
                rows,
                counts,
                ..
            } => {
                self.tick = self.tick.max(tick);
                let cells = u64::from(cols) * u64::from(rows);
                if cells == counts.len() as u64 && cells > 0 && cells <= MAX_HEAT_CELLS {
                    self.heat = Heat { cols, rows, counts };
                } else {
                    self.bad_heatmaps += 1;
                    let text = format!(
                        "a heatmap of {cols}×{rows} cells with {} counts was ignored",
                        counts.len()
                    );
                    self.trouble(Trouble::Heat, text, &mut out);
                }
            }
            ServerMsg::Metrics {
                tick,
                population,
                events,
                tick_ms,
                ..
            } => {
                self.tick = self.tick.max(tick);
                self.stats.tick_ms = if tick_ms.is_finite() {
                    tick_ms.max(0.0)
                } else {
                    0.0
                };
                self.stats.population = population;
                // The stream counts events since the start; the plots want a tick's.
                self.stats.events = self.events_total.map_or(0, |t| events.saturating_sub(t));
                self.events_total = Some(events);
            }
            ServerMsg::Lagged { tick, dropped } => {
                self.tick = self.tick.max(tick);
                out.notices.push(Notice::Problem(format!(
                    "the server skipped {dropped} messages to this window (too slow to take them); a fresh snapshot follows"
                )));
            }
            ServerMsg::Error { code, message, .. } => {
                out.notices.push(Notice::Problem(format!(
                    "the server refused: {message} ({code:?})"
                )));
            }
            // Not asked for (a viewer neither logs in nor acts); a later
            // `hello` would describe the same world.
            ServerMsg::Hello { .. } | ServerMsg::Welcome { .. } | ServerMsg::Ack { .. } => {}
        }
        out
    }

    pub fn len(&self) -> usize {
        self.agents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.agents.is_empty()
    }

    /// The frame as the mirror stands (tunables, inspection and pause are
    /// the session's to fill in).
    pub fn frame(&mut self) -> Frame {
        let agents = self
            .cached
            .get_or_insert_with(|| Arc::new(self.agents.values().copied().collect()))
            .clone();
        let mut by_kind = [0u32; KIND_COUNT];
        for a in agents.iter() {
            by_kind[a.kind.index()] += 1;
        }
        Frame {
            tick: self.tick,
            agents,
            heat: self.heat.clone(),
            stats: Stats {
                by_kind,
                ..self.stats.clone()
            },
            speed: 1.0,
            ..Frame::default()
        }
    }
}

#[cfg(test)]
#[path = "mirror_tests.rs"]
mod tests;
