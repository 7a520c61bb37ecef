//! WebSocket connections: one tokio task each. A connection reads client
//! frames (parsed by [`parse_client`]; anything wrong gets an `error` frame
//! and the connection stays usable), forwards logins and actions to the
//! simulation as inputs, and writes what the hub queues for it. Floods of
//! any frame (pings included) are refused by a token bucket, then
//! disconnected; oversized frames, fragment floods and protocol errors close
//! the connection with their code; a client that does not read is closed
//! (see [`super::guard`]). A connection that goes away, however it goes,
//! leaves the hub and logs its player out, so no entity or task is leaked.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::bridge::{NetSide, Refused, SimQuery};
use super::chaos::{Change, Chaos, DRAIN, Ingress, SeenIds};
use super::guard::{self, Guarded, HANDSHAKE_TIMEOUT, close, close_for, send};
use super::hub::{CLIENT_QUEUE, HubMsg, Outbound};
use super::limiter::{BURST, FLOOD, Limiter, RATE, Verdict};
use crate::core::event::EVENT_KINDS;
use crate::core::protocol::check::check_action;
use crate::core::protocol::{
    ClientMsg, ErrorCode, PROTOCOL_VERSION, Refusal, ServerMsg, Subscription, parse_client,
};
use crate::input::Input;

pub use super::guard::MAX_FRAME;

/// How long the accept loop waits after an error that is not the client's
/// (descriptors exhausted): it backs off rather than spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

#[derive(Clone)]
pub struct WsContext {
    pub net: NetSide,
    pub hub: crossbeam_channel::Sender<HubMsg>,
    pub shutdown: watch::Receiver<bool>,
    pub next_conn: Arc<AtomicU64>,
    /// Set when the server goes down for a restart (the close says so).
    pub restarting: Arc<AtomicBool>,
}

/// Accepts connections until shutdown.
pub async fn accept(listener: TcpListener, ctx: WsContext) {
    let mut shutdown = ctx.shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, ctx.clone()));
                }
                Err(e) if client_gone(&e) => {}
                Err(_) => tokio::select! {
                    _ = tokio::time::sleep(ACCEPT_BACKOFF) => {}
                    _ = shutdown.changed() => return,
                },
            },
            _ = shutdown.changed() => return,
        }
    }
}

/// A client frame, as the read loop sorts it.
enum Incoming {
    Text(String),
    Binary,
    /// Ping or pong.
    Control,
}

/// An accept error that is one client's (it left before it was accepted),
/// not the server's.
pub(super) fn client_gone(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    )
}

/// Per-connection state.
struct Conn {
    id: u64,
    logged_in: bool,
    subscription: Option<Subscription>,
    /// A disconnect fault picked it: it takes no more actions.
    closing: bool,
    /// Req ids of actions the simulation took, to spot repeats.
    seen: SeenIds,
}

/// The close frame of a server going away: 1012 (service restart) when it
/// will be back, so clients know to reconnect.
fn going_away(ctx: &WsContext) -> Message {
    if ctx.restarting.load(Ordering::Relaxed) {
        close(CloseCode::Restart, "server restarting; reconnect")
    } else {
        close(CloseCode::Away, "server shutting down")
    }
}

