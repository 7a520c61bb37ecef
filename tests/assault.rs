//! `seedsim assault` against a real live server on 127.0.0.1: 500 clients
//! of every profile for a few seconds, all connected, every action answered
//! and every acknowledged event delivered. Bounded in count and time; it
//! stops by itself.

mod common;

use std::time::Duration;

use common::Live;
use seedsim::assault::{AssaultConfig, Load, run_blocking};
use seedsim::run::Pace;

#[test]
fn five_hundred_clients_all_connect_and_no_ack_is_lost() {
    let live = Live::start("assault", "town.ron", Pace::Realtime, 1_000_000, false);
    let mut config = AssaultConfig::new(format!("ws://{}", live.ws), 500);
    config.duration = Duration::from_secs(5);
    config.load = Load::Closed {
        clients: 500,
        ramp: Duration::from_secs(1),
    };
    let report = run_blocking(config).expect("the assault runs");
    live.finish(true);
    assert_eq!(report.connections.attempted, 500, "{report:#?}");
    assert_eq!(report.connections.succeeded, 500, "{report:#?}");
    assert_eq!(report.logins, 500);
    assert!(
        report.actions > 500,
        "clients played: {} actions",
        report.actions
    );
    // Every action was answered: by an ack, or by an error naming it (an
    // entity killed mid-run is `entity_gone`).
    assert_eq!(report.acks_missing, 0, "no ack lost");
    assert!(
        report.acks * 10 >= report.actions * 9,
        "acks {} of {} actions",
        report.acks,
        report.actions
    );
    assert_eq!(report.events_missing, 0, "every acknowledged event arrived");
    assert!(report.decisions.denied > 0, "griefers were denied");
    assert!(
        report.denied_by_rule.contains_key("own_entity"),
        "{:?}",
        report.denied_by_rule
    );
    assert_eq!(report.client_crashes, 0);
}

/// A scripted server on 127.0.0.1 for the restart path: the first
/// connection takes one action and closes for a restart without answering
/// it; the second swallows the login (as a lossy network does) and closes
/// for a restart before any welcome; the third welcomes and acks every
/// action. Returns the request ids the third connection was sent.
mod scripted {
    use futures_util::{SinkExt, StreamExt};
    use seedsim::core::protocol::{ClientMsg, Decision, PROTOCOL_VERSION, ServerMsg, WorldInfo};
    use tokio::net::TcpListener;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    fn text(msg: &ServerMsg) -> Message {
        Message::text(serde_json::to_string(msg).expect("encodes"))
    }

    fn restart() -> Message {
        Message::Close(Some(CloseFrame {
            code: CloseCode::Restart,
            reason: "restarting".into(),
        }))
    }

    pub async fn serve(listener: TcpListener) -> Vec<u64> {
        let hello = ServerMsg::Hello {
            version: PROTOCOL_VERSION,
            tick: 0,
            world: WorldInfo {
                scenario: "scripted".into(),
                seed: 1,
                size: [100.0, 100.0],
                zones: Vec::new(),
            },
        };
        let mut seen = Vec::new();
        for conn in 0..3 {
            let (tcp, _) = listener.accept().await.expect("accepts");
            let mut ws = tokio_tungstenite::accept_async(tcp)
                .await
                .expect("handshake");
            ws.send(text(&hello)).await.expect("hello");
            while let Some(Ok(Message::Text(frame))) = ws.next().await {
                match serde_json::from_str::<ClientMsg>(&frame) {
                    Ok(ClientMsg::Login(_)) if conn == 1 => {
                        let _ = ws.send(restart()).await;
                        break;
                    }
                    Ok(ClientMsg::Login(_)) => {
                        let welcome = ServerMsg::Welcome {
                            entity: 1,
                            tick: 0,
                            x: 10.0,
                            y: 10.0,
                            zone: 0,
                            nearby: vec![2],
                        };
                        ws.send(text(&welcome)).await.expect("welcome");
                    }
                    Ok(ClientMsg::Action(_)) if conn == 0 => {
                        let _ = ws.send(restart()).await;
                        break;
                    }
                    Ok(ClientMsg::Action(action)) => {
                        seen.push(action.req_id);
                        let ack = ServerMsg::Ack {
                            req_id: action.req_id,
                            decision: Decision::Permitted,
                            rule: None,
                            reason: None,
                            seq: None,
                            tick: 1,
                        };
                        ws.send(text(&ack)).await.expect("ack");
                    }
                    _ => {}
                }
            }
        }
        seen
    }
}

