//! The director (Left 4 Dead's, per zone): every `every` ticks it looks at
//! the zones in id order and moves each one's machine — build-up until the
//! tension reaches the band's top, sustain the peak, let it fade, let the
//! zone relax, build up again — each state held its least ticks. In
//! build-up, a zone below the middle of its band is raided: monsters
//! bought with points from its people and coins (the first raids ramped),
//! no sooner than a cooldown after the last, at most `max_actions` a tick;
//! when the peak has been held, its raiders withdraw as it fades. A zone
//! above its band, in any state, gets a festival (no sooner than its
//! cooldown after the last): its people favour company over fights. A zone
//! below its band that no raid can reach now (cooling down, or too poor)
//! may get a plague instead.
//! Every decision is a `director` event naming the zone, its tension, band
//! and points, citing the event that last raised the tension; a raid is
//! carried out by the population at the next tick's Input. Switched off
//! (`on: false`), it only measures.

use bevy::prelude::*;

use super::tension::ZoneTension;
use crate::core::SimClock;
use crate::core::agent::components::Position;
use crate::core::scenario::director::{
    Band, DirectorAct, DirectorSpec, DirectorState, RaidOrder, RaidOrders,
};
use crate::core::scenario::festival::ZoneFestivals;
use crate::core::scenario::plague::PlagueOrders;
use crate::events::{EventLog, Payload};
use crate::population::EntityIndex;
use crate::world::{ZoneLedger, Zones};

/// The scenario's director, as the narrative holds it.
#[derive(Resource, Debug, Clone)]
pub struct Director(pub DirectorSpec);

/// One zone's machine.
#[derive(Clone, Copy, Debug, Default)]
pub struct ZoneMachine {
    pub state: DirectorState,
    /// Tick it entered `state`.
    pub since: u64,
    pub last_raid: Option<u64>,
    pub raids: u32,
    pub withdrawals: u32,
    pub shifts: u32,
    pub last_festival: Option<u64>,
    pub festivals: u32,
    pub last_plague: Option<u64>,
    pub plagues: u32,
}

/// Every zone's machine, in zone id order.
#[derive(Resource, Debug, Default)]
pub struct DirectorBook {
    pub zones: Vec<ZoneMachine>,
}

/// What the director decides for one zone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    Shift(DirectorState),
    Raid { monsters: u16 },
    Festival,
    Plague,
}

/// The raid points a zone has: from its people and coins, ramped over the
/// first raids.
pub fn budget(spec: &DirectorSpec, m: &ZoneMachine, people: u32, coins: u64) -> f32 {
    let r = &spec.raid;
    let full = people as f32 * r.per_head + (coins / 100) as f32 * r.per_100_coins;
    let ramp = ((m.raids + 1) as f32 / r.ramp.max(1) as f32).min(1.0);
    full * ramp
}

/// The decision for a zone at `now` with tension `t` and `points`, if any.
pub fn decide(
    spec: &DirectorSpec,
    m: &ZoneMachine,
    band: Band,
    t: f32,
    points: f32,
    now: u64,
) -> Option<Decision> {
    let held = now.saturating_sub(m.since);
    let s = &spec.states;
    // Too hot, whatever the state: calm it (the machine goes on after).
    let f = &spec.festival;
    if t > band.high
        && f.ticks > 0
        && m.last_festival
            .is_none_or(|at| now >= at + f.cooldown.max(f.ticks) as u64)
    {
        return Some(Decision::Festival);
    }
    match m.state {
        DirectorState::BuildUp if t >= band.high && held >= s.build_up as u64 => {
            Some(Decision::Shift(DirectorState::Sustain))
        }
        DirectorState::BuildUp => {
            let cooled = m
                .last_raid
                .is_none_or(|at| now >= at + spec.raid.cooldown as u64);
            // As many as the gap to the band's middle calls for (all of
            // `max_monsters` for a zone at rest), as far as points go.
            let mid = (band.low + band.high) / 2.0;
            let gap = ((mid - t) / mid.max(f32::EPSILON)).clamp(0.0, 1.0);
            let wanted = (spec.raid.max_monsters as f32 * gap).ceil() as u32;
            let affordable = (points / spec.raid.per_monster).floor() as u32;
            let monsters = wanted.min(affordable) as u16;
            if t < mid && cooled && monsters > 0 {
                return Some(Decision::Raid { monsters });
            }
            // Below the band and no raid can go: a plague, if one may.
            let p = &spec.plague;
            let plague_ok = p.ticks > 0
                && p.seeds > 0
                && m.last_plague.is_none_or(|at| now >= at + p.cooldown as u64);
            (t < band.low && plague_ok).then_some(Decision::Plague)
        }
        DirectorState::Sustain if held >= s.sustain as u64 => {
            Some(Decision::Shift(DirectorState::Fade))
        }
        DirectorState::Fade if held >= s.fade as u64 && t <= band.high => {
            Some(Decision::Shift(DirectorState::Relax))
        }
        DirectorState::Relax if held >= s.relax as u64 || t < band.low => {
            Some(Decision::Shift(DirectorState::BuildUp))
        }
        _ => None,
    }
}

