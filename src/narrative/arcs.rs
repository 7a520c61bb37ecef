//! Arcs: the stages of a life (genesis → emergence → peak → decay →
//! crystallization). Decide notices an agent's new stage at its next
//! decision (`StageNotices`); here each notice becomes a `life_stage` event,
//! which the beats tell (came of age, grew old…) and the goals answer (a
//! coming of age brings a life goal). An agent who dies in the same tick
//! enters no new stage.

use bevy::prelude::*;

use super::tick::dying;
use crate::core::agent::story::StageNotices;
use crate::events::{EventLog, Payload};

pub(super) fn tell_stages(
    notices: Res<StageNotices>,
    mut log: ResMut<EventLog>,
    mut cost: ResMut<super::cost::NarrateCost>,
) {
    // The first step of Narrate starts its clock (one system fewer than a
    // clock of its own: at 10k agents the stage is mostly systems' fixed cost).
    cost.begin();
    if notices.0.is_empty() {
        return;
    }
    let dying = dying(log.pending());
    for (who, stage) in &notices.0 {
        if dying.contains(who) {
            continue;
        }
        log.emit_ids(Payload::LifeStage { stage: *stage }, Some(*who), None, None);
    }
}
