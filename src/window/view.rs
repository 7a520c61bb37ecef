//! How the scene is drawn, as the View panel sets it: placement, colour,
//! size, realm filter and slice, lineage chains and the heatmap's look
//! (population or zone tension).
//! One resource read by the systems that draw (sync, lineage, heatmap);
//! the panel writes it only when a value really changed, so "changed"
//! means the scene must be redrawn.

use bevy::prelude::*;

use super::colour::ColourBy;
use super::lineage::LineageMode;
use super::projection::{Axes, Placement};
use crate::core::stat7::Realm;

/// The heatmap's colour ramp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HeatRamp {
    /// Indigo → crimson → orange → pale yellow.
    #[default]
    Inferno,
    /// Dark blue → teal → yellow-green.
    Viridis,
    /// Dark grey → white.
    Greys,
}

impl HeatRamp {
    pub const ALL: [HeatRamp; 3] = [HeatRamp::Inferno, HeatRamp::Viridis, HeatRamp::Greys];

    pub fn label(self) -> &'static str {
        match self {
            HeatRamp::Inferno => "inferno",
            HeatRamp::Viridis => "viridis",
            HeatRamp::Greys => "greys",
        }
    }
}

/// What the heatmap shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HeatMode {
    /// Agents per cell.
    #[default]
    Population,
    /// Each zone's tension against its band (the director's measure).
    Tension,
}

impl HeatMode {
    pub const ALL: [HeatMode; 2] = [HeatMode::Population, HeatMode::Tension];

    pub fn label(self) -> &'static str {
        match self {
            HeatMode::Population => "population",
            HeatMode::Tension => "zone tension",
        }
    }
}

/// The heatmap's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HeatSettings {
    pub on: bool,
    pub mode: HeatMode,
    pub ramp: HeatRamp,
    /// Multiplies every cell's opacity (0..=1).
    pub opacity: f32,
    /// Count only the realms marked here (all marked: the source's own
    /// counts; otherwise the window counts the frame's agents itself).
    pub realms: [bool; 7],
}

impl Default for HeatSettings {
    fn default() -> Self {
        HeatSettings {
            on: true,
            mode: HeatMode::default(),
            ramp: HeatRamp::default(),
            opacity: 1.0,
            realms: [true; 7],
        }
    }
}

impl HeatSettings {
    pub fn counts_all(&self) -> bool {
        self.realms.iter().all(|on| *on)
    }
}

/// What the realm slice does with the agents of the other realms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SliceStyle {
    /// Drawn faintly, in one dim grey.
    #[default]
    Dim,
    Hide,
}

/// Everything the View panel sets.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct ViewSettings {
    pub placement: Placement,
    pub axes: Axes,
    pub colour: ColourBy,
    /// Density scales each agent (0.5× empty … 2× crowded).
    pub size_by_density: bool,
    /// Realms hidden by the legend's filter.
    pub hidden: [bool; 7],
    /// One realm's agents only.
    pub slice: Option<Realm>,
    pub slice_style: SliceStyle,
    pub lineage: LineageMode,
    /// Cascade events flash the agents they touch.
    pub pulses: bool,
    pub heat: HeatSettings,
}

impl Default for ViewSettings {
    fn default() -> Self {
        ViewSettings {
            placement: Placement::World,
            axes: Axes::default(),
            colour: ColourBy::Realm,
            size_by_density: false,
            hidden: [false; 7],
            slice: None,
            slice_style: SliceStyle::Dim,
            lineage: LineageMode::default(),
            pulses: true,
            heat: HeatSettings::default(),
        }
    }
}

/// How one agent is drawn under the filter and the slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    Normal,
    Dimmed,
    Hidden,
}

pub fn realm_index(realm: Realm) -> usize {
    Realm::ALL.iter().position(|r| *r == realm).unwrap_or(0)
}

impl ViewSettings {
    /// Whether an agent of `realm` is drawn, and how.
    pub fn show(&self, realm: Realm) -> Shown {
        if self.hidden[realm_index(realm)] {
            return Shown::Hidden;
        }
        match self.slice {
            Some(s) if s != realm => match self.slice_style {
                SliceStyle::Dim => Shown::Dimmed,
                SliceStyle::Hide => Shown::Hidden,
            },
            _ => Shown::Normal,
        }
    }

    /// Whether an agent of `realm` is drawn at all.
    pub fn shows(&self, realm: Realm) -> bool {
        self.show(realm) != Shown::Hidden
    }

    /// Scale of an agent of STAT7 `density` (None: not known).
    pub fn scale(&self, density: Option<f32>) -> f32 {
        match (self.size_by_density, density) {
            (true, Some(d)) if d.is_finite() => 0.5 + 1.5 * d.clamp(0.0, 1.0),
            _ => 1.0,
        }
    }
}

pub struct ViewPlugin;

impl Plugin for ViewPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ViewSettings>();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_hides_and_the_slice_dims_or_hides() {
        let mut v = ViewSettings::default();
        assert!(Realm::ALL.iter().all(|r| v.show(*r) == Shown::Normal));
        v.hidden[realm_index(Realm::Void)] = true;
        assert_eq!(v.show(Realm::Void), Shown::Hidden);
        v.slice = Some(Realm::Data);
        assert_eq!(v.show(Realm::Data), Shown::Normal);
        assert_eq!(v.show(Realm::System), Shown::Dimmed);
        v.slice_style = SliceStyle::Hide;
        assert!(!v.shows(Realm::System));
        // The filter wins over the slice: a hidden realm stays hidden.
        v.hidden[realm_index(Realm::Data)] = true;
        assert!(!v.shows(Realm::Data));
    }

    #[test]
    fn density_scales_only_when_asked_and_known() {
        let mut v = ViewSettings::default();
        assert_eq!(v.scale(Some(1.0)), 1.0);
        v.size_by_density = true;
        assert_eq!(v.scale(Some(0.0)), 0.5);
        assert_eq!(v.scale(Some(1.0)), 2.0);
        assert_eq!(v.scale(Some(9.0)), 2.0);
        assert_eq!(v.scale(None), 1.0);
        assert_eq!(v.scale(Some(f32::NAN)), 1.0);
    }
}
