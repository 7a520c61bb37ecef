//! The live server over real sockets on 127.0.0.1: the REST API and its
//! errors, a viewer that sees every event in order, a player's action
//! acknowledged and matched to its event (and the run still replays), every
//! kind of malformed input, floods and oversized frames, a stalled viewer,
//! and a client that vanishes mid-action.

mod common;

use std::time::Duration;

use common::{Live, TOKEN, connect, http, json, next, runtime, send, step};
use futures_util::SinkExt;
use rusqlite::Connection;
use seedsim::core::protocol::{Decision, ErrorCode, ServerMsg};
use seedsim::run::Pace;
use seedsim::run::replay::replay;
use seedsim::store::recording::Outcome;

#[test]
fn rest_endpoints_answer_and_bad_requests_name_the_field() {
    let live = Live::start("rest", "smoke.ron", Pace::Fast, 40, true);
    step(live.http, 3);
    let (status, body) = http(live.http, "GET", "/api/stats", None, None);
    assert_eq!(status, 200, "{body}");
    assert!(json(&body)["population"].as_u64().unwrap() > 0);
    let (status, body) = http(
        live.http,
        "GET",
        "/api/entities?kind=npc&limit=5",
        None,
        None,
    );
    assert_eq!(status, 200, "{body}");
    let page = json(&body);
    assert_eq!(page["entities"].as_array().unwrap().len(), 5);
    let id = page["entities"][0]["id"].as_u64().unwrap();
    let (status, body) = http(live.http, "GET", &format!("/api/entities/{id}"), None, None);
    assert_eq!(status, 200, "{body}");
    let detail = json(&body);
    assert_eq!(detail["id"], id);
    assert_eq!(
        detail["stat7"]["uri"]
            .as_str()
            .map(|u| u.starts_with("stat7://")),
        Some(true)
    );
    // Its story now, and a zone's chronicle.
    let (status, body) = http(
        live.http,
        "GET",
        &format!("/api/entities/{id}/story"),
        None,
        None,
    );
    assert_eq!(status, 200, "{body}");
    let story = json(&body);
    assert_eq!(story["id"], id);
    assert!(
        story["name"].as_str().is_some_and(|n| n.len() >= 3),
        "{body}"
    );
    assert!(story["traits"]["warmth"].is_u64(), "{body}");
    assert!(story["tallies"]["trades"].is_u64(), "{body}");
    let (status, body) = http(live.http, "GET", "/api/zones/village/chronicle", None, None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["zone"], "village");
    assert!(json(&body)["headlines"].is_array(), "{body}");
    let (status, _) = http(
        live.http,
        "GET",
        "/api/zones/atlantis/chronicle",
        None,
        None,
    );
    assert_eq!(status, 404);
    let (status, _) = http(live.http, "GET", "/api/entities/999999/story", None, None);
    assert_eq!(status, 404);
    let (status, body) = http(
        live.http,
        "GET",
        "/api/entities?near=100,100,50",
        None,
        None,
    );
    assert_eq!(status, 200, "{body}");
    for (path, field) in [
        ("/api/entities?limti=3", "limti"),
        ("/api/entities?zone=north", "zone"),
        ("/api/entities?near=1,2", "near"),
        ("/api/entities?near=1,a,2,3", "near"),
        ("/api/entities?kind=dragon", "kind"),
        ("/api/entities?realm=atlantis", "realm"),
        ("/api/entities/abc", "id"),
        ("/api/entities/abc/story", "id"),
        ("/api/events?kind=dance", "kind"),
        ("/api/events?since_seq=-1", "since_seq"),
    ] {
        let (status, body) = http(live.http, "GET", path, None, None);
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(json(&body)["field"], field, "{path}: {body}");
    }
    let (status, _) = http(live.http, "GET", "/api/entities/999999", None, None);
    assert_eq!(status, 404);
    let (status, body) = http(live.http, "GET", "/api/events?limit=3", None, None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["events"].as_array().unwrap().len(), 3);
    let seq = json(&body)["events"][0]["seq"].as_u64().unwrap();
    let (status, body) = http(
        live.http,
        "GET",
        &format!("/api/events/{seq}/chain"),
        None,
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["event"]["seq"], seq);
    let (status, body) = http(live.http, "GET", "/api/governance", None, None);
    assert_eq!(status, 200);
    assert!(json(&body)["by_rule"]["own_entity"].is_object(), "{body}");
    // Changing endpoints need the token.
    let (status, _) = http(live.http, "POST", "/api/control/pause", None, None);
    assert_eq!(status, 401);
    let (status, _) = http(live.http, "POST", "/api/control/pause", Some("nope"), None);
    assert_eq!(status, 403);
    let (status, body) = http(live.http, "POST", "/api/control/jump", Some(TOKEN), None);
    assert_eq!(
        (status, json(&body)["field"].clone()),
        (400, "action".into())
    );
    let (status, body) = http(
        live.http,
        "PUT",
        "/api/tunables",
        Some(TOKEN),
        Some(r#"{"birth_rate":"lots"}"#),
    );
    assert_eq!(
        (status, json(&body)["field"].clone()),
        (400, "birth_rate".into()),
        "{body}"
    );
    let (status, body) = http(
        live.http,
        "PUT",
        "/api/tunables",
        Some(TOKEN),
        Some("{nope"),
    );
    assert_eq!(
        (status, json(&body)["field"].clone()),
        (400, "body".into()),
        "{body}"
    );
    let (status, body) = http(
        live.http,
        "PUT",
        "/api/tunables",
        Some(TOKEN),
        Some(r#"{"birth_rate":3.5}"#),
    );
    assert_eq!(status, 200, "{body}");
    step(live.http, 2);
    let (_, body) = http(live.http, "GET", "/metrics", None, None);
    assert!(body.contains("# TYPE seedsim_tick gauge"), "{body}");
    assert!(
        body.contains("seedsim_governance_decisions_total{rule=\"own_entity\""),
        "{body}"
    );
    let (_, body) = http(live.http, "GET", "/api/openapi.json", None, None);
    assert_eq!(
        json(&body)["openapi"].as_str().map(|v| v.starts_with('3')),
        Some(true)
    );
    let db = live.db();
    let done = live.finish(true);
    assert!(done.summary.ticks > 0);
    // The tunables change and the controls are recorded inputs.
    let conn = Connection::open(&db).expect("db");
    let tunes: i64 = conn
        .query_row(
            "SELECT count(*) FROM inputs WHERE payload LIKE '%\"tune\"%'",
            [],
            |r| r.get(0),
        )
        .expect("inputs");
    assert_eq!(tunes, 1);
}

#[test]
fn the_director_and_the_stories_answer_live() {
    let live = Live::start("director", "valley.ron", Pace::Fast, 400, true);
    step(live.http, 320);
    let (status, body) = http(live.http, "GET", "/api/director", None, None);
    assert_eq!(status, 200, "{body}");
    let d = json(&body);
    let zones = d["zones"].as_array().expect("zones");
    let valley = zones
        .iter()
        .find(|z| z["zone"] == "valley")
        .expect("valley");
    assert_eq!(valley["directed"], true);
    assert!(
        valley["tension"].is_number() && valley["band"]["high"] == 30.0,
        "{valley}"
    );
    assert!(valley["raids"].as_u64().is_some_and(|r| r >= 1), "{valley}");
    let wilds = zones.iter().find(|z| z["zone"] == "wilds").expect("wilds");
    assert_eq!(
        wilds["directed"], false,
        "valley.ron directs the valley and the march"
    );
    let (status, body) = http(live.http, "GET", "/api/stories?limit=5", None, None);
    assert_eq!(status, 200, "{body}");
    let st = json(&body);
    assert!(st["found"]["feud"].is_u64(), "{body}");
    let stories = st["stories"].as_array().expect("stories");
    assert!(stories.len() <= 5);
    let seqs: Vec<u64> = stories.iter().filter_map(|s| s["seq"].as_u64()).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seqs:?}"
    );
    let (status, body) = http(live.http, "GET", "/api/stories?pattern=romance", None, None);
    assert_eq!(status, 400, "{body}");
    assert_eq!(json(&body)["field"], "pattern");
    let (status, body) = http(live.http, "GET", "/api/stories?limit=x", None, None);
    assert_eq!(status, 400, "{body}");
    drop(live);
    let live = Live::start("no-director", "smoke.ron", Pace::Fast, 20, true);
    let (status, body) = http(live.http, "GET", "/api/director", None, None);
    assert_eq!(status, 404, "{body}");
}

