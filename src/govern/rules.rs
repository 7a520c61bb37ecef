//! How each built-in rule judges one intent. A rule sees the intent, the
//! acting party and (for two-party actions) the other party as they stand at
//! the start of Govern, and the actor's conduct counters.

use bevy::math::Vec2;

use crate::core::TICK;
use crate::core::agent::components::{Conduct, EntityId};
use crate::core::agent::intent::{Action, Intent, Source};
use crate::core::agent::kinds::AgentKind;
use crate::core::scenario::Rule;
use crate::world::{ZoneLedger, Zones};

/// A party to an intent, as governance sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Party {
    pub id: EntityId,
    pub kind: AgentKind,
    pub pos: Vec2,
    pub alive: bool,
    pub wealth: u64,
    pub goods: u32,
}

/// The world around the intent.
pub struct Scene<'a> {
    pub tick: u64,
    pub zones: &'a Zones,
    pub ledger: &'a ZoneLedger,
}

/// A rule's decision.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Permit,
    /// Go on with this action instead; the reason says what changed.
    Mutate(Action, String),
    Deny(String),
}

/// Counts an intent in a window that restarts every `window` ticks;
/// returns the count including this one.
fn count_in(window_start: &mut u64, count: &mut u16, tick: u64, window: u32) -> u16 {
    if tick >= *window_start + window as u64 {
        *window_start = tick;
        *count = 0;
    }
    *count = count.saturating_add(1);
    *count
}

pub fn judge(
    rule: &Rule,
    scene: &Scene,
    intent: &Intent,
    action: &Action,
    me: &Party,
    other: Option<&Party>,
    conduct: &mut Conduct,
) -> Verdict {
    use Verdict::{Deny, Mutate, Permit};
    match *rule {
        Rule::DeadCannotAct if !me.alive => Deny(format!("{} is dead", me.id.0)),
        Rule::OwnEntity => match intent.source {
            Source::Client { owns } if owns != Some(me.id) => Deny(format!(
                "the client owns {}, not {}",
                owns.map_or("no entity".to_string(), |o| o.0.to_string()),
                me.id.0
            )),
            _ => Permit,
        },
        Rule::SpeedLimit { max_speed } => match *action {
            Action::Step { to } => {
                let max = max_speed * TICK.as_secs_f32();
                let dist = me.pos.distance(to);
                if dist <= max {
                    Permit
                } else {
                    let clamped = me.pos + (to - me.pos) * (max / dist);
                    Mutate(
                        Action::Step { to: clamped },
                        format!(
                            "a {dist:.1} m step in one tick exceeds {max_speed} m/s; cut to {max:.2} m"
                        ),
                    )
                }
            }
            _ => Permit,
        },
        Rule::RateLimit {
            max_actions,
            window_ticks,
        } => {
            let n = count_in(
                &mut conduct.window_start,
                &mut conduct.actions,
                scene.tick,
                window_ticks,
            );
            if n > max_actions {
                Deny(format!(
                    "{n} intents within {window_ticks} ticks; at most {max_actions}"
                ))
            } else {
                Permit
            }
        }
        Rule::SafeZones => match (action, other) {
            (Action::Attack { .. }, Some(o)) => {
                let here = scene.zones.zone_at(me.pos);
                let there = scene.zones.zone_at(o.pos);
                match [here, there].into_iter().find(|z| z.safe) {
                    Some(z) => Deny(format!("no fighting in the safe zone {:?}", z.name)),
                    None => Permit,
                }
            }
            _ => Permit,
        },
        Rule::PvpZones => match (action, other) {
            (Action::Attack { .. }, Some(o)) if me.kind.is_player() && o.kind.is_player() => {
                let here = scene.zones.zone_at(me.pos);
                let there = scene.zones.zone_at(o.pos);
                match [here, there].into_iter().find(|z| !z.pvp) {
                    Some(z) => Deny(format!(
                        "players may not fight players in {:?} (not a PvP zone)",
                        z.name
                    )),
                    None => Permit,
                }
            }
            _ => Permit,
        },
        Rule::Range {
            trade,
            attack,
            talk,
        } => {
            let limit = match action {
                Action::Trade { .. } => trade,
                Action::Attack { .. } => attack,
                Action::Chat { .. }
                | Action::Socialise { .. }
                | Action::Follow { .. }
                | Action::Reproduce { .. } => talk,
                _ => return Permit,
            };
            match other {
                Some(o) if me.pos.distance(o.pos) > limit => Deny(format!(
                    "{} is {:.1} m away; {} reaches {limit} m",
                    o.id.0,
                    me.pos.distance(o.pos),
                    action_name(action)
                )),
                Some(_) => Permit,
                None => Deny("the other party does not exist".into()),
            }
        }
        Rule::Solvency => match (*action, other) {
            (
                Action::Trade {
                    with,
                    goods,
                    price,
                    buying,
                },
                Some(o),
            ) => {
                let (buyer, seller) = if buying { (me, o) } else { (o, me) };
                let unit = (price / goods.max(1) as u32).max(1) as u64;
                let affordable = buyer.wealth / unit;
                let n = (goods as u64).min(affordable).min(seller.goods as u64) as u16;
                if n == 0 {
                    Deny(format!(
                        "buyer {} has {} coins for goods at {unit}, seller {} has {} goods",
                        buyer.id.0, buyer.wealth, seller.id.0, seller.goods
                    ))
                } else if n < goods {
                    let price = n as u32 * unit as u32;
                    Mutate(
                        Action::Trade {
                            with,
                            goods: n,
                            price,
                            buying,
                        },
                        format!(
                            "{goods} goods cut to {n}: what the buyer can pay and the seller holds"
                        ),
                    )
                } else {
                    Permit
                }
            }
            _ => Permit,
        },
        Rule::ChatLength { max } => match *action {
            Action::Chat {
                with,
                ticks,
                length,
            } if length > max => Mutate(
                Action::Chat {
                    with,
                    ticks,
                    length: max,
                },
                format!("a {length}-character message cut to {max}"),
            ),
            _ => Permit,
        },
        Rule::ChatSpam {
            max_chats,
            window_ticks,
        } => match action {
            Action::Chat { .. } => {
                let n = count_in(
                    &mut conduct.chat_window_start,
                    &mut conduct.chats,
                    scene.tick,
                    window_ticks,
                );
                if n > max_chats {
                    Deny(format!(
                        "{n} chats within {window_ticks} ticks; at most {max_chats}"
                    ))
                } else {
                    Permit
                }
            }
            _ => Permit,
        },
        Rule::ZonePopulationCap => {
            let zone = match action {
                Action::Travel { zone, .. } => scene.zones.get(*zone),
                Action::Reproduce { .. } => scene.zones.zone_at(me.pos),
                _ => return Permit,
            };
            let here = scene.ledger.population[zone.id.0 as usize];
            match zone.population_cap {
                Some(cap) if here >= cap => Deny(format!(
                    "{:?} is at its population cap ({here}/{cap})",
                    zone.name
                )),
                _ => Permit,
            }
        }
        Rule::NotOneself => match action.other() {
            Some(t) if t.id == me.id => {
                Deny(format!("{} cannot {} itself", me.id.0, action_name(action)))
            }
            _ => Permit,
        },
        Rule::DeadCannotAct => Permit,
    }
}

fn action_name(a: &Action) -> &'static str {
    a.kind().as_str()
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
