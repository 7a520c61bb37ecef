//! What the window shows comes through a [`Feed`]; what it asks for goes
//! back as [`Command`]s. Three sources fill a feed: a simulation of the
//! window's own on a thread of its own (`run --window`, [`local`]), a stored
//! run re-simulated under a timeline (`replay --window`, [`replay`]) and a
//! live server over its WebSocket stream and REST API (`view`, [`remote`]).
//! The window never touches a simulation: it draws the latest [`Frame`] and
//! logs the [`Logged`] events that came with it, so a slow frame (software
//! rendering, a big world) never slows the ticks, and a tick never stalls a
//! frame.
//!
//! The hand-over is a mailbox under one mutex, bounded by construction: a
//! frame the window has not taken yet is replaced by the next one (counted
//! as skipped), and events beyond [`EVENT_BACKLOG`] drop the oldest
//! (counted). Commands go the other way on a bounded channel; a full one
//! refuses the command, which the panel shows.

pub mod direction;
pub mod local;
pub mod observe;
mod pacing;
pub mod remote;
pub mod replay;
mod wake;

use std::sync::{Arc, Mutex};

use bevy::math::Vec2;
use crossbeam_channel::{Receiver, Sender, TrySendError};
use serde_json::Value;

use crate::core::agent::kinds::{Activity, AgentKind, KIND_COUNT};
use crate::core::stat7::Realm;
use crate::input::{ControlAction, Tunables};

pub use direction::{Directed, Direction, ZoneReading, stated_zone};
pub use pacing::{MAX_SPEED, MIN_SPEED, Pacing};
pub use wake::{PUBLISH_EVERY, Throttle, Woken};

/// Events the mailbox holds for the window between two frames.
pub const EVENT_BACKLOG: usize = 4_000;
/// Commands in flight to the source.
pub const COMMAND_QUEUE: usize = 256;

/// One agent as the window draws it: its place, what it is, and the
/// numbers the STAT7 projection and the colour modes read. Fields a source
/// cannot know (a live server's stream carries no mood) are `None`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Agent {
    pub id: u64,
    pub kind: AgentKind,
    pub pos: Vec2,
    pub zone: u16,
    pub realm: Realm,
    /// 0..=100.
    pub health: f32,
    pub activity: Activity,
    pub stat7: Option<Stat7Axes>,
    /// 0 when spawned rather than born.
    pub parent: u64,
}

/// An agent's STAT7 dimensions as numbers, for the projection (the realm
/// is the agent's own field).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Stat7Axes {
    pub lineage: u32,
    /// Relationships remembered (0..=4).
    pub adjacency: u8,
    /// The horizon's index (genesis 0 … crystallization 4).
    pub horizon: u8,
    /// Mood, -1..=1.
    pub resonance: f32,
    /// Activity intensity, -1..=1.
    pub velocity: f32,
    /// 0..=1.
    pub density: f32,
}

/// The population heatmap: `cols` × `rows` counts, row-major from the
/// world's origin.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Heat {
    pub cols: u32,
    pub rows: u32,
    pub counts: Vec<u32>,
}

/// A tick's numbers for the Run and Plots panels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub tick_ms: f64,
    pub population: u64,
    pub by_kind: [u32; KIND_COUNT],
    /// Events the tick emitted.
    pub events: u64,
    /// Governance denials so far, by rule (cumulative; the plot derives rates).
    pub denials: Vec<(String, u64)>,
}

/// Everything the window draws for one tick.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    pub tick: u64,
    /// Sorted by id.
    pub agents: Arc<Vec<Agent>>,
    pub heat: Heat,
    pub stats: Stats,
    /// Every zone's tension, when the source can read it.
    pub direction: Direction,
    /// The parameters as the admin API shows them (None: not known yet).
    pub tunables: Option<Arc<Tunables>>,
    /// The inspected entity as `GET /api/entities/{id}` shows it.
    pub inspected: Option<Arc<Value>>,
    pub paused: bool,
    pub speed: f32,
    /// The run has reached its end (or stopped): nothing more will tick.
    pub finished: bool,
}

/// One event as the Events panel keeps it: the event and its actor's zone
/// just after its tick.
#[derive(Clone, Debug)]
pub struct Logged {
    pub event: crate::events::Event,
    pub zone: Option<crate::core::agent::ZoneId>,
}

/// A zone, for the ground's tiles and the legend.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneView {
    pub id: u16,
    pub name: String,
    pub realm: Realm,
    pub min: Vec2,
    pub max: Vec2,
}

/// What a source is and what it can do; sent once, before any frame.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceKind {
    /// `run --window`: tunes, controls and steps.
    Local,
    /// `replay --window`: a timeline of `ticks` recorded ticks; seeks.
    Replay { ticks: u64 },
    /// `view ws://…`: what the server allows (tuning needs its token).
    Remote { url: String, can_tune: bool },
}

/// The world as the source describes it before the first frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    pub title: String,
    pub kind: SourceKind,
    pub size: Vec2,
    pub zones: Vec<ZoneView>,
    /// The last tick the run will reach (None: it runs until stopped).
    pub ticks: Option<u64>,
}

/// What the window asks of its source.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Control(ControlAction),
    Speed(f32),
    /// A JSON patch as `PUT /api/tunables` takes it.
    Tune(Value),
    /// Send this entity's details with every frame (None: stop).
    Inspect(Option<u64>),
    /// Replay only: go to this tick.
    Seek(u64),
    /// The window is closing.
    Quit,
}

/// What the source tells the window besides frames.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A tune was accepted (queued for the tick after `tick`) or refused.
    Tuned {
        tick: u64,
        result: Result<(), String>,
    },
    /// Something went wrong that the window should show (a lost connection).
    Problem(String),
}

