//! One connection to a live server, from its `hello` to the close: the
//! stream feeds the [`Mirror`], whose frames go to the window at most every
//! [`POLL`]; the window's commands become REST calls run as tasks beside
//! the stream (a slow API never stalls the picture), whose answers come
//! back on a bounded channel. Everything the server sends is untrusted: a
//! frame that does not parse is counted and told once, a lost connection
//! ends the session with a notice, never a panic.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::TryRecvError;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;

use super::super::{Command, Notice, Source};
use super::http::{Api, Method};
use super::mirror::{Mirror, describe};
use super::{Config, Ended, RemoteError};
use crate::core::protocol::{ClientMsg, ServerMsg, Subscription};
use crate::input::{ControlAction, Tunables};

/// How often commands are looked at and a changed frame handed over
/// (about 60 a second).
pub const POLL: Duration = Duration::from_millis(16);
/// REST calls running at once; more are refused with a notice.
pub const MAX_IN_FLIGHT: usize = 16;

const READ_ONLY: &str = "read only: give `view` the server's --token (or SEEDSIM_TOKEN)";
const OWN_PACE: &str = "a live server runs at its own pace";

/// A REST call's answer, back in the session.
enum Answer {
    /// The answer to `PUT /api/tunables`: the parameters the next tick takes.
    Tuned(Result<Value, String>),
    Tunables(Result<Tunables, String>),
    Inspected(u64, Result<Value, String>),
    Stats(Result<Value, String>),
    Governance(Result<Value, String>),
    Control(ControlAction, Result<Value, String>),
}

fn action_name(a: ControlAction) -> &'static str {
    match a {
        ControlAction::Pause => "pause",
        ControlAction::Resume => "resume",
        ControlAction::Step => "step",
    }
}

/// The session's state besides the mirror.
struct Session<'a> {
    source: &'a Source,
    api: Api,
    mirror: Mirror,
    answers: mpsc::Sender<Answer>,
    in_flight: usize,
    tunables: Option<Arc<Tunables>>,
    inspect: Option<u64>,
    inspected: Option<Arc<Value>>,
    inspect_pending: bool,
    inspect_told: bool,
    last_inspect: Option<Instant>,
    stats_pending: bool,
    governance_pending: bool,
    last_stats: Option<Instant>,
    /// Denials so far by rule, as `GET /api/governance` last said.
    denials: Vec<(String, u64)>,
    paused: bool,
    dirty: bool,
    bad_frames: u64,
    frames: u64,
    events: u64,
}

impl Session<'_> {
    /// Runs one REST call as a task; false when too many are running.
    fn call(
        &mut self,
        method: Method,
        path: String,
        body: Option<Value>,
        done: impl FnOnce(Result<Value, String>) -> Answer + Send + 'static,
    ) -> bool {
        if self.in_flight >= MAX_IN_FLIGHT {
            return false;
        }
        self.in_flight += 1;
        let api = self.api.clone();
        let tx = self.answers.clone();
        tokio::spawn(async move {
            let result = api.call(method, &path, body.as_ref()).await;
            // The session may have ended; then nobody waits for it.
            let _ = tx.send(done(result)).await;
        });
        true
    }

    fn fetch_tunables(&mut self) {
        self.call(Method::Get, "/api/tunables".into(), None, |r| {
            Answer::Tunables(r.and_then(|v| {
                serde_json::from_value(v).map_err(|e| format!("the tunables do not read: {e}"))
            }))
        });
    }

    /// Applies one command; false when the window is closing.
    fn command(&mut self, command: Command) -> bool {
        let tick = self.mirror.tick;
        match command {
            Command::Quit => return false,
            Command::Speed(_) | Command::Seek(_) => {
                self.source.notify(Notice::Problem(OWN_PACE.into()))
            }
            Command::Control(action) => {
                let name = action_name(action);
                if self.api.token.is_none() {
                    self.source
                        .notify(Notice::Problem(format!("{name}: {READ_ONLY}")));
                } else if !self.call(
                    Method::Post,
                    format!("/api/control/{name}"),
                    None,
                    move |r| Answer::Control(action, r),
                ) {
                    self.source.notify(Notice::Problem(format!(
                        "{name}: too many requests in flight; try again"
                    )));
                }
            }
            Command::Tune(patch) => {
                let refused = if self.api.token.is_none() {
                    Some(READ_ONLY.to_string())
                } else if !self.call(
                    Method::Put,
                    "/api/tunables".into(),
                    Some(patch),
                    Answer::Tuned,
                ) {
                    Some("too many requests in flight; try again".to_string())
                } else {
                    None
                };
                if let Some(why) = refused {
                    self.source.notify(Notice::Tuned {
                        tick,
                        result: Err(why),
                    });
                }
            }
            Command::Inspect(id) => {
                if id != self.inspect {
                    self.inspect = id;
                    self.inspected = None;
                    self.inspect_told = false;
                    self.last_inspect = None;
                    self.dirty = true;
                }
            }
        }
        true
    }

    fn answer(&mut self, answer: Answer) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.dirty = true;
        match answer {
            Answer::Tuned(result) => {
                if let Ok(answer) = &result {
                    // A GET now could still show the old values (the tick
                    // that takes the change has not run): the answer has
                    // the new ones.
                    match serde_json::from_value::<Tunables>(answer["tunables"].clone()) {
                        Ok(t) => self.tunables = Some(Arc::new(t)),
                        Err(_) => self.fetch_tunables(),
                    }
                }
                let tick = self.mirror.tick;
                self.source.notify(Notice::Tuned {
                    tick,
                    result: result.map(|_| ()),
                });
            }
            Answer::Tunables(Ok(t)) => self.tunables = Some(Arc::new(t)),
            Answer::Tunables(Err(e)) => self
                .source
                .notify(Notice::Problem(format!("tunables: {e}"))),
            Answer::Inspected(id, result) => {
                self.inspect_pending = false;
                if Some(id) != self.inspect {
                    return;
                }
                match result {
                    Ok(v) => self.inspected = Some(Arc::new(v)),
                    Err(e) => {
                        self.inspected = None;
                        if !std::mem::replace(&mut self.inspect_told, true) {
                            self.source
                                .notify(Notice::Problem(format!("entity {id}: {e}")));
                        }
                    }
                }
            }
            Answer::Stats(result) => self.took_stats(result),
            Answer::Governance(result) => self.took_governance(result),
            Answer::Control(_, Ok(state)) => {
                if let Some(p) = state["paused"].as_bool() {
                    self.paused = p;
                }
            }
            Answer::Control(action, Err(e)) => {
                self.source
                    .notify(Notice::Problem(format!("{}: {e}", action_name(action))));
            }
        }
    }

    fn text(&mut self, text: &str) {
        match serde_json::from_str::<ServerMsg>(text) {
            Ok(msg) => {
                let applied = self.mirror.apply(msg);
                self.events += applied.events.len() as u64;
                self.source.log(applied.events);
                for n in applied.notices {
                    self.source.notify(n);
                }
                self.dirty = true;
            }
            Err(e) => self.bad_frame(format!("a message that does not read: {e}")),
        }
    }

    fn bad_frame(&mut self, why: String) {
        self.bad_frames += 1;
        if self.bad_frames == 1 {
            self.source.notify(Notice::Problem(format!(
                "{why} (further ones are only counted)"
            )));
        }
    }

    fn publish(&mut self, finished: bool) {
        let frame = self.mirror.frame();
        self.source.publish(super::super::Frame {
            tunables: self.tunables.clone(),
            inspected: self.inspected.clone(),
            paused: self.paused,
            finished,
            stats: super::super::Stats {
                denials: self.denials.clone(),
                ..frame.stats
            },
            ..frame
        });
        self.frames += 1;
        self.dirty = false;
    }
}

