//! The replay source (`replay <events.db> --window`): a stored run
//! re-simulated from its recorded scenario, seed and inputs, on a thread of
//! its own, under a timeline. Playing is paced like the local source
//! (pause, resume, step, speed), but nothing the window does is recorded or
//! changes the run: controls only decide when the next recorded tick runs,
//! and a tune is refused. Every tick's state hash is checked against the
//! recording as it is stepped, and the first divergence is reported as a
//! [`Notice::Problem`] (the replay goes on; it is the run that is suspect).
//!
//! A seek forward steps fast to the tick asked for, building no frames on
//! the way. A seek backward cannot rewind: a Bevy world cannot be
//! snapshotted (its resources and components are not cloneable as a
//! whole), so the simulation is rebuilt from tick 0 — the recording opened
//! afresh, since its inputs are handed over once — and stepped fast to the
//! tick. Seeks run in batches of at most [`BATCH`], so a new seek while
//! scrubbing retargets the one under way. To make scrubbing back cheap to
//! look at, drawn frames are kept in a [`FrameCache`] bounded by a byte
//! budget (oldest dropped first): a seek to a tick drawn before shows that
//! frame at once while the simulation catches up behind it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::observe::{self, Observer};
use super::{
    Command, EVENT_BACKLOG, Frame, Info, Notice, Pacing, Source, SourceKind, Throttle, Woken,
};
use crate::input::ControlAction;
use crate::record::StateHash;
use crate::run::Simulation;
use crate::store::StoreError;
use crate::store::recording::Recording;

mod cache;
pub use cache::FrameCache;

/// Longest a batch of ticks (a seek, or ticks due) runs before commands
/// are looked at again.
const BATCH: Duration = Duration::from_millis(50);
/// A seek logs the events of this many ticks before the one it lands on
/// (the Events panel shows what led there, not the whole skipped stretch).
pub const SEEK_LOG_TICKS: u64 = 10;
/// The frame cache's default budget.
pub const DEFAULT_CACHE_BYTES: usize = 128 << 20;

/// How the replay runs.
#[derive(Clone, Copy, Debug)]
pub struct ReplayOpts {
    /// Compute threads (the states do not depend on it).
    pub threads: Option<usize>,
    /// Bytes of drawn frames kept for seeks back (0: none).
    pub cache_bytes: usize,
}

impl Default for ReplayOpts {
    fn default() -> Self {
        ReplayOpts {
            threads: None,
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }
}

/// How the replay ended (the window closed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Played {
    /// The last recorded tick.
    pub last: u64,
    /// The first tick whose state differed from the recording, if any did.
    pub diverged: Option<u64>,
}

/// Opens the recording at `path`: the recording and every tick's state
/// hash, indexed by tick (the recorded ticks must run 0, 1, 2, …).
fn open(path: &Path) -> Result<(Recording, Vec<u128>), StoreError> {
    let recording = Recording::open(path)?;
    let invalid = |message: String| StoreError::Invalid {
        path: path.display().to_string(),
        message,
    };
    if recording.ticks.is_empty() {
        return Err(invalid("no tick was recorded: nothing to replay".into()));
    }
    let mut hashes = Vec::with_capacity(recording.ticks.len());
    for (i, (tick, hex)) in recording.ticks.iter().enumerate() {
        if *tick != i as u64 {
            return Err(invalid(format!(
                "the recorded ticks have a gap: tick {tick} where tick {i} was expected"
            )));
        }
        let hash = u128::from_str_radix(hex, 16)
            .ok()
            .filter(|_| hex.len() == 32)
            .ok_or_else(|| {
                invalid(format!(
                    "tick {tick}'s state hash {hex:?} is not 32 hex digits"
                ))
            })?;
        hashes.push(hash);
    }
    Ok((recording, hashes))
}

