//! The end of a run: `report.json` (for machines and CI) and the summary
//! table (for people). Both are built from the same [`Report`] value.

mod summary;

use std::collections::BTreeMap;
use std::path::Path;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::events::EventLog;

use crate::core::SimClock;
use crate::core::agent::components::{Life, Purse};
use crate::core::agent::intent::ActionKind;
use crate::core::agent::kinds::AgentKind;
use crate::core::agent::{EntityId, Kind, Position};
use crate::core::event::EVENT_KINDS;
use crate::govern::{Decisions, GovernStats};
use crate::population::{Census, SimParams};
use crate::react::ReactStats;
use crate::record::{RunStats, StateHash, memory};
use crate::run::Pace;
use crate::store::StoreSummary;
use crate::world::stat7::{AgentView, bitchain};
use crate::world::{Neighbour, SpatialGrid, ZoneLedger, Zones};

pub use summary::summary_table;

/// How the run was started.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RunInfo {
    pub scenario: String,
    pub scenario_file: String,
    pub seed: u64,
    pub pace: Pace,
    pub threads: usize,
    pub wall_secs: f64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TickMs {
    pub p50: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PopulationReport {
    pub initial: u64,
    pub r#final: u64,
    pub peak: u64,
    pub by_kind: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Totals {
    pub arrivals: u64,
    pub births: u64,
    pub deaths: u64,
    pub killed: u64,
    pub departures: u64,
    pub actions: BTreeMap<String, u64>,
    pub failed_actions: u64,
}

/// Coins are conserved: what agents and treasuries hold must equal what
/// arrived with spawned agents minus what left with departing players.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Wealth {
    pub held_by_agents: u64,
    pub in_treasuries: u64,
    pub minted: u64,
    pub departed: u64,
    pub conserved: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Heatmap {
    pub bins_x: u32,
    pub bins_y: u32,
    pub counts: Vec<u32>,
}

/// The STAT7 identity of one agent (the deepest lineages are reported).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Stat7Sample {
    pub id: u64,
    pub kind: String,
    pub lineage: u32,
    pub uri: String,
    pub address: String,
}

/// The series as columns (one entry per point).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SeriesColumns {
    pub ticks_per_point: u64,
    pub tick: Vec<u64>,
    pub population: Vec<u64>,
    pub tick_ms: Vec<f64>,
    pub tick_ms_max: Vec<f64>,
    pub actions: Vec<u64>,
    pub events: Vec<u64>,
    pub births: Vec<u64>,
    pub deaths: Vec<u64>,
    pub state_hash: Vec<String>,
}

/// Events of the run by kind.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EventsReport {
    pub total: u64,
    pub by_kind: BTreeMap<String, u64>,
}

/// What the cascade engine did.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CascadesReport {
    /// Events by cascade depth (index = depth; the last bucket holds deeper ones).
    pub depth_histogram: Vec<u64>,
    pub reactions_run: u64,
    pub reactions_scheduled: u64,
    pub truncated_by_depth: u64,
    pub truncated_by_budget: u64,
    pub depth_limit: u8,
    pub tick_budget: u32,
}

/// The event store's side of the run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StoreReport {
    pub events_written: u64,
    pub ticks_written: u64,
    /// Wall time the simulation waited for the writer.
    pub stall_secs: f64,
    pub stalled_ticks: u64,
    /// Wall time the writer thread spent linking and committing.
    pub writer_busy_secs: f64,
}

