//! Frame rate and screenshots. The frame rate is counted here (frames over
//! wall time, per interval) and optionally printed. With `--screenshot`,
//! the window counts `--frames` frames from the first one in which agents
//! are drawn and no render pipeline is still compiling, saves the primary
//! window as a PNG, and exits; if that does not happen in time, it exits
//! with an error that says why.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::render::render_resource::PipelineCache;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::render::{Render, RenderApp, RenderSystems};

use super::receive::Latest;
use super::sync::Mirror;
use super::{WindowError, WindowOpts};

/// How long a screenshot may take to become possible (software rendering
/// compiles every shader on the CPU first).
const SCREENSHOT_DEADLINE: Duration = Duration::from_secs(180);

/// What the window reports back when it has closed.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureOutcome {
    /// The screenshot saved, if one was asked for.
    pub screenshot: Option<PathBuf>,
}

/// Shared between the app and the caller (the app is gone when `run` returns).
#[derive(Resource, Clone, Default)]
pub(crate) struct Outcome(Arc<Mutex<Option<Result<PathBuf, String>>>>);

impl Outcome {
    fn set(&self, r: Result<PathBuf, String>) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert(r);
        }
    }

    pub(crate) fn finish(&self, exit: AppExit) -> Result<CaptureOutcome, WindowError> {
        let shot = self.0.lock().ok().and_then(|mut s| s.take());
        match (shot, exit) {
            (Some(Ok(path)), _) => Ok(CaptureOutcome {
                screenshot: Some(path),
            }),
            (Some(Err(e)), _) => Err(WindowError::Screenshot(e)),
            (None, AppExit::Success) => Ok(CaptureOutcome { screenshot: None }),
            (None, AppExit::Error(code)) => Err(WindowError::Failed(format!(
                "the window's app exited with code {code}"
            ))),
        }
    }
}

/// Frames per second over the last interval.
#[derive(Resource, Debug)]
pub struct FrameRate {
    pub fps: f64,
    /// Ticks the source ran per second over the last interval, as the
    /// frames show them.
    pub ticks_per_sec: f64,
    since: Instant,
    frames: u32,
    /// The tick shown when the interval began.
    since_tick: u64,
    /// Print every this often.
    log: Option<Duration>,
}

/// Render pipelines still compiling, as the render world last saw them.
#[derive(Resource, Clone, Default)]
struct Compiling(Arc<AtomicUsize>);

#[derive(Resource, Debug)]
struct ScreenshotPlan {
    path: PathBuf,
    frames: u32,
    /// Frames counted so far (once the scene is drawable).
    ready_frames: u32,
    started: Instant,
    /// Frames left before exiting once the file is written.
    taken: Option<u32>,
}

pub(crate) struct CapturePlugin {
    pub opts: WindowOpts,
    pub outcome: Outcome,
}

impl Plugin for CapturePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(FrameRate {
            fps: 0.0,
            ticks_per_sec: 0.0,
            since_tick: 0,
            since: Instant::now(),
            frames: 0,
            log: self
                .opts
                .fps_log
                .filter(|s| *s > 0.0)
                .map(Duration::from_secs_f64),
        })
        .insert_resource(self.outcome.clone())
        .add_systems(Last, count_frames);
        let Some(path) = self.opts.screenshot.clone() else {
            return;
        };
        let compiling = Compiling::default();
        // Until the render world has looked, assume everything is pending.
        compiling.0.store(usize::MAX, Ordering::Relaxed);
        if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
            render_app
                .insert_resource(compiling.clone())
                .add_systems(Render, watch_pipelines.in_set(RenderSystems::Cleanup));
        } else {
            // No renderer: the plan below fails at its deadline, with this reason.
            compiling.0.store(usize::MAX - 1, Ordering::Relaxed);
        }
        app.insert_resource(compiling)
            .insert_resource(ScreenshotPlan {
                path,
                frames: self.opts.frames.max(1),
                ready_frames: 0,
                started: Instant::now(),
                taken: None,
            })
            .add_systems(Update, plan_screenshot)
            .add_observer(on_captured);
    }
}

