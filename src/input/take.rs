//! Taking a tick's inputs: logins spawn piloted players, logouts end their
//! sessions, actions become intents (judged later like any other), and
//! tunable changes replace the parameters. Everything here depends only on
//! the inputs and the world, so a replay fed the same inputs does the same.

use bevy::ecs::system::SystemParam;
use bevy::math::Vec2;
use bevy::prelude::*;

use super::command::{Input, ticks_or_default};
use super::{
    ClientIntents, InputFeed, MAX_INPUTS_PER_TICK, NextInput, PendingActs, QueuedInputs, Replies,
    Reply, Sessions, TickInputs,
};
use crate::core::agent::ZoneId;
use crate::core::agent::components::{Life, Vitals};
use crate::core::agent::intent::{Action, Intent, Source, Target};
use crate::core::agent::{ChatTexts, EntityId, Intents, Kind};
use crate::core::protocol::{ActionKindMsg, ActionMsg, ErrorCode, Refusal};
use crate::core::{RunSeed, SimClock};
use crate::events::EventLog;
use crate::population::{
    Calendar, Census, EntityIndex, NextId, SimParams, SpawnPlan, TickCounters,
};
use crate::world::{SpatialGrid, Zones};

/// A piloted player's session lasts until its client leaves; this bound
/// (ten days of ticks) only keeps its calendar entry finite.
pub(super) const PILOTED_SESSION_TICKS: i64 = 10 * 24 * 36_000;
/// Entities named in a welcome.
pub(super) const NEARBY: usize = 8;

/// The bookkeeping of who enters the world through an input (logins, actors
/// entering): ids, census, calendar, index and their spawn events.
#[derive(SystemParam)]
pub(super) struct ArrivalBooks<'w> {
    pub(super) clock: Res<'w, SimClock>,
    pub(super) seed: Res<'w, RunSeed>,
    pub(super) zones: Res<'w, Zones>,
    pub(super) grid: Res<'w, SpatialGrid>,
    pub(super) plan: Res<'w, SpawnPlan>,
    pub(super) params: ResMut<'w, SimParams>,
    pub(super) next_id: ResMut<'w, NextId>,
    pub(super) census: ResMut<'w, Census>,
    pub(super) calendar: ResMut<'w, Calendar>,
    pub(super) index: ResMut<'w, EntityIndex>,
    pub(super) counters: ResMut<'w, TickCounters>,
    pub(super) log: ResMut<'w, EventLog>,
}

#[derive(SystemParam)]
pub(super) struct Desk<'w> {
    pub(super) feed: ResMut<'w, InputFeed>,
    pub(super) queued: ResMut<'w, QueuedInputs>,
    pub(super) taken: ResMut<'w, TickInputs>,
    pub(super) next: ResMut<'w, NextInput>,
    pub(super) sessions: ResMut<'w, Sessions>,
    pub(super) replies: ResMut<'w, Replies>,
    pub(super) intents: ResMut<'w, ClientIntents>,
    pub(super) pending: ResMut<'w, PendingActs>,
    pub(super) texts: ResMut<'w, ChatTexts>,
}

pub(super) fn take_inputs(
    mut commands: Commands,
    mut desk: Desk,
    mut books: ArrivalBooks,
    agents: Query<(&Life, &Vitals)>,
) {
    let tick = books.clock.tick;
    desk.taken.0.clear();
    desk.replies.0.clear();
    desk.pending.0.clear();
    desk.texts.0.clear();
    let mut inputs = std::mem::take(&mut desk.queued.0);
    inputs.extend(drain(&mut desk.feed, tick));
    for input in inputs {
        let id = desk.next.0;
        desk.next.0 += 1;
        books.log.correlate(Some(id));
        match &input {
            Input::Login { session, name } => super::login::login(
                &mut commands,
                &mut desk,
                &mut books,
                *session,
                name.as_deref(),
                None,
            ),
            Input::Enter {
                session,
                kind,
                zone,
                at,
                wealth,
                goods,
                ..
            } => super::login::login(
                &mut commands,
                &mut desk,
                &mut books,
                *session,
                None,
                Some(super::login::Embodiment {
                    kind: *kind,
                    zone: *zone,
                    at: at.map(|(x, y)| Vec2::new(x, y)),
                    wealth: *wealth,
                    goods: *goods,
                }),
            ),
            Input::Logout { session } => {
                if let Some((eid, entity)) = desk.sessions.0.remove(session)
                    && let Ok((life, vitals)) = agents.get(entity)
                    && vitals.alive()
                {
                    // Ending the session now: Apply's end of lives makes it depart.
                    books
                        .calendar
                        .reschedule(life.ends, tick as i64, eid, entity);
                }
            }
            Input::Act {
                session,
                req_id,
                action,
            } => match intent(&desk, &books, *session, action, id) {
                Ok(intent) => {
                    if let Some(text) = &action.args.text
                        && action.kind == ActionKindMsg::Chat
                    {
                        desk.texts.0.insert(id, text.as_str().into());
                    }
                    desk.intents.0.push(intent);
                    desk.pending.0.push((id, *session, *req_id));
                }
                Err(code_message) => desk.replies.0.push(Reply::Refused {
                    session: *session,
                    refusal: Refusal {
                        code: code_message.0,
                        message: code_message.1,
                        req_id: Some(*req_id),
                    },
                }),
            },
            Input::Tune { patch } => {
                // Checked before it was queued; a change that no longer
                // applies (a recorded file edited by hand) changes nothing.
                if let Ok(p) = patch.applied_to(&books.params) {
                    *books.params = p;
                }
            }
            // Controls change when ticks run, not what they do; faults are
            // struck by the fault plugin from `TickInputs`.
            Input::Control { .. } | Input::Fault { .. } => {}
        }
        desk.taken.0.push((id, input));
    }
    books.log.correlate(None);
}

