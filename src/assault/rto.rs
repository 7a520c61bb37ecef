//! When a player sends an unanswered action again: the retransmission
//! timeout of TCP (RFC 6298) over the action → ack latencies this client
//! has seen. A healthy server answers in well under the floor, so a lost
//! frame is resent after 1.5 s; a slow server raises the timeout with its
//! latency instead of being answered with a storm of copies.

use std::time::Duration;

/// The least time before a resend.
const FLOOR: Duration = Duration::from_millis(1500);
/// The most (a server this slow is measured as slow, not retried harder).
const CEILING: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, Default)]
pub struct Rto {
    /// Smoothed latency and its mean deviation, in seconds.
    srtt: Option<f64>,
    rttvar: f64,
}

impl Rto {
    /// Takes one latency: only of actions sent once (Karn's rule: an ack
    /// of a resent action cannot say which copy it answers).
    pub fn sample(&mut self, latency: Duration) {
        let r = latency.as_secs_f64();
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2.0;
            }
            Some(s) => {
                self.rttvar = 0.75 * self.rttvar + 0.25 * (s - r).abs();
                self.srtt = Some(0.875 * s + 0.125 * r);
            }
        }
    }

    /// How long an action may go unanswered before it is sent again.
    pub fn timeout(&self) -> Duration {
        let t = self.srtt.map_or(0.0, |s| s + 4.0 * self.rttvar);
        Duration::from_secs_f64(t).clamp(FLOOR, CEILING)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_follows_the_latency_between_its_bounds() {
        let mut rto = Rto::default();
        assert_eq!(rto.timeout(), FLOOR);
        for _ in 0..50 {
            rto.sample(Duration::from_millis(80));
        }
        assert_eq!(rto.timeout(), FLOOR, "a quick server keeps the floor");
        for _ in 0..50 {
            rto.sample(Duration::from_secs(4));
        }
        let slow = rto.timeout();
        assert!(
            slow > Duration::from_secs(4) && slow < Duration::from_secs(8),
            "{slow:?}"
        );
        for _ in 0..50 {
            rto.sample(Duration::from_secs(100));
        }
        assert_eq!(rto.timeout(), CEILING);
    }
}
