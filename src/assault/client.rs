//! One virtual player's life: wait for its start time, connect, hand the
//! connection to [`Player::session`], and reconnect with jittered
//! exponential backoff when it is lost or refused (after a server's restart
//! close, once its restart delay has passed) — bounded by the failed
//! attempts in a row allowed, and by the run itself (a client never
//! reconnects once the run drains or its own session is over).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::connect_async_with_config;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::behaviour::Behaviour;
use super::config::{AssaultConfig, Retry};
use super::error_class::ErrorClass;
use super::link::{self, Phase};
use super::profile::Profile;
use super::session::{End, Player, Ws};
use super::stats::{Stats, bump, drop_by};

/// A frame larger than this from the server ends the connection.
const MAX_FRAME: usize = 4 << 20;

/// One client of the run.
pub struct Client {
    pub index: u64,
    pub profile: Profile,
    /// When it starts playing.
    pub start: Instant,
    /// When it leaves on its own (open model with a session length).
    pub leave: Option<Instant>,
}

/// Plays one client to the end of the run.
pub async fn play(
    client: Client,
    config: Arc<AssaultConfig>,
    stats: Arc<Stats>,
    mut phase: watch::Receiver<Phase>,
) {
    tokio::select! {
        _ = sleep_until(client.start) => {}
        _ = link::stopping(&mut phase) => return,
    }
    bump(&stats.profiles[client.profile.index()].clients);
    let mut me = Player::new(client, config, stats);
    let mut failures = 0u32;
    let mut first = true;
    loop {
        if *phase.borrow() != Phase::Run || me.client.leave.is_some_and(|t| Instant::now() >= t) {
            return;
        }
        if !first {
            bump(&me.stats.reconnects);
        }
        first = false;
        let connected = tokio::select! {
            r = connect(&me.config) => r,
            _ = link::stopping(&mut phase) => return,
        };
        bump(&me.stats.attempted);
        let end = match connected {
            Ok(ws) => {
                bump(&me.stats.succeeded);
                bump(&me.stats.open);
                let end = me.session(ws, &mut phase).await;
                drop_by(&me.stats.open, 1);
                end
            }
            Err(class) => {
                bump(&me.stats.failed);
                me.stats.error(class);
                End::Lost { welcomed: false }
            }
        };
        let wait = match end {
            End::Done => return,
            // The server goes down to come back: give it the (jittered)
            // restart delay, as RFC 6455 asks for 1012, so that its clients
            // neither find it still down nor all return at once.
            End::Restart => {
                failures = 0;
                me.behaviour.jitter(me.config.retry.restart)
            }
            // A connection that worked resets the count: only failures in
            // a row make a client give up.
            End::Lost { welcomed } => {
                failures = if welcomed { 1 } else { failures + 1 };
                if failures > me.config.retry.retries {
                    return;
                }
                backoff(&me.config.retry, &mut me.behaviour, failures)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = link::stopping(&mut phase) => return,
        }
    }
}

async fn connect(config: &AssaultConfig) -> Result<Ws, ErrorClass> {
    // A player reads acks and a few events: a small initial read buffer
    // (tungstenite allocates 128 KiB per connection by default) keeps
    // 10,000 clients in one process affordable. It grows for a big frame.
    let ws_config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .max_message_size(Some(MAX_FRAME))
        .max_frame_size(Some(MAX_FRAME));
    // Nagle off: an action is one small frame and its latency is the point.
    let attempt = connect_async_with_config(config.target.as_str(), Some(ws_config), true);
    match timeout(config.timeout, attempt).await {
        Err(_) => Err(ErrorClass::Timeout),
        Ok(Err(e)) => Err(link::classify(&e, true)),
        Ok(Ok((ws, _response))) => Ok(ws),
    }
}

/// The wait before the next attempt after `failures` in a row: doubling
/// from `retry.initial` up to `retry.max`, jittered so that clients lost
/// together do not come back together.
fn backoff(retry: &Retry, behaviour: &mut Behaviour, failures: u32) -> Duration {
    let doubled = retry
        .initial
        .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
    behaviour.jitter(doubled.min(retry.max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let retry = Retry {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
            retries: 10,
            restart: Duration::from_secs(2),
        };
        let mut b = Behaviour::new(Profile::Trader, 1, 0);
        let within = |d: Duration, base: u64| {
            d >= Duration::from_millis(base / 2) && d < Duration::from_millis(base * 3 / 2)
        };
        assert!(within(backoff(&retry, &mut b, 1), 100));
        assert!(within(backoff(&retry, &mut b, 2), 200));
        assert!(within(backoff(&retry, &mut b, 3), 400));
        assert!(within(backoff(&retry, &mut b, 5), 1000));
        assert!(within(backoff(&retry, &mut b, u32::MAX), 1000));
    }
}
