//! Which entity the user has picked, shared by everything that picks (a
//! click in the scene, the Events panel, the Inspector's relationships,
//! the search) and everything that follows a pick (the Inspector, the
//! camera, the lineage chains). A change of selection asks the source to
//! send that entity's details with every frame.

use bevy::prelude::*;

use super::feed::Command;
use super::receive::Link;

/// The picked entity and the one under the pointer.
#[derive(Resource, Debug, Default)]
pub struct Selection {
    pub selected: Option<u64>,
    pub hovered: Option<u64>,
    /// Set with a new pick that the camera should fly to; the camera clears it.
    pub fly_to: bool,
}

impl Selection {
    /// Picks `id` and asks the camera to fly to it.
    pub fn pick(&mut self, id: Option<u64>) {
        self.selected = id;
        self.fly_to = id.is_some();
    }
}

pub struct SelectPlugin;

impl Plugin for SelectPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Selection>()
            .add_systems(PostUpdate, ask_for_details);
    }
}

/// Tells the source what to inspect whenever the pick changes.
fn ask_for_details(
    selection: Res<Selection>,
    mut link: ResMut<Link>,
    mut asked: Local<Option<u64>>,
) {
    if selection.selected != *asked && link.send(Command::Inspect(selection.selected)) {
        *asked = selection.selected;
    }
}