#[test]
fn an_action_carried_through_two_restarts_is_sent_and_answered() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("binds");
    let addr = listener.local_addr().expect("addr");
    let server = std::thread::spawn(move || runtime.block_on(scripted::serve(listener)));

    let mut config = AssaultConfig::new(format!("ws://{addr}"), 1);
    config.duration = Duration::from_secs(3);
    config.load = Load::Closed {
        clients: 1,
        ramp: Duration::from_millis(1),
    };
    config.think = Duration::from_millis(200);
    config.retry.restart = Duration::from_millis(100);
    let report = run_blocking(config).expect("the assault runs");
    let seen = server.join().expect("the server ran");

    assert_eq!(report.connections.succeeded, 3, "{report:#?}");
    assert_eq!(report.logins, 2, "the second connection was never welcomed");
    assert_eq!(
        seen.first(),
        Some(&1),
        "the action the first restart left went first on the third connection: {seen:?}"
    );
    assert_eq!(report.acks_missing, 0, "{report:#?}");
}

/// A scripted server for a disconnect fault's close: it swallows the ack
/// of the client's first action (as a lossy network does), refuses the
/// next with `shutting_down`, acks whatever comes again, and closes with
/// "try again" 600 ms after the refusal, sooner than any retransmission
/// timeout; then it serves a second connection that acks everything.
/// Returns the request ids the first connection was sent, in order.
mod closing {
    use std::time::Duration;

    use futures_util::{SinkExt, StreamExt};
    use seedsim::core::protocol::{
        ClientMsg, Decision, ErrorCode, PROTOCOL_VERSION, ServerMsg, WorldInfo,
    };
    use tokio::net::TcpListener;
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    fn text(msg: &ServerMsg) -> Message {
        Message::text(serde_json::to_string(msg).expect("encodes"))
    }

    fn ack(req_id: u64) -> ServerMsg {
        ServerMsg::Ack {
            req_id,
            decision: Decision::Permitted,
            rule: None,
            reason: None,
            seq: None,
            tick: 1,
        }
    }

    pub async fn serve(listener: TcpListener) -> Vec<u64> {
        let hello = ServerMsg::Hello {
            version: PROTOCOL_VERSION,
            tick: 0,
            world: WorldInfo {
                scenario: "scripted".into(),
                seed: 1,
                size: [100.0, 100.0],
                zones: Vec::new(),
            },
        };
        let welcome = ServerMsg::Welcome {
            entity: 1,
            tick: 0,
            x: 10.0,
            y: 10.0,
            zone: 0,
            nearby: vec![2],
        };
        let mut first = Vec::new();
        for conn in 0..2 {
            let (tcp, _) = listener.accept().await.expect("accepts");
            let mut ws = tokio_tungstenite::accept_async(tcp)
                .await
                .expect("handshake");
            ws.send(text(&hello)).await.expect("hello");
            let mut close_at: Option<tokio::time::Instant> = None;
            loop {
                let wait = close_at.map_or(Duration::from_secs(10), |t| {
                    t.saturating_duration_since(tokio::time::Instant::now())
                });
                let frame = match tokio::time::timeout(wait, ws.next()).await {
                    Ok(Some(Ok(Message::Text(frame)))) => frame,
                    Ok(_) => break,
                    Err(_) => {
                        let _ = ws
                            .send(Message::Close(Some(CloseFrame {
                                code: CloseCode::Again,
                                reason: "closed by a disconnect fault; reconnect".into(),
                            })))
                            .await;
                        break;
                    }
                };
                match serde_json::from_str::<ClientMsg>(&frame) {
                    Ok(ClientMsg::Login(_)) => {
                        ws.send(text(&welcome)).await.expect("welcome");
                    }
                    Ok(ClientMsg::Action(a)) if conn == 0 => {
                        first.push(a.req_id);
                        let reply = match first.len() {
                            // Taken; its ack lost on the way.
                            1 => None,
                            2 => {
                                close_at =
                                    Some(tokio::time::Instant::now() + Duration::from_millis(600));
                                Some(ServerMsg::Error {
                                    code: ErrorCode::ShuttingDown,
                                    message: "this connection is closing".into(),
                                    req_id: Some(a.req_id),
                                })
                            }
                            _ => Some(ack(a.req_id)),
                        };
                        if let Some(r) = reply {
                            ws.send(text(&r)).await.expect("reply");
                        }
                    }
                    Ok(ClientMsg::Action(a)) => ws.send(text(&ack(a.req_id))).await.expect("ack"),
                    _ => {}
                }
            }
        }
        first
    }
}

#[test]
fn a_closing_notice_resends_what_is_unanswered_before_the_close() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("binds");
    let addr = listener.local_addr().expect("addr");
    let server = std::thread::spawn(move || runtime.block_on(closing::serve(listener)));

    let mut config = AssaultConfig::new(format!("ws://{addr}"), 1);
    config.duration = Duration::from_secs(3);
    config.load = Load::Closed {
        clients: 1,
        ramp: Duration::from_millis(1),
    };
    config.think = Duration::from_millis(200);
    let report = run_blocking(config).expect("the assault runs");
    let first = server.join().expect("the server ran");

    assert!(first.len() >= 3, "{first:?}");
    assert_eq!(
        first.get(2),
        first.first(),
        "the unanswered action went again at once on the closing notice: {first:?}"
    );
    assert_eq!(report.acks_missing, 0, "{report:#?}");
}
