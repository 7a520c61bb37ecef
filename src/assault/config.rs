//! What an assault is asked to do, checked before any socket opens: the
//! target, the load model (closed: N clients started evenly over a ramp;
//! open: clients arriving at a fixed rate), the profile mix, think time,
//! reconnect policy and timeouts. The CLI and the scenario runner both build
//! an [`AssaultConfig`]; [`AssaultConfig::validate`] is the one place that
//! says what is allowed, so both refuse the same things with the same words.

use std::time::Duration;

use tokio_tungstenite::tungstenite::http::Uri;

use super::profile::ProfileChoice;

/// Why an assault could not run.
#[derive(Debug, thiserror::Error)]
pub enum AssaultError {
    #[error("invalid target {target:?}: {reason}")]
    InvalidTarget { target: String, reason: String },
    #[error("invalid assault: {0}")]
    InvalidConfig(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// How clients arrive.
#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    /// `clients` play at once; client i starts at `ramp * i / clients`.
    Closed { clients: u64, ramp: Duration },
    /// A client arrives every `1 / rate` seconds, at most `max_clients` in
    /// all, and plays for `session` (until the end when absent). Arrivals do
    /// not wait for the server: a slow server faces the same arrivals.
    Open {
        rate: f64,
        max_clients: u64,
        session: Option<Duration>,
    },
}

/// Reconnecting after a lost or refused connection.
#[derive(Clone, Debug, PartialEq)]
pub struct Retry {
    /// The first wait; each failed attempt doubles it (jittered), up to `max`.
    pub initial: Duration,
    pub max: Duration,
    /// Attempts after a failure (refused, or lost before logging in) in a
    /// row before a client gives up; a connection that logged in resets it.
    pub retries: u32,
    /// The wait (jittered ±50%) after the server closed for a restart
    /// (1012) before the first attempt to come back.
    pub restart: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            initial: Duration::from_millis(250),
            max: Duration::from_secs(8),
            retries: 6,
            restart: Duration::from_secs(2),
        }
    }
}

/// One assault.
#[derive(Clone, Debug, PartialEq)]
pub struct AssaultConfig {
    /// `ws://host:port[/path]`.
    pub target: String,
    pub load: Load,
    /// How long clients act; then a grace period and the close.
    pub duration: Duration,
    pub profile: ProfileChoice,
    /// A custom mix, as a cycle of profiles by client index; when empty,
    /// `profile` decides.
    pub mix: Vec<super::Profile>,
    /// Mean time between one client's actions (each wait is jittered ±50%).
    pub think: Duration,
    /// Seeds every client's choices, with its index.
    pub seed: u64,
    pub retry: Retry,
    /// The limit for connecting, for `hello` and `welcome`, and for one send.
    pub timeout: Duration,
    /// How long to wait for outstanding acks and events after `duration`.
    pub grace: Duration,
    /// Subscribe to the owned entity's deltas, as a game client watching
    /// its avatar would, so honest steps start from where the entity really
    /// is. Off, the load is actions alone.
    pub track_self: bool,
    /// Viewers besides the players: connections that subscribe to every
    /// event and check each batch arrives, whole and in time.
    pub viewers: u64,
}

impl AssaultConfig {
    /// A closed-model assault of `clients` against `target` with the
    /// defaults: mixed profiles, 1 s think time, 30 s duration and its
    /// [`default_ramp`].
    pub fn new(target: impl Into<String>, clients: u64) -> AssaultConfig {
        let duration = Duration::from_secs(30);
        AssaultConfig {
            target: target.into(),
            load: Load::Closed {
                clients,
                ramp: default_ramp(duration),
            },
            duration,
            profile: ProfileChoice::Mixed,
            mix: Vec::new(),
            think: Duration::from_secs(1),
            seed: 1,
            retry: Retry::default(),
            timeout: Duration::from_secs(10),
            grace: Duration::from_secs(2),
            track_self: false,
            viewers: 0,
        }
    }

    /// The profile client `index` plays.
    pub fn profile_of(&self, index: u64) -> super::Profile {
        match self.mix.len() as u64 {
            0 => self.profile.for_client(index),
            n => self.mix[(index % n) as usize],
        }
    }

