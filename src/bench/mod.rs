//! `seedsim bench`: throughput and memory at population sizes from 1k to 1M,
//! fast pace, on a synthetic world that keeps the same density at every size.
//! Each size runs in a fresh child process so that its peak resident memory
//! is its own; the parent prints the table that goes in the README.

mod narrative;
mod sift;
mod store;
mod synthetic;

use std::io::Write;
use std::process::{Command, ExitCode};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::exit::{EXIT_FAILED, EXIT_INVALID};
use crate::record::{RunStats, memory};
use crate::run::{Pace, RunConfig, Simulation};

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Population sizes to measure (1 to 20,000,000 each).
    #[arg(long, value_delimiter = ',', default_values_t = [1_000u32, 10_000, 100_000, 1_000_000],
          value_parser = clap::value_parser!(u32).range(1..=20_000_000))]
    pub sizes: Vec<u32>,
    /// Ticks to measure per size (default: scaled so each size takes seconds).
    #[arg(long)]
    pub ticks: Option<u64>,
    /// Compute threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub threads: Option<u64>,
    /// Seed of the synthetic worlds.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<std::path::PathBuf>,
    /// Measure the event store instead (append, verify, replay, city with
    /// recording on and off); needs scenarios/city.ron in the working directory.
    #[arg(long)]
    pub store: bool,
    /// Measure Warbler instead: each size with the Narrate stage on and off,
    /// interleaved, best of three; its share of the tick and its state per
    /// agent.
    #[arg(long)]
    pub narrative: bool,
    /// Measure story sifting over this stored run instead (every pattern,
    /// uncapped, as `seedsim story --sift all`).
    #[arg(long, value_name = "EVENTS_DB")]
    pub sift: Option<std::path::PathBuf>,
    /// Internal: measure with the Narrate stage off.
    #[arg(long, hide = true)]
    pub no_narrative: bool,
    /// Internal: measure one size in this process and print JSON.
    #[arg(long, hide = true, value_parser = clap::value_parser!(u32).range(1..=20_000_000))]
    pub single: Option<u32>,
}

/// The figures for one population size.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BenchResult {
    pub population: u32,
    pub ticks: u64,
    pub threads: usize,
    pub setup_secs: f64,
    pub ticks_per_sec: f64,
    pub entity_ticks_per_sec: f64,
    pub tick_ms_p50: f64,
    pub tick_ms_p99: f64,
    pub peak_rss_bytes: u64,
    pub rss_bytes_per_entity: f64,
    /// The Narrate stage's time per tick, p50 (0 when off).
    #[serde(default)]
    pub narrate_ms_p50: f64,
    /// Narrative state held at the end, per agent (estimated from sizes).
    #[serde(default)]
    pub narrative_bytes_per_agent: f64,
    #[serde(default = "yes")]
    pub narrative_on: bool,
    /// The live sifter: its time per event of the run (ns), stories
    /// found, the most partial matches held and evictions.
    #[serde(default)]
    pub sift_ns_per_event: f64,
    #[serde(default)]
    pub sift_found: u64,
    #[serde(default)]
    pub sift_peak_pool: u64,
    #[serde(default)]
    pub sift_evicted: u64,
}

fn yes() -> bool {
    true
}

fn default_ticks(population: u32) -> u64 {
    match population {
        0..=20_000 => 2000,
        20_001..=200_000 => 300,
        _ => 100,
    }
}

/// Warm-up ticks before measuring (the first ticks allocate buffers).
const WARMUP: u64 = 10;

fn measure(population: u32, args: &BenchArgs) -> BenchResult {
    let ticks = args.ticks.unwrap_or_else(|| default_ticks(population));
    let mut scenario = synthetic::scenario(population, args.seed);
    if args.no_narrative {
        let mut pack = scenario.narrative_pack();
        pack.on = false;
        scenario.narrative = Some(pack);
    } else {
        // Warbler whole: its director (every zone, the default tunables)
        // along with its beats, goals and sifting.
        scenario.director = ron::from_str("()").ok();
    }
    let rss_before = memory::current_rss_bytes().unwrap_or(0);
    let setup = Instant::now();
    let config = RunConfig {
        seed: args.seed,
        threads: args.threads.map(|t| t as usize),
        store: None,
    };
    let mut sim = Simulation::new(&scenario, &config, Pace::Fast);
    for _ in 0..WARMUP {
        sim.step();
    }
    let setup_secs = setup.elapsed().as_secs_f64();
    *sim.world_mut().resource_mut::<RunStats>() = RunStats::default();
    sim.world_mut()
        .resource_mut::<crate::narrative::cost::NarrateCost>()
        .reset();
    for _ in 0..ticks {
        sim.step();
    }
    let narrate_ms_p50 = sim
        .world()
        .resource::<crate::narrative::cost::NarrateCost>()
        .ms(0.5);
    let (bytes, agents) = crate::narrative::cost::state_bytes(sim.world_mut());
    let sift = sim
        .world()
        .get_resource::<crate::narrative::sift::LiveSift>()
        .map(|l| {
            (
                l.busy.as_nanos() as f64 / l.seen.max(1) as f64,
                l.sifter.stats,
            )
        });
    let stats = sim.world().resource::<RunStats>();
    let peak = memory::peak_rss_bytes().unwrap_or(0);
    BenchResult {
        population,
        ticks,
        threads: bevy::tasks::ComputeTaskPool::get().thread_num(),
        setup_secs,
        ticks_per_sec: stats.ticks as f64 / stats.busy.as_secs_f64().max(1e-9),
        entity_ticks_per_sec: stats.entity_ticks_per_sec(),
        tick_ms_p50: stats.tick_ms(0.5),
        tick_ms_p99: stats.tick_ms(0.99),
        peak_rss_bytes: peak,
        rss_bytes_per_entity: peak.saturating_sub(rss_before) as f64 / population.max(1) as f64,
        narrate_ms_p50: if args.no_narrative {
            0.0
        } else {
            narrate_ms_p50
        },
        narrative_bytes_per_agent: if args.no_narrative {
            0.0
        } else {
            bytes as f64 / agents.max(1) as f64
        },
        narrative_on: !args.no_narrative,
        sift_ns_per_event: sift.map_or(0.0, |s| s.0),
        sift_found: sift.map_or(0, |s| s.1.found),
        sift_peak_pool: sift.map_or(0, |s| s.1.peak),
        sift_evicted: sift.map_or(0, |s| s.1.evicted),
    }
}