/// The replay as it plays.
struct Player<'a> {
    source: &'a Source,
    path: PathBuf,
    threads: Option<usize>,
    hashes: Vec<u128>,
    last: u64,
    sim: Simulation,
    observer: Observer,
    pacing: Pacing,
    cache: FrameCache,
    inspect: Option<u64>,
    /// Where a seek is going (None: playing).
    target: Option<u64>,
    /// A tick panicked: this simulation can go no further (a seek back
    /// rebuilds it).
    broken: bool,
    /// This simulation has diverged (reported once per build).
    diverged: bool,
    first_divergence: Option<u64>,
    last_tick_ms: f64,
    throttle: Throttle,
}

impl Player<'_> {
    fn at_end(&self) -> bool {
        self.broken || self.sim.tick() >= self.last
    }

    /// Compares the tick just reached with the recording; the first
    /// difference of this simulation is reported.
    fn check(&mut self) {
        let now = self.sim.world().resource::<StateHash>();
        let (tick, actual) = (now.tick, now.value);
        let expected = self.hashes.get(tick as usize).copied();
        if self.diverged || expected == Some(actual) {
            return;
        }
        self.diverged = true;
        self.first_divergence = Some(self.first_divergence.map_or(tick, |t| t.min(tick)));
        let recorded = expected.map_or("no such tick".to_string(), |h| format!("{h:032x}"));
        self.source.notify(Notice::Problem(format!(
            "the replay diverged at tick {tick}: state hash {actual:032x}, the recording has {recorded}"
        )));
    }

    /// Steps one tick, checked; `log`: hand its events to the window.
    fn step(&mut self, log: bool) -> bool {
        let started = Instant::now();
        if let Err(e) = self.sim.try_step() {
            self.broken = true;
            self.source.notify(Notice::Problem(format!(
                "{e}; seek back to go on from an earlier tick"
            )));
            return false;
        }
        self.last_tick_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.check();
        if log {
            self.source
                .log(observe::events(self.sim.world(), EVENT_BACKLOG));
        }
        true
    }

    /// A fresh simulation at tick 0, from the recording opened again.
    fn rebuild(&mut self) -> bool {
        match Recording::open(&self.path) {
            Ok(mut recording) => {
                self.sim = crate::run::replay::simulation(&mut recording, self.threads);
                // A query state belongs to the world it was made for.
                self.observer = Observer::default();
                self.broken = false;
                self.diverged = false;
                self.check();
                true
            }
            Err(e) => {
                self.source
                    .notify(Notice::Problem(format!("cannot go back: {e}")));
                false
            }
        }
    }

    fn seek(&mut self, tick: u64) {
        let tick = tick.min(self.last);
        // Shown before the rebuild, the slow part. (If the rebuild fails,
        // the frame of where the world really is follows.)
        if let Some(frame) = self.cache.get(tick) {
            let frame = frame.clone();
            self.send(frame);
        }
        if tick < self.sim.tick() || (self.broken && tick != self.sim.tick()) {
            if !self.rebuild() {
                return;
            }
            if tick < SEEK_LOG_TICKS {
                self.source
                    .log(observe::events(self.sim.world(), EVENT_BACKLOG));
            }
        }
        self.target = Some(tick);
    }

    /// Runs a batch of the seek under way; true once it has landed.
    fn seek_batch(&mut self, target: u64) -> bool {
        let started = Instant::now();
        while self.sim.tick() < target && !self.broken {
            let log = target - self.sim.tick() <= SEEK_LOG_TICKS;
            if !self.step(log) || started.elapsed() >= BATCH {
                break;
            }
        }
        if self.sim.tick() >= target || self.broken {
            self.target = None;
            return true;
        }
        false
    }

    /// Runs the ticks due, for at most [`BATCH`]; how many ran.
    fn run_due(&mut self) -> u32 {
        let started = Instant::now();
        let mut ran = 0;
        while !self.at_end() && self.pacing.take() {
            if !self.step(true) {
                break;
            }
            ran += 1;
            if started.elapsed() >= BATCH {
                break;
            }
        }
        ran
    }

    /// Applies one command; false when the window is closing.
    fn command(&mut self, command: Command) -> bool {
        match command {
            Command::Quit => return false,
            // A step at the end would wait and fire after the next seek back.
            Command::Control(ControlAction::Step) if self.at_end() => {}
            Command::Control(action) => self.pacing.control(action),
            Command::Speed(speed) => self.pacing.set_speed(speed),
            Command::Tune(_) => self.source.notify(Notice::Tuned {
                tick: self.sim.tick(),
                result: Err("a replay cannot be tuned".into()),
            }),
            Command::Inspect(id) => self.inspect = id,
            Command::Seek(tick) => self.seek(tick),
        }
        true
    }

    /// Hands `frame` over with the replay's own state.
    fn send(&mut self, frame: Frame) {
        let finished = frame.tick >= self.last || (self.broken && frame.tick == self.sim.tick());
        self.source.publish(Frame {
            paused: self.pacing.paused,
            speed: self.pacing.speed(),
            finished,
            ..frame
        });
        self.throttle.sent();
    }

    fn publish(&mut self) {
        let frame = self.observer.frame(self.sim.world(), self.last_tick_ms);
        self.cache.insert(&frame);
        let inspected = self
            .inspect
            .and_then(|id| observe::inspect(self.sim.world_mut(), id));
        self.send(Frame { inspected, ..frame });
    }
}

