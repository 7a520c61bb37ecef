//! `seedsim assault` against a real live server on 127.0.0.1: 500 clients
//! of every profile for a few seconds, all connected, every action answered
//! and every acknowledged event delivered. Bounded in count and time; it
//! stops by itself.

mod common;

use std::time::Duration;

use common::Live;
use seedsim::assault::{AssaultConfig, Load, run_blocking};
use seedsim::run::Pace;

#[test]
fn five_hundred_clients_all_connect_and_no_ack_is_lost() {
    let live = Live::start("assault", "town.ron", Pace::Realtime, 1_000_000, false);
    let mut config = AssaultConfig::new(format!("ws://{}", live.ws), 500);
    config.duration = Duration::from_secs(5);
    config.load = Load::Closed {
        clients: 500,
        ramp: Duration::from_secs(1),
    };
    let report = run_blocking(config).expect("the assault runs");
    live.finish(true);
    assert_eq!(report.connections.attempted, 500, "{report:#?}");
    assert_eq!(report.connections.succeeded, 500, "{report:#?}");
    assert_eq!(report.logins, 500);
    assert!(
        report.actions > 500,
        "clients played: {} actions",
        report.actions
    );
    // Every action was answered: by an ack, or by an error naming it (an
    // entity killed mid-run is `entity_gone`).
    assert_eq!(report.acks_missing, 0, "no ack lost");
    assert!(
        report.acks * 10 >= report.actions * 9,
        "acks {} of {} actions",
        report.acks,
        report.actions
    );
    assert_eq!(report.events_missing, 0, "every acknowledged event arrived");
    assert!(report.decisions.denied > 0, "griefers were denied");
    assert!(
        report.denied_by_rule.contains_key("own_entity"),
        "{:?}",
        report.denied_by_rule
    );
    assert_eq!(report.client_crashes, 0);
}
