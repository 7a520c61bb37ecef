//! The Timeline panel, shown only for a replay: a slider over the recorded
//! ticks that scrubs, play/pause, one step, back to the start, on to the
//! end, the tick shown, and "seeking…" while the frame shown is not yet the
//! tick asked for (a seek back re-simulates from tick 0 and takes a while);
//! Play at the end plays again from tick 0.
//! Dragging sends at most one `Seek` every [`SEEK_EVERY`] and the last one
//! on release, so a fast drag cannot fill the bounded command queue; a
//! refused seek is tried again next frame. It also shows the replay's
//! problems (a divergence from the recording, a tick that panicked), which
//! only a replay sends to this panel.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use super::feed::{Command, Notice, SourceKind};
use super::receive::{Latest, Link, Notices};
use crate::input::ControlAction;

/// Shortest time between two seeks sent while dragging.
pub const SEEK_EVERY: Duration = Duration::from_millis(150);
/// Problems the panel keeps (the newest).
const PROBLEMS_KEPT: usize = 4;

/// The scrubbing state: what the slider shows and what was asked.
#[derive(Resource, Debug, Default)]
pub struct Scrub {
    /// The slider's position.
    pub value: u64,
    /// The tick last asked for, until a frame of it arrives.
    pub asked: Option<u64>,
    /// A seek not sent yet (throttled, or refused by a full queue).
    pending: Option<u64>,
    last_sent: Option<Instant>,
    problems: Vec<String>,
}

impl Scrub {
    /// A new frame of `tick` arrived (`finished`: the source can go no
    /// further than it).
    pub fn on_frame(&mut self, tick: u64, finished: bool) {
        if self
            .asked
            .is_some_and(|a| a == tick || (finished && a > tick))
        {
            self.asked = None;
        }
    }

    /// The slider moved to `value` (`dragging`: the pointer still holds
    /// it); the seek to send now, if one is due.
    pub fn on_slider(&mut self, value: u64, dragging: bool, now: Instant) -> Option<u64> {
        self.value = value;
        self.pending = Some(value);
        if dragging {
            self.due(now)
        } else {
            self.pending.take()
        }
    }

    /// A seek held back while dragging, once its time has come.
    pub fn due(&mut self, now: Instant) -> Option<u64> {
        let ready = self
            .last_sent
            .is_none_or(|t| now.duration_since(t) >= SEEK_EVERY);
        if ready { self.pending.take() } else { None }
    }

    /// `tick` was sent (or could not be: then it is kept for later).
    pub fn sent(&mut self, tick: u64, ok: bool, now: Instant) {
        if ok {
            self.asked = Some(tick);
            self.last_sent = Some(now);
        } else if self.pending.is_none() {
            self.pending = Some(tick);
        }
    }

    /// The tick a seek is going to (the newest wanted, sent or not), while
    /// the frame shown is another.
    pub fn seeking(&self, shown: u64) -> Option<u64> {
        self.pending.or(self.asked).filter(|t| *t != shown)
    }
}

pub struct TimelinePanelPlugin;

impl Plugin for TimelinePanelPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Scrub>()
            .add_systems(EguiPrimaryContextPass, timeline_panel.run_if(is_replay));
    }
}

fn is_replay(link: Res<Link>) -> bool {
    matches!(link.info.kind, SourceKind::Replay { .. })
}

