//! WebSocket connections: one tokio task each. A connection reads client
//! frames (parsed by [`parse_client`]; anything wrong gets an `error` frame
//! and the connection stays usable), forwards logins and actions to the
//! simulation as inputs, and writes what the hub queues for it. Floods are
//! refused by a token bucket, then disconnected; oversized frames close the
//! connection with a reason. A connection that goes away, however it goes,
//! leaves the hub and logs its player out, so no entity or task is leaked.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::bridge::{NetSide, Refused, SimQuery};
use super::chaos::{Change, Chaos, DRAIN, Ingress, SeenIds};
use super::hub::{CLIENT_QUEUE, HubMsg, Outbound};
use super::limiter::{BURST, FLOOD, Limiter, RATE, Verdict};
use crate::core::event::EVENT_KINDS;
use crate::core::protocol::check::check_action;
use crate::core::protocol::{
    ClientMsg, ErrorCode, PROTOCOL_VERSION, Refusal, ServerMsg, Subscription, parse_client,
};
use crate::input::Input;

/// Largest frame or message a client may send.
pub const MAX_FRAME: usize = 64 * 1024;

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
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection(stream, ctx.clone()));
                }
            }
            _ = shutdown.changed() => return,
        }
    }
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

fn close(code: CloseCode, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// Initial read buffer of a connection (it grows for a larger frame).
const READ_BUFFER: usize = 4096;

async fn connection(stream: TcpStream, ctx: WsContext) {
    // Client frames are small: tungstenite's default 128 KiB read buffer,
    // allocated up front, would be 1.25 GiB for 10,000 connections.
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .max_message_size(Some(MAX_FRAME))
        .max_frame_size(Some(MAX_FRAME));
    let Ok(ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await else {
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
        let _ = sink
            .send(close(CloseCode::Again, "server busy, try again"))
            .await;
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
    let mut ok = sink
        .send(Message::Text(hello.to_text().into()))
        .await
        .is_ok();
    while ok {
        tokio::select! {
            incoming = source.next() => {
                let text = match incoming {
                    None | Some(Ok(Message::Close(_))) => break,
                    Some(Err(WsError::Capacity(e))) => {
                        let reason = format!("frame too large ({e}); the limit is {MAX_FRAME} bytes");
                        let _ = sink.send(close(CloseCode::Size, &reason)).await;
                        break;
                    }
                    Some(Err(_)) => break,
                    Some(Ok(Message::Text(t))) => Some(t),
                    Some(Ok(Message::Binary(_))) => None,
                    Some(Ok(_)) => continue, // ping/pong: tungstenite answers pings itself
                };
                match limiter.check() {
                    Verdict::Pass => {}
                    Verdict::Refuse(first) => {
                        if first {
                            let r = Refusal::new(ErrorCode::RateLimited, format!(
                                "more than {RATE} frames/s (burst {BURST}); frames are being dropped"
                            ));
                            ok = sink.send(Message::Text(r.to_msg().to_text().into())).await.is_ok();
                        }
                        continue;
                    }
                    Verdict::Flood => {
                        let reason = format!("flooding: over {FLOOD} frames refused in one second");
                        let _ = sink.send(close(CloseCode::Policy, &reason)).await;
                        break;
                    }
                }
                let copies = match text.map(|t| chaos.ingress(t.to_string())) {
                    Some(Ingress::Dropped) => continue,
                    Some(Ingress::Deliver(copies, delay)) => {
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        copies
                    }
                    None => {
                        let r = Refusal::new(ErrorCode::BinaryFrame, "frames must be JSON text");
                        ok = sink.send(Message::Text(r.to_msg().to_text().into())).await.is_ok();
                        continue;
                    }
                };
                for t in copies {
                    for msg in handle(&mut conn, &ctx, &chaos, &t).await {
                        ok = ok && sink.send(Message::Text(msg.to_text().into())).await.is_ok();
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
                let _ = sink.send(close(CloseCode::Again, "closed by a disconnect fault; reconnect")).await;
                break;
            }
            out = out_rx.recv(), if !chaos.is_slow() => match out {
                Some(Outbound::Text(t)) => {
                    queued.fetch_sub(t.len(), Ordering::Relaxed);
                    ok = sink.send(Message::Text(t)).await.is_ok();
                }
                Some(Outbound::Lagged { tick, dropped }) => {
                    let msg = ServerMsg::Lagged { tick, dropped };
                    ok = sink.send(Message::Text(msg.to_text().into())).await.is_ok();
                    if let Some(sub) = conn.subscription.clone().filter(|s| s.deltas) {
                        for msg in snapshot(&ctx, sub).await {
                            ok = ok && sink.send(Message::Text(msg.to_text().into())).await.is_ok();
                        }
                    }
                }
                None => {
                    // The hub is gone: the simulation has stopped (or restarts).
                    let _ = sink.send(going_away(&ctx)).await;
                    break;
                }
            },
            _ = shutdown.changed() => {
                let _ = sink.send(going_away(&ctx)).await;
                break;
            }
        }
    }
    let _ = ctx.hub.try_send(HubMsg::Leave { conn: conn.id });
    if conn.logged_in {
        gauges.players.fetch_sub(1, Ordering::Relaxed);
        // The entity must not outlive its client: wait for room if need be.
        let _ = ctx
            .net
            .input_patiently(Input::Logout { session: conn.id }, Duration::from_secs(5))
            .await;
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
                    if !conn.logged_in {
                        conn.logged_in = true;
                        gauges.players.fetch_add(1, Ordering::Relaxed);
                    }
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
