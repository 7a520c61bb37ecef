//! One connection of a virtual player, from the WebSocket handshake to its
//! end: read `hello`, log in, act every think time, and make sense of every
//! frame the server sends (all untrusted: one that does not parse is
//! counted as a `protocol` error, never a panic). It ends when the run
//! closes, when the client's own session is over, or when the connection is
//! lost; [`super::client`] decides whether to reconnect.
//!
//! Latency is correlated per request: the send time is remembered under the
//! request id until its `ack` (or an `error` naming it) arrives, and, when
//! the ack names the event the action produced, under that event's seq until
//! the event arrives on the stream. Both maps are bounded ([`Pending`]).

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::behaviour::{Behaviour, Pace};
use super::client::Client;
use super::config::AssaultConfig;
use super::error_class::ErrorClass;
use super::link::{self, Phase, ReadOutcome};
use super::pending::{Insert, Pending};
use super::profile::View;
use super::stats::{Stats, bump, drop_by};
use crate::core::protocol::{ActionKindMsg, ActionMsg, ClientMsg, Login};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Requests one client may have unanswered before the oldest is given up.
const ACKS_WAITING: usize = 256;
/// Event seqs one client may wait for before the oldest is given up.
const EVENTS_WAITING: usize = 1024;
/// Nearby ids kept from a `welcome` (the server sends up to 8).
pub(super) const NEARBY_MAX: usize = 32;
/// The next action of a burst follows one tick later.
const QUICK: Duration = Duration::from_millis(100);

/// Resends of one action before it is left to count as missing.
const RESENDS: u8 = 5;

/// How a connection ended.
pub enum End {
    /// The run (or the client's session) is over.
    Done,
    /// Lost; `welcomed` when it had logged in (a working connection).
    Lost { welcomed: bool },
    /// The server closed it to restart (close code 1012).
    Restart,
}

/// Adds actions left unanswered by a restart to those still carried, in
/// request order (the order they were first sent in).
fn carry(carried: &mut Vec<(u64, Sent)>, unanswered: Vec<(u64, Sent)>) {
    carried.extend(unanswered);
    carried.sort_by_key(|(req_id, _)| *req_id);
    carried.dedup_by_key(|(req_id, _)| *req_id);
}

/// What a request was, to make sense of its answer.
pub(super) struct Sent {
    pub(super) at: Instant,
    /// When it last went out, what it said, and how often it went again.
    pub(super) last: Instant,
    pub(super) msg: ActionMsg,
    pub(super) resends: u8,
    pub(super) with: Option<u64>,
    pub(super) to: Option<[f32; 2]>,
    pub(super) zone: Option<u16>,
}

/// A virtual player across its connections.
pub struct Player {
    pub client: Client,
    pub config: Arc<AssaultConfig>,
    pub stats: Arc<Stats>,
    pub behaviour: Behaviour,
    pub(super) view: View,
    /// Request ids keep growing across reconnects, so a late answer from an
    /// old connection can never match a new request.
    pub(super) next_req: u64,
    /// Actions left unanswered when the server closed for a restart: sent
    /// again on the next connection once it is welcomed.
    pub(super) carried: Vec<(u64, Sent)>,
    /// When an unanswered action goes again under its req_id (the network
    /// may have lost it; the server executes a req_id only once).
    pub(super) rto: super::rto::Rto,
}

/// Where a connection stands.
pub(super) struct Conn {
    pub(super) sink: SplitSink<Ws, Message>,
    pub(super) acks: Pending<Sent>,
    pub(super) events: Pending<Instant>,
    /// `hello` (then `welcome`) must arrive before this.
    pub(super) expect_by: Option<Instant>,
    pub(super) awaiting_welcome: bool,
    pub(super) welcomed: bool,
    pub(super) logged_in: bool,
    pub(super) next_action: Instant,
    /// Set when no more actions go out.
    pub(super) draining: bool,
    /// At the client's own session end: the time by which it closes even if
    /// answers are still due.
    pub(super) leaving_by: Option<Instant>,
}