#[test]
fn a_viewer_receives_every_event_of_the_run_in_order() {
    let live = Live::start("viewer", "smoke.ron", Pace::Fast, 60, true);
    let rt = runtime();
    let seqs = rt.block_on(async {
        let mut ws = connect(live.ws).await;
        send(&mut ws, r#"{"type":"subscribe"}"#).await;
        // The subscription reaches the hub before the first tick's frame.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (status, _) = http(live.http, "POST", "/api/control/resume", Some(TOKEN), None);
        assert_eq!(status, 200);
        let mut seqs = Vec::new();
        let mut last_tick = 0;
        while last_tick < 60 {
            match next(&mut ws).await {
                Some(ServerMsg::Events { tick, events, .. }) => {
                    assert!(tick > last_tick, "ticks in order");
                    last_tick = tick;
                    seqs.extend(events.iter().map(|e| e.header.seq));
                }
                Some(ServerMsg::Lagged { .. }) => panic!("a reading viewer lagged"),
                Some(_) => {}
                None => break,
            }
        }
        seqs
    });
    let db = live.db();
    live.finish(false);
    let conn = Connection::open(db).expect("db");
    let mut stmt = conn
        .prepare("SELECT seq FROM events WHERE tick >= 1 ORDER BY seq")
        .unwrap();
    let stored: Vec<u64> = stmt
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|r| r.unwrap() as u64)
        .collect();
    assert!(!stored.is_empty());
    assert_eq!(seqs, stored);
}

