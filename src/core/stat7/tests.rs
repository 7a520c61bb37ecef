//! Conformance tests: the docs/STAT7.md vectors byte for byte, plus the edge cases
//! of each canonical rule that a plausible implementation could get wrong.

mod canonical;

use std::str::FromStr;

use serde_json::{Value, json};

use super::*;

fn state(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("test state must be an object, got {other}"),
    }
}

fn hero() -> BitChain {
    BitChain {
        id: "abc123".into(),
        entity_type: EntityType::Concept,
        realm: Realm::Narrative,
        coordinates: Coordinates {
            realm: Realm::Narrative,
            lineage: 3,
            adjacency: vec!["xyz789".into(), "def456".into()],
            horizon: Horizon::Peak,
            resonance: 0.75,
            velocity: 0.2,
            density: 0.8,
        },
        created_at_ms: 1_736_937_000_000,
        state: state(json!({"name": "The Hero's Journey", "chapter": 3, "engagement": 0.92})),
    }
}

fn luca() -> BitChain {
    BitChain {
        id: "LUCA-0000".into(),
        entity_type: EntityType::Fragment,
        realm: Realm::Void,
        coordinates: Coordinates {
            realm: Realm::Void,
            lineage: 0,
            adjacency: vec![],
            horizon: Horizon::Genesis,
            resonance: 1.0,
            velocity: 0.0,
            density: 0.0,
        },
        created_at_ms: 1_735_689_600_000,
        state: state(json!({"content": "seed", "phase": "emergence", "bootstrap": true})),
    }
}

#[test]
fn vector_1_hero() {
    let b = hero();
    assert_eq!(
        b.canonical().unwrap(),
        r#"{"created_at":"2025-01-15T10:30:00.000Z","entity_type":"concept","id":"abc123","realm":"narrative","stat7_coordinates":{"adjacency":["def456","xyz789"],"density":0.8,"horizon":"peak","lineage":3,"realm":"narrative","resonance":0.75,"velocity":0.2},"state":{"chapter":3,"engagement":0.92,"name":"The Hero's Journey"}}"#
    );
    assert_eq!(
        b.address().unwrap(),
        "9446e176300d8f8c04a7f048bcd2ed0e4752a5c1b044204068fe944c898c8d13"
    );
    assert_eq!(
        b.uri().unwrap(),
        "stat7://narrative/3/b2a5116e/peak?r=0.75&v=0.2&d=0.8"
    );
    // Sorting for the hash must not reorder the caller's data.
    assert_eq!(b.coordinates.adjacency, ["xyz789", "def456"]);
}

#[test]
fn vector_2_luca() {
    let b = luca();
    assert_eq!(
        b.canonical().unwrap(),
        r#"{"created_at":"2025-01-01T00:00:00.000Z","entity_type":"fragment","id":"LUCA-0000","realm":"void","stat7_coordinates":{"adjacency":[],"density":0.0,"horizon":"genesis","lineage":0,"realm":"void","resonance":1.0,"velocity":0.0},"state":{"bootstrap":true,"content":"seed","phase":"emergence"}}"#
    );
    assert_eq!(
        b.address().unwrap(),
        "2914d41977dccb98483876783f786140ff67811280b97167a90d4cbe77e6a5fe"
    );
    assert_eq!(
        b.uri().unwrap(),
        "stat7://void/0/cae85551/genesis?r=1.0&v=0.0&d=0.0"
    );
}

