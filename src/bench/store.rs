//! `seedsim bench --store`: the event store's figures — sustained append
//! rate of the writer thread, `verify` rate, `replay` speed of `city.ron`
//! against real time, and the city's throughput with recording on and off.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::core::agent::EntityId;
use crate::core::scenario::load_file;
use crate::events::{Event, Payload};
use crate::run::replay::replay;
use crate::run::{Pace, RunConfig, Simulation};
use crate::store::recording::Outcome;
use crate::store::verify::{Verdict, verify};
use crate::store::{StoreConfig, StoreSink, TickBatch};

#[derive(Clone, Debug, Serialize)]
pub struct StoreBench {
    pub append_events: u64,
    pub append_events_per_sec: f64,
    pub verify_events_per_sec: f64,
    pub city_ticks: u64,
    pub city_events: u64,
    pub replay_ticks_per_sec: f64,
    pub replay_times_real_time: f64,
    pub city_entity_ticks_per_sec_recording: f64,
    pub city_entity_ticks_per_sec_not_recording: f64,
}

fn synthetic(tick: u64, first_seq: u64, n: u64) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let seq = first_seq + i;
            let payload = match i % 4 {
                0 => Payload::Trade {
                    buyer: seq,
                    seller: seq + 1,
                    goods: 2,
                    price: 24,
                },
                1 => Payload::Chat {
                    ticks: 12,
                    length: 40,
                    text: None,
                },
                2 => Payload::ReputationChanged {
                    delta: 1,
                    reputation: 7,
                },
                _ => Payload::TravelStarted {
                    zone: 3,
                    x: 120.5,
                    y: 88.25,
                },
            };
            Event {
                seq,
                tick,
                actor: Some(EntityId(seq % 10_000 + 1)),
                target: Some(EntityId(seq % 7_000 + 1)),
                cause: (i % 4 == 2).then(|| seq - 2),
                correlation: None,
                depth: (i % 4 == 2) as u8,
                payload,
                handles: (None, None),
            }
        })
        .collect()
}

fn config(dir: &Path, name: &str, scenario_text: String, seed: u64, ticks: u64) -> StoreConfig {
    StoreConfig {
        path: dir.join(name),
        scenario_file: "scenarios/city.ron".into(),
        scenario_text,
        seed,
        ticks,
        narrative_pack: crate::core::scenario::narrative::SHIPPED.into(),
    }
}

/// Runs every store measurement in `dir` (which it fills with databases).
pub fn measure(dir: &Path, threads: Option<usize>) -> Result<StoreBench, String> {
    let city = Path::new("scenarios/city.ron");
    let (scenario, text) = load_file(city).map_err(|e| e.to_string())?;
    // Long enough (about 3 s a run) that the shared machine's noise averages out.
    let ticks = 3000;
    let mut rates = [0.0; 2];
    let mut events = 0;
    // Interleaved, best of three each: the machine's noise only slows runs down.
    for (i, recording) in [false, true].repeat(3).into_iter().enumerate() {
        let store = recording.then(|| config(dir, "city.db", text.clone(), scenario.seed, ticks));
        let run = RunConfig {
            seed: scenario.seed,
            threads,
            store,
        };
        let mut sim =
            Simulation::recorded(&scenario, &run, Pace::Fast).map_err(|e| e.to_string())?;
        let start = Instant::now();
        let mut entity_ticks = 0;
        for _ in 0..ticks {
            entity_ticks += sim.step().population;
        }
        if let Some(done) = sim.finish_store() {
            events = done.map_err(|e| e.to_string())?.events;
        }
        let rate = entity_ticks as f64 / start.elapsed().as_secs_f64();
        rates[i % 2] = f64::max(rates[i % 2], rate);
    }
    let start = Instant::now();
    match replay(&dir.join("city.db"), threads).map_err(|e| e.to_string())? {
        Outcome::Identical { .. } => {}
        Outcome::Diverged(d) => return Err(format!("city replay diverged: {d:?}")),
    }
    let replay_rate = ticks as f64 / start.elapsed().as_secs_f64();
    // The synthetic append and verify run last: their big file's write-back
    // must not disturb the city measurements.
    const EVENTS: u64 = 1_000_000;
    const PER_TICK: u64 = 2_000;
    let mut sink = StoreSink::create(&config(dir, "append.db", String::new(), 0, 0))
        .map_err(|e| e.to_string())?;
    for t in 0..EVENTS / PER_TICK {
        sink.send(TickBatch {
            tick: t,
            events: std::sync::Arc::new(synthetic(t, 1 + t * PER_TICK, PER_TICK)),
            state_hash: String::new(),
            inputs: Vec::new(),
            stall: None,
        });
    }
    let summary = sink.finish().map_err(|e| e.to_string())?;
    // Sustained rate of the writer thread itself: events per second of its
    // busy time (the producer here is synthetic, indexing happens after).
    let append = summary.events as f64 / summary.writer_busy.as_secs_f64().max(1e-9);

    let start = Instant::now();
    match verify(&dir.join("append.db")).map_err(|e| e.to_string())? {
        Verdict::Intact { .. } => {}
        other => return Err(format!("benchmark store does not verify: {other:?}")),
    }
    let verify_rate = EVENTS as f64 / start.elapsed().as_secs_f64();

    Ok(StoreBench {
        append_events: EVENTS,
        append_events_per_sec: append,
        verify_events_per_sec: verify_rate,
        city_ticks: ticks,
        city_events: events,
        replay_ticks_per_sec: replay_rate,
        replay_times_real_time: replay_rate / 10.0,
        city_entity_ticks_per_sec_recording: rates[1],
        city_entity_ticks_per_sec_not_recording: rates[0],
    })
}

/// The README table of store figures.
pub fn table(b: &StoreBench) -> String {
    format!(
        "| measure | result |\n|---|---:|\n\
         | store append (writer thread, {} events) | {:.0} events/s |\n\
         | verify | {:.0} events/s |\n\
         | replay of city.ron ({} ticks, {} events) | {:.0} ticks/s = {:.0}× real time |\n\
         | city.ron recording on / off | {:.2} M / {:.2} M entity-ticks/s ({:.0}%) |\n",
        b.append_events,
        b.append_events_per_sec,
        b.verify_events_per_sec,
        b.city_ticks,
        b.city_events,
        b.replay_ticks_per_sec,
        b.replay_times_real_time,
        b.city_entity_ticks_per_sec_recording / 1e6,
        b.city_entity_ticks_per_sec_not_recording / 1e6,
        100.0 * b.city_entity_ticks_per_sec_recording
            / b.city_entity_ticks_per_sec_not_recording.max(1e-9)
    )
}
