//! Viewers: connections that subscribe to every event and only read. Each
//! checks that the batches it receives are whole — event seqs follow each
//! other with no gap, ticks only go forward — and measures how late each
//! batch arrives after its tick ended (the server stamps `tick_end_us` on
//! every `events` frame; the measure is meaningful when both ends share a
//! clock, i.e. on one machine). Together with the players they make the
//! load a live server sees: people acting and people watching.

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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

/// The number right after `at` in `text`.
fn number_after(text: &str, at: usize) -> Option<u64> {
    let digits = text[at..].bytes().take_while(u8::is_ascii_digit).count();
    text[at..at + digits].parse().ok()
}

/// Reads an `events` frame's seqs and stamp without parsing its payloads:
/// the server writes each event as `{"seq":N,...` and the stamp last, so a
/// scan finds them. A thousand viewers parsing every payload in full would
/// measure their own CPU, not the server's delivery. `None` if the frame
/// is not laid out so (then it is parsed properly).
fn scan_events(text: &str) -> Option<Frame> {
    const SEQ: &str = "{\"seq\":";
    const STAMP: &str = "\"tick_end_us\":";
    if !text.starts_with("{\"type\":\"events\"") {
        return None;
    }
    let events = text
        .match_indices(SEQ)
        .map(|(i, _)| number_after(text, i + SEQ.len()).map(|seq| SeqOnly { seq }))
        .collect::<Option<Vec<_>>>()?;
    let tick_end_us = match text.rfind(STAMP) {
        Some(i) => Some(number_after(text, i + STAMP.len())?),
        None => None,
    };
    Some(Frame {
        kind: "events".into(),
        events,
        tick_end_us,
    })
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
                ReadOutcome::Text(text) => match scan_events(&text).map_or_else(|| serde_json::from_str::<Frame>(&text), Ok) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::EntityId;
    use crate::events::{Event, Payload};

    #[test]
    fn the_scan_reads_what_a_full_parse_reads() {
        let event = |seq| Event {
            seq,
            tick: 3,
            actor: Some(EntityId(1)),
            target: None,
            cause: Some(seq - 1),
            correlation: None,
            depth: 1,
            payload: Payload::Departure { wealth: 12 },
            handles: (None, None),
        };
        let events = [event(7), event(8), event(9)];
        let text = crate::net::render::events_text(3, Some(1_700_000), events.iter());
        let scanned = scan_events(&text).expect("an events frame");
        let parsed: Frame = serde_json::from_str(&text).expect("JSON");
        let seqs = |f: &Frame| f.events.iter().map(|e| e.seq).collect::<Vec<_>>();
        assert_eq!(seqs(&scanned), vec![7, 8, 9]);
        assert_eq!(seqs(&scanned), seqs(&parsed));
        assert_eq!(scanned.tick_end_us, Some(1_700_000));
        assert_eq!(parsed.tick_end_us, Some(1_700_000));
        assert!(scan_events(r#"{"type":"metrics","tick":1}"#).is_none());
    }
}