/// This tick's inputs from the feed, at most `MAX_INPUTS_PER_TICK`.
fn drain(feed: &mut InputFeed, tick: u64) -> Vec<Input> {
    match feed {
        InputFeed::Closed => Vec::new(),
        InputFeed::Live(rx, ended) => {
            let mut inputs: Vec<Input> = rx.try_iter().take(MAX_INPUTS_PER_TICK).collect();
            inputs.extend(
                ended
                    .take()
                    .into_iter()
                    .map(|session| Input::Logout { session }),
            );
            inputs
        }
        InputFeed::Replay(queue) => {
            let mut out = Vec::new();
            while queue.front().is_some_and(|(t, _)| *t <= tick) {
                if let Some((_, input)) = queue.pop_front() {
                    out.push(input);
                }
            }
            out
        }
    }
}

/// The intent a client's action asks for, or why the world refuses it.
fn intent(
    desk: &Desk,
    books: &ArrivalBooks,
    session: u64,
    action: &ActionMsg,
    correlation: u64,
) -> Result<Intent, (ErrorCode, String)> {
    let Some(&(owned, _)) = desk.sessions.0.get(&session) else {
        return Err((ErrorCode::NotLoggedIn, "log in before acting".into()));
    };
    let target = |id: u64, what: &str| -> Result<Target, (ErrorCode, String)> {
        books
            .index
            .get(EntityId(id))
            .map(|entity| Target {
                id: EntityId(id),
                entity,
            })
            .ok_or_else(|| {
                (
                    ErrorCode::UnknownTarget,
                    format!("{what} {id} is not in the world"),
                )
            })
    };
    let Some(me) = books.index.get(owned) else {
        return Err((
            ErrorCode::EntityGone,
            format!("your entity {} has left the world; log in again", owned.0),
        ));
    };
    let actor = match action.args.actor {
        Some(id) => target(id, "actor")?,
        None => Target {
            id: owned,
            entity: me,
        },
    };
    let args = &action.args;
    let with = || target(args.with.unwrap_or_default(), "entity");
    let ticks = ticks_or_default(args);
    let act = match action.kind {
        ActionKindMsg::Move => Action::Step {
            to: Vec2::new(args.x.unwrap_or_default(), args.y.unwrap_or_default()),
        },
        ActionKindMsg::Travel => {
            let zone = args.zone.unwrap_or_default();
            if zone as usize >= books.zones.all().len() {
                return Err((ErrorCode::InvalidField, format!("there is no zone {zone}")));
            }
            Action::Travel {
                zone: ZoneId(zone),
                to: books.zones.get(ZoneId(zone)).poi,
            }
        }
        ActionKindMsg::Gather => Action::Gather { ticks },
        ActionKindMsg::Trade => Action::Trade {
            with: with()?,
            goods: args.goods.unwrap_or_default(),
            price: args.price.unwrap_or_default(),
            buying: args.buying.unwrap_or(true),
        },
        ActionKindMsg::Chat => Action::Chat {
            with: with()?,
            ticks: 5,
            length: args
                .text
                .as_ref()
                .map_or(0, |t| t.chars().count().min(u16::MAX as usize) as u16),
        },
        ActionKindMsg::Attack => Action::Attack {
            target: with()?,
            damage: 0,
        },
        ActionKindMsg::Rest => Action::Rest { ticks },
        ActionKindMsg::Socialise => Action::Socialise {
            with: with()?,
            ticks,
        },
        ActionKindMsg::Follow => Action::Follow {
            target: with()?,
            ticks,
        },
        ActionKindMsg::Idle => Action::Idle { ticks },
    };
    Ok(Intent {
        actor: actor.id,
        entity: actor.entity,
        source: Source::Client { owns: Some(owned) },
        action: act,
        correlation: Some(correlation),
    })
}

/// Decide, after the brains: client intents join the brains' in actor order
/// (a stable sort keeps one actor's requests in arrival order).
pub(super) fn join_client_intents(
    mut client: ResMut<ClientIntents>,
    mut intents: ResMut<Intents>,
    kinds: Query<&Kind>,
) {
    if client.0.is_empty() {
        return;
    }
    for mut intent in client.0.drain(..) {
        // Damage comes from who strikes, never from the client.
        if let Action::Attack { damage, .. } = &mut intent.action
            && let Ok(kind) = kinds.get(intent.entity)
        {
            *damage = kind.0.power();
        }
        intents.0.push(intent);
    }
    intents.0.sort_by_key(|i| i.actor);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_tick_takes_ended_sessions_after_the_channel() {
        let (tx, rx) = crossbeam_channel::bounded(4);
        let ended = super::super::EndedSessions::default();
        tx.send(Input::Login {
            session: 3,
            name: None,
        })
        .unwrap();
        ended.push(9);
        let mut feed = InputFeed::Live(rx, ended);
        let taken = drain(&mut feed, 1);
        assert_eq!(
            taken,
            vec![
                Input::Login {
                    session: 3,
                    name: None
                },
                Input::Logout { session: 9 }
            ]
        );
        assert!(drain(&mut feed, 2).is_empty());
    }
}
