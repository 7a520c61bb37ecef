//! Each shipped rule: a permitted case, a mutated case (where it mutates)
//! and a denied case.

use bevy::math::Vec2;
use bevy::prelude::Entity;

use super::*;
use crate::core::agent::ZoneId;
use crate::core::agent::intent::Target;
use crate::core::agent::kinds::{Archetype, Profile};
use crate::core::scenario::parse_str;

const WORLD: &str = r#"(name: "g", seed: 1, ticks: 1, world: (size: (100.0, 50.0), cell_size: 10.0),
    zones: [
        (name: "wild", realm: void, rect: (0.0, 0.0, 100.0, 50.0)),
        (name: "market", realm: data, rect: (0.0, 0.0, 40.0, 50.0), safe: true, population_cap: 3),
        (name: "arena", realm: event, rect: (60.0, 0.0, 100.0, 50.0), pvp: true),
    ],
    population: (groups: []))"#;

struct Fixture {
    zones: Zones,
    ledger: ZoneLedger,
}

fn fixture() -> Fixture {
    let s = parse_str("g.ron", WORLD).expect("valid");
    let zones = Zones::from_scenario(&s);
    let ledger = ZoneLedger::new(&zones);
    Fixture { zones, ledger }
}

fn party(id: u64, kind: AgentKind, x: f32) -> Party {
    Party {
        id: EntityId(id),
        kind,
        pos: Vec2::new(x, 10.0),
        alive: true,
        wealth: 100,
        goods: 5,
    }
}

fn to(p: &Party) -> Target {
    Target {
        id: p.id,
        entity: Entity::PLACEHOLDER,
    }
}

fn intent(me: &Party, action: Action, source: Source) -> Intent {
    Intent {
        actor: me.id,
        entity: Entity::PLACEHOLDER,
        source,
        action,
        correlation: None,
    }
}

/// Judges `action` by `rule` at `tick` with fresh conduct counters.
fn run(f: &Fixture, rule: &Rule, me: &Party, other: Option<&Party>, action: Action) -> Verdict {
    run_with(
        f,
        rule,
        me,
        other,
        action,
        Source::Brain,
        &mut Conduct::default(),
        10,
    )
}

#[allow(clippy::too_many_arguments)]
fn run_with(
    f: &Fixture,
    rule: &Rule,
    me: &Party,
    other: Option<&Party>,
    action: Action,
    source: Source,
    conduct: &mut Conduct,
    tick: u64,
) -> Verdict {
    let scene = Scene {
        tick,
        zones: &f.zones,
        ledger: &f.ledger,
    };
    judge(
        rule,
        &scene,
        &intent(me, action, source),
        &action,
        me,
        other,
        conduct,
    )
}

const VILLAGER: AgentKind = AgentKind::Npc(Archetype::Villager);
const GUARD: AgentKind = AgentKind::Npc(Archetype::Guard);
const MONSTER: AgentKind = AgentKind::Npc(Archetype::Monster);
const FIGHTER: AgentKind = AgentKind::Player(Profile::Fighter);
const GRIEFER: AgentKind = AgentKind::Player(Profile::Griefer);

fn denied(v: &Verdict) -> bool {
    matches!(v, Verdict::Deny(_))
}

#[test]
fn dead_cannot_act() {
    let f = fixture();
    let me = party(1, VILLAGER, 50.0);
    let idle = Action::Idle { ticks: 5 };
    assert_eq!(
        run(&f, &Rule::DeadCannotAct, &me, None, idle),
        Verdict::Permit
    );
    let dead = Party { alive: false, ..me };
    assert!(denied(&run(&f, &Rule::DeadCannotAct, &dead, None, idle)));
}

#[test]
fn own_entity() {
    let f = fixture();
    let me = party(1, FIGHTER, 50.0);
    let idle = Action::Idle { ticks: 5 };
    let c = &mut Conduct::default();
    let mine = Source::Client {
        owns: Some(EntityId(1)),
    };
    let theirs = Source::Client {
        owns: Some(EntityId(2)),
    };
    assert_eq!(
        run_with(&f, &Rule::OwnEntity, &me, None, idle, mine, c, 1),
        Verdict::Permit
    );
    assert_eq!(
        run_with(&f, &Rule::OwnEntity, &me, None, idle, Source::Brain, c, 1),
        Verdict::Permit
    );
    assert!(denied(&run_with(
        &f,
        &Rule::OwnEntity,
        &me,
        None,
        idle,
        theirs,
        c,
        1
    )));
}