fn watch_pipelines(cache: Res<PipelineCache>, compiling: Res<Compiling>) {
    compiling
        .0
        .store(cache.waiting_pipelines().count(), Ordering::Relaxed);
}

fn count_frames(mut rate: ResMut<FrameRate>, latest: Res<Latest>, mirror: Res<Mirror>) {
    rate.frames += 1;
    let elapsed = rate.since.elapsed();
    let interval = rate.log.unwrap_or(Duration::from_secs(1));
    if elapsed < interval {
        return;
    }
    rate.fps = f64::from(rate.frames) / elapsed.as_secs_f64();
    let tick = latest.frame.tick;
    // A timeline going back (a replay's seek) is not a negative rate.
    rate.ticks_per_sec = tick.saturating_sub(rate.since_tick) as f64 / elapsed.as_secs_f64();
    if rate.log.is_some() {
        println!(
            "fps {:.1} ({} frames in {:.1} s), tick {tick}, {:.1} ticks/s, agents drawn {}",
            rate.fps,
            rate.frames,
            elapsed.as_secs_f64(),
            rate.ticks_per_sec,
            mirror.visuals.len()
        );
    }
    rate.frames = 0;
    rate.since = Instant::now();
    rate.since_tick = tick;
}

fn plan_screenshot(
    mut commands: Commands,
    mut plan: ResMut<ScreenshotPlan>,
    compiling: Res<Compiling>,
    mirror: Res<Mirror>,
    outcome: Res<Outcome>,
    mut exit: MessageWriter<AppExit>,
) {
    if let Some(left) = plan.taken.as_mut() {
        // Written (or failed): a frame or two for the capture to settle.
        if *left == 0 {
            let ok = matches!(outcome.0.lock().as_deref(), Ok(Some(Ok(_))));
            exit.write(if ok {
                AppExit::Success
            } else {
                AppExit::error()
            });
        } else {
            *left -= 1;
        }
        return;
    }
    let waiting = compiling.0.load(Ordering::Relaxed);
    let drawable = waiting == 0 && !mirror.visuals.is_empty();
    if drawable {
        plan.ready_frames += 1;
    }
    if plan.ready_frames == plan.frames {
        commands.spawn(Screenshot::primary_window());
        // Counted past `frames` so it is asked for once.
        plan.ready_frames += 1;
    }
    if plan.started.elapsed() > SCREENSHOT_DEADLINE && plan.ready_frames <= plan.frames {
        let why = match waiting {
            usize::MAX => "the renderer never ran a frame".to_string(),
            n if n == usize::MAX - 1 => "there is no renderer".to_string(),
            0 => format!(
                "{} of {} frames drawable ({} agents drawn)",
                plan.ready_frames,
                plan.frames,
                mirror.visuals.len()
            ),
            n => format!("{n} render pipelines still compiling"),
        };
        outcome.set(Err(format!(
            "not taken within {} s: {why}",
            SCREENSHOT_DEADLINE.as_secs()
        )));
        plan.taken = Some(0);
    }
}

fn on_captured(
    captured: On<ScreenshotCaptured>,
    mut plan: ResMut<ScreenshotPlan>,
    outcome: Res<Outcome>,
) {
    let path = plan.path.clone();
    let saved = captured
        .image
        .clone()
        .try_into_dynamic()
        .map_err(|e| format!("cannot convert the captured image: {e}"))
        // The alpha channel is not the picture's (it may hold HDR brightness).
        .and_then(|img| {
            img.to_rgb8()
                .save(&path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        });
    match saved {
        Ok(()) => {
            println!("screenshot: {}", path.display());
            outcome.set(Ok(path));
        }
        Err(e) => outcome.set(Err(e)),
    }
    plan.taken = Some(2);
}
