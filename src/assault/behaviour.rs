//! How a virtual player plays: the choice of each next action from what the
//! client knows ([`View`]), per profile, and its think-time jitter. Choices
//! come from a PCG32 seeded by the run seed and the client index only, so
//! the same seed replays the same intentions (what the server answers may
//! still differ between runs). Honest profiles keep to the rules they can
//! know (steps under the speed limit, short chats, affordable prices, only
//! their own entity); the griefer breaks them on purpose: teleports,
//! spending what it does not have, chat spam, commanding others' entities.

use std::time::Duration;

use rand_pcg::Pcg32;

use super::profile::{Profile, View};
use crate::core::protocol::{ActionArgs, ActionKindMsg};
use crate::core::rng::{Draw, entity_rng, mix64};

/// How soon the next action follows this one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// After the client's think time.
    Think,
    /// Right away (one tick later): the griefer's chat bursts.
    Quick,
}

/// One chosen action.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub kind: ActionKindMsg,
    pub args: ActionArgs,
    pub pace: Pace,
}

/// A legal step is at most 0.4 m (4 m/s at 10 ticks/s); this leaves room for
/// rounding on the server's side.
const HONEST_STEP: f32 = 0.35;
/// What chat_length allows (200 characters); griefers exceed it.
const CHAT_MAX: usize = 200;
/// Chats in one griefer burst: more than chat_spam's 3 per 30 ticks.
const SPAM_BURST: u8 = 6;

const PHRASES: [&str; 8] = [
    "well met",
    "any iron for sale?",
    "the road north is clear",
    "have you seen the caravan?",
    "fine weather for it",
    "I will trade you fairly",
    "watch the forest at night",
    "see you at the market",
];

/// One client's decision maker.
#[derive(Clone, Debug)]
pub struct Behaviour {
    pub profile: Profile,
    rng: Pcg32,
    spam_left: u8,
    waypoint: Option<[f32; 2]>,
}

impl Behaviour {
    pub fn new(profile: Profile, seed: u64, client: u64) -> Behaviour {
        Behaviour {
            profile,
            // Salted so that client 3 does not draw what entity 3 draws in a
            // simulation run with the same seed.
            rng: entity_rng(mix64(seed ^ 0x00a5_5a01_7000), client),
            spam_left: 0,
            waypoint: None,
        }
    }

    /// `base` scaled by a uniform factor in [0.5, 1.5): clients that started
    /// together drift apart instead of acting in lockstep.
    pub fn jitter(&mut self, base: Duration) -> Duration {
        base.mul_f32(0.5 + self.rng.unit())
    }

    /// The next action.
    pub fn next(&mut self, view: &View) -> Planned {
        if self.spam_left > 0 {
            self.spam_left -= 1;
            return self.spam(view);
        }
        match self.profile {
            Profile::Trader => self.trader(view),
            Profile::Fighter => self.fighter(view),
            Profile::Chatter => self.chatter(view),
            Profile::Explorer => self.explorer(view),
            Profile::Griefer => self.griefer(view),
        }
    }

    fn trader(&mut self, view: &View) -> Planned {
        let Some(partner) = self.partner(view) else {
            return self.pick(view, &[(Act::Gather, 3.0), (Act::Rest, 1.0)]);
        };
        match self.rng.weighted(&[6.0, 2.0, 1.0, 1.0]) {
            Some(0) => {
                let goods = self.rng.between(1, 5) as u16;
                let unit = self.rng.between(5, 20);
                let args = ActionArgs {
                    with: Some(partner),
                    goods: Some(goods),
                    price: Some(goods as u32 * unit),
                    buying: Some(self.rng.chance(0.5)),
                    ..ActionArgs::default()
                };
                planned(ActionKindMsg::Trade, args)
            }
            Some(1) => self.act(view, Act::Gather),
            Some(2) => self.act(view, Act::Chat),
            _ => self.act(view, Act::Rest),
        }
    }

    fn fighter(&mut self, view: &View) -> Planned {
        self.pick(
            view,
            &[
                (Act::Attack, 5.0),
                (Act::Follow, 2.0),
                (Act::Step, 1.5),
                (Act::Rest, 1.5),
            ],
        )
    }