/// Runs the session until the window closes or the server goes.
pub async fn run(config: Config, source: Source) -> Result<Ended, RemoteError> {
    let url = config.endpoints.ws_url.clone();
    let (ws, tick, world) = super::connect::open(&url).await?;
    let api = Api {
        at: config.endpoints.api.clone(),
        token: config.token.clone(),
    };
    let (info, mut mirror, notices) = describe(&world, &url, api.token.is_some());
    mirror.tick = tick;
    source.describe(info);
    for n in notices {
        source.notify(n);
    }
    let (mut sink, mut stream) = ws.split();
    let subscribe = ClientMsg::Subscribe(Subscription {
        deltas: true,
        heatmap: true,
        metrics: true,
        ..Subscription::default()
    });
    let subscribe = serde_json::to_string(&subscribe).unwrap_or_default();
    let (tx, mut answers) = mpsc::channel(MAX_IN_FLIGHT + 1);
    let mut s = Session {
        source: &source,
        api,
        mirror,
        answers: tx,
        in_flight: 0,
        tunables: None,
        inspect: None,
        inspected: None,
        inspect_pending: false,
        inspect_told: false,
        last_inspect: None,
        stats_pending: false,
        governance_pending: false,
        last_stats: None,
        denials: Vec::new(),
        paused: false,
        dirty: true,
        bad_frames: 0,
        frames: 0,
        events: 0,
    };
    if let Err(e) = sink.send(Message::text(subscribe)).await {
        source.notify(Notice::Problem(format!("the connection was lost: {e}")));
        return Ok(s.ended(Some(format!("the connection was lost: {e}"))));
    }
    s.fetch_tunables();
    let mut poll = tokio::time::interval(POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let lost = loop {
        tokio::select! {
            item = stream.next() => match item {
                Some(Ok(Message::Text(t))) => s.text(&t),
                Some(Ok(Message::Binary(_))) => s.bad_frame("a binary message".into()),
                Some(Ok(Message::Close(_))) | None => break Some("the server closed the connection".to_string()),
                Some(Ok(_)) => {}
                Some(Err(e)) => break Some(format!("the connection was lost: {e}")),
            },
            Some(answer) = answers.recv() => s.answer(answer),
            _ = poll.tick() => {
                let mut quit = false;
                loop {
                    match s.source.commands.try_recv() {
                        Ok(c) => if !s.command(c) { quit = true; break },
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Disconnected) => { quit = true; break }
                    }
                }
                if quit {
                    break None;
                }
                s.poll_inspect();
                s.poll_stats();
                if s.dirty {
                    s.publish(false);
                }
            }
        }
    };
    match &lost {
        Some(why) => {
            s.publish(true);
            source.notify(Notice::Problem(why.clone()));
        }
        None => {
            // A clean close: say so and wait (briefly) for the server's reply.
            let _ = timeout(Duration::from_secs(1), async {
                if sink.send(Message::Close(None)).await.is_ok() {
                    while let Some(Ok(m)) = stream.next().await {
                        if m.is_close() {
                            break;
                        }
                    }
                }
            })
            .await;
        }
    }
    Ok(s.ended(lost))
}

impl Session<'_> {
    fn ended(&self, lost: Option<String>) -> Ended {
        Ended {
            lost,
            frames: self.frames,
            events: self.events,
            unreadable: self.mirror.unreadable_entities
                + self.mirror.unreadable_events
                + self.mirror.bad_heatmaps
                + self.bad_frames,
        }
    }
}

mod polls;

pub use polls::INSPECT_EVERY;