#[test]
fn vector_3_empty_adjacency_hash() {
    assert_eq!(
        sha256_hex(br#"{"adjacency":[]}"#),
        "cae85551dd0c7efa685d959f3d40777fc53a33818ef809b7c506bdcc5fa23a73"
    );
    assert_eq!(luca().coordinates.adjacency_hash8(), "cae85551");
}

#[test]
fn adjacency_order_does_not_change_hashes() {
    let a = hero();
    let mut b = hero();
    b.coordinates.adjacency.reverse();
    assert_eq!(a.address().unwrap(), b.address().unwrap());
    assert_eq!(
        a.coordinates.adjacency_hash8(),
        b.coordinates.adjacency_hash8()
    );
    b.coordinates.adjacency.push("aaa".into());
    assert_ne!(a.address().unwrap(), b.address().unwrap());
    assert!(
        b.canonical()
            .unwrap()
            .contains(r#""adjacency":["aaa","def456","xyz789"]"#)
    );
}

#[test]
fn every_coordinate_and_state_field_feeds_the_address() {
    let base = hero().address().unwrap();
    let mut changes: Vec<BitChain> = Vec::new();
    let mut b = hero();
    b.coordinates.resonance = 0.750_000_01;
    changes.push(b);
    let mut b = hero();
    b.coordinates.lineage = 4;
    changes.push(b);
    let mut b = hero();
    b.created_at_ms += 1;
    changes.push(b);
    let mut b = hero();
    b.state.insert("chapter".into(), json!(4));
    changes.push(b);
    let mut b = hero();
    b.realm = Realm::Data;
    changes.push(b);
    for changed in changes {
        assert_ne!(changed.address().unwrap(), base, "{changed:?}");
    }
    // Below rule 1's precision a change is invisible.
    let mut b = hero();
    b.coordinates.resonance = 0.750_000_001;
    assert_eq!(b.address().unwrap(), base);
}

#[test]
fn non_finite_floats_are_rejected_with_their_field() {
    assert!(matches!(
        format_float(f64::NAN),
        Err(Stat7Error::NonFinite { value, .. }) if value.is_nan()
    ));
    assert!(format_float(f64::INFINITY).is_err());
    assert!(format_float(f64::NEG_INFINITY).is_err());

    let mut b = hero();
    b.coordinates.velocity = f64::NAN;
    let err = b.canonical().unwrap_err();
    assert!(
        matches!(
            err,
            Stat7Error::NonFinite {
                field: "stat7_coordinates.velocity",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("velocity"), "{err}");
    assert!(b.address().is_err());

    let mut b = hero();
    b.coordinates.density = f64::INFINITY;
    assert_eq!(
        b.uri().unwrap_err(),
        Stat7Error::NonFinite {
            field: "stat7_coordinates.density",
            value: f64::INFINITY
        }
    );
    let mut b = hero();
    b.coordinates.resonance = f64::NEG_INFINITY;
    assert!(b.uri().unwrap_err().to_string().contains("resonance"));
}

#[test]
fn state_floats_are_kept_exact_in_the_bit_chain() {
    let mut b = hero();
    b.state = state(json!({"x": 0.123456789012, "nested": {"b": 2, "a": 1}}));
    let c = b.canonical().unwrap();
    assert!(
        c.ends_with(r#""state":{"nested":{"a":1,"b":2},"x":0.123456789012}}"#),
        "{c}"
    );
}

#[test]
fn vocabularies_round_trip_through_from_str_and_serde() {
    for realm in Realm::ALL {
        assert_eq!(Realm::from_str(realm.as_str()), Ok(realm));
        assert_eq!(serde_json::to_value(realm).unwrap(), json!(realm.as_str()));
        assert_eq!(realm.to_string(), realm.as_str());
    }
    for horizon in Horizon::ALL {
        assert_eq!(horizon.as_str().parse::<Horizon>(), Ok(horizon));
        assert_eq!(
            serde_json::to_value(horizon).unwrap(),
            json!(horizon.as_str())
        );
    }
    for kind in EntityType::ALL {
        assert_eq!(kind.as_str().parse::<EntityType>(), Ok(kind));
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
    }
    let names: Vec<&str> = Realm::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        names,
        [
            "data",
            "narrative",
            "system",
            "faculty",
            "event",
            "pattern",
            "void"
        ]
    );
    assert_eq!(Horizon::Crystallization.as_str(), "crystallization");
    assert_eq!(EntityType::Fragment.as_str(), "fragment");
}

#[test]
fn unknown_names_are_rejected() {
    assert_eq!(
        "Void".parse::<Realm>(),
        Err(Stat7Error::UnknownRealm("Void".into()))
    );
    assert_eq!(
        "".parse::<Horizon>(),
        Err(Stat7Error::UnknownHorizon(String::new()))
    );
    assert_eq!(
        "entity".parse::<EntityType>(),
        Err(Stat7Error::UnknownEntityType("entity".into()))
    );
    assert!(
        Stat7Error::UnknownRealm("xx".into())
            .to_string()
            .contains("\"xx\"")
    );
}

#[test]
fn visual_conventions() {
    assert_eq!(Realm::Data.colour_hex(), "#3498db");
    assert_eq!(Realm::Narrative.colour_hex(), "#e74c3c");
    assert_eq!(Realm::Void.colour_hex(), "#34495e");
    let colours: std::collections::HashSet<_> = Realm::ALL.iter().map(|r| r.colour_hex()).collect();
    assert_eq!(colours.len(), 7);
    assert_eq!(EntityType::Agent.relative_size(), 2.0);
    assert_eq!(EntityType::Fragment.relative_size(), 0.6);
    assert_eq!(EntityType::Horizon.relative_size(), 1.8);
}