async fn connection(stream: TcpStream, ctx: WsContext) {
    let (stream, unfinished) = Guarded::new(stream);
    let handshake = tokio_tungstenite::accept_async_with_config(stream, Some(guard::config()));
    let Ok(Ok(ws)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let gauges = ctx.net.gauges.clone();
    let (out_tx, mut out_rx) = mpsc::channel(CLIENT_QUEUE);
    let queued = Arc::new(AtomicUsize::new(0));
    let mut conn = Conn {
        id: ctx.next_conn.fetch_add(1, Ordering::Relaxed),
        logged_in: false,
        subscription: None,
        closing: false,
        seen: SeenIds::default(),
    };
    let mut chaos = Chaos::new(gauges.clone(), conn.id);
    let mut chaos_open = true;
    let mut close_at: Option<Instant> = None;
    if ctx
        .hub
        .try_send(HubMsg::Join {
            conn: conn.id,
            out: out_tx,
            queued: queued.clone(),
        })
        .is_err()
    {
        send(&mut sink, close(CloseCode::Again, "server busy, try again")).await;
        return;
    }
    gauges.connections.fetch_add(1, Ordering::Relaxed);
    let hello = ServerMsg::Hello {
        version: PROTOCOL_VERSION,
        tick: gauges.tick.load(Ordering::Relaxed),
        world: (*ctx.net.world).clone(),
    };
    let mut shutdown = ctx.shutdown.clone();
    let mut limiter = Limiter::new();
    let mut ok = send(&mut sink, Message::Text(hello.to_text().into())).await;
    while ok {
        tokio::select! {
            incoming = source.next() => {
                let text = match incoming {
                    None | Some(Ok(Message::Close(_))) => break,
                    Some(Err(e)) => {
                        if let Some(c) = close_for(&e) {
                            send(&mut sink, c).await;
                        }
                        break;
                    }
                    Some(Ok(Message::Text(t))) => Incoming::Text(t.to_string()),
                    Some(Ok(Message::Binary(_))) => Incoming::Binary,
                    // Pings are answered by tungstenite, but they are frames:
                    // counted below like any other.
                    Some(Ok(_)) => Incoming::Control,
                };
                unfinished.reset();
                match limiter.check() {
                    Verdict::Pass => {}
                    Verdict::Refuse(first) => {
                        if first {
                            let r = Refusal::new(ErrorCode::RateLimited, format!(
                                "more than {RATE} frames/s (burst {BURST}); frames are being dropped"
                            ));
                            ok = send(&mut sink, Message::Text(r.to_msg().to_text().into())).await;
                        }
                        continue;
                    }
                    Verdict::Flood => {
                        let reason = format!("flooding: over {FLOOD} frames refused in one second");
                        send(&mut sink, close(CloseCode::Policy, &reason)).await;
                        break;
                    }
                }
                let copies = match text {
                    Incoming::Control => continue,
                    Incoming::Text(t) => match chaos.ingress(t) {
                        Ingress::Dropped => continue,
                        Ingress::Deliver(copies, delay) => {
                            if !delay.is_zero() {
                                tokio::time::sleep(delay).await;
                            }
                            copies
                        }
                    },
                    Incoming::Binary => {
                        let r = Refusal::new(ErrorCode::BinaryFrame, "frames must be JSON text");
                        ok = send(&mut sink, Message::Text(r.to_msg().to_text().into())).await;
                        continue;
                    }
                };
                for t in copies {
                    for msg in handle(&mut conn, &ctx, &chaos, &t).await {
                        ok = ok && send(&mut sink, Message::Text(msg.to_text().into())).await;
                    }
                }
            }
            changed = chaos.changed(), if chaos_open => {
                chaos_open = changed;
                let viewer = conn.subscription.is_some();
                if chaos.on_change(conn.logged_in, viewer) == Change::Disconnect && !conn.closing {
                    conn.closing = true;
                    close_at = Some(Instant::now() + DRAIN);
                }
            }
            _ = tokio::time::sleep_until(close_at.unwrap_or_else(Instant::now)), if close_at.is_some() => {
                send(&mut sink, close(CloseCode::Again, "closed by a disconnect fault; reconnect")).await;
                break;
            }
            out = out_rx.recv(), if !chaos.is_slow() => match out {
                Some(Outbound::Text(t)) => {
                    queued.fetch_sub(t.len(), Ordering::Relaxed);
                    ok = send(&mut sink, Message::Text(t)).await;
                }
                Some(Outbound::Lagged { tick, dropped }) => {
                    let msg = ServerMsg::Lagged { tick, dropped };
                    ok = send(&mut sink, Message::Text(msg.to_text().into())).await;
                    if let Some(sub) = conn.subscription.clone().filter(|s| s.deltas) {
                        for msg in snapshot(&ctx, sub).await {
                            ok = ok && send(&mut sink, Message::Text(msg.to_text().into())).await;
                        }
                    }
                }
                None => {
                    // The hub is gone: the simulation has stopped (or restarts).
                    send(&mut sink, going_away(&ctx)).await;
                    break;
                }
            },
            _ = shutdown.changed() => {
                send(&mut sink, going_away(&ctx)).await;
                break;
            }
        }
    }
    let _ = ctx.hub.try_send(HubMsg::Leave { conn: conn.id });
    if conn.logged_in {
        // The entity must not outlive its client: its logout never waits on
        // the bounded queue, so it cannot be dropped.
        ctx.net.session_ended(conn.id);
    }
    if conn.subscription.is_some() {
        gauges.viewers.fetch_sub(1, Ordering::Relaxed);
    }
    gauges.connections.fetch_sub(1, Ordering::Relaxed);
}

fn busy(r: Refused, req_id: Option<u64>) -> ServerMsg {
    let (code, message) = match r {
        Refused::Busy => (
            ErrorCode::Busy,
            "the simulation's input queue is full; retry",
        ),
        Refused::Stopped => (ErrorCode::ShuttingDown, "the simulation has stopped"),
        Refused::Restarting => (
            ErrorCode::ShuttingDown,
            "the server is restarting and did not take this: reconnect and send it again",
        ),
    };
    ServerMsg::Error {
        code,
        message: message.into(),
        req_id,
    }
}

/// Answers one client frame; replies go back at once (acks come later, through the hub).
async fn handle(conn: &mut Conn, ctx: &WsContext, chaos: &Chaos, text: &str) -> Vec<ServerMsg> {
    let msg = match parse_client(text) {
        Ok(m) => m,
        Err(r) => return vec![r.to_msg()],
    };
    let gauges = &ctx.net.gauges;
    match msg {
        ClientMsg::Subscribe(sub) => {
            if let Err(r) = check_subscription(&sub, ctx.net.world.zones.len()) {
                return vec![r.to_msg()];
            }
            if ctx
                .hub
                .try_send(HubMsg::Subscribe {
                    conn: conn.id,
                    sub: sub.clone(),
                })
                .is_err()
            {
                return vec![busy(Refused::Busy, None)];
            }
            if conn.subscription.replace(sub.clone()).is_none() {
                gauges.viewers.fetch_add(1, Ordering::Relaxed);
            }
            if sub.deltas {
                return snapshot(ctx, sub).await;
            }
            Vec::new()
        }
        ClientMsg::Unsubscribe(_) => {
            if conn.subscription.take().is_some() {
                gauges.viewers.fetch_sub(1, Ordering::Relaxed);
                let _ = ctx.hub.try_send(HubMsg::Unsubscribe { conn: conn.id });
            }
            Vec::new()
        }
        ClientMsg::Login(login) => {
            // A second login is the simulation's to judge: refused while
            // the owned entity lives, welcomed once it has gone.
            match ctx.net.input(Input::Login {
                session: conn.id,
                name: login.name,
            }) {
                Ok(()) => {
                    conn.logged_in = true;
                    Vec::new()
                }
                Err(r) => vec![busy(r, None)],
            }
        }
        ClientMsg::Action(action) => {
            if !conn.logged_in {
                let mut r = Refusal::new(ErrorCode::NotLoggedIn, "log in before acting");
                r.req_id = Some(action.req_id);
                return vec![r.to_msg()];
            }
            if let Err(r) = check_action(&action) {
                return vec![r.to_msg()];
            }
            let req_id = action.req_id;
            if conn.closing {
                return vec![ServerMsg::Error {
                    code: ErrorCode::ShuttingDown,
                    message:
                        "this connection is closing (a disconnect fault): reconnect and resend"
                            .into(),
                    req_id: Some(req_id),
                }];
            }
            if conn.seen.contains(req_id) {
                // Already taken: its ack answers this copy too (at most once).
                chaos.absorbed_duplicate();
                return Vec::new();
            }
            match ctx.net.input(Input::Act {
                session: conn.id,
                req_id,
                action,
            }) {
                Ok(()) => {
                    conn.seen.remember(req_id);
                    Vec::new()
                }
                Err(r) => vec![busy(r, Some(req_id))],
            }
        }
    }
}

fn check_subscription(sub: &Subscription, zones: usize) -> Result<(), Refusal> {
    let field = |path: String, message: String| {
        Err(Refusal::new(
            ErrorCode::InvalidField,
            format!("subscribe: field `{path}`: {message}"),
        ))
    };
    for (i, k) in sub.events.iter().flatten().enumerate() {
        if !EVENT_KINDS.contains(&k.as_str()) {
            return field(format!("events[{i}]"), format!("unknown event kind {k:?}"));
        }
    }
    for (i, z) in sub.zones.iter().flatten().enumerate() {
        if *z as usize >= zones {
            return field(format!("zones[{i}]"), format!("there is no zone {z}"));
        }
    }
    Ok(())
}

async fn snapshot(ctx: &WsContext, sub: Subscription) -> Vec<ServerMsg> {
    match ctx.net.ask(|tx| SimQuery::Snapshot(sub, tx)).await {
        Ok((tick, states)) => vec![ServerMsg::Snapshot {
            tick,
            entities: states.iter().map(|s| s.view()).collect(),
        }],
        Err(r) => vec![busy(r, None)],
    }
}