#[derive(Default)]
struct Box_ {
    frame: Option<Frame>,
    events: std::collections::VecDeque<Logged>,
    notices: Vec<Notice>,
    skipped_frames: u64,
    dropped_events: u64,
    /// The source has ended (its thread is gone).
    closed: bool,
}

/// The mailbox shared by a source and the window.
#[derive(Clone, Default)]
struct Mailbox(Arc<Mutex<Box_>>);

impl Mailbox {
    fn with<R>(&self, f: impl FnOnce(&mut Box_) -> R) -> R {
        // A poisoned lock means the other side panicked; the data is plain
        // and still whole, so keep going with it.
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }
}

/// The window's end of a feed.
pub struct Feed {
    mailbox: Mailbox,
    commands: Sender<Command>,
    info: Receiver<Info>,
}

/// What the window takes from the mailbox in one frame.
#[derive(Default)]
pub struct Delivery {
    pub frame: Option<Frame>,
    pub events: Vec<Logged>,
    pub notices: Vec<Notice>,
    pub skipped_frames: u64,
    pub dropped_events: u64,
    pub closed: bool,
}

impl Feed {
    /// Waits for the source to describe the world; None if it ended first
    /// (it could not start: its own error says why).
    pub fn info(&self) -> Option<Info> {
        self.info.recv().ok()
    }

    /// Everything that arrived since the last call.
    pub fn take(&self) -> Delivery {
        self.mailbox.with(|b| Delivery {
            frame: b.frame.take(),
            events: b.events.drain(..).collect(),
            notices: std::mem::take(&mut b.notices),
            skipped_frames: b.skipped_frames,
            dropped_events: b.dropped_events,
            closed: b.closed,
        })
    }

    /// Sends a command; the error says why it could not be.
    pub fn send(&self, command: Command) -> Result<(), String> {
        self.commands.try_send(command).map_err(|e| match e {
            TrySendError::Full(_) => "the source is busy: try again".to_string(),
            TrySendError::Disconnected(_) => "the source has stopped".to_string(),
        })
    }
}

/// The source's end of a feed.
pub struct Source {
    mailbox: Mailbox,
    pub commands: Receiver<Command>,
    info: Sender<Info>,
}

impl Source {
    /// Describes the world; call once, before the first frame.
    pub fn describe(&self, info: Info) {
        // The window may already be gone; then nobody needs it.
        let _ = self.info.try_send(info);
    }

    /// Hands a frame over, replacing one the window has not taken.
    pub fn publish(&self, frame: Frame) {
        self.mailbox.with(|b| {
            if b.frame.replace(frame).is_some() {
                b.skipped_frames += 1;
            }
        });
    }

    /// Whether the window has taken the last frame: a source builds the
    /// next one only then, so a window drawing one frame a second costs
    /// the source one frame's work a second, not sixty.
    pub fn wants_frame(&self) -> bool {
        self.mailbox.with(|b| b.frame.is_none())
    }

    /// Hands events over; beyond [`EVENT_BACKLOG`] the oldest go.
    pub fn log(&self, events: impl IntoIterator<Item = Logged>) {
        self.mailbox.with(|b| {
            b.events.extend(events);
            let over = b.events.len().saturating_sub(EVENT_BACKLOG);
            if over > 0 {
                b.events.drain(..over);
                b.dropped_events += over as u64;
            }
        });
    }

    pub fn notify(&self, notice: Notice) {
        self.mailbox.with(|b| {
            // Notices are rare (one per tune); a window that never takes
            // them must still not grow this without end.
            if b.notices.len() >= 64 {
                b.notices.remove(0);
            }
            b.notices.push(notice);
        });
    }
}

impl Drop for Source {
    fn drop(&mut self) {
        self.mailbox.with(|b| b.closed = true);
    }
}

/// A connected pair.
pub fn channel() -> (Feed, Source) {
    let mailbox = Mailbox::default();
    let (tx, rx) = crossbeam_channel::bounded(COMMAND_QUEUE);
    let (info_tx, info_rx) = crossbeam_channel::bounded(1);
    (
        Feed {
            mailbox: mailbox.clone(),
            commands: tx,
            info: info_rx,
        },
        Source {
            mailbox,
            commands: rx,
            info: info_tx,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(seq: u64) -> Logged {
        Logged {
            event: crate::events::Event {
                seq,
                tick: 1,
                actor: None,
                target: None,
                cause: None,
                correlation: None,
                depth: 0,
                payload: crate::events::Payload::Attack { damage: 1 },
                handles: (None, None),
            },
            zone: None,
        }
    }

    #[test]
    fn an_untaken_frame_is_replaced_and_events_are_bounded() {
        let (feed, source) = channel();
        source.publish(Frame {
            tick: 1,
            ..Frame::default()
        });
        source.publish(Frame {
            tick: 2,
            ..Frame::default()
        });
        source.log((0..EVENT_BACKLOG as u64 + 10).map(logged));
        assert!(!source.wants_frame(), "the window has not taken it");
        let d = feed.take();
        assert!(source.wants_frame());
        assert_eq!(d.frame.map(|f| f.tick), Some(2));
        assert_eq!(d.skipped_frames, 1);
        assert_eq!(d.events.len(), EVENT_BACKLOG);
        assert_eq!(d.events[0].event.seq, 10, "the oldest went");
        assert_eq!(d.dropped_events, 10);
        assert!(feed.take().frame.is_none());
        drop(source);
        assert!(feed.take().closed);
        assert_eq!(
            feed.info(),
            None,
            "a source gone before describing the world"
        );
        assert!(feed.send(Command::Quit).is_err());
    }
}