/// What the timer in the session loop is waiting for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Wake {
    Act,
    Resend,
    Expect,
    Leave,
    LeaveDone,
    Never,
}

impl Player {
    pub fn new(client: Client, config: Arc<AssaultConfig>, stats: Arc<Stats>) -> Player {
        Player {
            behaviour: Behaviour::new(client.profile, config.seed, client.index),
            view: View::default(),
            next_req: 1,
            carried: Vec::new(),
            rto: Default::default(),
            client,
            config,
            stats,
        }
    }

    /// Plays one connection to its end.
    pub async fn session(&mut self, ws: Ws, phase: &mut watch::Receiver<Phase>) -> End {
        let (sink, mut stream) = ws.split();
        let now = Instant::now();
        let mut c = Conn {
            sink,
            acks: Pending::new(ACKS_WAITING),
            events: Pending::new(EVENTS_WAITING),
            expect_by: Some(now + self.config.timeout),
            awaiting_welcome: false,
            welcomed: false,
            logged_in: false,
            next_action: now,
            draining: false,
            leaving_by: None,
        };
        let end = self.drive(&mut c, &mut stream, phase).await;
        if matches!(end, End::Restart) {
            // A restarting server answers everything it took before its
            // close (acks, or `shutting_down` for what it refused), so an
            // action still unanswered here was never executed: it is still
            // awaited, and goes again, once, on the next connection. What
            // an earlier restart left is kept: this connection may have
            // closed before its welcome, with that still unsent.
            carry(&mut self.carried, c.acks.drain());
        } else {
            drop_by(&self.stats.awaiting_acks, c.acks.abandon());
        }
        drop_by(&self.stats.awaiting_events, c.events.abandon());
        if matches!(end, End::Done) {
            link::close(&mut c.sink, &mut stream).await;
        }
        end
    }

    async fn drive(
        &mut self,
        c: &mut Conn,
        stream: &mut SplitStream<Ws>,
        phase: &mut watch::Receiver<Phase>,
    ) -> End {
        loop {
            match *phase.borrow_and_update() {
                Phase::Close => return End::Done,
                Phase::Drain => c.draining = true,
                Phase::Run => {}
            }
            // A leaving client waits for its events too: they come in the
            // frame right after their acks.
            if c.leaving_by.is_some() && c.acks.is_empty() && c.events.is_empty() {
                return End::Done;
            }
            let (wake_at, wake) = self.next_wake(c);
            tokio::select! {
                biased;
                changed = phase.changed() => {
                    if changed.is_err() {
                        return End::Done;
                    }
                }
                frame = stream.next() => match (link::restarting(&frame), link::read(frame)) {
                    (true, ReadOutcome::Lost(class)) => {
                        self.stats.error(class);
                        return End::Restart;
                    }
                    (_, ReadOutcome::Text(text)) => {
                        if let Err(class) = self.on_text(c, &text).await {
                            self.stats.error(class);
                            return End::Lost { welcomed: c.welcomed };
                        }
                    }
                    (_, ReadOutcome::Ignore) => {}
                    (_, ReadOutcome::Bad(class)) => self.stats.error(class),
                    (_, ReadOutcome::Lost(class)) => {
                        self.stats.error(class);
                        return End::Lost { welcomed: c.welcomed };
                    }
                },
                _ = sleep_until(wake_at), if wake != Wake::Never => match wake {
                    Wake::Resend => {
                        if let Err(class) = self.resend(c).await {
                            self.stats.error(class);
                            return End::Lost { welcomed: c.welcomed };
                        }
                    }
                    Wake::Act => {
                        if let Err(class) = self.act(c).await {
                            self.stats.error(class);
                            return End::Lost { welcomed: c.welcomed };
                        }
                    }
                    Wake::Expect => {
                        self.stats.error(ErrorClass::Timeout);
                        return End::Lost { welcomed: c.welcomed };
                    }
                    Wake::Leave => {
                        c.draining = true;
                        c.leaving_by = Some(Instant::now() + self.config.grace);
                    }
                    Wake::LeaveDone | Wake::Never => return End::Done,
                },
            }
        }
    }

