//! The View panel's search: by id, by kind name or realm name (each press
//! goes to the next such agent), or by STAT7 address or URI prefix. The
//! frame carries no addresses (computing 10k SHA-256 a frame for a search
//! box would be waste), so an address can only be checked against the
//! inspected agent's, which the source sends for the selected one; the
//! answer says so rather than pretending to have searched everyone.

use serde_json::Value;

use super::feed::Agent;
use crate::core::agent::kinds::AgentKind;
use crate::core::stat7::Realm;

/// What a search found.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    /// Pick this agent; the note says what matched.
    Agent(u64, String),
    /// Nothing to pick, and why.
    Nothing(String),
}

/// What is known of the selected agent's address.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inspected {
    pub id: Option<u64>,
    pub address: Option<String>,
    pub uri: Option<String>,
}

impl Inspected {
    /// From the frame's `inspected` (as `GET /api/entities/{id}` shows it).
    pub fn of(v: Option<&Value>) -> Inspected {
        let Some(v) = v else {
            return Inspected::default();
        };
        let text = |k: &str| v["stat7"][k].as_str().map(str::to_string);
        Inspected {
            id: v["id"].as_u64(),
            address: text("address"),
            uri: text("uri"),
        }
    }
}

/// The first agent after `after` (by id, wrapping round) that `hit` takes,
/// with its place among all such agents.
fn next(
    agents: &[Agent],
    after: Option<u64>,
    hit: impl Fn(&Agent) -> bool,
) -> Option<(u64, usize, usize)> {
    let all: Vec<u64> = agents.iter().filter(|a| hit(a)).map(|a| a.id).collect();
    let i = after.map_or(0, |s| all.partition_point(|id| *id <= s));
    let i = if i >= all.len() { 0 } else { i };
    all.get(i).map(|id| (*id, i + 1, all.len()))
}

/// Searches `agents` (sorted by id) for `query`; `selected` is the current
/// pick (the kind and realm searches go on from it), `inspected` what the
/// source sent about it.
pub fn search(
    query: &str,
    agents: &[Agent],
    selected: Option<u64>,
    inspected: &Inspected,
) -> Found {
    let q = query.trim().to_ascii_lowercase();
    let q = q.strip_prefix('#').unwrap_or(&q);
    if q.is_empty() {
        return Found::Nothing("type an id, a kind, a realm or an address prefix".into());
    }
    if let Ok(id) = q.parse::<u64>() {
        if agents.binary_search_by_key(&id, |a| a.id).is_ok() {
            return Found::Agent(id, format!("agent {id}"));
        }
        if q.len() < 4 {
            return Found::Nothing(format!("no agent {id} in this frame"));
        }
    }
    if let Some(kind) = AgentKind::all().find(|k| k.name() == q) {
        return match next(agents, selected, |a| a.kind == kind) {
            Some((id, n, of)) => Found::Agent(id, format!("{q} {n} of {of}")),
            None => Found::Nothing(format!("no {q} in this frame")),
        };
    }
    if let Some(realm) = Realm::ALL.iter().copied().find(|r| r.as_str() == q) {
        return match next(agents, selected, |a| a.realm == realm) {
            Some((id, n, of)) => Found::Agent(id, format!("{n} of {of} in {q}")),
            None => Found::Nothing(format!("nobody stands in {q}")),
        };
    }
    let uri = q.starts_with("stat7://");
    let hex = q.len() >= 4 && q.bytes().all(|b| b.is_ascii_hexdigit());
    if uri || hex {
        let known = if uri {
            &inspected.uri
        } else {
            &inspected.address
        };
        return match (selected, inspected.id, known) {
            (Some(s), Some(i), Some(a)) if s == i => {
                if a.starts_with(q) {
                    Found::Agent(s, format!("the selected agent's {} matches", what(uri)))
                } else {
                    Found::Nothing(format!(
                        "not the selected agent's {} (only the selected agent's is known)",
                        what(uri)
                    ))
                }
            }
            _ => Found::Nothing(format!(
                "{}es are known only for the selected agent: pick one by id first",
                what(uri)
            )),
        };
    }
    Found::Nothing(format!(
        "\"{q}\" is not an id, a kind, a realm or an address prefix"
    ))
}

fn what(uri: bool) -> &'static str {
    if uri { "URI" } else { "address" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::agent::kinds::{Activity, Archetype, Profile};
    use bevy::math::Vec2;
    use serde_json::json;

    fn agent(id: u64, kind: AgentKind, realm: Realm) -> Agent {
        Agent {
            id,
            kind,
            pos: Vec2::ZERO,
            zone: 0,
            realm,
            health: 100.0,
            activity: Activity::Idle,
            stat7: None,
            parent: 0,
        }
    }

    fn crowd() -> Vec<Agent> {
        let m = AgentKind::Npc(Archetype::Merchant);
        let t = AgentKind::Player(Profile::Trader);
        vec![
            agent(3, m, Realm::Data),
            agent(5, t, Realm::Void),
            agent(8, m, Realm::Void),
            agent(12345, m, Realm::Data),
        ]
    }

    #[test]
    fn ids_are_found_or_said_missing() {
        let a = crowd();
        let none = Inspected::default();
        assert!(matches!(
            search(" #5 ", &a, None, &none),
            Found::Agent(5, _)
        ));
        assert!(matches!(
            search("12345", &a, None, &none),
            Found::Agent(12345, _)
        ));
        assert!(matches!(search("7", &a, None, &none), Found::Nothing(_)));
        assert!(matches!(search("", &a, None, &none), Found::Nothing(_)));
        assert!(matches!(
            search("dragon", &a, None, &none),
            Found::Nothing(_)
        ));
    }

    #[test]
    fn kinds_and_realms_go_round_from_the_pick() {
        let a = crowd();
        let none = Inspected::default();
        let pick = |q: &str, sel| match search(q, &a, sel, &none) {
            Found::Agent(id, _) => Some(id),
            Found::Nothing(_) => None,
        };
        assert_eq!(pick("Merchant", None), Some(3));
        assert_eq!(pick("merchant", Some(3)), Some(8));
        assert_eq!(pick("merchant", Some(8)), Some(12345));
        assert_eq!(pick("merchant", Some(12345)), Some(3), "wraps round");
        assert_eq!(pick("trader", None), Some(5));
        assert_eq!(pick("griefer", None), None);
        assert_eq!(pick("void", Some(5)), Some(8));
        assert_eq!(pick("system", None), None);
    }

    #[test]
    fn addresses_are_checked_only_against_the_inspected_agent() {
        let a = crowd();
        let v =
            json!({"id": 8, "stat7": {"address": "9446e1763", "uri": "stat7://void/1/abcd/peak"}});
        let inspected = Inspected::of(Some(&v));
        assert_eq!(inspected.id, Some(8));
        assert!(matches!(
            search("9446", &a, Some(8), &inspected),
            Found::Agent(8, _)
        ));
        assert!(matches!(
            search("stat7://void/1", &a, Some(8), &inspected),
            Found::Agent(8, _)
        ));
        assert!(matches!(
            search("beef", &a, Some(8), &inspected),
            Found::Nothing(_)
        ));
        // The details are of another agent than the pick (not arrived yet).
        let Found::Nothing(why) = search("9446", &a, Some(3), &inspected) else {
            panic!("matched a stale inspection");
        };
        assert!(why.contains("only for the selected"), "{why}");
    }
}
