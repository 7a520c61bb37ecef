//! `view` against a real server: `seedsim serve` runs as a child process on
//! ephemeral 127.0.0.1 ports and the remote feed source is driven through
//! its `Feed`, as the window drives it, with no window: frames with agents
//! and a heatmap, events, tunes accepted and refused with the API's text,
//! an inspected entity, pause and step, a read-only session and a clean
//! quit, and a server killed under it. Then the command line's exit codes,
//! and a headless build's refusal.

#[cfg(feature = "window")]
mod support;

#[cfg(feature = "window")]
#[path = "view/server.rs"]
mod server;

#[cfg(not(feature = "window"))]
#[test]
fn view_without_the_feature_is_an_invalid_command_line() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .args(["view", "ws://127.0.0.1:8765"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("`window` feature"), "{err}");
}

#[cfg(feature = "window")]
mod live {
    use std::process::Command;
    use std::time::{Duration, Instant};

    use seedsim::input::ControlAction;
    use seedsim::window::feed::remote;
    use seedsim::window::feed::{self, Feed, Frame, Notice, SourceKind};

    use super::server::{Server, TOKEN};

    const LIMIT: Duration = Duration::from_secs(30);

    /// Everything a feed delivered so far.
    #[derive(Default)]
    struct Seen {
        frame: Option<Frame>,
        notices: Vec<Notice>,
        events: usize,
        closed: bool,
    }

    impl Seen {
        fn take(&mut self, feed: &Feed) {
            let d = feed.take();
            if d.frame.is_some() {
                self.frame = d.frame;
            }
            self.notices.extend(d.notices);
            self.events += d.events.len();
            self.closed |= d.closed;
        }

        /// Takes from `feed` until `done` holds (or fails after [`LIMIT`]).
        fn until(&mut self, feed: &Feed, what: &str, done: impl Fn(&Seen) -> bool) {
            let deadline = Instant::now() + LIMIT;
            loop {
                self.take(feed);
                if done(self) {
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "never: {what} (notices: {:?})",
                    self.notices
                );
                std::thread::sleep(Duration::from_millis(10));
            }
        }

        fn tick(&self) -> u64 {
            self.frame.as_ref().map_or(0, |f| f.tick)
        }

        fn tuned(&self) -> Vec<&Result<(), String>> {
            self.notices
                .iter()
                .filter_map(|n| match n {
                    Notice::Tuned { result, .. } => Some(result),
                    Notice::Problem(_) => None,
                })
                .collect()
        }

        fn problem(&self, part: &str) -> bool {
            self.notices
                .iter()
                .any(|n| matches!(n, Notice::Problem(p) if p.contains(part)))
        }
    }