/// The next frame that is not stream noise (events of others, metrics).
async fn reply(ws: &mut common::Ws) -> ServerMsg {
    loop {
        match next(ws).await.expect("connection open") {
            ServerMsg::Events { .. } | ServerMsg::Metrics { .. } | ServerMsg::Heatmap { .. } => {}
            other => return other,
        }
    }
}

#[test]
fn a_player_action_is_acked_and_matched_to_its_event_and_the_run_replays() {
    let live = Live::start("player", "smoke.ron", Pace::Fast, 200, true);
    let rt = runtime();
    rt.block_on(async {
        let mut ws = connect(live.ws).await;
        // After a tick the spatial grid knows who is where.
        step(live.http, 1);
        send(&mut ws, r#"{"type":"login","name":"ada"}"#).await;
        step(live.http, 1);
        let ServerMsg::Welcome {
            entity,
            x,
            y,
            nearby,
            ..
        } = reply(&mut ws).await
        else {
            panic!("expected welcome")
        };
        assert!(!nearby.is_empty());
        // Gathering: permitted, and its event arrives after the ack.
        send(
            &mut ws,
            r#"{"type":"action","req_id":1,"kind":"gather","args":{"ticks":3}}"#,
        )
        .await;
        step(live.http, 1);
        let ServerMsg::Ack {
            req_id,
            decision,
            seq,
            ..
        } = reply(&mut ws).await
        else {
            panic!("expected ack")
        };
        assert_eq!((req_id, decision), (1, Decision::Permitted));
        let seq = seq.expect("gathering is an event");
        let Some(ServerMsg::Events { events, .. }) = next(&mut ws).await else {
            panic!("expected the action's events")
        };
        let event = events
            .iter()
            .find(|e| e.header.seq == seq)
            .expect("the acked event");
        assert_eq!(
            (event.kind.as_str(), event.header.actor),
            ("gather", Some(entity))
        );
        assert!(event.header.correlation.is_some());
        // A teleport is cut to the speed limit (mutated).
        let far = format!(
            r#"{{"type":"action","req_id":2,"kind":"move","args":{{"x":{},"y":{}}}}}"#,
            x + 30.0,
            y
        );
        send(&mut ws, &far).await;
        step(live.http, 1);
        let ServerMsg::Ack {
            req_id,
            decision,
            rule,
            ..
        } = reply(&mut ws).await
        else {
            panic!("expected ack")
        };
        assert_eq!(
            (req_id, decision, rule.as_deref()),
            (2, Decision::Mutated, Some("speed_limit"))
        );
        // Acting for somebody else is denied by governance.
        let other = format!(
            r#"{{"type":"action","req_id":3,"kind":"gather","args":{{"actor":{}}}}}"#,
            nearby[0]
        );
        send(&mut ws, &other).await;
        step(live.http, 1);
        let ServerMsg::Ack {
            req_id,
            decision,
            rule,
            seq,
            ..
        } = reply(&mut ws).await
        else {
            panic!("expected ack")
        };
        assert_eq!(
            (req_id, decision, rule.as_deref()),
            (3, Decision::Denied, Some("own_entity"))
        );
        assert!(seq.is_some(), "a denial is an event");
        // An action aimed at one's own entity is denied by a rule, not acked
        // as done with nothing done.
        let at_self =
            format!(r#"{{"type":"action","req_id":5,"kind":"attack","args":{{"with":{entity}}}}}"#);
        send(&mut ws, &at_self).await;
        step(live.http, 1);
        let ServerMsg::Ack {
            req_id,
            decision,
            rule,
            seq,
            ..
        } = reply(&mut ws).await
        else {
            panic!("expected ack")
        };
        assert_eq!(
            (req_id, decision, rule.as_deref()),
            (5, Decision::Denied, Some("not_oneself"))
        );
        assert!(seq.is_some(), "a denial is an event");
        // Unknown targets are refused before governance, with the request id.
        send(
            &mut ws,
            r#"{"type":"action","req_id":4,"kind":"attack","args":{"with":987654}}"#,
        )
        .await;
        step(live.http, 1);
        let ServerMsg::Error { code, req_id, .. } = reply(&mut ws).await else {
            panic!("expected error")
        };
        assert_eq!((code, req_id), (ErrorCode::UnknownTarget, Some(4)));
    });
    let db = live.db();
    live.finish(true);
    match replay(&db, None).expect("replays") {
        Outcome::Identical { .. } => {}
        Outcome::Diverged(d) => panic!("a run with client inputs must replay: {d:?}"),
    }
}

#[test]
fn malformed_input_gets_an_error_and_the_connection_stays_usable() {
    let live = Live::start("malformed", "smoke.ron", Pace::Fast, 100, true);
    let rt = runtime();
    rt.block_on(async {
        let mut ws = connect(live.ws).await;
        for (frame, expected) in [
            ("{not json", ErrorCode::MalformedJson),
            ("[1,2,3]", ErrorCode::NotAnObject),
            ("42", ErrorCode::NotAnObject),
            (r#"{"kind":"login"}"#, ErrorCode::MissingType),
            (r#"{"type":"teleport"}"#, ErrorCode::UnknownType),
            (
                r#"{"type":"action","kind":"move"}"#,
                ErrorCode::InvalidField,
            ),
            (
                r#"{"type":"action","req_id":1,"kind":"move","args":{}}"#,
                ErrorCode::NotLoggedIn,
            ),
            (
                r#"{"type":"subscribe","events":["nonsense"]}"#,
                ErrorCode::InvalidField,
            ),
            (
                r#"{"type":"subscribe","zones":[9999]}"#,
                ErrorCode::InvalidField,
            ),
        ] {
            send(&mut ws, frame).await;
            match reply(&mut ws).await {
                ServerMsg::Error { code, message, .. } => {
                    assert_eq!(code, expected, "{frame}: {message}");
                    assert!(!message.is_empty());
                }
                other => panic!("{frame}: expected an error, got {other:?}"),
            }
        }
        ws.send(tokio_tungstenite::tungstenite::Message::Binary(
            vec![1, 2, 3].into(),
        ))
        .await
        .expect("send");
        assert!(matches!(
            reply(&mut ws).await,
            ServerMsg::Error {
                code: ErrorCode::BinaryFrame,
                ..
            }
        ));
        // Still usable: a login is welcomed, a missing argument named.
        send(&mut ws, r#"{"type":"login"}"#).await;
        step(live.http, 1);
        assert!(matches!(reply(&mut ws).await, ServerMsg::Welcome { .. }));
        send(
            &mut ws,
            r#"{"type":"action","req_id":7,"kind":"trade","args":{"with":1}}"#,
        )
        .await;
        let ServerMsg::Error {
            code,
            req_id,
            message,
        } = reply(&mut ws).await
        else {
            panic!("expected error")
        };
        assert_eq!((code, req_id), (ErrorCode::InvalidField, Some(7)));
        assert!(message.contains("args.goods"), "{message}");
        send(&mut ws, r#"{"type":"login"}"#).await;
        step(live.http, 1);
        assert!(matches!(
            reply(&mut ws).await,
            ServerMsg::Error {
                code: ErrorCode::AlreadyLoggedIn,
                ..
            }
        ));
    });
    live.finish(true);
}

#[test]
fn floods_and_oversized_frames_are_refused_then_disconnected() {
    let live = Live::start("abuse", "smoke.ron", Pace::Fast, 100, true);
    let rt = runtime();
    rt.block_on(async {
        let mut ws = connect(live.ws).await;
        let huge = format!(r#"{{"type":"login","name":"{}"}}"#, "x".repeat(100_000));
        let _ = ws
            .send(tokio_tungstenite::tungstenite::Message::Text(huge.into()))
            .await;
        assert!(
            next(&mut ws).await.is_none(),
            "an oversized frame closes the connection"
        );

        let mut ws = connect(live.ws).await;
        let mut rate_limited = false;
        for _ in 0..400 {
            if ws
                .send(tokio_tungstenite::tungstenite::Message::Text(
                    r#"{"type":"unsubscribe"}"#.into(),
                ))
                .await
                .is_err()
            {
                break;
            }
        }
        loop {
            match next(&mut ws).await {
                Some(ServerMsg::Error {
                    code: ErrorCode::RateLimited,
                    ..
                }) => rate_limited = true,
                Some(_) => {}
                None => break,
            }
        }
        assert!(
            rate_limited,
            "the flood was told it is rate limited before being cut off"
        );
    });
    live.finish(true);
}

#[test]
fn a_stalled_viewer_never_stalls_the_tick() {
    // Runs on (fast) until the test has seen 400 ticks, then stops it.
    let live = Live::start("stalled", "town.ron", Pace::Fast, 1_000_000, true);
    let rt = runtime();
    let ws = rt.block_on(async {
        let mut ws = connect(live.ws).await;
        send(
            &mut ws,
            r#"{"type":"subscribe","deltas":true,"heatmap":true,"metrics":true}"#,
        )
        .await;
        // The snapshot that answers a delta subscription.
        assert!(matches!(
            next(&mut ws).await,
            Some(ServerMsg::Snapshot { .. })
        ));
        ws
    });
    // From here on nobody reads `ws`.
    let (status, _) = http(live.http, "POST", "/api/control/resume", Some(TOKEN), None);
    assert_eq!(status, 200);
    let metric = |body: &str, name: &str| -> u64 {
        body.lines()
            .find_map(|l| {
                l.strip_prefix(name)
                    .and_then(|v| v.trim().parse::<f64>().ok())
            })
            .unwrap_or_else(|| panic!("{name} missing")) as u64
    };
    let mut body = String::new();
    for _ in 0..600 {
        body = http(live.http, "GET", "/metrics", None, None).1;
        if metric(&body, "seedsim_tick ") >= 400 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        metric(&body, "seedsim_tick ") >= 399,
        "the run went on: {body}"
    );
    assert!(
        metric(&body, "seedsim_lagged_total ") >= 1,
        "the stalled viewer lagged: {body}"
    );
    assert!(
        metric(&body, "seedsim_messages_dropped_total ") >= 1,
        "{body}"
    );
    assert!(live.finish(true).tick >= 400, "every tick ran");
    drop(ws);
}

#[test]
fn a_client_that_vanishes_mid_action_leaves_nothing_behind() {
    let live = Live::start("vanish", "smoke.ron", Pace::Fast, 200, true);
    let rt = runtime();
    let entity = rt.block_on(async {
        let mut ws = connect(live.ws).await;
        send(&mut ws, r#"{"type":"login"}"#).await;
        step(live.http, 1);
        let ServerMsg::Welcome { entity, .. } = reply(&mut ws).await else {
            panic!("expected welcome")
        };
        send(
            &mut ws,
            r#"{"type":"action","req_id":1,"kind":"gather","args":{}}"#,
        )
        .await;
        // Gone without a close frame.
        drop(ws);
        entity
    });
    let (status, _) = http(
        live.http,
        "GET",
        &format!("/api/entities/{entity}"),
        None,
        None,
    );
    assert_eq!(status, 200, "the entity is there while its client is");
    let mut gone = false;
    for _ in 0..50 {
        step(live.http, 1);
        std::thread::sleep(Duration::from_millis(20));
        let (status, _) = http(
            live.http,
            "GET",
            &format!("/api/entities/{entity}"),
            None,
            None,
        );
        let (_, metrics) = http(live.http, "GET", "/metrics", None, None);
        if status == 404
            && metrics.contains("seedsim_connections 0")
            && metrics.contains("seedsim_players 0")
        {
            gone = true;
            break;
        }
    }
    assert!(gone, "the entity departed and the connection was released");
    let db = live.db();
    live.finish(true);
    let conn = Connection::open(db).expect("db");
    let departed: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'departure' AND actor = ?1",
            [entity as i64],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(departed, 1);
}

#[test]
fn sigterm_finishes_the_store_then_closes_every_socket() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

    let dir = common::scratch("sigterm");
    // smoke.ron without its checks: stopped after a moment, a run is not
    // expected to meet them, and this test is about the shutdown.
    let smoke =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/smoke.ron"))
            .expect("smoke.ron");
    let cut = smoke
        .find("    // What must hold")
        .expect("smoke.ron's checks");
    let scenario = dir.join("smoke.ron");
    std::fs::write(&scenario, format!("{})\n", &smoke[..cut])).expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .arg("serve")
        .arg(&scenario)
        .args(["--http", "127.0.0.1:0", "--ws", "127.0.0.1:0"])
        .args(["--token", "t", "--out"])
        .arg(dir.join("out"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("seedsim serve starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let ws_addr = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("stderr line") > 0,
            "server exited early"
        );
        if let Some(rest) = line.split("WebSocket ws://").nth(1) {
            break rest
                .trim()
                .parse::<std::net::SocketAddr>()
                .expect("ws address");
        }
    };
    let rt = runtime();
    rt.block_on(async {
        let mut ws = connect(ws_addr).await;
        send(&mut ws, r#"{"type":"login"}"#).await;
        assert!(matches!(reply(&mut ws).await, ServerMsg::Welcome { .. }));
        // SAFETY: signalling our own child process by its pid.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
        }
        let close = loop {
            let msg = tokio::time::timeout(
                Duration::from_secs(20),
                futures_util::StreamExt::next(&mut ws),
            )
            .await
            .expect("a close frame in time");
            match msg {
                Some(Ok(Message::Close(frame))) => break frame,
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        };
        let frame = close.expect("a close frame with a reason");
        assert_eq!(frame.code, CloseCode::Away);
        assert!(frame.reason.contains("shutting down"), "{}", frame.reason);
    });
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).expect("stderr");
    let status = child.wait().expect("exits");
    assert!(status.success(), "{status:?}: {rest}");
    assert!(rest.contains("events.db verified intact"), "{rest}");
    match seedsim::store::verify::verify(&dir.join("out").join("events.db")).expect("verifies") {
        seedsim::store::verify::Verdict::Intact { complete, .. } => assert!(complete),
        other => panic!("{other:?}"),
    }
}

/// The `seedsim_players` gauge of `/metrics`.
fn players(live: &Live) -> u64 {
    let (_, body) = http(live.http, "GET", "/metrics", None, None);
    body.lines()
        .find_map(|l| l.strip_prefix("seedsim_players "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .expect("a players gauge") as u64
}

#[test]
fn players_are_the_welcomed_logins_and_leave_with_their_connection() {
    let live = Live::start("gauge", "smoke.ron", Pace::Fast, 200, true);
    let rt = runtime();
    rt.block_on(async {
        step(live.http, 1);
        let mut ws = connect(live.ws).await;
        send(&mut ws, r#"{"type":"login","name":"ada"}"#).await;
        // Sent, not yet taken by a tick: not a player.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(players(&live), 0, "a login the simulation has not welcomed");
        step(live.http, 1);
        let ServerMsg::Welcome { .. } = reply(&mut ws).await else {
            panic!("expected welcome")
        };
        assert_eq!(players(&live), 1);
        let _ = ws.close(None).await;
        drop(ws);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(players(&live), 0, "the connection ended");
    });
    live.finish(true);
}
