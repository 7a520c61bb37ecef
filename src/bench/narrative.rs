//! `seedsim bench --narrative`: what Warbler costs. Each size runs with the
//! Narrate stage on and off, interleaved (on, off, on, off, on, off: a
//! machine's drift hits both alike), each in its own process; of each three
//! the run with the lowest tick p50 counts. Reported: tick p50 on and off,
//! the Narrate stage's own p50 and its share of the tick (the target is
//! ≤ 5%), and the narrative state per agent (the target is ≤ 80 bytes).

use std::process::ExitCode;

use serde::Serialize;

use super::{BenchArgs, BenchResult, run_child};
use crate::exit::EXIT_FAILED;

/// Runs of each setting.
const TRIES: usize = 3;

#[derive(Clone, Debug, Serialize)]
pub struct NarrativeCost {
    pub population: u32,
    pub on: BenchResult,
    pub off: BenchResult,
    /// Narrate p50 / tick p50 with it on.
    pub share_p50: f64,
}

fn best(runs: Vec<BenchResult>) -> Option<BenchResult> {
    runs.into_iter()
        .min_by(|a, b| a.tick_ms_p50.total_cmp(&b.tick_ms_p50))
}

fn measure(n: u32, args: &BenchArgs) -> Result<NarrativeCost, String> {
    let (mut on, mut off) = (Vec::new(), Vec::new());
    for _ in 0..TRIES {
        on.push(run_child(n, args, true)?);
        off.push(run_child(n, args, false)?);
    }
    let (Some(on), Some(off)) = (best(on), best(off)) else {
        return Err("no runs".into());
    };
    Ok(NarrativeCost {
        population: n,
        share_p50: on.narrate_ms_p50 / on.tick_ms_p50.max(1e-9),
        on,
        off,
    })
}

/// The markdown table of the comparison.
pub fn table(rows: &[NarrativeCost]) -> String {
    let mut s = String::from(
        "| population | ticks | tick p50 on (ms) | tick p50 off (ms) | Narrate p50 (ms) | Narrate share | narrative state/agent | sift per event | stories | sift pool peak / evicted |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        s += &format!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {:.1}% | {:.0} B | {:.0} ns | {} | {} / {} |\n",
            r.population,
            r.on.ticks,
            r.on.tick_ms_p50,
            r.off.tick_ms_p50,
            r.on.narrate_ms_p50,
            r.share_p50 * 100.0,
            r.on.narrative_bytes_per_agent,
            r.on.sift_ns_per_event,
            r.on.sift_found,
            r.on.sift_peak_pool,
            r.on.sift_evicted
        );
    }
    s
}

pub fn run(args: &BenchArgs) -> ExitCode {
    let mut rows = Vec::new();
    for &n in &args.sizes {
        eprintln!("measuring Warbler at population {n} (on/off x{TRIES})...");
        match measure(n, args) {
            Ok(r) => rows.push(r),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_FAILED);
            }
        }
    }
    super::report(&table(&rows), &rows, args.json.as_deref())
}