/// Everything `report.json` holds: written by a run, read back by the suite
/// (and anyone else). What judges a run (scenario, seed, ticks, timing and
/// the pass mark) must be there; anything else a report lacks takes its
/// default and unknown fields are ignored, so reports of other versions load.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Report {
    #[serde(default)]
    pub seedsim_version: String,
    pub scenario: String,
    #[serde(default)]
    pub scenario_file: String,
    pub seed: u64,
    pub ticks: u64,
    #[serde(default)]
    pub pace: Pace,
    #[serde(default)]
    pub threads: usize,
    #[serde(default)]
    pub final_state_hash: String,
    #[serde(default)]
    pub state_hash_chain: String,
    /// The run's event store, if it was recorded.
    #[serde(default)]
    pub events_db: Option<String>,
    /// Hash of the last event in the chain (hex), if recorded.
    #[serde(default)]
    pub last_hash: Option<String>,
    #[serde(default)]
    pub entity_ticks_per_sec: f64,
    #[serde(default)]
    pub ticks_per_sec: f64,
    pub wall_secs: f64,
    pub tick_ms: TickMs,
    #[serde(default)]
    pub peak_rss_bytes: Option<u64>,
    #[serde(default)]
    pub population: PopulationReport,
    #[serde(default)]
    pub totals: Totals,
    #[serde(default)]
    pub wealth: Wealth,
    #[serde(default)]
    pub events: EventsReport,
    /// Governance decisions by rule name.
    #[serde(default)]
    pub governance: BTreeMap<String, Decisions>,
    #[serde(default)]
    pub cascades: CascadesReport,
    #[serde(default)]
    pub store: Option<StoreReport>,
    #[serde(default)]
    pub heatmap: Heatmap,
    #[serde(default)]
    pub stat7: Vec<Stat7Sample>,
    #[serde(default)]
    pub series: SeriesColumns,
    /// The scenario's assertions and thresholds, judged (empty if it has none).
    #[serde(default)]
    pub verdicts: Vec<crate::core::scenario::Verdict>,
    /// Whether every verdict passed.
    pub passed: bool,
    /// The scenario's clients, as the assault engine measured them.
    #[serde(default)]
    pub clients: Option<crate::assault::AssaultReport>,
    /// The scenario's scripted actors at the end: status, steps, errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[serde(default)]
    pub actors: Vec<crate::actor::ActorSummary>,
    /// Why the run stopped early, if a tick panicked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default)]
    pub panic: Option<String>,
    /// What each of the scenario's faults did (empty if it has none).
    #[serde(default)]
    pub faults: Vec<crate::fault::FaultReport>,
    /// What Warbler told, the goal books and the story checker's findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<crate::check::NarrativeReport>,
}

/// Agents whose STAT7 identity is reported.
const STAT7_SAMPLES: usize = 5;
/// Heatmap resolution in the report.
const HEATMAP_BINS: u32 = 32;

impl Report {
    /// Builds the report from the world at the end of a run.
    pub fn from_world(world: &mut World, info: RunInfo, store: Option<&StoreSummary>) -> Report {
        let stats = world.resource::<RunStats>().clone();
        let census = world.resource::<Census>().clone();
        let tick = world.resource::<SimClock>().tick;
        let hash = *world.resource::<StateHash>();
        let held: u64 = world.query::<&Purse>().iter(world).map(|p| p.wealth).sum();
        let treasury: u64 = world.resource::<ZoneLedger>().treasury.iter().sum();
        refresh_grid(world);
        let heat = world
            .resource::<SpatialGrid>()
            .heatmap(HEATMAP_BINS, HEATMAP_BINS);
        let stat7 = stat7_samples(world, tick);
        let mut series = SeriesColumns {
            ticks_per_point: stats.series.ticks_per_point(),
            ..Default::default()
        };
        for p in stats.series.points() {
            series.tick.push(p.last);
            series.population.push(p.population);
            series.tick_ms.push(p.tick_ms_mean);
            series.tick_ms_max.push(p.tick_ms_max);
            series.actions.push(p.actions);
            series.events.push(p.events);
            series.births.push(p.births);
            series.deaths.push(p.deaths);
            series.state_hash.push(p.state_hash.clone());
        }
        let busy = stats.busy.as_secs_f64().max(1e-9);
        let log = world.resource::<EventLog>();
        let events = EventsReport {
            total: log.total(),
            by_kind: EVENT_KINDS
                .iter()
                .map(|k| k.to_string())
                .zip(log.by_kind)
                .collect(),
        };
        let react = world.resource::<ReactStats>();
        let params = world.resource::<SimParams>();
        let cascades = CascadesReport {
            depth_histogram: log.by_depth.to_vec(),
            reactions_run: react.ran,
            reactions_scheduled: react.scheduled,
            truncated_by_depth: react.truncated_depth,
            truncated_by_budget: react.truncated_budget,
            depth_limit: params.depth_limit,
            tick_budget: params.tick_budget,
        };
        Report {
            seedsim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: info.scenario,
            scenario_file: info.scenario_file,
            seed: info.seed,
            ticks: stats.ticks,
            pace: info.pace,
            threads: info.threads,
            final_state_hash: hash.hex(),
            state_hash_chain: stats.state_hash_chain(),
            events_db: store.map(|s| s.path.display().to_string()),
            last_hash: store.map(|s| s.last_hash.clone()),
            entity_ticks_per_sec: stats.entity_ticks_per_sec(),
            ticks_per_sec: stats.ticks as f64 / busy,
            wall_secs: info.wall_secs,
            tick_ms: TickMs {
                p50: stats.tick_ms(0.5),
                p99: stats.tick_ms(0.99),
                max: stats.tick_ms_max(),
                mean: busy * 1000.0 / stats.ticks.max(1) as f64,
            },
            peak_rss_bytes: memory::peak_rss_bytes(),
            population: PopulationReport {
                initial: stats.initial_population,
                r#final: census.total(),
                peak: stats.peak_population,
                by_kind: AgentKind::all()
                    .map(|k| (k.name().to_string(), census.of(k)))
                    .collect(),
            },
            totals: Totals {
                arrivals: stats.arrivals,
                births: stats.births,
                deaths: stats.deaths,
                killed: stats.killed,
                departures: stats.departures,
                actions: ActionKind::ALL
                    .iter()
                    .map(|k| (k.as_str().to_string(), stats.actions[*k as usize]))
                    .collect(),
                failed_actions: stats.failed,
            },
            wealth: Wealth {
                held_by_agents: held,
                in_treasuries: treasury,
                minted: stats.wealth_minted,
                departed: stats.wealth_departed,
                conserved: held + treasury + stats.wealth_departed == stats.wealth_minted,
            },
            events,
            governance: world.resource::<GovernStats>().by_rule(),
            cascades,
            store: store.map(|s| StoreReport {
                events_written: s.events,
                ticks_written: s.ticks,
                stall_secs: s.stall.as_secs_f64(),
                stalled_ticks: s.stalled_ticks,
                writer_busy_secs: s.writer_busy.as_secs_f64(),
            }),
            heatmap: Heatmap {
                bins_x: HEATMAP_BINS,
                bins_y: HEATMAP_BINS,
                counts: heat,
            },
            stat7,
            series,
            verdicts: Vec::new(),
            passed: true,
            clients: None,
            actors: crate::actor::report::summaries(world),
            panic: None,
            faults: fault_reports(world, store),
            narrative: None,
        }
    }