#[test]
fn not_oneself() {
    let f = fixture();
    let me = party(1, GUARD, 50.0);
    let other = party(2, MONSTER, 52.0);
    let attack = |t: &Party| Action::Attack {
        target: to(t),
        damage: 10,
    };
    let v = run(&f, &Rule::NotOneself, &me, Some(&me), attack(&me));
    assert!(
        matches!(&v, Verdict::Deny(r) if r.contains("itself")),
        "{v:?}"
    );
    assert_eq!(
        run(&f, &Rule::NotOneself, &me, Some(&other), attack(&other)),
        Verdict::Permit
    );
}

#[test]
fn speed_limit() {
    let f = fixture();
    let me = party(1, GRIEFER, 50.0);
    let rule = Rule::SpeedLimit { max_speed: 4.0 };
    let near = Action::Step {
        to: me.pos + Vec2::new(0.3, 0.0),
    };
    assert_eq!(run(&f, &rule, &me, None, near), Verdict::Permit);
    match run(
        &f,
        &rule,
        &me,
        None,
        Action::Step {
            to: me.pos + Vec2::new(30.0, 0.0),
        },
    ) {
        Verdict::Mutate(Action::Step { to }, _) => {
            assert!((to.distance(me.pos) - 0.4).abs() < 1e-4, "{to:?}")
        }
        other => panic!("a 30 m step must be cut: {other:?}"),
    }
    // The speed limit only mutates; a zero limit pins the actor in place.
    let frozen = Rule::SpeedLimit { max_speed: 0.0 };
    match run(&f, &frozen, &me, None, near) {
        Verdict::Mutate(Action::Step { to }, _) => assert_eq!(to, me.pos),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rate_limit() {
    let f = fixture();
    let me = party(1, VILLAGER, 50.0);
    let rule = Rule::RateLimit {
        max_actions: 2,
        window_ticks: 10,
    };
    let c = &mut Conduct::default();
    let idle = Action::Idle { ticks: 1 };
    assert_eq!(
        run_with(&f, &rule, &me, None, idle, Source::Brain, c, 100),
        Verdict::Permit
    );
    assert_eq!(
        run_with(&f, &rule, &me, None, idle, Source::Brain, c, 101),
        Verdict::Permit
    );
    assert!(denied(&run_with(
        &f,
        &rule,
        &me,
        None,
        idle,
        Source::Brain,
        c,
        105
    )));
    // A new window starts after `window_ticks`.
    assert_eq!(
        run_with(&f, &rule, &me, None, idle, Source::Brain, c, 110),
        Verdict::Permit
    );
}

#[test]
fn safe_zones() {
    let f = fixture();
    let guard = party(1, GUARD, 50.0);
    let monster = party(2, MONSTER, 52.0);
    let attack = |t: &Party| Action::Attack {
        target: to(t),
        damage: 10,
    };
    assert_eq!(
        run(
            &f,
            &Rule::SafeZones,
            &guard,
            Some(&monster),
            attack(&monster)
        ),
        Verdict::Permit
    );
    let in_market = party(3, MONSTER, 38.0);
    assert!(denied(&run(
        &f,
        &Rule::SafeZones,
        &guard,
        Some(&in_market),
        attack(&in_market)
    )));
}

#[test]
fn pvp_zones() {
    let f = fixture();
    let attack = |t: &Party| Action::Attack {
        target: to(t),
        damage: 10,
    };
    let (a, b) = (party(1, FIGHTER, 70.0), party(2, GRIEFER, 72.0));
    assert_eq!(
        run(&f, &Rule::PvpZones, &a, Some(&b), attack(&b)),
        Verdict::Permit
    );
    let (c, d) = (party(1, FIGHTER, 50.0), party(2, GRIEFER, 52.0));
    assert!(denied(&run(&f, &Rule::PvpZones, &c, Some(&d), attack(&d))));
    let m = party(3, MONSTER, 52.0);
    assert_eq!(
        run(&f, &Rule::PvpZones, &c, Some(&m), attack(&m)),
        Verdict::Permit,
        "PvE is not PvP"
    );
}

#[test]
fn interaction_range() {
    let f = fixture();
    let rule = Rule::Range {
        trade: 20.0,
        attack: 3.0,
        talk: 20.0,
    };
    let me = party(1, GUARD, 50.0);
    let near = party(2, MONSTER, 52.0);
    let far = party(3, MONSTER, 58.0);
    let attack = |t: &Party| Action::Attack {
        target: to(t),
        damage: 10,
    };
    assert_eq!(
        run(&f, &rule, &me, Some(&near), attack(&near)),
        Verdict::Permit
    );
    assert!(denied(&run(&f, &rule, &me, Some(&far), attack(&far))));
    let chat = Action::Chat {
        with: to(&far),
        ticks: 5,
        length: 10,
    };
    assert_eq!(
        run(&f, &rule, &me, Some(&far), chat),
        Verdict::Permit,
        "talk reaches 20 m"
    );
}

#[test]
fn solvency() {
    let f = fixture();
    let buyer = Party {
        wealth: 25,
        ..party(1, VILLAGER, 50.0)
    };
    let seller = Party {
        goods: 5,
        ..party(2, VILLAGER, 52.0)
    };
    let trade = |goods: u16, price: u32| Action::Trade {
        with: to(&seller),
        goods,
        price,
        buying: true,
    };
    assert_eq!(
        run(&f, &Rule::Solvency, &buyer, Some(&seller), trade(2, 20)),
        Verdict::Permit
    );
    match run(&f, &Rule::Solvency, &buyer, Some(&seller), trade(3, 30)) {
        Verdict::Mutate(Action::Trade { goods, price, .. }, _) => {
            assert_eq!((goods, price), (2, 20))
        }
        other => panic!("25 coins buy two goods at 10: {other:?}"),
    }
    let broke = Party { wealth: 5, ..buyer };
    assert!(denied(&run(
        &f,
        &Rule::Solvency,
        &broke,
        Some(&seller),
        trade(1, 10)
    )));
    let empty = Party { goods: 0, ..seller };
    assert!(denied(&run(
        &f,
        &Rule::Solvency,
        &buyer,
        Some(&empty),
        trade(1, 10)
    )));
}

#[test]
fn chat_length_and_spam() {
    let f = fixture();
    let me = party(1, GRIEFER, 50.0);
    let friend = party(2, VILLAGER, 51.0);
    let chat = |length: u16| Action::Chat {
        with: to(&friend),
        ticks: 5,
        length,
    };
    let length = Rule::ChatLength { max: 200 };
    assert_eq!(
        run(&f, &length, &me, Some(&friend), chat(50)),
        Verdict::Permit
    );
    match run(&f, &length, &me, Some(&friend), chat(500)) {
        Verdict::Mutate(Action::Chat { length, .. }, _) => assert_eq!(length, 200),
        other => panic!("{other:?}"),
    }
    let spam = Rule::ChatSpam {
        max_chats: 1,
        window_ticks: 30,
    };
    let c = &mut Conduct::default();
    assert_eq!(
        run_with(&f, &spam, &me, Some(&friend), chat(5), Source::Brain, c, 1),
        Verdict::Permit
    );
    assert!(denied(&run_with(
        &f,
        &spam,
        &me,
        Some(&friend),
        chat(5),
        Source::Brain,
        c,
        2
    )));
    let idle = Action::Idle { ticks: 1 };
    assert_eq!(
        run_with(&f, &spam, &me, None, idle, Source::Brain, c, 3),
        Verdict::Permit,
        "only chats count"
    );
}

#[test]
fn zone_population_cap() {
    let mut f = fixture();
    let me = party(1, VILLAGER, 50.0);
    let travel = Action::Travel {
        zone: ZoneId(1),
        to: Vec2::new(20.0, 10.0),
    };
    assert_eq!(
        run(&f, &Rule::ZonePopulationCap, &me, None, travel),
        Verdict::Permit
    );
    f.ledger.population[1] = 3;
    assert!(denied(&run(
        &f,
        &Rule::ZonePopulationCap,
        &me,
        None,
        travel
    )));
    let in_market = party(1, VILLAGER, 20.0);
    let partner = party(2, VILLAGER, 21.0);
    let family = Action::Reproduce {
        partner: to(&partner),
    };
    assert!(denied(&run(
        &f,
        &Rule::ZonePopulationCap,
        &in_market,
        Some(&partner),
        family
    )));
    assert_eq!(
        run(&f, &Rule::ZonePopulationCap, &me, Some(&partner), family),
        Verdict::Permit,
        "the wild has no cap"
    );
}