    fn chatter(&mut self, view: &View) -> Planned {
        self.pick(
            view,
            &[
                (Act::Chat, 6.0),
                (Act::Socialise, 2.5),
                (Act::Follow, 0.5),
                (Act::Idle, 1.0),
            ],
        )
    }

    fn explorer(&mut self, view: &View) -> Planned {
        self.pick(
            view,
            &[
                (Act::Step, 4.5),
                (Act::Travel, 3.0),
                (Act::Gather, 1.5),
                (Act::Rest, 1.0),
            ],
        )
    }

    fn griefer(&mut self, view: &View) -> Planned {
        match self.rng.weighted(&[3.0, 2.5, 2.5, 1.5, 1.0, 1.0]) {
            Some(0) => self.teleport(view),
            Some(1) => match self.partner(view) {
                // Far more than anyone owns: solvency has to step in.
                Some(with) => planned(
                    ActionKindMsg::Trade,
                    ActionArgs {
                        with: Some(with),
                        goods: Some(self.rng.between(10_000, u16::MAX as u32) as u16),
                        price: Some(self.rng.between(1 << 30, u32::MAX)),
                        buying: Some(true),
                        ..ActionArgs::default()
                    },
                ),
                None => self.teleport(view),
            },
            Some(2) => {
                self.spam_left = SPAM_BURST - 1;
                self.spam(view)
            }
            // Commands a neighbour's entity (pulls it over): own_entity
            // has to refuse.
            Some(3) => match self.partner(view) {
                Some(other) => planned(
                    ActionKindMsg::Move,
                    ActionArgs {
                        actor: Some(other),
                        ..xy(view.pos)
                    },
                ),
                None => self.teleport(view),
            },
            Some(4) => self.act(view, Act::Attack),
            _ => self.act(view, Act::Travel),
        }
    }

    /// A move far beyond the speed limit: across the world, or 500 m away
    /// when the world's size is unknown.
    fn teleport(&mut self, view: &View) -> Planned {
        let [w, h] = view.size;
        let to = if w > 1.0 && h > 1.0 {
            let far = [(view.pos[0] + w / 2.0) % w, (view.pos[1] + h / 2.0) % h];
            [
                far[0] + self.rng.signed() * 5.0,
                far[1] + self.rng.signed() * 5.0,
            ]
        } else {
            [view.pos[0] + 500.0, view.pos[1] + 500.0]
        };
        planned(ActionKindMsg::Move, xy(to))
    }

    /// An over-long message, one of a burst.
    fn spam(&mut self, view: &View) -> Planned {
        let Some(with) = self.partner(view) else {
            self.spam_left = 0;
            return self.teleport(view);
        };
        let phrase = PHRASES[self.rng.below(PHRASES.len() as u32) as usize];
        let mut text = String::with_capacity(CHAT_MAX * 2 + phrase.len());
        while text.len() <= CHAT_MAX + 100 {
            text.push_str(phrase);
            text.push(' ');
        }
        let pace = if self.spam_left > 0 {
            Pace::Quick
        } else {
            Pace::Think
        };
        Planned {
            kind: ActionKindMsg::Chat,
            args: ActionArgs {
                with: Some(with),
                text: Some(text),
                ..ActionArgs::default()
            },
            pace,
        }
    }

    fn partner(&mut self, view: &View) -> Option<u64> {
        if view.nearby.is_empty() {
            return None;
        }
        Some(view.nearby[self.rng.below(view.nearby.len() as u32) as usize])
    }

    fn pick(&mut self, view: &View, weighted: &[(Act, f32)]) -> Planned {
        let weights: Vec<f32> = weighted.iter().map(|(_, w)| *w).collect();
        let act = self
            .rng
            .weighted(&weights)
            .map_or(Act::Idle, |i| weighted[i].0);
        self.act(view, act)
    }