pub(super) fn run_child(
    population: u32,
    args: &BenchArgs,
    narrative: bool,
) -> Result<BenchResult, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find own executable: {e}"))?;
    let mut cmd = Command::new(exe);
    cmd.args([
        "bench",
        "--single",
        &population.to_string(),
        "--seed",
        &args.seed.to_string(),
    ]);
    if let Some(t) = args.ticks {
        cmd.args(["--ticks", &t.to_string()]);
    }
    if let Some(t) = args.threads {
        cmd.args(["--threads", &t.to_string()]);
    }
    if !narrative {
        cmd.arg("--no-narrative");
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot start benchmark child: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "benchmark of {population} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("bad output from benchmark child: {e}"))
}

/// The markdown table of results (as in the README).
pub fn table(results: &[BenchResult]) -> String {
    let mut s = String::from(
        "| population | ticks | ticks/s | entity-ticks/s | tick p50 (ms) | tick p99 (ms) | peak RSS | RSS/entity |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in results {
        s += &format!(
            "| {} | {} | {:.1} | {:.2} M | {:.3} | {:.3} | {:.0} MiB | {:.0} B |\n",
            r.population,
            r.ticks,
            r.ticks_per_sec,
            r.entity_ticks_per_sec / 1e6,
            r.tick_ms_p50,
            r.tick_ms_p99,
            r.peak_rss_bytes as f64 / (1024.0 * 1024.0),
            r.rss_bytes_per_entity
        );
    }
    s
}

pub fn run(args: &BenchArgs) -> ExitCode {
    if let Some(n) = args.single {
        let result = measure(n, args);
        return match serde_json::to_string(&result) {
            Ok(json) => {
                let _ = writeln!(std::io::stdout(), "{json}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_FAILED)
            }
        };
    }
    if let Some(db) = &args.sift {
        return match sift::measure(db) {
            Ok(b) => {
                let _ = write!(std::io::stdout(), "{}", sift::table(&b));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}: {e}", db.display());
                ExitCode::from(EXIT_FAILED)
            }
        };
    }
    if args.store {
        let dir = std::env::temp_dir().join(format!("seedsim-bench-store-{}", std::process::id()));
        let result = store::measure(&dir, args.threads.map(|t| t as usize));
        let _ = std::fs::remove_dir_all(&dir);
        return match result {
            Ok(b) => {
                let _ = write!(std::io::stdout(), "{}", store::table(&b));
                if let Some(path) = &args.json
                    && let Err(e) = serde_json::to_string_pretty(&b)
                        .map_err(std::io::Error::other)
                        .and_then(|j| std::fs::write(path, j + "\n"))
                {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::from(EXIT_FAILED);
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_FAILED)
            }
        };
    }
    if args.sizes.is_empty() {
        eprintln!("error: --sizes needs positive population sizes");
        return ExitCode::from(EXIT_INVALID);
    }
    if args.narrative {
        return narrative::run(args);
    }
    let mut results = Vec::new();
    for &n in &args.sizes {
        eprintln!("measuring population {n}...");
        match run_child(n, args, true) {
            Ok(r) => results.push(r),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_FAILED);
            }
        }
    }
    report(&table(&results), &results, args.json.as_deref())
}

/// Prints a results table and, if asked, writes the results as JSON.
pub(super) fn report(
    table: &str,
    results: &impl Serialize,
    json: Option<&std::path::Path>,
) -> ExitCode {
    let _ = write!(std::io::stdout(), "{table}");
    if let Some(path) = json {
        let written = serde_json::to_string_pretty(results)
            .map_err(std::io::Error::other)
            .and_then(|j| std::fs::write(path, j + "\n"));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(EXIT_FAILED);
        }
    }
    ExitCode::SUCCESS
}