    /// Everything that makes the assault impossible or meaningless.
    pub fn validate(&self) -> Result<(), AssaultError> {
        check_target(&self.target)?;
        let bad = |why: String| Err(AssaultError::InvalidConfig(why));
        if self.duration.is_zero() {
            return bad("the duration must be longer than zero".into());
        }
        if self.think < Duration::from_millis(1) {
            return bad("the think time must be at least 1ms".into());
        }
        if self.timeout.is_zero() {
            return bad("the timeout must be longer than zero".into());
        }
        if self.retry.initial.is_zero() || self.retry.max < self.retry.initial {
            return bad("reconnect backoff: need 0 < initial <= max".into());
        }
        let limit = crate::core::scenario::limits::MAX_CLIENTS;
        let planned = match self.load {
            Load::Closed { clients, .. } => clients,
            Load::Open { max_clients, .. } => max_clients,
        };
        if planned > limit || self.viewers > limit {
            return bad(format!(
                "{} clients and {} viewers: at most {limit} of each in one process (split a bigger load over machines)",
                planned, self.viewers
            ));
        }
        match self.load {
            Load::Closed { clients, ramp } => {
                if clients == 0 && self.viewers == 0 {
                    return bad("no clients and no viewers: nothing would connect".into());
                }
                if ramp >= self.duration {
                    return bad(format!(
                        "the ramp ({}) must be shorter than the duration ({}), or the last clients never play",
                        humantime::format_duration(ramp),
                        humantime::format_duration(self.duration)
                    ));
                }
            }
            Load::Open {
                rate,
                max_clients,
                session,
            } => {
                if !(rate.is_finite() && rate > 0.0) {
                    return bad(format!("the arrival rate must be above zero, not {rate}"));
                }
                if max_clients == 0 {
                    return bad("at least one client".into());
                }
                if session.is_some_and(|s| s.is_zero()) {
                    return bad("the session length must be longer than zero".into());
                }
            }
        }
        Ok(())
    }

    /// The most clients this assault can start (open-model arrivals stop at
    /// the end of the duration).
    pub fn client_count(&self) -> u64 {
        match self.load {
            Load::Closed { clients, .. } => clients,
            Load::Open {
                rate, max_clients, ..
            } => {
                let arriving = (self.duration.as_secs_f64() * rate).ceil() as u64;
                arriving.clamp(1, max_clients)
            }
        }
    }

    /// When client `index` starts, from the start of the run; `None` when it
    /// would arrive after the end.
    pub fn start_of(&self, index: u64) -> Option<Duration> {
        let at = match self.load {
            Load::Closed { clients, ramp } => ramp.mul_f64(index as f64 / clients as f64),
            Load::Open { rate, .. } => Duration::from_secs_f64(index as f64 / rate),
        };
        (index < self.client_count() && at < self.duration).then_some(at)
    }

    /// How long a client plays once started (`None`: until the end).
    pub fn session(&self) -> Option<Duration> {
        match self.load {
            Load::Closed { .. } => None,
            Load::Open { session, .. } => session,
        }
    }
}

/// The ramp when none is given: a tenth of the duration, at most 5 s, so
/// that connecting does not dominate a short run nor stampede a long one.
pub fn default_ramp(duration: Duration) -> Duration {
    (duration / 10).min(Duration::from_secs(5))
}

