//! What colour an agent is drawn in, as a *bucket* out of a small fixed
//! set: its realm, its kind, its health on a sequential ramp or its mood
//! (STAT7 resonance) on a diverging ramp, quantised to a few steps. Every
//! bucket has one material ([`super::scene::Palette`] makes them all at
//! start), so however many agents there are, they cost one batch per
//! bucket in view — never a material per agent.

use bevy::prelude::*;

use super::feed::Agent;
use crate::core::agent::kinds::{AgentKind, KIND_COUNT};
use crate::core::stat7::Realm;

/// Steps of the health ramp.
pub const HEALTH_STEPS: usize = 10;
/// Steps of the mood ramp (odd: a neutral mood has a step of its own).
pub const MOOD_STEPS: usize = 11;

/// What the agents' colour shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColourBy {
    /// The realm of the zone it stands in (STAT7's palette).
    #[default]
    Realm,
    /// Its archetype (NPCs) or profile (players).
    Kind,
    /// 0 (red) … 100 (green).
    Health,
    /// STAT7 resonance, -1 (red) … 0 (pale) … +1 (blue).
    Mood,
}

impl ColourBy {
    pub const ALL: [ColourBy; 4] = [
        ColourBy::Realm,
        ColourBy::Kind,
        ColourBy::Health,
        ColourBy::Mood,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ColourBy::Realm => "realm",
            ColourBy::Kind => "kind",
            ColourBy::Health => "health",
            ColourBy::Mood => "mood (resonance)",
        }
    }
}

/// One of the fixed materials an agent can be drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bucket {
    Realm(Realm),
    /// An [`AgentKind::index`].
    Kind(u8),
    Health(u8),
    Mood(u8),
    /// Mood asked for but the source sends none (a live server's stream).
    Unknown,
    /// Outside the realm slice, drawn faintly.
    Dim,
    /// A cascade pulse.
    Flash,
}

/// Every bucket has its place in one flat table of materials.
pub const BUCKETS: usize = Realm::ALL.len() + KIND_COUNT + HEALTH_STEPS + MOOD_STEPS + 3;

impl Bucket {
    /// Its place in the table (0..[`BUCKETS`]).
    pub fn index(self) -> usize {
        let kinds = Realm::ALL.len();
        let health = kinds + KIND_COUNT;
        let mood = health + HEALTH_STEPS;
        let rest = mood + MOOD_STEPS;
        match self {
            Bucket::Realm(r) => Realm::ALL.iter().position(|x| *x == r).unwrap_or(0),
            Bucket::Kind(k) => kinds + (k as usize).min(KIND_COUNT - 1),
            Bucket::Health(s) => health + (s as usize).min(HEALTH_STEPS - 1),
            Bucket::Mood(s) => mood + (s as usize).min(MOOD_STEPS - 1),
            Bucket::Unknown => rest,
            Bucket::Dim => rest + 1,
            Bucket::Flash => rest + 2,
        }
    }

    /// Every bucket, in table order.
    pub fn all() -> Vec<Bucket> {
        let mut out: Vec<Bucket> = Realm::ALL.iter().map(|r| Bucket::Realm(*r)).collect();
        out.extend((0..KIND_COUNT as u8).map(Bucket::Kind));
        out.extend((0..HEALTH_STEPS as u8).map(Bucket::Health));
        out.extend((0..MOOD_STEPS as u8).map(Bucket::Mood));
        out.extend([Bucket::Unknown, Bucket::Dim, Bucket::Flash]);
        out
    }

    /// The bucket `agent` falls in when coloured by `by`.
    pub fn of(agent: &Agent, by: ColourBy) -> Bucket {
        match by {
            ColourBy::Realm => Bucket::Realm(agent.realm),
            ColourBy::Kind => Bucket::Kind(agent.kind.index() as u8),
            ColourBy::Health => Bucket::Health(health_step(agent.health)),
            ColourBy::Mood => agent
                .stat7
                .map_or(Bucket::Unknown, |s| Bucket::Mood(mood_step(s.resonance))),
        }
    }

    /// The bucket's colour (sRGB).
    pub fn colour(self) -> Color {
        match self {
            Bucket::Realm(r) => realm_colour(r),
            Bucket::Kind(k) => hex(KIND_HEX[(k as usize).min(KIND_COUNT - 1)]),
            Bucket::Health(s) => health_ramp(step_centre(s, HEALTH_STEPS)),
            Bucket::Mood(s) => mood_ramp(step_centre(s, MOOD_STEPS) * 2.0 - 1.0),
            Bucket::Unknown => Color::srgb(0.55, 0.55, 0.55),
            Bucket::Dim => Color::srgb(0.16, 0.17, 0.19),
            Bucket::Flash => Color::srgb(1.0, 1.0, 0.92),
        }
    }
}

/// A realm's colour, from the one palette in `stat7`.
pub fn realm_colour(realm: Realm) -> Color {
    hex(realm.colour_hex())
}

fn hex(s: &str) -> Color {
    Srgba::hex(s).map(Color::from).unwrap_or(Color::WHITE)
}