/// Narrate: the tick's events move the zones' tension; on a director's
/// tick, each zone's machine decides.
#[allow(clippy::too_many_arguments)]
pub(super) fn direct(
    clock: Res<SimClock>,
    director: Res<Director>,
    zones: Res<Zones>,
    ledger: Res<ZoneLedger>,
    entities: Res<EntityIndex>,
    mut tension: ResMut<ZoneTension>,
    mut book: ResMut<DirectorBook>,
    mut orders: ResMut<RaidOrders>,
    mut festivals: ResMut<ZoneFestivals>,
    mut plagues: ResMut<PlagueOrders>,
    mut log: ResMut<EventLog>,
    positions: Query<&Position>,
) {
    if tension.level.len() != zones.all().len() {
        *tension = ZoneTension::new(&director.0, &zones);
    }
    for ev in log.pending() {
        if !tension.weighs(ev.payload.kind()) {
            continue;
        }
        let zone = match ev.payload {
            Payload::Death { zone, .. } => Some(zone),
            _ => ev
                .handles
                .0
                .or_else(|| entities.get(ev.actor?))
                .and_then(|e| positions.get(e).ok())
                .map(|p| zones.zone_at(p.0).id.0),
        };
        if let Some(zone) = zone {
            tension.add(ev, zone);
        }
    }
    let now = clock.tick;
    tension.settle(now);
    let spec = &director.0;
    if !spec.on || now == 0 || !now.is_multiple_of(spec.every as u64) {
        return;
    }
    book.zones.resize(zones.all().len(), ZoneMachine::default());
    let mut acts = 0u8;
    for (i, zone) in zones.all().iter().enumerate() {
        if acts >= spec.max_actions {
            break;
        }
        if !spec.zones.is_empty() && !spec.zones.contains(&zone.name) {
            continue;
        }
        let m = book.zones[i];
        let (t, band) = (tension.level[i], tension.band(i));
        let points = budget(spec, &m, ledger.population[i], ledger.treasury[i]);
        let Some(d) = decide(spec, &m, band, t, points, now) else {
            continue;
        };
        acts += 1;
        let m = &mut book.zones[i];
        let (act, monsters) = match d {
            Decision::Shift(state) => {
                (m.state, m.since, m.shifts) = (state, now, m.shifts + 1);
                // The peak is held long enough: the raiders go home.
                match state {
                    DirectorState::Fade if m.raids > 0 => {
                        m.withdrawals += 1;
                        (DirectorAct::Withdraw, 0)
                    }
                    _ => (DirectorAct::Shift, 0),
                }
            }
            Decision::Raid { monsters } => {
                (m.last_raid, m.raids) = (Some(now), m.raids + 1);
                (DirectorAct::Raid, monsters)
            }
            Decision::Plague => {
                (m.last_plague, m.plagues) = (Some(now), m.plagues + 1);
                (DirectorAct::Plague, 0)
            }
            Decision::Festival => {
                (m.last_festival, m.festivals) = (Some(now), m.festivals + 1);
                festivals.call(i, now + spec.festival.ticks as u64);
                (DirectorAct::Festival, 0)
            }
        };
        let payload = Payload::Director {
            zone: zone.id.0,
            state: m.state,
            act,
            tension: t,
            low: band.low,
            high: band.high,
            budget: points,
            monsters,
        };
        let seq = log.emit_ids(payload, None, None, tension.trigger[i]);
        let zone = zone.id.0;
        match act {
            DirectorAct::Raid => orders.0.push(RaidOrder::Send {
                zone,
                monsters,
                decision: seq,
            }),
            DirectorAct::Withdraw => orders.0.push(RaidOrder::Withdraw {
                zone,
                decision: seq,
            }),
            DirectorAct::Plague => plagues.orders.push((zone, seq)),
            DirectorAct::Shift | DirectorAct::Festival => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> DirectorSpec {
        ron::from_str(
            "(states: (build_up: 20, sustain: 30, fade: 10, relax: 40),
              raid: (per_head: 1.0, per_100_coins: 0.0, ramp: 2, per_monster: 5.0, max_monsters: 6, cooldown: 100),
              festival: (ticks: 0), plague: (ticks: 0))",
        )
        .expect("spec")
    }

    const BAND: Band = Band {
        low: 4.0,
        high: 20.0,
    };

    #[test]
    fn the_machine_builds_up_sustains_fades_and_relaxes_each_state_held_its_least() {
        let s = spec();
        let mut m = ZoneMachine::default();
        // At the top of the band too early: build-up is held 20 ticks.
        assert_eq!(decide(&s, &m, BAND, 25.0, 0.0, 10), None);
        let d = decide(&s, &m, BAND, 25.0, 0.0, 20);
        assert_eq!(d, Some(Decision::Shift(DirectorState::Sustain)));
        (m.state, m.since) = (DirectorState::Sustain, 20);
        assert_eq!(
            decide(&s, &m, BAND, 25.0, 99.0, 49),
            None,
            "no raid at the peak"
        );
        let d = decide(&s, &m, BAND, 25.0, 0.0, 50);
        assert_eq!(d, Some(Decision::Shift(DirectorState::Fade)));
        (m.state, m.since) = (DirectorState::Fade, 50);
        assert_eq!(
            decide(&s, &m, BAND, 25.0, 0.0, 90),
            None,
            "fades below the top"
        );
        let d = decide(&s, &m, BAND, 19.0, 0.0, 90);
        assert_eq!(d, Some(Decision::Shift(DirectorState::Relax)));
        (m.state, m.since) = (DirectorState::Relax, 90);
        assert_eq!(decide(&s, &m, BAND, 10.0, 99.0, 100), None);
        // Relaxed long enough, or fallen below the band: build up again.
        let up = Some(Decision::Shift(DirectorState::BuildUp));
        assert_eq!(decide(&s, &m, BAND, 10.0, 0.0, 130), up);
        assert_eq!(decide(&s, &m, BAND, 3.0, 0.0, 91), up);
    }

    #[test]
    fn a_quiet_zone_is_raided_within_its_points_cap_and_cooldown() {
        let s = spec();
        let mut m = ZoneMachine::default();
        // 12 people: 12 points, the first of two ramped raids gets half.
        let points = budget(&s, &m, 12, 0);
        assert_eq!(points, 6.0);
        assert_eq!(
            decide(&s, &m, BAND, 1.0, points, 10),
            Some(Decision::Raid { monsters: 1 })
        );
        (m.raids, m.last_raid) = (1, Some(10));
        assert_eq!(budget(&s, &m, 12, 0), 12.0, "ramped up");
        assert_eq!(decide(&s, &m, BAND, 1.0, 12.0, 109), None, "cooling down");
        assert_eq!(
            decide(&s, &m, BAND, 1.0, 12.0, 110),
            Some(Decision::Raid { monsters: 2 })
        );
        assert_eq!(
            decide(&s, &m, BAND, 1.0, 1000.0, 110),
            Some(Decision::Raid { monsters: 6 }),
            "capped"
        );
        assert_eq!(
            decide(&s, &m, BAND, 12.0, 1000.0, 110),
            None,
            "above the middle"
        );
        assert_eq!(
            decide(&s, &m, BAND, 1.0, 4.0, 110),
            None,
            "too poor for one"
        );
    }

    #[test]
    fn a_zone_above_its_band_gets_a_festival_in_any_state_after_its_cooldown() {
        let mut s = spec();
        s.festival.ticks = 50;
        s.festival.cooldown = 80;
        let mut m = ZoneMachine {
            state: DirectorState::Sustain,
            ..ZoneMachine::default()
        };
        assert_eq!(
            decide(&s, &m, BAND, 21.0, 0.0, 10),
            Some(Decision::Festival)
        );
        assert_eq!(
            decide(&s, &m, BAND, 20.0, 0.0, 10),
            None,
            "at the top is in band"
        );
        (m.last_festival, m.festivals, m.since) = (Some(10), 1, 70);
        assert_eq!(decide(&s, &m, BAND, 30.0, 0.0, 89), None, "cooling down");
        assert_eq!(
            decide(&s, &m, BAND, 30.0, 0.0, 90),
            Some(Decision::Festival)
        );
        s.festival.ticks = 0;
        assert_eq!(decide(&s, &m, BAND, 30.0, 0.0, 90), None, "switched off");
    }

    #[test]
    fn a_raid_is_as_big_as_the_gap_to_the_middle_calls_for() {
        let s = spec();
        let m = ZoneMachine::default();
        // Middle 12: at rest, all 6; a third of the way up, 4; near it, 1.
        let size = |t| match decide(&s, &m, BAND, t, 1000.0, 10) {
            Some(Decision::Raid { monsters }) => monsters,
            other => panic!("{other:?}"),
        };
        assert_eq!(size(0.0), 6);
        assert_eq!(size(4.0), 4);
        assert_eq!(size(11.0), 1);
    }

    #[test]
    fn a_zone_below_its_band_that_no_raid_can_reach_gets_a_plague() {
        let mut s = spec();
        (s.plague.ticks, s.plague.cooldown) = (150, 500);
        let mut m = ZoneMachine {
            last_raid: Some(100),
            raids: 1,
            ..ZoneMachine::default()
        };
        // The raid cools down until 200: below the band, a plague.
        assert_eq!(decide(&s, &m, BAND, 1.0, 99.0, 150), Some(Decision::Plague));
        assert_eq!(decide(&s, &m, BAND, 5.0, 99.0, 150), None, "in the band");
        assert_eq!(
            decide(&s, &m, BAND, 1.0, 99.0, 200),
            Some(Decision::Raid { monsters: 6 }),
            "a raid first, when one can go"
        );
        (m.last_plague, m.plagues, m.last_raid) = (Some(150), 1, Some(600));
        assert_eq!(
            decide(&s, &m, BAND, 1.0, 99.0, 649),
            None,
            "both cooling down"
        );
        assert_eq!(decide(&s, &m, BAND, 1.0, 99.0, 650), Some(Decision::Plague));
    }
}