    /// An honest action of kind `act`; one that needs a partner falls back
    /// to a solitary one when nobody is near.
    fn act(&mut self, view: &View, act: Act) -> Planned {
        let ticks = |rng: &mut Pcg32, lo: u32, hi: u32| Some(rng.between(lo, hi) as u16);
        let with = match act {
            Act::Chat | Act::Attack | Act::Socialise | Act::Follow => match self.partner(view) {
                Some(with) => Some(with),
                None => return self.act(view, Act::Step),
            },
            _ => None,
        };
        let (kind, args) = match act {
            Act::Step => (ActionKindMsg::Move, xy(self.step(view))),
            Act::Travel => match self.other_zone(view) {
                Some(zone) => (
                    ActionKindMsg::Travel,
                    ActionArgs {
                        zone: Some(zone),
                        ..ActionArgs::default()
                    },
                ),
                None => (ActionKindMsg::Move, xy(self.step(view))),
            },
            Act::Gather => (
                ActionKindMsg::Gather,
                ticks_args(ticks(&mut self.rng, 10, 50)),
            ),
            Act::Rest => (
                ActionKindMsg::Rest,
                ticks_args(ticks(&mut self.rng, 10, 50)),
            ),
            Act::Idle => (ActionKindMsg::Idle, ActionArgs::default()),
            Act::Chat => {
                let phrase = PHRASES[self.rng.below(PHRASES.len() as u32) as usize];
                let args = ActionArgs {
                    with,
                    text: Some(phrase.to_string()),
                    ..ActionArgs::default()
                };
                (ActionKindMsg::Chat, args)
            }
            Act::Attack => (
                ActionKindMsg::Attack,
                ActionArgs {
                    with,
                    ..ActionArgs::default()
                },
            ),
            Act::Socialise | Act::Follow => {
                let (kind, t) = if act == Act::Socialise {
                    (ActionKindMsg::Socialise, ticks(&mut self.rng, 10, 30))
                } else {
                    (ActionKindMsg::Follow, ticks(&mut self.rng, 20, 60))
                };
                let args = ActionArgs {
                    with,
                    ticks: t,
                    ..ActionArgs::default()
                };
                (kind, args)
            }
        };
        planned(kind, args)
    }

    /// One legal step towards the current waypoint (a new one, within 20 m,
    /// once it is reached).
    fn step(&mut self, view: &View) -> [f32; 2] {
        let pos = view.pos;
        let waypoint = match self.waypoint {
            Some(w) if dist(pos, w) > HONEST_STEP => w,
            _ => {
                let w = [
                    pos[0] + self.rng.signed() * 20.0,
                    pos[1] + self.rng.signed() * 20.0,
                ];
                let w = clamp_to(view.size, w);
                self.waypoint = Some(w);
                w
            }
        };
        let d = dist(pos, waypoint);
        if d <= HONEST_STEP {
            return waypoint;
        }
        let k = HONEST_STEP / d;
        [
            pos[0] + (waypoint[0] - pos[0]) * k,
            pos[1] + (waypoint[1] - pos[1]) * k,
        ]
    }

    fn other_zone(&mut self, view: &View) -> Option<u16> {
        let others: Vec<u16> = view
            .zones
            .iter()
            .map(|z| z.id)
            .filter(|id| *id != view.zone)
            .collect();
        if others.is_empty() {
            return None;
        }
        Some(others[self.rng.below(others.len() as u32) as usize])
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    Step,
    Travel,
    Gather,
    Rest,
    Idle,
    Chat,
    Attack,
    Socialise,
    Follow,
}

fn planned(kind: ActionKindMsg, args: ActionArgs) -> Planned {
    Planned {
        kind,
        args,
        pace: Pace::Think,
    }
}

fn xy(p: [f32; 2]) -> ActionArgs {
    ActionArgs {
        x: Some(p[0]),
        y: Some(p[1]),
        ..ActionArgs::default()
    }
}

fn ticks_args(ticks: Option<u16>) -> ActionArgs {
    ActionArgs {
        ticks,
        ..ActionArgs::default()
    }
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Keeps a waypoint inside the world when its size is known.
fn clamp_to(size: [f32; 2], p: [f32; 2]) -> [f32; 2] {
    if size[0] <= 0.0 || size[1] <= 0.0 {
        return p;
    }
    [p[0].clamp(0.0, size[0]), p[1].clamp(0.0, size[1])]
}

#[cfg(test)]
#[path = "behaviour_tests.rs"]
mod tests;
