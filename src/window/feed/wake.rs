//! The wait at the heart of a paced source's loop (local and replay): it
//! sleeps until the next tick is due, a command arrives or a frame is due
//! for the window, whichever comes first; and it hands the window a frame at
//! most every [`PUBLISH_EVERY`], and only once the window has taken the
//! last one — a fast speed or a slow window would otherwise only build
//! frames nobody sees.

use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;

use super::{Command, Source};

/// Shortest time between two frames handed to the window (about 60 a second).
pub const PUBLISH_EVERY: Duration = Duration::from_millis(16);
/// How often a source with a frame to hand over looks whether the window
/// has taken the last one.
const POLL_WINDOW: Duration = Duration::from_millis(4);

/// What ended a wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woken {
    /// Commands came (and were applied).
    Commands,
    Timeout,
    /// The window is closing (a `Quit`, or the feed dropped).
    Quit,
}

/// When the source last handed a frame over.
#[derive(Debug)]
pub struct Throttle {
    published: Instant,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            published: Instant::now(),
        }
    }
}

impl Throttle {
    /// `wait` (None: until a command comes), shortened while there is news
    /// for the window: to when a frame is due, or — past due, the window
    /// not having taken the last — to a short poll.
    pub fn limit(&self, news: bool, wait: Option<Duration>) -> Option<Duration> {
        if !news {
            return wait;
        }
        let left = match PUBLISH_EVERY.saturating_sub(self.published.elapsed()) {
            Duration::ZERO => POLL_WINDOW,
            left => left,
        };
        Some(wait.map_or(left, |w| w.min(left)))
    }

    /// Whether to build a frame now.
    pub fn due(&self, news: bool, source: &Source) -> bool {
        news && self.published.elapsed() >= PUBLISH_EVERY && source.wants_frame()
    }

    /// A frame was handed over.
    pub fn sent(&mut self) {
        self.published = Instant::now();
    }
}

impl Source {
    /// Waits up to `wait` (None: until one comes) for commands and hands
    /// each that came to `apply`, which returns false when the window is
    /// closing.
    pub fn wait_commands(
        &self,
        wait: Option<Duration>,
        mut apply: impl FnMut(Command) -> bool,
    ) -> Woken {
        let first = match wait {
            Some(w) => self.commands.recv_timeout(w),
            None => self
                .commands
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
        };
        match first {
            Ok(c) => {
                if !apply(c) {
                    return Woken::Quit;
                }
                while let Ok(c) = self.commands.try_recv() {
                    if !apply(c) {
                        return Woken::Quit;
                    }
                }
                Woken::Commands
            }
            Err(RecvTimeoutError::Timeout) => Woken::Timeout,
            Err(RecvTimeoutError::Disconnected) => Woken::Quit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::feed::{Frame, channel};

    #[test]
    fn news_shortens_the_wait_and_a_frame_waits_for_the_window() {
        let (feed, source) = channel();
        let mut t = Throttle::default();
        assert_eq!(t.limit(false, None), None, "no news: wait for a command");
        assert!(t.limit(true, None).unwrap() <= PUBLISH_EVERY);
        std::thread::sleep(PUBLISH_EVERY);
        assert!(t.due(true, &source));
        assert!(!t.due(false, &source));
        source.publish(Frame::default());
        t.sent();
        std::thread::sleep(PUBLISH_EVERY);
        assert!(!t.due(true, &source), "the window has not taken the last");
        assert_eq!(t.limit(true, None), Some(POLL_WINDOW));
        let _ = feed.take();
        assert!(t.due(true, &source));
    }

    #[test]
    fn commands_are_applied_until_a_quit() {
        let (feed, source) = channel();
        assert_eq!(
            source.wait_commands(Some(Duration::from_millis(1)), |_| true),
            Woken::Timeout
        );
        feed.send(Command::Speed(2.0)).unwrap();
        feed.send(Command::Quit).unwrap();
        let mut seen = Vec::new();
        let woken = source.wait_commands(None, |c| {
            let go_on = c != Command::Quit;
            seen.push(c);
            go_on
        });
        assert_eq!(woken, Woken::Quit);
        assert_eq!(seen, [Command::Speed(2.0), Command::Quit]);
        drop(feed);
        assert_eq!(source.wait_commands(None, |_| true), Woken::Quit);
    }
}
