//! What a session asks the server again and again: the inspected entity
//! (the stream sends only positions, health and wealth), and whether the
//! server is paused and its governance counts (a paused server sends no
//! ticks, another client may have paused it, and the stream carries no
//! counts by rule). One request of each kind at a time.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Answer, Method, Session};

/// How often the inspected entity is asked for again.
pub const INSPECT_EVERY: Duration = Duration::from_millis(500);
/// How often the server is asked whether it is paused (another client may
/// pause it, and a paused server sends no ticks to tell) and for its
/// governance counts (the stream does not carry them; the Plots panel
/// derives denials per tick from them).
pub const STATS_EVERY: Duration = Duration::from_secs(1);
/// Most governance rules kept from one answer.
const MAX_RULES: usize = 64;

impl Session<'_> {
    /// Asks for the inspected entity again when it is due.
    pub(super) fn poll_inspect(&mut self) {
        let Some(id) = self.inspect else { return };
        let due = self
            .last_inspect
            .is_none_or(|t| t.elapsed() >= INSPECT_EVERY);
        if !due || self.inspect_pending {
            return;
        }
        if self.call(Method::Get, format!("/api/entities/{id}"), None, move |r| {
            Answer::Inspected(id, r)
        }) {
            self.inspect_pending = true;
            self.last_inspect = Some(Instant::now());
        }
    }

    /// Asks whether the server is paused when it is due.
    pub(super) fn poll_stats(&mut self) {
        let due = self.last_stats.is_none_or(|t| t.elapsed() >= STATS_EVERY);
        if !due || self.stats_pending || self.governance_pending {
            return;
        }
        self.last_stats = Some(Instant::now());
        self.stats_pending = self.call(Method::Get, "/api/stats".to_string(), None, Answer::Stats);
        self.governance_pending = self.call(
            Method::Get,
            "/api/governance".to_string(),
            None,
            Answer::Governance,
        );
    }

    pub(super) fn took_stats(&mut self, result: Result<Value, String>) {
        self.stats_pending = false;
        // A failed poll says nothing new; the next one may.
        if let Some(p) = result.ok().and_then(|v| v["paused"].as_bool())
            && p != self.paused
        {
            self.paused = p;
            self.dirty = true;
        }
    }

    pub(super) fn took_governance(&mut self, result: Result<Value, String>) {
        self.governance_pending = false;
        if let Some(rules) = result.ok().and_then(|v| v["by_rule"].as_object().cloned()) {
            // A server's rule list is bounded by its policies; cap it anyway.
            let denials: Vec<(String, u64)> = rules
                .iter()
                .take(MAX_RULES)
                .filter_map(|(rule, d)| Some((rule.clone(), d["denied"].as_u64()?)))
                .collect();
            if denials != self.denials {
                self.denials = denials;
                self.dirty = true;
            }
        }
    }
}
