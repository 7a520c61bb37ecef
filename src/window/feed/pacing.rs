//! When a source's ticks run: one every 100 ms of wall clock divided by the
//! speed. A source that falls more than a second behind drops the backlog
//! (the run goes slower than asked rather than bursting to catch up). Pause,
//! resume and step only change *when* ticks run; the local source also
//! records them as `Input::Control`, as the live server does.

use std::time::Duration;

use crate::core::TICK;
use crate::input::ControlAction;

/// Slowest and fastest speed offered (1 = real time).
pub const MIN_SPEED: f32 = 0.25;
pub const MAX_SPEED: f32 = 64.0;

/// The clock of a paced source.
#[derive(Debug, Clone)]
pub struct Pacing {
    pub paused: bool,
    speed: f32,
    /// Ticks owed by the wall clock, fractional.
    owed: f64,
    /// Single steps asked for while paused.
    steps: u32,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            paused: false,
            speed: 1.0,
            owed: 0.0,
            steps: 0,
        }
    }
}

impl Pacing {
    pub fn speed(&self) -> f32 {
        self.speed
    }

    pub fn set_speed(&mut self, speed: f32) {
        // NaN (from a bad frame or a bad float) must not stop the clock.
        self.speed = if speed.is_finite() {
            speed.clamp(MIN_SPEED, MAX_SPEED)
        } else {
            1.0
        };
    }

    /// Lets `dt` of wall clock pass.
    pub fn elapse(&mut self, dt: Duration) {
        if self.paused {
            return;
        }
        let ticks_per_sec = f64::from(self.speed) / TICK.as_secs_f64();
        self.owed += dt.as_secs_f64() * ticks_per_sec;
        if self.owed > ticks_per_sec.max(1.0) {
            // More than a second behind: keep the phase, drop the backlog.
            self.owed = self.owed.fract() + 1.0;
        }
    }

    /// Takes one due tick, if one is due.
    pub fn take(&mut self) -> bool {
        if self.paused {
            if self.steps > 0 {
                self.steps -= 1;
                return true;
            }
            return false;
        }
        if self.owed >= 1.0 {
            self.owed -= 1.0;
            return true;
        }
        false
    }

    /// How long until the next tick is due (None: paused with no step).
    pub fn until_next(&self) -> Option<Duration> {
        if self.paused {
            return (self.steps > 0).then_some(Duration::ZERO);
        }
        let missing = (1.0 - self.owed).max(0.0);
        Some(TICK.mul_f64(missing / f64::from(self.speed)))
    }

    /// Applies a pause, resume or step.
    pub fn control(&mut self, action: ControlAction) {
        match action {
            ControlAction::Pause => self.paused = true,
            ControlAction::Resume => {
                self.paused = false;
                self.owed = 0.0;
                self.steps = 0;
            }
            ControlAction::Step => {
                // Stepping a running simulation means: stop, then one tick.
                self.paused = true;
                self.steps = self.steps.saturating_add(1).min(1_000);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(p: &mut Pacing) -> u32 {
        let mut n = 0;
        while p.take() {
            n += 1;
        }
        n
    }

    #[test]
    fn real_time_owes_one_tick_per_100_ms_and_drops_a_long_backlog() {
        let mut p = Pacing::default();
        p.elapse(Duration::from_millis(50));
        assert_eq!(drain(&mut p), 0);
        assert!(p.until_next().unwrap() <= Duration::from_millis(50));
        p.elapse(Duration::from_millis(50));
        assert_eq!(drain(&mut p), 1);
        p.set_speed(64.0);
        p.elapse(Duration::from_millis(100));
        assert_eq!(drain(&mut p), 64);
        // Ten seconds lost (a stall): at most a second's ticks are owed.
        p.elapse(Duration::from_secs(10));
        assert!(drain(&mut p) <= 641);
        p.set_speed(f32::NAN);
        assert_eq!(p.speed(), 1.0);
    }

    #[test]
    fn paused_it_runs_only_the_steps_asked_for() {
        let mut p = Pacing::default();
        p.control(ControlAction::Step);
        p.control(ControlAction::Step);
        p.elapse(Duration::from_secs(5));
        assert_eq!(drain(&mut p), 2);
        assert_eq!(p.until_next(), None);
        p.control(ControlAction::Resume);
        p.elapse(Duration::from_millis(100));
        assert_eq!(drain(&mut p), 1);
    }
}