    fn next_wake(&self, c: &Conn) -> (Instant, Wake) {
        let far = Instant::now() + Duration::from_secs(3600);
        let mut best = (far, Wake::Never);
        let mut consider = |at: Option<Instant>, w: Wake| {
            if let Some(at) = at
                && at < best.0
            {
                best = (at, w);
            }
        };
        consider(c.expect_by, Wake::Expect);
        consider(c.leaving_by, Wake::LeaveDone);
        if c.leaving_by.is_none() {
            consider(self.client.leave, Wake::Leave);
        }
        if c.logged_in && !c.draining {
            consider(Some(c.next_action), Wake::Act);
        }
        let due = c
            .acks
            .values()
            .filter(|s| s.resends < RESENDS)
            .map(|s| s.last + self.rto.timeout())
            .min();
        consider(due, Wake::Resend);
        best
    }

    /// Sends again every action unanswered for the retransmission timeout.
    async fn resend(&mut self, c: &mut Conn) -> Result<(), ErrorClass> {
        let now = Instant::now();
        let timeout = self.rto.timeout();
        let due: Vec<ActionMsg> = c
            .acks
            .iter_mut()
            .filter(|(_, s)| s.resends < RESENDS && s.last + timeout <= now)
            .map(|(_, s)| {
                s.last = now;
                s.resends += 1;
                s.msg.clone()
            })
            .collect();
        for msg in due {
            self.send(c, &ClientMsg::Action(msg)).await?;
            bump(&self.stats.resent);
        }
        Ok(())
    }

    pub(super) async fn send(&self, c: &mut Conn, msg: &ClientMsg) -> Result<(), ErrorClass> {
        // Plain data always encodes; a failure would be a bug worth seeing.
        let text = serde_json::to_string(msg).map_err(|_| ErrorClass::Protocol)?;
        match timeout(self.config.timeout, c.sink.send(Message::text(text))).await {
            Err(_) => Err(ErrorClass::Timeout),
            Ok(Err(e)) => Err(link::classify(&e, false)),
            Ok(Ok(())) => Ok(()),
        }
    }

    pub(super) async fn login(&mut self, c: &mut Conn) -> Result<(), ErrorClass> {
        if c.awaiting_welcome || c.draining {
            return Ok(());
        }
        let name = format!(
            "assault-{}-{}",
            self.client.index,
            self.client.profile.name()
        );
        self.send(c, &ClientMsg::Login(Login { name: Some(name) }))
            .await?;
        c.awaiting_welcome = true;
        c.logged_in = false;
        c.expect_by = Some(Instant::now() + self.config.timeout);
        Ok(())
    }

    async fn act(&mut self, c: &mut Conn) -> Result<(), ErrorClass> {
        let plan = self.behaviour.next(&self.view);
        let req_id = self.next_req;
        self.next_req += 1;
        let to = match (plan.kind, plan.args.x, plan.args.y) {
            (ActionKindMsg::Move, Some(x), Some(y)) => Some([x, y]),
            _ => None,
        };
        let action = ActionMsg {
            req_id,
            kind: plan.kind,
            args: plan.args,
        };
        let now = Instant::now();
        let sent = Sent {
            at: now,
            last: now,
            with: action.args.with,
            to,
            zone: action.args.zone,
            msg: action.clone(),
            resends: 0,
        };
        let msg = ClientMsg::Action(action);
        self.send(c, &msg).await?;
        self.stats.sent(self.client.profile);
        if c.acks.insert(req_id, sent) == Insert::New {
            bump(&self.stats.awaiting_acks);
        }
        let wait = match plan.pace {
            Pace::Think => self.behaviour.jitter(self.config.think),
            Pace::Quick => QUICK,
        };
        c.next_action = Instant::now() + wait;
        Ok(())
    }
}
