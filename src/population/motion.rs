//! Movement between decisions is state, not an event: every agent that is
//! walking takes one step towards its target each tick, in parallel (each
//! agent only touches its own position).

use bevy::prelude::*;

use super::components::{Kind, Motion, Position};
use crate::sim::TICK;

pub(super) fn integrate_motion(mut agents: Query<(&Kind, &mut Position, &mut Motion)>) {
    let dt = TICK.as_secs_f32();
    agents
        .par_iter_mut()
        .for_each(|(kind, mut pos, mut motion)| {
            if !motion.moving {
                return;
            }
            let step = kind.0.speed() * dt;
            let to_go = motion.target - pos.0;
            let dist = to_go.length();
            if dist <= step {
                pos.0 = motion.target;
                motion.moving = false;
            } else {
                pos.0 += to_go * (step / dist);
            }
        });
}
