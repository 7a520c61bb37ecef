//! Opening a session: the WebSocket handshake and the server's `hello`,
//! each under [`CONNECT_WAIT`], so a server that is down, slow or not a
//! seedsim server at all is told apart before any window opens.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::RemoteError;
use crate::core::protocol::{PROTOCOL_VERSION, ServerMsg, WorldInfo};

/// Longest wait for the connection and for the server's `hello`.
pub const CONNECT_WAIT: Duration = Duration::from_secs(5);
/// Largest stream message taken (a snapshot of a big world is a few MiB).
pub const MAX_MESSAGE: usize = 64 << 20;

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects and waits for the server's `hello`.
pub async fn open(url: &str) -> Result<(Ws, u64, WorldInfo), RemoteError> {
    let refused = |reason: String| RemoteError::Connect {
        url: url.to_string(),
        reason,
    };
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let (mut ws, _) = timeout(
        CONNECT_WAIT,
        tokio_tungstenite::connect_async_with_config(url, Some(config), true),
    )
    .await
    .map_err(|_| refused(format!("no answer within {}s", CONNECT_WAIT.as_secs())))?
    .map_err(|e| refused(e.to_string()))?;
    let not_seedsim = |reason: String| RemoteError::NotAServer {
        url: url.to_string(),
        reason,
    };
    let hello = timeout(CONNECT_WAIT, async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) => {
                    break serde_json::from_str::<ServerMsg>(&t).map_err(|e| e.to_string());
                }
                Some(Ok(Message::Close(_))) | None => break Err("it closed the connection".into()),
                Some(Ok(_)) => continue,
                Some(Err(e)) => break Err(e.to_string()),
            }
        }
    })
    .await
    .map_err(|_| not_seedsim(format!("no hello within {}s", CONNECT_WAIT.as_secs())))?
    .map_err(not_seedsim)?;
    match hello {
        ServerMsg::Hello {
            version,
            tick,
            world,
        } if version == PROTOCOL_VERSION => Ok((ws, tick, world)),
        ServerMsg::Hello { version, .. } => Err(not_seedsim(format!(
            "it speaks protocol version {version}; this build speaks {PROTOCOL_VERSION}"
        ))),
        other => Err(not_seedsim(format!(
            "its first message was not a hello: {other:?}"
        ))),
    }
}
