//! How a scenario writes its faults: `(at: 120, fault: Cataclysm(...))`.
//! Numbers are plain here and judged by [`super::faults_valid`], so that an
//! error names the field as users write it (`faults[2].fault.fraction`)
//! rather than serde's variant path.

use serde::{Deserialize, Deserializer, Serialize};

/// One fault of a scenario: what goes wrong, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    pub at: FaultTime,
    pub fault: Fault,
}

/// A tick (`at: 120`) or an inclusive range of ticks (`at: (200, 260)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultTime {
    pub from: u64,
    pub to: u64,
}

impl FaultTime {
    pub fn covers(&self, tick: u64) -> bool {
        self.from <= tick && tick <= self.to
    }

    pub fn is_single(&self) -> bool {
        self.from == self.to
    }
}

impl Serialize for FaultTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_single() {
            s.serialize_u64(self.from)
        } else {
            (self.from, self.to).serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for FaultTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = FaultTime;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a tick (120) or a range of ticks (200, 260)")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<FaultTime, E> {
                Ok(FaultTime { from: v, to: v })
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<FaultTime, E> {
                u64::try_from(v)
                    .map(|v| FaultTime { from: v, to: v })
                    .map_err(|_| E::custom(format!("{v} is not a tick: ticks are >= 1")))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<FaultTime, A::Error> {
                let missing = || serde::de::Error::custom("a range needs two ticks: (from, to)");
                let from: u64 = a.next_element()?.ok_or_else(missing)?;
                let to: u64 = a.next_element()?.ok_or_else(missing)?;
                if a.next_element::<u64>()?.is_some() {
                    return Err(serde::de::Error::custom(
                        "a range has two ticks: (from, to)",
                    ));
                }
                Ok(FaultTime { from, to })
            }
        }
        d.deserialize_any(Visit)
    }
}

/// What goes wrong. The first two work in any run; the others act on the
/// client links or the server of a run with `clients` (they need the run's
/// own server).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Fault {
    /// Kills `fraction` of the zone's living agents (drawn from the run
    /// seed): real deaths that cascade like any other.
    Cataclysm { zone: String, fraction: f32 },
    /// The store's writer thread sleeps `ms` before each batch it commits
    /// while the fault lasts; the tick waits once the queue is full.
    StallWriter { ms: u64 },
    /// The server closes `fraction` of the player connections.
    Disconnect { fraction: f32 },
    /// Chaos on the server's ingress: each client frame is delayed by
    /// `delay_ms`, dropped with probability `drop` or delivered twice with
    /// probability `duplicate`.
    Network {
        #[serde(default)]
        delay_ms: u64,
        #[serde(default)]
        drop: f32,
        #[serde(default)]
        duplicate: f32,
    },
    /// This share of client frames arrives malformed (cut short).
    Malformed { rate: f32 },
    /// This share of viewers stops reading their socket.
    SlowConsumers { fraction: f32 },
    /// After this tick the server goes down, the store is closed, the world
    /// is rebuilt from the store alone and the server comes back on the
    /// same ports (see `run::restart`).
    Restart,
}

impl Fault {
    /// The fault's name in reports (`cataclysm`, `stall_writer`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Cataclysm { .. } => "cataclysm",
            Fault::StallWriter { .. } => "stall_writer",
            Fault::Disconnect { .. } => "disconnect",
            Fault::Network { .. } => "network",
            Fault::Malformed { .. } => "malformed",
            Fault::SlowConsumers { .. } => "slow_consumers",
            Fault::Restart => "restart",
        }
    }

    /// Whether the fault needs the run's own server (and so `clients`).
    pub fn needs_server(&self) -> bool {
        self.on_links() || matches!(self, Fault::Restart)
    }

    /// Whether the fault acts on client links (published to the connections).
    pub fn on_links(&self) -> bool {
        matches!(
            self,
            Fault::Disconnect { .. }
                | Fault::Network { .. }
                | Fault::Malformed { .. }
                | Fault::SlowConsumers { .. }
        )
    }

    /// Whether the fault happens once, at one tick (a range makes no sense).
    pub fn is_instant(&self) -> bool {
        matches!(
            self,
            Fault::Cataclysm { .. } | Fault::Disconnect { .. } | Fault::Restart
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<FaultSpec>, String> {
        ron::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn ticks_and_ranges_parse() {
        let f = parse(
            "[(at: 120, fault: Cataclysm(zone: \"village\", fraction: 0.5)),
              (at: (200, 260), fault: StallWriter(ms: 300)),
              (at: (10, 20), fault: Network(duplicate: 0.05))]",
        )
        .expect("parses");
        assert_eq!(f[0].at, FaultTime { from: 120, to: 120 });
        assert_eq!(f[1].at, FaultTime { from: 200, to: 260 });
        assert_eq!(
            f[2].fault,
            Fault::Network {
                delay_ms: 0,
                drop: 0.0,
                duplicate: 0.05
            }
        );
        assert!(f[1].at.covers(260) && !f[1].at.covers(261));
        let r = parse("[(at: 250, fault: Restart)]").expect("parses");
        assert_eq!(r[0].fault, Fault::Restart);
        assert!(r[0].fault.is_instant() && r[0].fault.needs_server());
    }

    #[test]
    fn bad_shapes_are_refused() {
        assert!(parse("[(at: (1, 2, 3), fault: StallWriter(ms: 1))]").is_err());
        assert!(parse("[(at: 5, fault: StallWriter(ms: 1, extra: 2))]").is_err());
        assert!(parse("[(at: 5, fault: Restart(now: true))]").is_err());
        assert!(parse("[(at: -3, fault: StallWriter(ms: 1))]").is_err());
    }
}
