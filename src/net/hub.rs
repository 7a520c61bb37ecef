//! The hub: one thread that takes each tick frame from the simulation and
//! fans it out to every connection's bounded queue. A frame that many
//! viewers want alike (all events, the heatmap, metrics) is serialized once
//! and shared; a client whose queue is full loses that frame, is marked
//! lagged and told so when there is room again — it never slows the tick or
//! the other clients. The hub also keeps a bounded window of recent events
//! for the REST API.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use crossbeam_channel::{Receiver, select};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::bridge::Gauges;
use super::frame::{EntityState, NetFrame};
use super::render::{events_text, reply_msg};
use crate::core::event::EVENT_KINDS;
use crate::core::protocol::{ServerMsg, Subscription};
use crate::events::Event;
use crate::input::Reply;

/// Messages a connection's queue holds; beyond this it has lagged.
pub const CLIENT_QUEUE: usize = 256;
/// Bytes a connection's queue may hold (shared frames counted in full);
/// with the count above, what one slow client can pin is bounded.
pub const CLIENT_BYTES: usize = 2 << 20;
/// Events kept for `GET /api/events` and chains.
pub const RECENT_EVENTS: usize = 200_000;

/// What a connection task is sent.
#[derive(Clone, Debug)]
pub enum Outbound {
    Text(Utf8Bytes),
    /// Frames were dropped while the queue was full.
    Lagged {
        tick: u64,
        dropped: u64,
    },
}

/// From connection tasks to the hub.
pub enum HubMsg {
    Join {
        conn: u64,
        out: mpsc::Sender<Outbound>,
        /// Bytes queued and not yet written; the connection subtracts what it writes.
        queued: Arc<AtomicUsize>,
    },
    Subscribe {
        conn: u64,
        sub: Subscription,
    },
    Unsubscribe {
        conn: u64,
    },
    Leave {
        conn: u64,
    },
}

/// A subscription compiled for fast matching.
struct Filter {
    kinds: Option<[bool; EVENT_KINDS.len()]>,
    zones: Option<Vec<u16>>,
    entities: Option<Vec<u64>>,
    deltas: bool,
    heatmap: bool,
    metrics: bool,
}

impl Filter {
    fn new(s: Subscription) -> Filter {
        let kinds = s.events.map(|names| {
            let mut k = [false; EVENT_KINDS.len()];
            for n in names {
                if let Some(i) = EVENT_KINDS.iter().position(|e| *e == n) {
                    k[i] = true;
                }
            }
            k
        });
        Filter {
            kinds,
            zones: s.zones,
            entities: s.entities,
            deltas: s.deltas,
            heatmap: s.heatmap,
            metrics: s.metrics,
        }
    }

    fn everything(&self) -> bool {
        self.kinds.is_none() && self.zones.is_none() && self.entities.is_none()
    }

    fn event(&self, e: &Event, zone: u16) -> bool {
        self.kinds.is_none_or(|k| k[e.payload.kind_index()])
            && self.zones.as_ref().is_none_or(|z| z.contains(&zone))
            && self.entities.as_ref().is_none_or(|ids| {
                [e.actor, e.target]
                    .iter()
                    .flatten()
                    .any(|id| ids.contains(&id.0))
            })
    }

    fn entity(&self, s: &EntityState) -> bool {
        self.zones.as_ref().is_none_or(|z| z.contains(&s.zone))
            && self.entities.as_ref().is_none_or(|ids| ids.contains(&s.id))
    }
}

struct Client {
    out: mpsc::Sender<Outbound>,
    queued: Arc<AtomicUsize>,
    filter: Option<Filter>,
    dropped: u64,
    /// The simulation welcomed its login: it counts as a player.
    welcomed: bool,
}

/// One tick's events and the zone of each event's actor.
pub type TickOfEvents = (Arc<Vec<Event>>, Arc<Vec<u16>>);

/// Recent events by tick, for the REST API.
#[derive(Default)]
pub struct RecentEvents {
    pub ticks: VecDeque<TickOfEvents>,
    pub count: usize,
}

impl RecentEvents {
    fn push(&mut self, events: Arc<Vec<Event>>, zones: Arc<Vec<u16>>) {
        if events.is_empty() {
            return;
        }
        self.count += events.len();
        self.ticks.push_back((events, zones));
        while self.count > RECENT_EVENTS {
            match self.ticks.pop_front() {
                Some((old, _)) => self.count -= old.len(),
                None => break,
            }
        }
    }

    /// Every kept event, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> {
        self.ticks.iter().flat_map(|(t, _)| t.iter())
    }
}

pub type Recent = Arc<RwLock<RecentEvents>>;

