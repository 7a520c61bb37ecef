//! `seedsim assault`: a load generator of real WebSocket
//! clients on tokio. Each client logs in, owns an entity and plays a
//! [`Profile`] with think times; the run follows a closed model (N clients
//! at once, started over a ramp) or an open one (clients arriving at a
//! rate), reconnects with backoff, and measures latency correlated per
//! request: action → ack and action → its event on the stream, in HDR
//! histograms. The core is a library so the scenario runner can drive it
//! in-process; the CLI is a thin layer over [`run_until`].

mod answers;
mod behaviour;
mod client;
mod config;
mod error_class;
mod link;
mod pending;
mod profile;
mod report;
mod rto;
mod runner;
mod session;
mod stats;
mod summary;
mod viewer;

use std::future::Future;

pub use config::{AssaultConfig, AssaultError, Load, Retry, check_target, default_ramp};
pub use error_class::ErrorClass;
pub use profile::{Profile, ProfileChoice, weighted_cycle};
pub use report::{AssaultReport, Connections, Decisions, Latency, Model, ProfileReport};
pub use runner::{Live, Progress};
pub use summary::render as render_summary;
pub use viewer::ViewerReport;

/// Runs an assault to the end of its duration.
pub async fn run(
    config: AssaultConfig,
    progress: Option<Progress>,
) -> Result<AssaultReport, AssaultError> {
    runner::run_until(config, progress, std::future::pending()).await
}

/// Runs an assault until its duration is over or `stop` resolves (Ctrl-C,
/// a scenario's abort); the report covers what ran either way.
pub async fn run_until(
    config: AssaultConfig,
    progress: Option<Progress>,
    stop: impl Future<Output = ()>,
) -> Result<AssaultReport, AssaultError> {
    runner::run_until(config, progress, stop).await
}

/// [`run`] on a multi-threaded tokio runtime of its own, for callers that
/// are not async.
pub fn run_blocking(config: AssaultConfig) -> Result<AssaultReport, AssaultError> {
    config.validate()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(config, None))
}
