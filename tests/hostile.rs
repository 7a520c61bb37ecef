//! A real `seedsim serve` against hostile clients on loopback, seeded and
//! bounded in time: a ping flood from clients that never read (reconnecting
//! whenever they are closed) for 30 s, a flood of empty fragments, protocol
//! errors, and half-open WebSocket handshakes and HTTP requests. The
//! server's resident memory must stay within 100 MiB of where it started,
//! its tick must keep running, each attack must end with the right close
//! code or a closed socket, and the half-open connections must be closed
//! by the server's timeouts.

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the ping flood lasts.
const FLOOD: Duration = Duration::from_secs(30);
/// How far above its starting RSS the server may go.
const RSS_BUDGET: u64 = 100 << 20;

struct Served {
    child: Child,
    http: SocketAddr,
    ws: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &std::path::Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seedsim"))
        .arg("serve")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/smoke.ron"))
        .args(["--http", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--no-store"])
        .args(["--token", "t", "--out"])
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
        let addr = |after: &str, before: char| -> Option<SocketAddr> {
            line.split(after)
                .nth(1)?
                .split(before)
                .next()?
                .trim()
                .parse()
                .ok()
        };
        if let (Some(h), Some(w)) = (addr("REST http://", ' '), addr("WebSocket ws://", '\n')) {
            break (h, w);
        }
    };
    std::thread::spawn(move || {
        let mut sink = String::new();
        while stderr.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    Served { child, http, ws }
}

fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// A WebSocket connection after its handshake (the server's frames unread).
fn handshake(ws: SocketAddr) -> std::io::Result<TcpStream> {
    let mut s = TcpStream::connect(ws)?;
    s.set_write_timeout(Some(Duration::from_secs(1)))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.write_all(
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
          Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    )?;
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte)? == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    Ok(s)
}

/// A masked client frame.
fn frame(first: u8, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() < 126);
    let mask = [0x5a, 0x13, 0xc7, 0x2e];
    let mut out = vec![first, 0x80 | payload.len() as u8];
    out.extend(mask);
    out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    out
}

/// Reads frames until a close (its code) or the end of the stream (None).
fn close_code(s: &mut TcpStream) -> Option<u16> {
    s.set_read_timeout(Some(Duration::from_secs(15))).ok()?;
    loop {
        let mut head = [0u8; 2];
        s.read_exact(&mut head).ok()?;
        let len = match head[1] & 0x7f {
            126 => {
                let mut l = [0u8; 2];
                s.read_exact(&mut l).ok()?;
                u16::from_be_bytes(l) as usize
            }
            127 => {
                let mut l = [0u8; 8];
                s.read_exact(&mut l).ok()?;
                u64::from_be_bytes(l) as usize
            }
            n => n as usize,
        };
        let mut body = vec![0u8; len];
        s.read_exact(&mut body).ok()?;
        if head[0] & 0x0f == 0x8 {
            return Some(u16::from_be_bytes([*body.first()?, *body.get(1)?]));
        }
    }
}

/// Pings as fast as the socket takes them and never reads; when the server
/// closes the connection, connects again. Returns the connections it used.
fn ping_flood(ws: SocketAddr, until: Instant) -> u32 {
    let ping = frame(0x89, &[7u8; 125]).repeat(64);
    let mut connections = 0;
    while Instant::now() < until {
        let Ok(mut s) = handshake(ws) else {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        connections += 1;
        while Instant::now() < until && s.write_all(&ping).is_ok() {}
    }
    connections
}

#[test]
fn hostile_clients_cost_the_server_a_bounded_share() {
    let dir = common::scratch("hostile");
    let server = serve(&dir);
    let pid = server.child.id();
    std::thread::sleep(Duration::from_millis(500));
    let baseline = rss(pid);
    let start_tick = common::tick(server.http);
    let until = Instant::now() + FLOOD;

    let ws = server.ws;
    let flood = std::thread::spawn(move || ping_flood(ws, until));

    // Half-open: handshakes never finished, HTTP heads never finished.
    let half_ws: Vec<TcpStream> = (0..200)
        .filter_map(|_| TcpStream::connect(server.ws).ok())
        .collect();
    let half_http: Vec<TcpStream> = (0..100)
        .filter_map(|_| {
            let mut s = TcpStream::connect(server.http).ok()?;
            s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\n")
                .ok()?;
            Some(s)
        })
        .collect();

    // A flood of empty fragments that never completes a message: closed
    // with 1008.
    let mut frag = handshake(server.ws).expect("handshake");
    let mut sent = frag.write_all(&frame(0x01, b"{")).is_ok();
    let empty = frame(0x00, b"").repeat(1000);
    let stop = Instant::now() + Duration::from_secs(10);
    while sent && Instant::now() < stop {
        sent = frag.write_all(&empty).is_ok();
    }
    assert_eq!(close_code(&mut frag), Some(1008), "fragment flood");

    // Protocol errors get their close codes: an unmasked frame (1002),
    // text that is not UTF-8 (1007).
    let mut unmasked = handshake(server.ws).expect("handshake");
    unmasked.write_all(&[0x81, 0x01, b'x']).expect("write");
    assert_eq!(close_code(&mut unmasked), Some(1002), "unmasked frame");
    let mut bad_text = handshake(server.ws).expect("handshake");
    bad_text
        .write_all(&frame(0x81, &[0xff, 0xfe]))
        .expect("write");
    assert_eq!(close_code(&mut bad_text), Some(1007), "invalid UTF-8");

    // Memory and the tick, while the flood goes on.
    let mut peak = baseline;
    while Instant::now() < until {
        peak = peak.max(rss(pid));
        std::thread::sleep(Duration::from_millis(250));
    }
    let connections = flood.join().expect("flood thread");
    let end_tick = common::tick(server.http);
    eprintln!(
        "hostile: RSS {} → peak {} MiB; ticks {start_tick} → {end_tick}; {connections} flood connections",
        baseline >> 20,
        peak >> 20
    );
    assert!(
        peak < baseline + RSS_BUDGET,
        "RSS {} MiB → {} MiB under a ping flood",
        baseline >> 20,
        peak >> 20
    );
    assert!(
        end_tick > start_tick + 100,
        "ticks {start_tick} → {end_tick} under attack"
    );
    assert!(connections >= 1);

    // The half-open connections were closed by the server's timeouts (10 s
    // each, long past by now).
    for (kind, conns) in [("handshake", half_ws), ("http head", half_http)] {
        let open = conns
            .into_iter()
            .filter(|s| {
                let mut s = s;
                s.set_read_timeout(Some(Duration::from_millis(200))).ok();
                let mut b = [0u8; 512];
                loop {
                    match s.read(&mut b) {
                        Ok(0) => return false,
                        Ok(_) => continue,
                        Err(e) if e.kind() == ErrorKind::ConnectionReset => return false,
                        Err(_) => return true,
                    }
                }
            })
            .count();
        assert_eq!(open, 0, "{kind}: {open} half-open connections still held");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// CPU time (user + system) a process has used, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces), from the
    // state: utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    field(11) + field(12)
}

#[test]
fn out_of_descriptors_the_accept_loop_backs_off_instead_of_spinning() {
    let dir = common::scratch("emfile");
    // The same server with 64 descriptors in all: connections soon exhaust
    // them, and every accept then fails until some close.
    let script = format!(
        "ulimit -n 64 && exec '{}' serve '{}' --http 127.0.0.1:0 --ws 127.0.0.1:0 --no-store --token t --out '{}'",
        env!("CARGO_BIN_EXE_seedsim"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/smoke.ron"),
        dir.join("out").display()
    );
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let ws: SocketAddr = loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("stderr") > 0,
            "server exited early"
        );
        if let Some(w) = line.split("WebSocket ws://").nth(1) {
            break w.trim().parse().expect("address");
        }
    };
    let server = Served {
        child,
        http: ws,
        ws,
    };
    let pid = server.child.id();
    let held: Vec<TcpStream> = (0..120)
        .filter_map(|_| TcpStream::connect(ws).ok())
        .collect();
    assert!(
        held.len() > 64,
        "the kernel queues what the server cannot accept"
    );
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(3));
    let used = cpu_ticks(pid) - before;
    // 300 ticks would be a core spinning for 3 s (100 a second).
    assert!(
        used < 100,
        "{used} CPU ticks in 3 s with descriptors exhausted"
    );
    drop(held);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
