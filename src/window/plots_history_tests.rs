use super::*;

fn stats(population: u64, events: u64, denials: &[(&str, u64)]) -> Stats {
    let mut by_kind = [0; KIND_COUNT];
    by_kind[1] = population as u32;
    Stats {
        tick_ms: population as f64,
        population,
        by_kind,
        events,
        denials: denials.iter().map(|(r, n)| (r.to_string(), *n)).collect(),
    }
}

#[test]
fn stays_bounded_and_counts_every_tick_across_skipped_ones() {
    let mut h = History::new(8);
    let (mut tick, mut frames, mut events) = (100, 0u32, 0.0);
    let mut gap = 1;
    while tick < 5_000 {
        h.push(tick, &stats(tick, 3, &[]));
        frames += 1;
        // The first frame stands for its own tick only.
        events += 3.0 * if frames == 1 { 1.0 } else { gap as f64 };
        gap = 1 + (tick % 3);
        tick += gap;
    }
    let last_tick = tick - gap;
    assert!(h.points().len() <= 8, "{} points", h.points().len());
    assert!(h.ticks_per_point() > 1, "it had to merge");
    assert_eq!(h.ticks(), last_tick - 100 + 1);
    assert_eq!(h.points()[0].first, 100);
    assert_eq!(h.points().last().map(|p| p.last), Some(last_tick));
    for w in h.points().windows(2) {
        assert_eq!(w[0].last + 1, w[1].first, "points are contiguous");
    }
    assert_eq!(h.points().iter().map(|p| p.frames).sum::<u32>(), frames);
    let kept: f64 = h.points().iter().map(|p| p.events).sum();
    assert!((kept - events).abs() < 1e-6, "{kept} vs {events}");
    let end = h.points().last().expect("points");
    assert_eq!(
        end.population, last_tick,
        "the latest population at the end"
    );
    assert!(h.tick_ms().len() <= 8);
}

#[test]
fn a_short_run_keeps_one_point_per_frame() {
    let mut h = History::new(16);
    for t in 1..=10 {
        h.push(t, &stats(t, 0, &[]));
    }
    assert_eq!(h.points().len(), 10);
    assert_eq!(h.ticks_per_point(), 1);
    assert_eq!(h.kinds_present(), vec![1]);
    assert_eq!(h.population_of(1)[9], [10.0, 10.0]);
}

#[test]
fn denial_rates_come_from_cumulative_counts_over_the_ticks_between() {
    let mut h = History::new(64);
    h.push(10, &stats(1, 0, &[("spam", 5)]));
    h.push(11, &stats(1, 0, &[("spam", 7)]));
    // Ticks 12..=15 skipped: 8 more over 4 ticks.
    h.push(15, &stats(1, 0, &[("spam", 15), ("greed", 4)]));
    // A source that restarted its counters: no negative rate.
    h.push(16, &stats(1, 0, &[("spam", 1), ("greed", 6)]));
    assert_eq!(h.rules(), ["spam", "greed"]);
    let spam: Vec<f64> = h.denial_rate(0).iter().map(|p| p[1]).collect();
    assert_eq!(
        spam,
        [0.0, 2.0, 2.0, 0.0],
        "the first frame is the baseline"
    );
    let greed: Vec<f64> = h.denial_rate(1).iter().map(|p| p[1]).collect();
    assert_eq!(greed, [0.0, 0.0, 1.0, 2.0], "a new rule counted from 0");
    assert_eq!(h.denial_rate(1)[2], [15.0, 1.0]);
}

#[test]
fn rates_stay_exact_through_merges() {
    let mut h = History::new(4);
    let mut tick = 0;
    for i in 0..500u64 {
        tick += 1 + i % 4;
        h.push(tick, &stats(1, 2, &[("spam", 3 * tick)]));
    }
    assert!(h.points().len() <= 4);
    let rates = h.denial_rate(0);
    // The first point holds the baseline frame; every later tick had 3.
    for [_, r] in &rates[1..] {
        assert!((r - 3.0).abs() < 1e-9, "{rates:?}");
    }
    assert!(rates[0][1] > 2.9 && rates[0][1] <= 3.0, "{rates:?}");
    for [_, e] in h.events_per_second() {
        assert!(
            (e - 20.0).abs() < 1e-9,
            "2 events a 100 ms tick is 20/s, got {e}"
        );
    }
}

#[test]
fn a_tick_going_back_starts_afresh() {
    let mut h = History::new(8);
    for t in 50..60 {
        h.push(t, &stats(t, 1, &[("spam", t)]));
    }
    h.push(20, &stats(5, 1, &[("spam", 2)]));
    assert_eq!(h.points().len(), 1);
    assert_eq!(h.points()[0].first, 20);
    assert_eq!(h.denial_rate(0), vec![[20.0, 0.0]]);
}

#[test]
fn rules_beyond_the_bound_are_not_followed() {
    let mut h = History::new(8);
    let names: Vec<String> = (0..MAX_RULES + 5).map(|i| format!("rule{i}")).collect();
    let denials: Vec<(&str, u64)> = names.iter().map(|n| (n.as_str(), 1)).collect();
    h.push(1, &stats(1, 0, &denials));
    assert_eq!(h.rules().len(), MAX_RULES);
}
