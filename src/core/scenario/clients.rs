//! A scenario's client load: how many real WebSocket players (and viewers)
//! assault the run's own server, arriving how, playing which profiles, and
//! in which process.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::types::Positive;
use crate::core::agent::Profile;

fn thousand() -> u64 {
    1000
}

/// A scenario's client load (the assault engine, in process).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientsSpec {
    /// Players connected at once (closed model); with `arrival_rate`, the
    /// most that arrive in all.
    pub count: u64,
    /// Ticks over which they connect (closed model).
    #[serde(default)]
    pub ramp_ticks: u64,
    /// Open model: players arriving per second, each playing for
    /// `session_ticks` (until the clients stop if absent).
    #[serde(default)]
    pub arrival_rate: Option<Positive>,
    #[serde(default)]
    pub session_ticks: Option<u64>,
    /// Ticks the clients act for (the whole run if absent).
    #[serde(default)]
    pub duration_ticks: Option<u64>,
    /// `mixed` (default), or one of trader, fighter, chatter, explorer, griefer.
    #[serde(default = "mixed")]
    pub profile: ProfileChoice,
    /// A mix of profiles by weight (`{ trader: 3, griefer: 1 }`); replaces
    /// `profile` when given.
    #[serde(default)]
    pub mix: BTreeMap<Profile, u32>,
    /// Mean wall time between one client's actions, in milliseconds.
    #[serde(default = "thousand")]
    pub think_ms: u64,
    /// Viewers subscribed to every event, besides the players.
    #[serde(default)]
    pub viewers: u64,
    /// Where the clients run: in this process (default), or in a
    /// `seedsim assault` child process (for big loads).
    #[serde(default)]
    pub process: ClientProcess,
}

/// Where a scenario's clients run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientProcess {
    #[default]
    Same,
    Child,
}

fn mixed() -> ProfileChoice {
    ProfileChoice::Mixed
}

/// The profile of every client, or `mixed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileChoice {
    /// A fixed mix by client index: in every ten clients three explorers, two
    /// traders, two chatters, two fighters and one griefer.
    Mixed,
    Trader,
    Fighter,
    Chatter,
    Explorer,
    Griefer,
}

/// The `mixed` cycle: the first five clients already cover every profile, so
/// even a small run exercises them all.
const MIX: [Profile; 10] = [
    Profile::Explorer,
    Profile::Trader,
    Profile::Chatter,
    Profile::Fighter,
    Profile::Griefer,
    Profile::Explorer,
    Profile::Trader,
    Profile::Explorer,
    Profile::Chatter,
    Profile::Fighter,
];

impl ProfileChoice {
    pub const ALL: [ProfileChoice; 6] = [
        ProfileChoice::Mixed,
        ProfileChoice::Trader,
        ProfileChoice::Fighter,
        ProfileChoice::Chatter,
        ProfileChoice::Explorer,
        ProfileChoice::Griefer,
    ];

    /// The choice a file or command line names.
    pub fn from_name(name: &str) -> Option<ProfileChoice> {
        ProfileChoice::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            ProfileChoice::Mixed => "mixed",
            ProfileChoice::Trader => "trader",
            ProfileChoice::Fighter => "fighter",
            ProfileChoice::Chatter => "chatter",
            ProfileChoice::Explorer => "explorer",
            ProfileChoice::Griefer => "griefer",
        }
    }

    /// The profile client `index` plays.
    pub fn for_client(self, index: u64) -> Profile {
        match self {
            ProfileChoice::Mixed => MIX[(index % MIX.len() as u64) as usize],
            ProfileChoice::Trader => Profile::Trader,
            ProfileChoice::Fighter => Profile::Fighter,
            ProfileChoice::Chatter => Profile::Chatter,
            ProfileChoice::Explorer => Profile::Explorer,
            ProfileChoice::Griefer => Profile::Griefer,
        }
    }
}