    #[test]
    fn a_feed_follows_and_steers_a_live_server() {
        let server = Server::start("steer");
        let (feed, session) = remote::start(server.config(Some(TOKEN))).expect("starts");
        let info = feed.info().expect("the server's hello");
        assert_eq!(
            info.kind,
            SourceKind::Remote {
                url: format!("ws://{}", server.ws),
                can_tune: true
            }
        );
        assert!(info.zones.len() >= 3, "{:?}", info.zones);
        assert!(info.size.x > 0.0 && info.size.y > 0.0);
        let mut seen = Seen::default();
        seen.until(&feed, "agents, a heatmap, tunables and events", |s| {
            s.frame.as_ref().is_some_and(|f| {
                !f.agents.is_empty()
                    && !f.heat.counts.is_empty()
                    && f.tunables.is_some()
                    && f.stats.population > 0
            }) && s.events > 0
        });
        let frame = seen.frame.clone().unwrap();
        assert!(
            frame.agents.windows(2).all(|w| w[0].id < w[1].id),
            "sorted by id"
        );
        assert_eq!(
            frame.heat.counts.len() as u32,
            frame.heat.cols * frame.heat.rows
        );
        assert!(frame.agents.iter().all(|a| {
            info.zones
                .iter()
                .any(|z| z.id == a.zone && z.realm == a.realm)
        }));
        let counted: u32 = frame.stats.by_kind.iter().sum();
        assert_eq!(counted as usize, frame.agents.len());
        assert!(
            seen.notices.is_empty(),
            "nothing unreadable: {:?}",
            seen.notices
        );

        // Inspect one of them.
        let id = frame.agents[frame.agents.len() / 2].id;
        feed.send(feed::Command::Inspect(Some(id))).unwrap();
        seen.until(&feed, "the inspected entity", |s| {
            s.frame
                .as_ref()
                .and_then(|f| f.inspected.as_ref())
                .is_some_and(|v| v["id"] == id)
        });

        // A tune accepted shows in later frames; a bad one is refused with the API's text.
        assert_ne!(frame.tunables.as_ref().unwrap().birth_rate, Some(0.25));
        feed.send(feed::Command::Tune(serde_json::json!({"birth_rate": 0.25})))
            .unwrap();
        seen.until(&feed, "the tune's answer", |s| s.tuned().len() == 1);
        assert_eq!(seen.tuned()[0], &Ok(()), "{:?}", seen.notices);
        feed.send(feed::Command::Tune(
            serde_json::json!({"birth_rate": "lots"}),
        ))
        .unwrap();
        seen.until(&feed, "the bad tune's answer", |s| s.tuned().len() == 2);
        let refused = seen.tuned()[1].clone().expect_err("a bad tune is refused");
        assert!(refused.starts_with("birth_rate: "), "{refused}");
        seen.until(&feed, "the new tunables", |s| {
            s.frame
                .as_ref()
                .and_then(|f| f.tunables.as_ref())
                .is_some_and(|t| t.birth_rate == Some(0.25))
        });

        // Pause: the ticks stop; a step moves one; the server runs at its own pace.
        feed.send(feed::Command::Control(ControlAction::Pause))
            .unwrap();
        seen.until(&feed, "paused", |s| {
            s.frame.as_ref().is_some_and(|f| f.paused)
        });
        std::thread::sleep(Duration::from_millis(400));
        seen.take(&feed);
        let at = seen.tick();
        std::thread::sleep(Duration::from_millis(500));
        seen.take(&feed);
        assert_eq!(seen.tick(), at, "paused, the server stays put");
        feed.send(feed::Command::Control(ControlAction::Step))
            .unwrap();
        seen.until(&feed, "one step", |s| s.tick() == at + 1);
        feed.send(feed::Command::Speed(4.0)).unwrap();
        seen.until(&feed, "the pace notice", |s| s.problem("its own pace"));
        feed.send(feed::Command::Control(ControlAction::Resume))
            .unwrap();
        seen.until(&feed, "running again", |s| {
            s.tick() > at + 3 && !s.frame.as_ref().unwrap().paused
        });

        // A second window without the token is read only, and quits cleanly.
        let (ro, ro_session) = remote::start(server.config(None)).expect("starts");
        let ro_info = ro.info().expect("hello");
        assert!(matches!(
            ro_info.kind,
            SourceKind::Remote {
                can_tune: false,
                ..
            }
        ));
        ro.send(feed::Command::Tune(serde_json::json!({"birth_rate": 0.5})))
            .unwrap();
        ro.send(feed::Command::Control(ControlAction::Pause))
            .unwrap();
        let mut ro_seen = Seen::default();
        ro_seen.until(&ro, "read-only answers", |s| {
            s.tuned().len() == 1 && s.problem("read only")
        });
        assert!(ro_seen.tuned()[0].as_ref().unwrap_err().contains("--token"));
        // The stream has no governance counts; the REST API's reach the plots.
        ro_seen.until(&ro, "denials by rule", |s| {
            s.frame
                .as_ref()
                .is_some_and(|f| !f.stats.denials.is_empty())
        });
        // Paused by the other window: this one learns it from the server.
        feed.send(feed::Command::Control(ControlAction::Pause))
            .unwrap();
        ro_seen.until(&ro, "paused by another client", |s| {
            s.frame.as_ref().is_some_and(|f| f.paused)
        });
        feed.send(feed::Command::Control(ControlAction::Resume))
            .unwrap();
        ro_seen.until(&ro, "resumed by another client", |s| {
            s.frame.as_ref().is_some_and(|f| !f.paused)
        });
        ro.send(feed::Command::Quit).unwrap();
        let ended = ro_session
            .join()
            .expect("no panic")
            .expect("it had started");
        assert_eq!(ended.lost, None, "the window closed it");
        assert!(ended.frames > 0);

        // The server dies under the first: a notice and a closed feed, no panic.
        drop(server);
        seen.notices.clear();
        seen.until(&feed, "the lost connection", |s| s.closed);
        assert!(
            seen.problem("closed the connection") || seen.problem("lost"),
            "{:?}",
            seen.notices
        );
        assert!(seen.frame.as_ref().is_some_and(|f| f.finished));
        let ended = session.join().expect("no panic").expect("it had started");
        assert!(ended.lost.is_some());
        assert!(ended.events > 0);
        assert_eq!(ended.unreadable, 0);
    }

    fn view(args: &[&str]) -> (Option<i32>, String) {
        let o = Command::new(env!("CARGO_BIN_EXE_seedsim"))
            .arg("view")
            .args(args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .expect("runs");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    #[test]
    fn a_bad_url_is_an_invalid_command_line_and_no_server_a_failure() {
        for (url, says) in [
            ("http://127.0.0.1:8765", "ws://"),
            ("ws://127.0.0.1", "port is missing"),
            ("ws://127.0.0.1:70000", "not a port"),
            ("127.0.0.1:8765", "ws://HOST:PORT"),
        ] {
            let (code, err) = view(&[url]);
            assert_eq!(code, Some(2), "{url}: {err}");
            assert!(err.contains(says), "{url}: {err}");
        }
        let (code, err) = view(&["ws://127.0.0.1:1", "--api", "ftp://x:1"]);
        assert_eq!(code, Some(2), "{err}");
        // A port nobody listens on: taken, then let go.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let (code, err) = view(&[&format!("ws://127.0.0.1:{port}")]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains("cannot connect to ws://127.0.0.1"), "{err}");
        // Something that listens but is no seedsim server: it closes at once.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let closer = std::thread::spawn(move || {
            if let Ok((s, _)) = listener.accept() {
                drop(s);
            }
        });
        let (code, err) = view(&[&format!("ws://{addr}")]);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains("error:"), "{err}");
        closer.join().unwrap();
    }
}