/// Only plain `ws://` with a host: TLS is not built in, and anything else
/// is not a WebSocket server.
pub fn check_target(target: &str) -> Result<(), AssaultError> {
    let refuse = |reason: &str| {
        Err(AssaultError::InvalidTarget {
            target: target.to_string(),
            reason: reason.to_string(),
        })
    };
    let uri: Uri = match target.parse() {
        Ok(uri) => uri,
        Err(e) => return refuse(&format!("not a URL ({e})")),
    };
    match uri.scheme_str() {
        Some("ws") => {}
        Some("wss") => return refuse("wss:// is not supported (no TLS in this build); use ws://"),
        Some(other) => return refuse(&format!("the scheme is {other}://; expected ws://")),
        None => return refuse("no scheme; expected ws://HOST:PORT"),
    }
    if uri.host().is_none_or(|h| h.is_empty()) {
        return refuse("no host; expected ws://HOST:PORT");
    }
    // The port as written: a live server's ports are chosen at `serve`
    // time, so none is assumed, and one out of range is not quietly 80.
    let written = uri
        .authority()
        .and_then(|a| a.as_str().rsplit_once(':'))
        .map(|(_, p)| p)
        .filter(|p| !p.contains(']'));
    match written {
        None => refuse("no port; expected ws://HOST:PORT"),
        Some(p) if p.parse::<u16>().is_ok_and(|n| n > 0) => Ok(()),
        Some(p) => refuse(&format!("port {p:?} is not a number from 1 to 65535")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(c: &AssaultConfig) -> String {
        c.validate().expect_err("should be invalid").to_string()
    }

    #[test]
    fn targets_must_be_plain_websocket_urls() {
        assert!(check_target("ws://127.0.0.1:8765").is_ok());
        assert!(check_target("ws://localhost:8765/ws").is_ok());
        assert!(check_target("ws://[::1]:8765").is_ok());
        for port in [":99999", ":abc", ":-1", ":65536", ":0", "", "[::1]"] {
            let target = if port.starts_with('[') {
                format!("ws://{port}")
            } else {
                format!("ws://127.0.0.1{port}")
            };
            assert!(
                check_target(&target).is_err(),
                "{target} must not connect to port 80"
            );
        }
        for (bad, why) in [
            ("http://127.0.0.1:8765", "http://"),
            ("wss://example.org", "TLS"),
            ("127.0.0.1:8765", "expected ws://"),
            ("ws://", "not a URL"),
            ("", "not a URL"),
            ("ws://exa mple", "not a URL"),
        ] {
            let e = check_target(bad).expect_err(bad).to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn nonsense_is_refused() {
        let ok = AssaultConfig::new("ws://127.0.0.1:1", 10);
        ok.validate().unwrap();
        let mut c = ok.clone();
        c.load = Load::Closed {
            clients: 10,
            ramp: Duration::from_secs(30),
        };
        assert!(invalid(&c).contains("ramp"));
        let mut c = ok.clone();
        c.load = Load::Closed {
            clients: 0,
            ramp: Duration::ZERO,
        };
        assert!(invalid(&c).contains("client"));
        let mut c = ok.clone();
        c.think = Duration::ZERO;
        assert!(invalid(&c).contains("think"));
        let mut c = ok.clone();
        c.duration = Duration::ZERO;
        assert!(invalid(&c).contains("duration"));
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let mut c = ok.clone();
            c.load = Load::Open {
                rate,
                max_clients: 5,
                session: None,
            };
            assert!(invalid(&c).contains("rate"), "{rate}");
        }
        let mut c = ok.clone();
        c.target = "http://x".into();
        assert!(matches!(
            c.validate(),
            Err(AssaultError::InvalidTarget { .. })
        ));
    }

    #[test]
    fn closed_clients_start_evenly_over_the_ramp() {
        let mut c = AssaultConfig::new("ws://h:1", 4);
        c.load = Load::Closed {
            clients: 4,
            ramp: Duration::from_secs(2),
        };
        let starts: Vec<_> = (0..5).map(|i| c.start_of(i)).collect();
        assert_eq!(
            starts,
            [
                Some(Duration::ZERO),
                Some(Duration::from_millis(500)),
                Some(Duration::from_secs(1)),
                Some(Duration::from_millis(1500)),
                None
            ]
        );
        assert_eq!(c.session(), None);
    }

    #[test]
    fn open_arrivals_stop_at_the_cap_or_the_end() {
        let mut c = AssaultConfig::new("ws://h:1", 1);
        c.duration = Duration::from_secs(10);
        c.load = Load::Open {
            rate: 2.0,
            max_clients: 100,
            session: Some(Duration::from_secs(3)),
        };
        assert_eq!(c.client_count(), 20);
        assert_eq!(c.start_of(3), Some(Duration::from_millis(1500)));
        assert_eq!(c.start_of(19), Some(Duration::from_millis(9500)));
        assert_eq!(c.start_of(20), None);
        c.load = Load::Open {
            rate: 2.0,
            max_clients: 5,
            session: None,
        };
        assert_eq!(c.client_count(), 5);
        assert_eq!(c.start_of(5), None);
    }
}