/// Plays the run recorded at `path` for the window until it closes (a
/// `Quit`, or the feed dropped). An unreadable recording is an error before
/// anything is described (the feed then sees its source end).
pub fn play(path: &Path, opts: ReplayOpts, source: &Source) -> Result<Played, StoreError> {
    let (mut recording, hashes) = open(path)?;
    let last = hashes.len() as u64 - 1;
    let sim = crate::run::replay::simulation(&mut recording, opts.threads);
    let (size, zones) = observe::zones(sim.world());
    source.describe(Info {
        title: format!(
            "replay of {} (seed {})",
            recording.scenario.name, recording.seed
        ),
        kind: SourceKind::Replay { ticks: last },
        size,
        zones,
        ticks: Some(last),
    });
    let mut p = Player {
        source,
        path: path.to_path_buf(),
        threads: opts.threads,
        hashes,
        last,
        sim,
        observer: Observer::default(),
        pacing: Pacing::default(),
        cache: FrameCache::new(opts.cache_bytes),
        inspect: None,
        target: None,
        broken: false,
        diverged: false,
        first_divergence: None,
        last_tick_ms: 0.0,
        throttle: Throttle::default(),
    };
    p.check();
    // The world as Startup left it, with its first events.
    p.source.log(observe::events(p.sim.world(), EVENT_BACKLOG));
    p.publish();
    let mut last_wake = Instant::now();
    let mut dirty = false;
    'run: loop {
        let wait = if p.target.is_some() {
            Some(Duration::ZERO)
        } else if p.at_end() {
            None
        } else {
            p.pacing.until_next()
        };
        let source = p.source;
        match source.wait_commands(p.throttle.limit(dirty, wait), |c| p.command(c)) {
            Woken::Quit => break 'run,
            Woken::Commands => dirty = true,
            Woken::Timeout => {}
        }
        let now = Instant::now();
        // A seek is not playing: the clock owes no ticks meanwhile.
        if p.target.is_none() {
            p.pacing.elapse(now - last_wake);
        }
        last_wake = now;
        match p.target {
            Some(target) => {
                if p.seek_batch(target) {
                    dirty = true;
                }
            }
            None => {
                if p.run_due() > 0 {
                    dirty = true;
                }
            }
        }
        // No frame is built while a seek is under way.
        if p.target.is_none() && p.throttle.due(dirty, p.source) {
            p.publish();
            dirty = false;
        }
    }
    Ok(Played {
        last,
        diverged: p.first_divergence,
    })
}

#[cfg(test)]
mod tests;
