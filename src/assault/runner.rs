//! The run itself: spawn one task per client at its start time, report
//! progress twice a second, and end in three steps — stop new actions when
//! the duration is over (or the caller's stop future fires), wait up to the
//! grace period for answers still due, then close every connection and wait
//! (bounded) for the clients to finish. Only then is the report built, so
//! every count in it is final.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep, sleep_until};

use super::client::{self, Client};
use super::config::{AssaultConfig, AssaultError};
use super::link::Phase;
use super::report::AssaultReport;
use super::stats::Stats;
use super::viewer::{self, ViewerReport, ViewerStats};

/// How often progress is reported.
const PROGRESS_EVERY: Duration = Duration::from_millis(500);
/// How long clients get to close before their tasks are aborted.
const CLOSE_WAIT: Duration = Duration::from_secs(3);

/// Where a running assault stands, for a progress line.
#[derive(Clone, Debug, PartialEq)]
pub struct Live {
    pub elapsed: Duration,
    /// Connections open now.
    pub connected: u64,
    pub actions: u64,
    pub acks: u64,
    /// Actions per second since the previous report.
    pub actions_per_s: f64,
    /// Over the whole run so far; `None` before the first ack.
    pub ack_p99_ms: Option<f64>,
    /// True once the duration is over and the run is finishing.
    pub finishing: bool,
}

/// Called with each progress report.
pub type Progress = Box<dyn FnMut(&Live) + Send>;

struct Reporter {
    progress: Option<Progress>,
    start: Instant,
    last: (Instant, u64),
}

impl Reporter {
    fn report(&mut self, stats: &Stats, finishing: bool) {
        let Some(progress) = self.progress.as_mut() else {
            return;
        };
        let now = Instant::now();
        let actions = Stats::get(&stats.actions);
        let dt = (now - self.last.0).as_secs_f64();
        let rate = if dt > 0.0 {
            actions.saturating_sub(self.last.1) as f64 / dt
        } else {
            0.0
        };
        self.last = (now, actions);
        let acks = stats.ack_all();
        progress(&Live {
            elapsed: now - self.start,
            connected: Stats::get(&stats.open),
            actions,
            acks: Stats::get(&stats.acks),
            actions_per_s: rate,
            ack_p99_ms: (!acks.is_empty()).then(|| acks.value_at_quantile(0.99) as f64 / 1000.0),
            finishing,
        });
    }
}

/// Runs the assault until its duration is over or `stop` resolves.
pub async fn run_until(
    config: AssaultConfig,
    progress: Option<Progress>,
    stop: impl Future<Output = ()>,
) -> Result<AssaultReport, AssaultError> {
    config.validate()?;
    let config = Arc::new(config);
    let stats = Arc::new(Stats::new());
    let (phase_tx, phase_rx) = watch::channel(Phase::Run);
    let start = Instant::now();
    let mut clients = JoinSet::new();
    for index in 0..config.client_count() {
        let Some(offset) = config.start_of(index) else {
            break;
        };
        let client = Client {
            index,
            profile: config.profile_of(index),
            start: start + offset,
            leave: config.session().map(|s| start + offset + s),
        };
        clients.spawn(client::play(
            client,
            config.clone(),
            stats.clone(),
            phase_rx.clone(),
        ));
    }
    let viewer_stats = Arc::new(ViewerStats::default());
    let mut viewers = JoinSet::new();
    for i in 0..config.viewers {
        let (target, wait) = (config.target.clone(), config.timeout);
        let (stats, phase) = (viewer_stats.clone(), phase_rx.clone());
        viewers.spawn(async move {
            // A short stagger, so a thousand viewers do not knock at once.
            sleep(Duration::from_millis(2 * i)).await;
            viewer::watch(target, wait, &stats, phase).await;
        });
    }
    drop(phase_rx);

    let mut reporter = Reporter {
        progress,
        start,
        last: (start, 0),
    };
    let mut ticks = interval(PROGRESS_EVERY);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let end = start + config.duration;
    let mut stop = std::pin::pin!(stop);
    let stopped_early = loop {
        tokio::select! {
            _ = sleep_until(end) => break false,
            _ = &mut stop => break true,
            _ = ticks.tick() => reporter.report(&stats, false),
        }
    };
    let active = start.elapsed();

    let _ = phase_tx.send(Phase::Drain);
    // A lost action is sent again after the clients' retransmission
    // timeout: the drain gives that a chance (a slow server, a longer one).
    let rto = Duration::from_micros(Stats::get(&stats.rto_max_us));
    let grace_end = Instant::now() + config.grace.max(rto + Duration::from_millis(500));
    while Instant::now() < grace_end
        && (Stats::get(&stats.awaiting_acks) > 0 || Stats::get(&stats.awaiting_events) > 0)
    {
        sleep(Duration::from_millis(20)).await;
    }
    reporter.report(&stats, true);

    let _ = phase_tx.send(Phase::Close);
    let close_by = Instant::now() + CLOSE_WAIT;
    let mut crashes = 0u64;
    loop {
        tokio::select! {
            joined = clients.join_next() => match joined {
                None => break,
                Some(Err(e)) if e.is_panic() => crashes += 1,
                Some(_) => {}
            },
            _ = sleep_until(close_by) => {
                clients.shutdown().await;
                break;
            }
        }
    }
    let viewers_by = Instant::now() + CLOSE_WAIT;
    while tokio::time::timeout_at(viewers_by, viewers.join_next())
        .await
        .is_ok_and(|j| j.is_some())
    {}
    viewers.shutdown().await;
    // A client counts as started once its start time came; those aborted
    // at the end did start.
    let started: u64 = stats.profiles.iter().map(|p| Stats::get(&p.clients)).sum();
    let mut report = AssaultReport::build(&config, &stats, active, stopped_early, started, crashes);
    report.viewers = (config.viewers > 0).then(|| ViewerReport::of(config.viewers, &viewer_stats));
    Ok(report)
}
