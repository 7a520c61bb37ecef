//! The brain's rules, checked on hand-built surroundings.

use bevy::math::Vec2;
use bevy::prelude::Entity;

use super::*;
use crate::core::agent::components::EntityId;
use crate::core::agent::kinds::Archetype;
use crate::core::rng::entity_rng;
use crate::core::scenario::parse_str;

const WORLD: &str = r#"(name: "b", seed: 1, ticks: 1, world: (size: (100.0, 50.0), cell_size: 10.0),
    zones: [
        (name: "safe", realm: data, rect: (0.0, 0.0, 50.0, 50.0), safe: true),
        (name: "wild", realm: void, rect: (50.0, 0.0, 100.0, 50.0)),
    ],
    population: (groups: []))"#;

struct Fixture {
    zones: Zones,
    grid: SpatialGrid,
    ledger: ZoneLedger,
    params: SimParams,
}

fn fixture(others: &[(u64, AgentKind, Vec2)]) -> Fixture {
    let scenario = parse_str("b.ron", WORLD).expect("valid");
    let zones = Zones::from_scenario(&scenario);
    let mut grid = SpatialGrid::new(&zones);
    grid.rebuild(
        &zones,
        others.iter().map(|(id, kind, pos)| Neighbour {
            id: EntityId(*id),
            entity: Entity::PLACEHOLDER,
            pos: *pos,
            kind: *kind,
        }),
    );
    let ledger = ZoneLedger::new(&zones);
    Fixture {
        zones,
        grid,
        ledger,
        params: SimParams::from_scenario(&scenario),
    }
}

/// The actions `kind` at `pos` chooses over many independent draws.
fn choices(f: &Fixture, kind: AgentKind, pos: Vec2, energy: f32) -> Vec<Action> {
    let s = Surroundings {
        tick: 10,
        grid: &f.grid,
        zones: &f.zones,
        ledger: &f.ledger,
        params: &f.params,
        festivals: &Default::default(),
    };
    let vitals = Vitals {
        health: 100.0,
        energy,
    };
    let purse = Purse {
        wealth: 100,
        goods: 3,
    };
    let standing = Standing {
        faction: 0,
        reputation: 0,
        mood: 0.0,
    };
    let relations = Relations::default();
    let life = Life {
        born: 0,
        ends: 1000,
        generation: 1,
        parent: EntityId(0),
    };
    let me = Me {
        id: EntityId(1),
        kind,
        pos,
        vitals: &vitals,
        purse: &purse,
        standing: &standing,
        relations: &relations,
        life: &life,
        goal: None,
        sought: None,
    };
    (0..400)
        .map(|seed| choose(&s, &me, &mut entity_rng(seed, 1)))
        .collect()
}

fn attacks(actions: &[Action]) -> usize {
    actions
        .iter()
        .filter(|a| matches!(a, Action::Attack { .. }))
        .count()
}

const GUARD: AgentKind = AgentKind::Npc(Archetype::Guard);
const MONSTER: AgentKind = AgentKind::Npc(Archetype::Monster);
const GRIEFER: AgentKind = AgentKind::Player(Profile::Griefer);
const FIGHTER: AgentKind = AgentKind::Player(Profile::Fighter);

#[test]
fn nobody_but_griefers_fights_in_a_safe_zone() {
    let safe = Vec2::new(20.0, 20.0);
    let f = fixture(&[(2, MONSTER, safe + Vec2::new(2.0, 0.0))]);
    assert_eq!(attacks(&choices(&f, GUARD, safe, 80.0)), 0);
    let f = fixture(&[(2, GUARD, safe + Vec2::new(2.0, 0.0))]);
    assert!(
        attacks(&choices(&f, GRIEFER, safe, 80.0)) > 0,
        "griefers break the rule"
    );
}

#[test]
fn guards_attack_monsters_in_the_wild() {
    let wild = Vec2::new(80.0, 20.0);
    let f = fixture(&[(2, MONSTER, wild + Vec2::new(2.0, 0.0))]);
    let acts = choices(&f, GUARD, wild, 80.0);
    assert!(attacks(&acts) > 40, "{} of 400", attacks(&acts));
    for a in acts {
        if let Action::Attack { target, damage } = a {
            assert_eq!(target.id, EntityId(2));
            assert!(damage > 0);
        }
    }
}

#[test]
fn players_fight_players_only_in_pvp_zones() {
    let wild = Vec2::new(80.0, 20.0);
    let f = fixture(&[(2, GRIEFER, wild + Vec2::new(2.0, 0.0))]);
    assert_eq!(
        attacks(&choices(&f, FIGHTER, wild, 80.0)),
        0,
        "the wild is not a PvP zone"
    );
}

#[test]
fn nobody_is_chosen_beyond_the_neighbour_radius() {
    let wild = Vec2::new(80.0, 20.0);
    let f = fixture(&[(2, MONSTER, wild + Vec2::new(12.0, 0.0))]);
    assert_eq!(attacks(&choices(&f, GUARD, wild, 80.0)), 0);
}

#[test]
fn the_exhausted_rest_and_the_lonely_do_not_trade() {
    let f = fixture(&[]);
    let acts = choices(
        &f,
        AgentKind::Npc(Archetype::Merchant),
        Vec2::new(80.0, 20.0),
        5.0,
    );
    let rests = acts
        .iter()
        .filter(|a| matches!(a, Action::Rest { .. }))
        .count();
    assert!(rests > 200, "{rests} of 400 rest");
    assert!(
        !acts
            .iter()
            .any(|a| matches!(a, Action::Trade { .. } | Action::Chat { .. }))
    );
}

#[test]
fn the_same_stream_gives_the_same_choice() {
    let f = fixture(&[
        (2, MONSTER, Vec2::new(82.0, 20.0)),
        (3, GUARD, Vec2::new(79.0, 21.0)),
    ]);
    let a = choices(&f, GUARD, Vec2::new(80.0, 20.0), 50.0);
    let b = choices(&f, GUARD, Vec2::new(80.0, 20.0), 50.0);
    assert_eq!(a, b);
}
