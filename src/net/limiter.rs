//! The flood guard of a WebSocket connection: a token bucket of client
//! frames, and a count of refusals per second beyond which the connection
//! is closed.

use std::time::Duration;

use tokio::time::Instant;

/// Frames per second a client may send, sustained...
pub const RATE: f64 = 20.0;
/// ...and in a burst.
pub const BURST: f64 = 40.0;
/// Frames refused for rate within one second that end the connection.
pub const FLOOD: u32 = 50;

/// Token bucket plus a count of refusals in the current second.
pub(super) struct Limiter {
    tokens: f64,
    last: Instant,
    window: Instant,
    refused: u32,
}

pub(super) enum Verdict {
    Pass,
    /// Refused; `true` the first time in this second (say so once).
    Refuse(bool),
    Flood,
}

impl Limiter {
    pub(super) fn new() -> Limiter {
        let now = Instant::now();
        Limiter {
            tokens: BURST,
            last: now,
            window: now,
            refused: 0,
        }
    }

    pub(super) fn check(&mut self) -> Verdict {
        let now = Instant::now();
        self.tokens = (self.tokens + (now - self.last).as_secs_f64() * RATE).min(BURST);
        self.last = now;
        if now - self.window >= Duration::from_secs(1) {
            self.window = now;
            self.refused = 0;
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Verdict::Pass;
        }
        self.refused += 1;
        if self.refused > FLOOD {
            Verdict::Flood
        } else {
            Verdict::Refuse(self.refused == 1)
        }
    }
}