/// One colour per kind in [`AgentKind::index`] order: the seven NPC
/// archetypes, then the five player profiles (brighter, so players stand
/// out of a crowd of NPCs).
const KIND_HEX: [&str; KIND_COUNT] = [
    "#c9a227", // merchant
    "#5b7fa6", // guard
    "#8e6bbf", // scholar
    "#c2549d", // mystic
    "#9c6b3f", // artisan
    "#6f9e4f", // villager
    "#b0302a", // monster
    "#3fe0e8", // trader
    "#ff8c1a", // fighter
    "#ff7fd0", // chatter
    "#b8ff3a", // explorer
    "#ffffff", // griefer
];

/// The name shown next to a kind's swatch.
pub fn kind_name(index: usize) -> &'static str {
    AgentKind::all().nth(index).map_or("?", |k| k.name())
}

/// Health 0..=100 in one of [`HEALTH_STEPS`] steps.
pub fn health_step(health: f32) -> u8 {
    quantise(health / 100.0, HEALTH_STEPS)
}

/// Resonance -1..=1 in one of [`MOOD_STEPS`] steps (0 in the middle one).
pub fn mood_step(resonance: f32) -> u8 {
    quantise((resonance + 1.0) / 2.0, MOOD_STEPS)
}

fn quantise(t: f32, steps: usize) -> u8 {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((t * steps as f32) as usize).min(steps - 1) as u8
}

fn step_centre(step: u8, steps: usize) -> f32 {
    (step as f32 + 0.5) / steps as f32
}

fn lerp3(a: [f32; 3], b: [f32; 3], f: f32) -> [f32; 3] {
    [
        a[0] + (b[0] - a[0]) * f,
        a[1] + (b[1] - a[1]) * f,
        a[2] + (b[2] - a[2]) * f,
    ]
}

/// Piecewise linear through evenly spaced sRGB stops, `t` in 0..=1.
pub fn through(stops: &[[f32; 3]], t: f32) -> Color {
    let t = t.clamp(0.0, 1.0) * (stops.len() - 1) as f32;
    let i = (t.floor() as usize).min(stops.len() - 2);
    let [r, g, b] = lerp3(stops[i], stops[i + 1], t - i as f32);
    Color::srgb(r, g, b)
}

/// Sequential, dying (red) to hale (green) through amber, `t` in 0..=1.
pub fn health_ramp(t: f32) -> Color {
    through(
        &[[0.85, 0.15, 0.12], [0.95, 0.70, 0.15], [0.25, 0.80, 0.30]],
        t,
    )
}

/// Diverging, `r` in -1..=1: red for a dark mood, pale at neutral, blue
/// for a bright one (equal lightness either side, so neither side reads
/// as "more").
pub fn mood_ramp(r: f32) -> Color {
    through(
        &[[0.70, 0.09, 0.17], [0.93, 0.93, 0.90], [0.13, 0.40, 0.67]],
        (r + 1.0) / 2.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bucket_has_its_own_slot() {
        let all = Bucket::all();
        assert_eq!(all.len(), BUCKETS);
        for (i, b) in all.iter().enumerate() {
            assert_eq!(b.index(), i, "{b:?}");
        }
    }

    #[test]
    fn ramps_quantise_into_their_steps() {
        assert_eq!(health_step(0.0), 0);
        assert_eq!(health_step(100.0), HEALTH_STEPS as u8 - 1);
        assert_eq!(health_step(250.0), HEALTH_STEPS as u8 - 1);
        assert_eq!(health_step(f32::NAN), 0);
        assert_eq!(mood_step(-1.0), 0);
        assert_eq!(mood_step(1.0), MOOD_STEPS as u8 - 1);
        assert_eq!(
            mood_step(0.0),
            MOOD_STEPS as u8 / 2,
            "neutral is the middle step"
        );
        // Monotone: a healthier agent is never in a lower step.
        let steps: Vec<u8> = (0..=100).map(|h| health_step(h as f32)).collect();
        assert!(steps.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn the_ramps_go_the_way_they_say() {
        let (sick, hale) = (health_ramp(0.0).to_srgba(), health_ramp(1.0).to_srgba());
        assert!(sick.red > sick.green && hale.green > hale.red);
        let (dark, bright) = (mood_ramp(-1.0).to_srgba(), mood_ramp(1.0).to_srgba());
        assert!(dark.red > dark.blue && bright.blue > bright.red);
        let mid = mood_ramp(0.0).to_srgba();
        assert!(mid.red > 0.9 && mid.blue > 0.85, "neutral is pale");
    }

    #[test]
    fn kinds_and_realms_are_told_apart() {
        let kinds: std::collections::HashSet<String> =
            KIND_HEX.iter().map(|s| s.to_string()).collect();
        assert_eq!(kinds.len(), KIND_COUNT);
        assert_eq!(kind_name(0), "merchant");
        assert_eq!(kind_name(KIND_COUNT - 1), "griefer");
        let data = Bucket::Realm(Realm::Data).colour().to_srgba();
        assert!((data.blue - 0xdb as f32 / 255.0).abs() < 1e-3);
    }
}