fn timeline_panel(
    mut contexts: EguiContexts,
    mut link: ResMut<Link>,
    latest: Res<Latest>,
    mut notices: ResMut<Notices>,
    mut scrub: ResMut<Scrub>,
    mut dragging: Local<bool>,
) -> Result {
    let SourceKind::Replay { ticks } = link.info.kind else {
        return Ok(());
    };
    let frame = &latest.frame;
    if latest.changed {
        scrub.on_frame(frame.tick, frame.finished);
    }
    // Problems are for this panel when the source is a replay.
    let mut problems = Vec::new();
    notices.0.retain(|n| match n {
        Notice::Problem(p) => {
            problems.push(p.clone());
            false
        }
        _ => true,
    });
    scrub.problems.extend(problems);
    let over = scrub.problems.len().saturating_sub(PROBLEMS_KEPT);
    scrub.problems.drain(..over);
    // The slider follows the frames unless the user holds it or a seek is
    // under way.
    if !*dragging && scrub.seeking(frame.tick).is_none() {
        scrub.value = frame.tick;
    }
    let now = Instant::now();
    let mut seek = scrub.due(now);
    let mut action = None;
    let ctx = contexts.ctx_mut()?;
    egui::Window::new("Timeline")
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -12.0])
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                if ui.button("⏮").on_hover_text("Back to tick 0").clicked() {
                    seek = scrub.on_slider(0, false, now);
                }
                if frame.paused || frame.finished {
                    if ui.button("▶ Play").clicked() {
                        // At the end, playing again starts from the start.
                        if frame.finished {
                            seek = scrub.on_slider(0, false, now);
                        }
                        action = Some(ControlAction::Resume);
                    }
                } else if ui.button("⏸ Pause").clicked() {
                    action = Some(ControlAction::Pause);
                }
                if ui
                    .add_enabled(!frame.finished, egui::Button::new("Step"))
                    .clicked()
                {
                    action = Some(ControlAction::Step);
                }
                if ui
                    .button("⏭")
                    .on_hover_text("On to the last tick")
                    .clicked()
                {
                    seek = scrub.on_slider(ticks, false, now);
                }
                ui.label(format!("tick {} / {ticks}", frame.tick));
                if let Some(to) = scrub.seeking(frame.tick) {
                    ui.colored_label(egui::Color32::YELLOW, format!("seeking… → {to}"));
                } else if frame.finished {
                    ui.label("end of the recording");
                }
            });
            let mut value = scrub.value;
            ui.spacing_mut().slider_width = 520.0;
            let response = ui.add(
                egui::Slider::new(&mut value, 0..=ticks)
                    .show_value(false)
                    .trailing_fill(true),
            );
            *dragging = response.dragged() || response.is_pointer_button_down_on();
            if response.changed() || response.drag_stopped() {
                // Released: the tick it was let go at goes at once.
                let held = *dragging && !response.drag_stopped();
                if let Some(t) = scrub.on_slider(value, held, now) {
                    seek = Some(t);
                }
            }
            for p in &scrub.problems {
                ui.colored_label(egui::Color32::LIGHT_RED, p.as_str());
            }
        });
    if let Some(tick) = seek {
        let ok = link.send(Command::Seek(tick));
        scrub.sent(tick, ok, now);
    }
    if let Some(action) = action {
        link.send(Command::Control(action));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drag_sends_throttled_seeks_and_the_release_sends_the_last() {
        let t0 = Instant::now();
        let mut s = Scrub::default();
        assert_eq!(s.on_slider(10, true, t0), Some(10), "the first goes");
        s.sent(10, true, t0);
        let soon = t0 + Duration::from_millis(20);
        assert_eq!(s.on_slider(11, true, soon), None, "too soon");
        assert_eq!(s.on_slider(12, true, soon), None);
        assert_eq!(s.seeking(10), Some(12), "12 is wanted, not sent yet");
        assert_eq!(s.asked, Some(10));
        let later = t0 + SEEK_EVERY;
        assert_eq!(s.due(later), Some(12), "the newest held back");
        s.sent(12, true, later);
        assert_eq!(s.on_slider(30, true, later), None);
        assert_eq!(s.on_slider(31, false, later), Some(31), "released");
        s.sent(31, true, later);
        s.on_frame(12, false);
        assert_eq!(s.seeking(12), Some(31));
        s.on_frame(31, false);
        assert_eq!(s.seeking(31), None);
        assert_eq!(s.asked, None);
    }

    #[test]
    fn a_refused_seek_is_kept_and_an_unreachable_one_ends_at_the_last_frame() {
        let t0 = Instant::now();
        let mut s = Scrub::default();
        let t = s.on_slider(5, false, t0).unwrap();
        s.sent(t, false, t0);
        assert_eq!(s.seeking(0), Some(5), "still wanted");
        assert_eq!(s.due(t0), Some(5), "tried again");
        s.sent(5, true, t0);
        // The run could go no further than tick 3 (a tick panicked).
        s.on_frame(3, true);
        assert_eq!(s.seeking(3), None);
    }
}