/// Runs until the simulation drops its end of the frame channel.
pub fn run(
    frames: Receiver<NetFrame>,
    control: Receiver<HubMsg>,
    gauges: Arc<Gauges>,
    recent: Recent,
) {
    let mut clients: BTreeMap<u64, Client> = BTreeMap::new();
    loop {
        select! {
            recv(control) -> msg => match msg {
                Ok(msg) => handle(&mut clients, msg, &gauges),
                Err(_) => return,
            },
            recv(frames) -> frame => match frame {
                Ok(frame) => {
                    // Membership changes first, so a subscription made before
                    // a tick's frame was sent sees that frame.
                    while let Ok(msg) = control.try_recv() {
                        handle(&mut clients, msg, &gauges);
                    }
                    fan_out(&mut clients, frame, &gauges, &recent);
                }
                Err(_) => return,
            },
        }
    }
}

fn handle(clients: &mut BTreeMap<u64, Client>, msg: HubMsg, gauges: &Gauges) {
    match msg {
        HubMsg::Join { conn, out, queued } => {
            clients.insert(
                conn,
                Client {
                    out,
                    queued,
                    filter: None,
                    dropped: 0,
                    welcomed: false,
                },
            );
        }
        HubMsg::Subscribe { conn, sub } => {
            if let Some(c) = clients.get_mut(&conn) {
                c.filter = Some(Filter::new(sub));
            }
        }
        HubMsg::Unsubscribe { conn } => {
            if let Some(c) = clients.get_mut(&conn) {
                c.filter = None;
            }
        }
        HubMsg::Leave { conn } => {
            if clients.remove(&conn).is_some_and(|c| c.welcomed) {
                gauges.players.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }
    let deltas = clients
        .values()
        .any(|c| c.filter.as_ref().is_some_and(|f| f.deltas));
    gauges.want_deltas.store(deltas, Ordering::Relaxed);
}

/// Serializes a frame once, on first use.
struct Shared<F: Fn() -> String> {
    make: F,
    text: Option<Utf8Bytes>,
}

impl<F: Fn() -> String> Shared<F> {
    fn get(&mut self) -> Utf8Bytes {
        self.text
            .get_or_insert_with(|| (self.make)().into())
            .clone()
    }
}

#[derive(Serialize)]
struct DeltaOut<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    tick: u64,
    changed: Vec<crate::core::protocol::EntityView>,
    removed: &'a [u64],
}

fn fan_out(clients: &mut BTreeMap<u64, Client>, frame: NetFrame, gauges: &Gauges, recent: &Recent) {
    let tick = frame.tick;
    gauges.tick.store(tick, Ordering::Relaxed);
    gauges.population.store(frame.population, Ordering::Relaxed);
    gauges.events.store(frame.events_total, Ordering::Relaxed);
    gauges
        .tick_us
        .store((frame.tick_ms * 1000.0) as u64, Ordering::Relaxed);
    let zones = Arc::new(frame.zones.clone());
    if let Ok(mut r) = recent.write() {
        r.push(frame.events.clone(), zones.clone());
    }
    let events = &frame.events;
    // Replies by session, and the events each player's actions caused.
    let mut replies: HashMap<u64, Vec<&Reply>> = HashMap::new();
    let mut own: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut owner_of: HashMap<u64, u64> = HashMap::new();
    for r in &frame.replies {
        replies.entry(r.session()).or_default().push(r);
        if let Reply::Ack {
            session,
            seq: Some(seq),
            ..
        } = r
            && let Ok(i) = events.binary_search_by_key(seq, |e| e.seq)
            && let Some(c) = events[i].correlation
        {
            owner_of.insert(c, *session);
        }
    }
    if !owner_of.is_empty() {
        for (i, e) in events.iter().enumerate() {
            if let Some(s) = e.correlation.and_then(|c| owner_of.get(&c)) {
                own.entry(*s).or_default().push(i);
            }
        }
    }
    let mut all_events = Shared {
        make: || events_text(tick, Some(frame.tick_end_us), events.iter()),
        text: None,
    };
    let view = |s: &EntityState| s.view();
    let mut all_deltas = Shared {
        make: || {
            serde_json::to_string(&DeltaOut {
                kind: "delta",
                tick,
                changed: frame.changed.iter().map(view).collect(),
                removed: &frame.removed,
            })
            .unwrap_or_default()
        },
        text: None,
    };
    let mut heatmap = Shared {
        make: || {
            let h = frame.heatmap.clone().unwrap_or_default();
            ServerMsg::Heatmap {
                tick,
                cols: h.cols,
                rows: h.rows,
                cell: h.cell,
                counts: h.counts,
            }
            .to_text()
        },
        text: None,
    };
    let mut metrics = Shared {
        make: || {
            ServerMsg::Metrics {
                tick,
                population: frame.population,
                events: frame.events_total,
                tick_ms: frame.tick_ms,
                connections: gauges.connections.load(Ordering::Relaxed),
            }
            .to_text()
        },
        text: None,
    };
    let changed_by_id: HashMap<u64, &EntityState> = if frame.changed.is_empty() {
        HashMap::new()
    } else {
        frame.changed.iter().map(|s| (s.id, s)).collect()
    };
    let mut gone = Vec::new();
    let (mut sent, mut dropped) = (0u64, 0u64);
    for (&conn, client) in clients.iter_mut() {
        let mut batch: Vec<Utf8Bytes> = Vec::new();
        for r in replies.get(&conn).into_iter().flatten() {
            // Players are the logins the simulation welcomed, not those it
            // refused or has yet to take.
            if matches!(r, Reply::Welcome { .. }) && !client.welcomed {
                client.welcomed = true;
                gauges.players.fetch_add(1, Ordering::Relaxed);
            }
            batch.push(reply_msg(r).to_text().into());
        }
        let mine = own.get(&conn);
        match &client.filter {
            Some(f) if f.everything() => {
                if !events.is_empty() {
                    batch.push(all_events.get());
                }
            }
            Some(f) => {
                let picked: Vec<&Event> = events
                    .iter()
                    .enumerate()
                    .filter(|(i, e)| {
                        f.event(e, zones.get(*i).copied().unwrap_or(u16::MAX))
                            || mine.is_some_and(|m| m.binary_search(i).is_ok())
                    })
                    .map(|(_, e)| e)
                    .collect();
                if !picked.is_empty() {
                    batch.push(
                        events_text(tick, Some(frame.tick_end_us), picked.into_iter()).into(),
                    );
                }
            }
            None => {
                if let Some(m) = mine {
                    batch.push(
                        events_text(tick, Some(frame.tick_end_us), m.iter().map(|&i| &events[i]))
                            .into(),
                    );
                }
            }
        }
        if let Some(f) = &client.filter {
            if f.deltas && (!frame.changed.is_empty() || !frame.removed.is_empty()) {
                if f.zones.is_none() && f.entities.is_none() {
                    batch.push(all_deltas.get());
                } else {
                    let changed: Vec<_> = match &f.entities {
                        // Look the few ids up rather than scan every change
                        // for each of thousands of players watching themselves.
                        Some(ids) => ids
                            .iter()
                            .filter_map(|id| changed_by_id.get(id))
                            .filter(|s| f.entity(s))
                            .map(|s| view(s))
                            .collect(),
                        None => frame
                            .changed
                            .iter()
                            .filter(|s| f.entity(s))
                            .map(view)
                            .collect(),
                    };
                    let removed: Vec<u64> = frame
                        .removed
                        .iter()
                        .copied()
                        .filter(|id| f.entities.as_ref().is_none_or(|ids| ids.contains(id)))
                        .collect();
                    if !changed.is_empty() || !removed.is_empty() {
                        batch.push(
                            ServerMsg::Delta {
                                tick,
                                changed,
                                removed,
                            }
                            .to_text()
                            .into(),
                        );
                    }
                }
            }
            if f.heatmap && frame.heatmap.is_some() {
                batch.push(heatmap.get());
            }
            if f.metrics {
                batch.push(metrics.get());
            }
        }
        if batch.is_empty() {
            continue;
        }
        if client.dropped > 0 {
            match client.out.try_send(Outbound::Lagged {
                tick,
                dropped: client.dropped,
            }) {
                Ok(()) => client.dropped = 0,
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    gone.push(conn);
                    continue;
                }
                Err(mpsc::error::TrySendError::Full(_)) => {}
            }
        }
        for text in batch {
            let len = text.len();
            let over = client.queued.load(Ordering::Relaxed) + len > CLIENT_BYTES;
            let result = if over {
                Err(mpsc::error::TrySendError::Full(Outbound::Text(text)))
            } else {
                client.out.try_send(Outbound::Text(text))
            };
            match result {
                Ok(()) => {
                    client.queued.fetch_add(len, Ordering::Relaxed);
                    sent += 1;
                }
                Err(mpsc::error::TrySendError::Full(_)) => {
                    if client.dropped == 0 {
                        gauges.lagged.fetch_add(1, Ordering::Relaxed);
                    }
                    client.dropped += 1;
                    dropped += 1;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    gone.push(conn);
                    break;
                }
            }
        }
    }
    for conn in gone {
        clients.remove(&conn);
    }
    gauges.messages_sent.fetch_add(sent, Ordering::Relaxed);
    gauges
        .messages_dropped
        .fetch_add(dropped, Ordering::Relaxed);
}
