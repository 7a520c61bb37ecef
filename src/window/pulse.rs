//! Cascade pulses: an agent touched (as actor or target) by a reaction —
//! an event with cascade depth above 0 — flashes pale and swells for
//! [`PULSE_SECS`], fading back to its [`Look`]. The events are read from
//! the Events panel's ring as they arrive (only those with a seq beyond
//! the last one seen), so no second copy of the stream is kept; the pulse
//! list holds at most [`MAX_PULSES`] agents (the oldest make room).

use std::collections::{HashSet, VecDeque};

use bevy::prelude::*;

use super::colour::Bucket;
use super::events_panel::EventRing;
use super::scene::Palette;
use super::sync::{AgentVisual, Look, Mirror, SyncSet};
use super::view::ViewSettings;

/// How long a pulse lasts.
pub const PULSE_SECS: f32 = 0.5;
/// Agents pulsing at once, at most.
pub const MAX_PULSES: usize = 512;
/// How much a pulse swells an agent at its start.
const SWELL: f32 = 0.9;

/// The agents pulsing and when each pulse began (seconds of app time).
#[derive(Resource, Debug, Default)]
pub struct Pulses {
    list: VecDeque<(u64, f32)>,
    /// The newest event seq already read from the ring.
    seen: Option<u64>,
}

/// A pulse's strength `age` seconds in: 1 at the start, fading to 0.
pub fn strength(age: f32) -> Option<f32> {
    (0.0..PULSE_SECS)
        .contains(&age)
        .then(|| 1.0 - age / PULSE_SECS)
}

impl Pulses {
    /// Starts (or restarts) `id`'s pulse at `now`.
    pub fn add(&mut self, id: u64, now: f32) {
        self.list.retain(|(i, _)| *i != id);
        if self.list.len() == MAX_PULSES {
            self.list.pop_front();
        }
        self.list.push_back((id, now));
    }

    /// Drops pulses that are over.
    pub fn expire(&mut self, now: f32) {
        while self
            .list
            .front()
            .is_some_and(|(_, t)| strength(now - t).is_none())
        {
            self.list.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Pulses every agent touched by a reaction the ring holds beyond the
    /// last seq read. A ring whose newest seq went back (a replay sought
    /// backwards) is read afresh from its current end, flashing nothing.
    pub fn read(&mut self, ring: &EventRing, now: f32) {
        let Some(newest) = ring.at(ring.len().wrapping_sub(1)).map(|l| l.event.seq) else {
            return;
        };
        let seen = match self.seen {
            Some(s) if s <= newest => s,
            Some(_) => {
                self.seen = Some(newest);
                return;
            }
            None => 0,
        };
        // Newest first back to the last seen, then pulsed oldest first so
        // that the newest end up at the back of the list.
        let mut fresh = Vec::new();
        for i in (0..ring.len()).rev() {
            let Some(l) = ring.at(i) else { break };
            if self.seen.is_some() && l.event.seq <= seen {
                break;
            }
            if l.event.depth > 0 {
                fresh.push((l.event.actor, l.event.target));
            }
            if fresh.len() * 2 >= MAX_PULSES {
                break;
            }
        }
        for (actor, target) in fresh.into_iter().rev() {
            for id in [actor, target].into_iter().flatten() {
                self.add(id.0, now);
            }
        }
        self.seen = Some(newest);
    }
}

pub struct PulsePlugin;

impl Plugin for PulsePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Pulses>()
            .add_systems(Update, pulse.after(SyncSet));
    }
}

#[allow(clippy::too_many_arguments)]
fn pulse(
    time: Res<Time>,
    settings: Res<ViewSettings>,
    ring: Option<Res<EventRing>>,
    mirror: Res<Mirror>,
    palette: Res<Palette>,
    mut pulses: ResMut<Pulses>,
    mut lit: Local<HashSet<Entity>>,
    mut visuals: Query<
        (&mut Transform, &mut MeshMaterial3d<StandardMaterial>, &Look),
        With<AgentVisual>,
    >,
) {
    let now = time.elapsed_secs();
    if let Some(ring) = ring.as_deref() {
        pulses.read(ring, now);
    }
    pulses.expire(now);
    let mut still = HashSet::new();
    if settings.pulses {
        for &(id, start) in &pulses.list {
            let (Some(s), Some((entity, _, _))) = (strength(now - start), mirror.visuals.get(&id))
            else {
                continue;
            };
            if let Ok((mut t, mut m, look)) = visuals.get_mut(*entity) {
                t.scale = Vec3::splat(look.scale * (1.0 + SWELL * s));
                let flash = palette.look(Bucket::Flash);
                if m.0 != flash {
                    m.0 = flash;
                }
                still.insert(*entity);
            }
        }
    }
    // Pulses that ended (or were switched off) go back to their look.
    for entity in lit.difference(&still) {
        if let Ok((mut t, mut m, look)) = visuals.get_mut(*entity) {
            t.scale = Vec3::splat(look.scale);
            m.0 = palette.look(look.bucket);
        }
    }
    *lit = still;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::components::EntityId;
    use crate::events::{Event, Payload};

    fn event(seq: u64, depth: u8, actor: u64, target: u64) -> Event {
        Event {
            seq,
            tick: 1,
            actor: Some(EntityId(actor)),
            target: Some(EntityId(target)),
            cause: None,
            correlation: None,
            depth,
            payload: Payload::Attack { damage: 1 },
            handles: (None, None),
        }
    }

    fn ids(p: &Pulses) -> Vec<u64> {
        p.list.iter().map(|(i, _)| *i).collect()
    }

    #[test]
    fn pulses_fade_and_end() {
        assert_eq!(strength(0.0), Some(1.0));
        assert!(strength(PULSE_SECS / 2.0).unwrap() > 0.4);
        assert_eq!(strength(PULSE_SECS), None);
        assert_eq!(strength(-1.0), None);
        let mut p = Pulses::default();
        p.add(1, 0.0);
        p.add(2, 0.3);
        p.expire(0.6);
        assert_eq!(ids(&p), vec![2]);
    }

    #[test]
    fn the_list_is_bounded_and_a_repeat_restarts() {
        let mut p = Pulses::default();
        for id in 0..(MAX_PULSES as u64 + 10) {
            p.add(id, 0.0);
        }
        assert_eq!(p.len(), MAX_PULSES);
        assert_eq!(ids(&p)[0], 10, "the oldest made room");
        p.add(20, 0.1);
        assert_eq!(p.len(), MAX_PULSES);
        assert_eq!(*ids(&p).last().unwrap(), 20);
    }

    #[test]
    fn only_reactions_pulse_and_each_event_once() {
        let mut ring = EventRing::new(100);
        ring.push(event(1, 0, 10, 11), None);
        ring.push(event(2, 1, 12, 13), None);
        let mut p = Pulses::default();
        p.read(&ring, 0.0);
        assert_eq!(ids(&p), vec![12, 13]);
        p.expire(1.0);
        p.read(&ring, 1.0);
        assert!(p.is_empty(), "nothing new arrived");
        ring.push(event(3, 2, 14, 15), None);
        p.read(&ring, 1.0);
        assert_eq!(ids(&p), vec![14, 15]);
        // A replay went back: the ring restarts, nothing flashes.
        p.expire(5.0);
        let mut back = EventRing::new(100);
        back.push(event(2, 1, 12, 13), None);
        p.read(&back, 5.0);
        assert!(p.is_empty());
    }
}
