//! The `seedsim serve` child process the view tests attach to: the smoke
//! scenario on ephemeral 127.0.0.1 ports, its addresses read from what it
//! prints, killed when dropped. (Included by tests/view.rs and
//! tests/view_screenshot.rs with `#[path]`.)
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use seedsim::window::feed::remote::{Config, Endpoints};

pub const TOKEN: &str = "view-test-token";

/// A `seedsim serve` child and its two addresses; killed when dropped.
pub struct Server {
    child: Child,
    pub http: SocketAddr,
    pub ws: SocketAddr,
}

impl Server {
    pub fn start(name: &str) -> Server {
        let dir = super::support::scratch("view", name);
        // Without the smoke scenario's checks, nothing stops it early.
        let scenario = super::support::smoke_with(&dir, "smoke.ron", 300, "");
        let mut child = Command::new(env!("CARGO_BIN_EXE_seedsim"))
            .arg("serve")
            .arg(&scenario)
            .args(["--http", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--no-store"])
            .args(["--token", TOKEN, "--out"])
            .arg(dir.join("out"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("seedsim serve starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut line = String::new();
        let (http, ws) = loop {
            line.clear();
            assert!(
                stderr.read_line(&mut line).expect("stderr") > 0,
                "server exited early"
            );
            let addr = |after: &str, before: &str| -> Option<SocketAddr> {
                line.split(after)
                    .nth(1)?
                    .split(before)
                    .next()?
                    .trim()
                    .parse()
                    .ok()
            };
            if let (Some(h), Some(w)) = (addr("REST http://", " "), addr("WebSocket ws://", "\n")) {
                break (h, w);
            }
        };
        // Keep draining its stderr so it never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            while stderr.read_line(&mut sink).is_ok_and(|n| n > 0) {
                sink.clear();
            }
        });
        Server { child, http, ws }
    }

    pub fn config(&self, token: Option<&str>) -> Config {
        let endpoints = Endpoints::parse(
            &format!("ws://{}", self.ws),
            Some(&format!("http://{}", self.http)),
        )
        .expect("addresses");
        Config {
            endpoints,
            token: token.map(str::to_string),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
