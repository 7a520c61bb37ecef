//! The benchmark's world: a square of 4×4 zones sized so that every
//! population gets the same density (about 100 m² per agent), with the mix
//! of kinds of a lively town.

use crate::core::agent::kinds::{AgentKind, Archetype, Profile};
use crate::core::scenario::*;
use crate::core::stat7::Realm;

/// Square metres per agent.
const AREA_PER_AGENT: f32 = 100.0;

pub fn scenario(population: u32, seed: u64) -> Scenario {
    let side = ((population as f32 * AREA_PER_AGENT).sqrt())
        .max(100.0)
        .ceil();
    let zone_side = side / 4.0;
    let zones = (0..16)
        .map(|i| {
            let (x, y) = ((i % 4) as f32 * zone_side, (i / 4) as f32 * zone_side);
            ZoneSpec {
                name: format!("zone-{i}"),
                realm: Realm::ALL[i % Realm::ALL.len()],
                rect: Rect(x, y, x + zone_side, y + zone_side),
                poi: None,
                safe: i == 5,
                pvp: i == 15,
                population_cap: None,
                richness: Unit(0.3 + (i % 3) as f32 * 0.3),
            }
        })
        .collect();
    let mix: [(AgentKind, u32); 12] = [
        (AgentKind::Npc(Archetype::Villager), 28),
        (AgentKind::Npc(Archetype::Artisan), 10),
        (AgentKind::Npc(Archetype::Merchant), 10),
        (AgentKind::Npc(Archetype::Guard), 6),
        (AgentKind::Npc(Archetype::Scholar), 5),
        (AgentKind::Npc(Archetype::Mystic), 5),
        (AgentKind::Npc(Archetype::Monster), 11),
        (AgentKind::Player(Profile::Trader), 7),
        (AgentKind::Player(Profile::Fighter), 6),
        (AgentKind::Player(Profile::Chatter), 5),
        (AgentKind::Player(Profile::Explorer), 5),
        (AgentKind::Player(Profile::Griefer), 2),
    ];
    let mut left = population;
    let groups = mix
        .iter()
        .enumerate()
        .map(|(i, (kind, percent))| {
            let count = if i + 1 == mix.len() {
                left
            } else {
                ((population as u64 * *percent as u64 / 100) as u32).min(left)
            };
            left -= count;
            GroupSpec {
                kind: *kind,
                count: Count(count),
                zone: None,
                wealth: (50, 150),
            }
        })
        .collect();
    Scenario {
        name: format!("bench-{population}"),
        description: "synthetic benchmark world".into(),
        seed,
        ticks: Ticks(1000),
        world: WorldSpec {
            size: (Positive(side), Positive(side)),
            cell_size: Positive(10.0),
        },
        zones,
        population: PopulationSpec {
            groups,
            // Long lives: the benchmark measures a steady population.
            lifespan_ticks: TickRange(50_000, 100_000),
            session_ticks: TickRange(50_000, 100_000),
        },
        spawn: SpawnSpec::default(),
        params: ParamsSpec::default(),
        waves: Vec::new(),
        reactions: None,
        policies: None,
        narrative: None,
        director: None,
        clients: None,
        actors: Vec::new(),
        faults: Vec::new(),
        assertions: Vec::new(),
        thresholds: Default::default(),
        abort_on_fail: false,
    }
}