    /// Adds the run's verdicts; the report passes only if all of them do.
    pub fn judged(mut self, verdicts: Vec<crate::core::scenario::Verdict>) -> Report {
        self.passed = verdicts.iter().all(|v| v.passed);
        self.verdicts = verdicts;
        self
    }

    /// Writes `report.json` into `dir` (created if needed).
    pub fn write_json(&self, dir: &Path) -> std::io::Result<std::path::PathBuf> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("report.json");
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(&path, text + "\n")?;
        Ok(path)
    }
}

/// The faults' records: the simulation's counts, the writer's stalls and
/// (folded in by the caller of a served run) the links' counts.
fn fault_reports(world: &World, store: Option<&StoreSummary>) -> Vec<crate::fault::FaultReport> {
    let Some(log) = world.get_resource::<crate::fault::FaultLog>() else {
        return Vec::new();
    };
    let mut log = log.clone();
    for (index, stalls) in store.iter().flat_map(|s| s.writer_stalls.iter()) {
        log.add(*index, "writer_stalls", stalls.count);
        log.add(*index, "writer_stalled_ms", stalls.slept.as_millis() as u64);
    }
    log.finished()
}

/// The grid is rebuilt at the start of each tick; the report describes the
/// end of the last one, so bucket everyone where they stand now.
fn refresh_grid(world: &mut World) {
    let agents: Vec<Neighbour> = world
        .query::<(Entity, &EntityId, &Position, &Kind)>()
        .iter(world)
        .map(|(entity, id, pos, kind)| Neighbour {
            id: *id,
            entity,
            pos: pos.0,
            kind: kind.0,
        })
        .collect();
    world.resource_scope(|world, mut grid: Mut<SpatialGrid>| {
        grid.rebuild(world.resource::<Zones>(), agents.into_iter());
    });
}

/// The agents of the deepest lineage (ties by id), with STAT7 URI and address.
fn stat7_samples(world: &mut World, tick: u64) -> Vec<Stat7Sample> {
    let mut by_depth: Vec<(u32, u64, Entity)> = world
        .query::<(Entity, &EntityId, &Life)>()
        .iter(world)
        .map(|(e, id, life)| (life.generation, id.0, e))
        .collect();
    by_depth.sort_by_key(|(g, id, _)| (std::cmp::Reverse(*g), *id));
    by_depth.truncate(STAT7_SAMPLES);
    let mut q = world.query::<AgentView>();
    let zones = world.resource::<Zones>();
    let grid = world.resource::<SpatialGrid>();
    by_depth
        .iter()
        .filter_map(|(generation, id, e)| {
            let view = q.get(world, *e).ok()?;
            let kind: &Kind = view.1;
            let chain = bitchain(view, tick, zones, grid);
            // Coordinates come from finite, clamped values; skip rather than
            // fail the report if that ever stops being true.
            Some(Stat7Sample {
                id: *id,
                kind: kind.0.name().to_string(),
                lineage: *generation,
                uri: chain.uri().ok()?,
                address: chain.address().ok()?,
            })
        })
        .collect()
}
