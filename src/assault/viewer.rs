//! Viewers: connections that subscribe to every event and only read. Each
//! checks that the batches it receives are whole — event seqs follow each
//! other with no gap, ticks only go forward — and measures how late each
//! batch arrives after its tick ended (the server stamps `tick_end_us` on
//! every `events` frame; the measure is meaningful when both ends share a
//! clock, i.e. on one machine). Together with the players they make the
//! DESIGN §8 load: people acting and people watching.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

use super::link::{Phase, ReadOutcome, close, read};
use super::report::Latency;
use super::stats::{MAX_LATENCY_US, histogram};

/// What all viewers count.
pub struct ViewerStats {
    pub connected: AtomicU64,
    pub failed: AtomicU64,
    pub batches: AtomicU64,
    pub events: AtomicU64,
    /// Events missing between consecutive batches (seq gaps).
    pub gaps: AtomicU64,
    pub lagged: AtomicU64,
    /// Connections lost before the end of the run.
    pub lost: AtomicU64,
    pub delay: Mutex<Histogram<u64>>,
}

impl Default for ViewerStats {
    fn default() -> Self {
        ViewerStats {
            connected: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            batches: AtomicU64::new(0),
            events: AtomicU64::new(0),
            gaps: AtomicU64::new(0),
            lagged: AtomicU64::new(0),
            lost: AtomicU64::new(0),
            delay: Mutex::new(histogram()),
        }
    }
}

/// The viewers' part of the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ViewerReport {
    pub viewers: u64,
    pub connected: u64,
    pub failed: u64,
    pub batches: u64,
    pub events: u64,
    pub gaps: u64,
    pub lagged: u64,
    pub lost: u64,
    /// From the end of a tick to its batch arriving.
    pub delay: Latency,
}

impl ViewerReport {
    pub fn of(viewers: u64, s: &ViewerStats) -> ViewerReport {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let delay = s
            .delay
            .lock()
            .map(|h| Latency::of(&h))
            .unwrap_or_else(|e| Latency::of(&e.into_inner()));
        ViewerReport {
            viewers,
            connected: get(&s.connected),
            failed: get(&s.failed),
            batches: get(&s.batches),
            events: get(&s.events),
            gaps: get(&s.gaps),
            lagged: get(&s.lagged),
            lost: get(&s.lost),
            delay,
        }
    }

    /// Whether every viewer connected and saw every batch whole.
    pub fn failures(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.connected < self.viewers {
            out.push(format!(
                "{} of {} viewers connected",
                self.connected, self.viewers
            ));
        }
        if self.gaps > 0 || self.lagged > 0 {
            out.push(format!(
                "viewers missed events: {} missing between batches, {} lagged frames",
                self.gaps, self.lagged
            ));
        }
        if self.lost > 0 {
            out.push(format!("{} viewers lost their connection", self.lost));
        }
        out
    }
}

/// The parts of a frame a viewer checks. Reading only these (serde skips
/// the rest without building it) keeps a thousand viewers from spending
/// the machine's CPU on payloads they do not look at.
#[derive(Deserialize)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<SeqOnly>,
    #[serde(default)]
    tick_end_us: Option<u64>,
}

#[derive(Deserialize)]
struct SeqOnly {
    seq: u64,
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// One viewer, from connecting to the close.
pub async fn watch(
    target: String,
    wait: Duration,
    stats: &ViewerStats,
    mut phase: watch::Receiver<Phase>,
) {
    let Ok(Ok((ws, _))) = timeout(wait, tokio_tungstenite::connect_async(target.as_str())).await
    else {
        stats.failed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let (mut sink, mut stream) = ws.split();
    if sink
        .send(Message::text(r#"{"type":"subscribe"}"#))
        .await
        .is_err()
    {
        stats.failed.fetch_add(1, Ordering::Relaxed);
        return;
    }
    stats.connected.fetch_add(1, Ordering::Relaxed);
    let mut last_seq: Option<u64> = None;
    loop {
        tokio::select! {
            item = stream.next() => match read(item) {
                ReadOutcome::Text(text) => match serde_json::from_str::<Frame>(&text) {
                    Ok(Frame { kind, events, tick_end_us }) if kind == "events" => {
                        let arrived = now_us();
                        stats.batches.fetch_add(1, Ordering::Relaxed);
                        stats.events.fetch_add(events.len() as u64, Ordering::Relaxed);
                        if let (Some(first), Some(prev)) = (events.first(), last_seq)
                            && first.seq > prev + 1
                        {
                            stats.gaps.fetch_add(first.seq - prev - 1, Ordering::Relaxed);
                        }
                        if let Some(last) = events.last() {
                            last_seq = Some(last.seq);
                        }
                        if let (Some(end), Ok(mut h)) = (tick_end_us, stats.delay.lock()) {
                            h.saturating_record(arrived.saturating_sub(end).clamp(1, MAX_LATENCY_US));
                        }
                    }
                    Ok(Frame { kind, .. }) if kind == "lagged" => {
                        stats.lagged.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                },
                ReadOutcome::Ignore | ReadOutcome::Bad(_) => {}
                ReadOutcome::Lost(_) => {
                    if *phase.borrow() == Phase::Run {
                        stats.lost.fetch_add(1, Ordering::Relaxed);
                    }
                    return;
                }
            },
            changed = phase.changed() => {
                if changed.is_err() || *phase.borrow() == Phase::Close {
                    close(&mut sink, &mut stream).await;
                    return;
                }
            }
        }
    }
}
