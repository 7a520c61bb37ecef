//! Entering the world: a client's login, or a scripted actor's entrance,
//! spawns a piloted player that the session owns and answers with a
//! welcome (where it stands, who is near).

use bevy::math::Vec2;
use bevy::prelude::*;

use super::Reply;
use super::take::{ArrivalBooks, Desk, NEARBY, PILOTED_SESSION_TICKS};
use crate::core::agent::EntityId;
use crate::core::agent::ZoneId;
use crate::core::agent::components::Piloted;
use crate::core::agent::intent::Target;
use crate::core::agent::kinds::{AgentKind, Profile};
use crate::core::protocol::check::MAX_NAME;
use crate::core::protocol::{ErrorCode, Refusal};
use crate::core::rng::{Draw, entity_rng};
use crate::population::{Newcomer, Registry, announce_arrival, spawn_agent};

/// What a scripted actor's entrance fixes about its entity; a login leaves
/// it all to the draw.
#[derive(Clone, Copy, Debug)]
pub(super) struct Embodiment {
    pub kind: AgentKind,
    pub zone: Option<u16>,
    pub at: Option<Vec2>,
    pub wealth: Option<u32>,
    pub goods: Option<u16>,
}

pub(super) fn login(
    commands: &mut Commands,
    desk: &mut Desk,
    books: &mut ArrivalBooks,
    session: u64,
    name: Option<&str>,
    body: Option<Embodiment>,
) {
    let refuse = |desk: &mut Desk, code, message: &str| {
        desk.replies.0.push(Reply::Refused {
            session,
            refusal: Refusal::new(code, message),
        })
    };
    // A session whose entity died or left may log in again for a new one.
    if let Some((id, _)) = desk.sessions.0.get(&session)
        && books.index.get(*id).is_some()
    {
        return refuse(
            desk,
            ErrorCode::AlreadyLoggedIn,
            "this connection already owns an entity",
        );
    }
    if name.is_some_and(|n| n.chars().count() > MAX_NAME) {
        return refuse(
            desk,
            ErrorCode::InvalidField,
            "login: field `name` is over 64 characters",
        );
    }
    let tick = books.clock.tick;
    let mut rng = entity_rng(books.seed.0 ^ 0x10_91_u64, session);
    let zone = books
        .plan
        .player_zone
        .as_deref()
        .and_then(|n| books.zones.by_name(n));
    let (min, max) = zone.map_or((Vec2::ZERO, books.zones.size()), |z| (z.min, z.max));
    // A new player appears beside a random inhabitant (so it has company to
    // trade, talk or fight with), else anywhere in the players' zone. The
    // draws happen whatever the embodiment says (in the order logins have
    // always drawn them), so the stream stays aligned.
    let beside = books
        .grid
        .entry(rng.below(books.grid.len() as u32) as usize)
        .map(|n| n.pos + Vec2::new(rng.signed(), rng.signed()) * 5.0);
    let drawn_pos = beside.unwrap_or_else(|| min + (max - min) * Vec2::new(rng.unit(), rng.unit()));
    let drawn_wealth = rng.between(50, 150) as u64;
    let body = body.unwrap_or(Embodiment {
        kind: AgentKind::Player(Profile::ALL[(session % Profile::ALL.len() as u64) as usize]),
        zone: None,
        at: None,
        wealth: None,
        goods: None,
    });
    let in_zone = body
        .zone
        .filter(|z| (*z as usize) < books.zones.all().len())
        .map(|z| {
            let z = books.zones.get(ZoneId(z));
            z.min + (z.max - z.min) * Vec2::new(rng.unit(), rng.unit())
        });
    let pos = books.zones.clamp(body.at.or(in_zone).unwrap_or(drawn_pos));
    let kind = body.kind;
    let wealth = body.wealth.map_or(drawn_wealth, u64::from);
    let mut reg = Registry {
        next_id: &mut books.next_id,
        census: &mut books.census,
        calendar: &mut books.calendar,
        index: &mut books.index,
        seed: books.seed.0,
        now: tick,
    };
    let (id, entity) = spawn_agent(
        commands,
        &mut reg,
        Newcomer {
            kind,
            pos,
            wealth,
            goods: body.goods.map_or(5, u32::from),
            faction: rng.below(4) as u8,
            born: tick as i64,
            ends: tick as i64 + PILOTED_SESSION_TICKS,
            generation: 1,
            parent: EntityId(0),
            busy_until: 0,
            parents: None,
            heading: None,
        },
    );
    commands.entity(entity).insert(Piloted { session });
    announce_arrival(
        &mut books.log,
        &mut books.counters,
        Target { id, entity },
        kind,
        pos,
        wealth,
    );
    desk.sessions.0.insert(session, (id, entity));
    let mut nearby = Vec::with_capacity(NEARBY);
    books.grid.for_each_near_capped(pos, NEARBY, session, |n| {
        if nearby.len() < NEARBY {
            nearby.push(n.id.0);
        }
    });
    desk.replies.0.push(Reply::Welcome {
        session,
        entity: id.0,
        tick,
        x: pos.x,
        y: pos.y,
        zone: books.zones.zone_at(pos).id.0,
        nearby,
    });
}
