//! Tests of [`super`]: the colour ramps, the blend over the zones, the
//! window's own counts and the tension mode's colours; no window needed.

use super::*;

#[test]
fn empty_cells_are_clear_and_the_densest_is_hot() {
    let c = vertex_colours(&[0, 1, 100], &HeatSettings::default());
    assert_eq!(c.len(), 12);
    assert_eq!(c[0], [0.0; 4]);
    assert!(c[4][3] > 0.0 && c[4][3] < c[8][3]);
    assert!((c[8][3] - MAX_ALPHA).abs() < 1e-6);
    let hot = ramp_of(HeatRamp::Inferno, 1.0);
    assert!(hot.red > hot.blue);
}

#[test]
fn opacity_and_ramp_change_the_cells() {
    let half = HeatSettings {
        opacity: 0.5,
        ramp: HeatRamp::Greys,
        ..HeatSettings::default()
    };
    let c = vertex_colours(&[0, 100], &half);
    assert!((c[4][3] - MAX_ALPHA * 0.5).abs() < 1e-6);
    assert!(
        c[4][0] > 0.99 && c[4][2] > 0.99,
        "the top of greys is white"
    );
    let v = ramp_of(HeatRamp::Viridis, 1.0);
    assert!(v.green > v.blue, "viridis ends yellow");
}

#[test]
fn the_heat_blends_over_each_bins_zone_and_the_ground_stays_opaque() {
    use crate::core::stat7::Realm;
    let zone = |id, realm, min: (f32, f32), max: (f32, f32)| ZoneView {
        id,
        name: format!("z{id}"),
        realm,
        min: Vec2::from(min),
        max: Vec2::from(max),
    };
    // The second zone covers the first's right half: later wins.
    let zones = [
        zone(0, Realm::Data, (0.0, 0.0), (100.0, 50.0)),
        zone(1, Realm::Narrative, (50.0, 0.0), (100.0, 50.0)),
    ];
    let b = bases(&zones, Vec2::new(100.0, 50.0), (4, 1), true);
    assert_eq!(b[0], zone_tint(Realm::Data).to_linear());
    assert_eq!(b[3], zone_tint(Realm::Narrative).to_linear());
    let bare = bases(&zones, Vec2::new(100.0, 50.0), (4, 1), false);
    assert!(bare.iter().all(|c| *c == ground_colour().to_linear()));
    let heat = vertex_colours(&[0, 0, 0, 9], &HeatSettings::default());
    let c = blend(&b, &heat);
    assert_eq!(c.len(), 16);
    assert!(c.iter().all(|v| v[3] == 1.0), "opaque");
    assert_eq!(
        c[0][..3],
        [b[0].red, b[0].green, b[0].blue],
        "no heat: the zone alone"
    );
    assert_ne!(c[12][..3], [b[3].red, b[3].green, b[3].blue], "heat shows");
}

#[test]
fn window_side_counts_bin_like_the_source() {
    let size = Vec2::new(100.0, 50.0);
    let points = [
        Vec2::new(0.0, 0.0),
        Vec2::new(99.9, 49.9),
        Vec2::new(100.0, 50.0),
        Vec2::new(-5.0, 10.0),
        Vec2::new(60.0, 10.0),
    ];
    let c = count(points.into_iter(), size, (4, 2));
    assert_eq!(c.len(), 8);
    assert_eq!(c[0], 2, "the origin and one left of the world");
    assert_eq!(c[7], 2, "the far corner and one on its edge");
    assert_eq!(c[2], 1);
    assert_eq!(c.iter().sum::<u32>(), 5);
}

#[test]
fn the_tension_mode_colours_each_zones_cells_by_its_band_and_leaves_unmeasured_ones_clear() {
    use crate::core::scenario::director::DirectorAct;
    use crate::window::tension::tests::{decision, zones};
    let mut zones = zones();
    // The wilds everywhere, the valley on the left, the march on the right.
    zones[0].max = Vec2::new(90.0, 30.0);
    zones[1].max = Vec2::new(30.0, 30.0);
    (zones[2].min, zones[2].max) = (Vec2::new(60.0, 0.0), Vec2::new(90.0, 30.0));
    let ids = bin_zone_ids(&zones, Vec2::new(90.0, 30.0), (3, 1));
    assert_eq!(ids, [Some(1), Some(0), Some(2)]);
    let mut tension = Tension::default();
    // The valley too quiet, the march too tense; the wilds never decided for.
    tension.take_event(&decision(1, 10, 1, DirectorAct::Raid, 1.0));
    tension.take_event(&decision(2, 10, 2, DirectorAct::Shift, 99.0));
    let c = tension_colours(&ids, &tension, 1.0);
    assert_eq!(c.len(), 12);
    let rgb = |p: BandPosition| {
        let l = p.colour();
        [l.red, l.green, l.blue, TENSION_ALPHA]
    };
    assert!(c[..4].iter().all(|v| *v == rgb(BandPosition::Below)));
    assert!(c[4..8].iter().all(|v| *v == [0.0; 4]), "no reading: clear");
    assert_eq!(c[8], rgb(BandPosition::Above));
    tension.take_event(&decision(3, 20, 2, DirectorAct::Shift, 12.0));
    let c = tension_colours(&ids, &tension, 0.5);
    assert_eq!(c[8][..3], rgb(BandPosition::In)[..3], "back in its band");
    assert!(
        (c[8][3] - TENSION_ALPHA * 0.5).abs() < 1e-6,
        "opacity applies"
    );
    // Blended over the ground, a tense zone reads redder than a quiet one.
    let ground = bases(&zones, Vec2::new(90.0, 30.0), (3, 1), true);
    tension.take_event(&decision(4, 30, 2, DirectorAct::Shift, 99.0));
    let shown = blend(&ground, &tension_colours(&ids, &tension, 1.0));
    assert!(shown[8][0] > shown[0][0] && shown[0][2] > shown[8][2]);
}
