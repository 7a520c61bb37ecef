//! The WebSocket plumbing under a client: the run's phases as the clients
//! see them, what a socket error means ([`classify`] into an
//! [`ErrorClass`]), what one received frame means ([`read`]), and a bounded
//! polite close. Kept apart from the playing logic so that what counts as
//! "the server closed us" versus "an I/O error" is decided in one place.

use std::io::ErrorKind;
use std::time::Duration;

use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::sync::watch;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};

use super::error_class::ErrorClass;

/// How long a client spends on the close handshake before dropping the socket.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);

/// Where the run is, broadcast to every client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Clients act.
    Run,
    /// The duration is over: no new actions, answers still awaited.
    Drain,
    /// Close every connection now.
    Close,
}

/// Resolves once the run leaves [`Phase::Run`] (or its sender is gone).
pub async fn stopping(phase: &mut watch::Receiver<Phase>) {
    let _ = phase.wait_for(|p| *p != Phase::Run).await;
}

/// What a socket error means. `connecting`: it happened before the
/// WebSocket was established.
pub fn classify(e: &tungstenite::Error, connecting: bool) -> ErrorClass {
    use tungstenite::Error as E;
    match e {
        E::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => ErrorClass::ConnectRefused,
            ErrorKind::TimedOut => ErrorClass::Timeout,
            ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::UnexpectedEof
                if !connecting =>
            {
                ErrorClass::ClosedByServer
            }
            _ if connecting => ErrorClass::HandshakeFailed,
            _ => ErrorClass::Io,
        },
        E::ConnectionClosed
        | E::AlreadyClosed
        | E::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
            if connecting {
                ErrorClass::HandshakeFailed
            } else {
                ErrorClass::ClosedByServer
            }
        }
        E::Http(_) | E::HttpFormat(_) | E::Url(_) | E::Tls(_) => ErrorClass::HandshakeFailed,
        _ if connecting => ErrorClass::HandshakeFailed,
        _ => ErrorClass::Protocol,
    }
}

/// One step of reading the stream.
#[derive(Debug, PartialEq)]
pub enum ReadOutcome {
    /// A text frame to parse.
    Text(tungstenite::Utf8Bytes),
    /// Control frames tungstenite already answered.
    Ignore,
    /// A frame the protocol does not allow; the connection goes on.
    Bad(ErrorClass),
    /// The connection is over.
    Lost(ErrorClass),
}

/// Whether the item is the server's close for a restart (1012, "service
/// restart"): the client should come back, after a delay.
pub fn restarting(item: &Option<Result<Message, tungstenite::Error>>) -> bool {
    matches!(item, Some(Ok(Message::Close(Some(f)))) if f.code == CloseCode::Restart)
}

/// What the next item of the stream means.
pub fn read(item: Option<Result<Message, tungstenite::Error>>) -> ReadOutcome {
    match item {
        None => ReadOutcome::Lost(ErrorClass::ClosedByServer),
        Some(Err(e)) => ReadOutcome::Lost(classify(&e, false)),
        Some(Ok(Message::Text(text))) => ReadOutcome::Text(text),
        Some(Ok(Message::Binary(_))) => ReadOutcome::Bad(ErrorClass::Protocol),
        Some(Ok(Message::Close(_))) => ReadOutcome::Lost(ErrorClass::ClosedByServer),
        Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => ReadOutcome::Ignore,
    }
}

/// Sends a close frame and waits (briefly) for the server's, so the server
/// sees a clean close rather than a reset.
pub async fn close<W, R>(sink: &mut W, stream: &mut R)
where
    W: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    if timeout(CLOSE_TIMEOUT, sink.send(Message::Close(None)))
        .await
        .is_err()
    {
        return;
    }
    let _ = timeout(CLOSE_TIMEOUT, async {
        while let Some(Ok(_)) = stream.next().await {}
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    #[test]
    fn socket_errors_are_classified() {
        let io_err = |k: ErrorKind| tungstenite::Error::Io(io::Error::from(k));
        assert_eq!(
            classify(&io_err(ErrorKind::ConnectionRefused), true),
            ErrorClass::ConnectRefused
        );
        assert_eq!(
            classify(&io_err(ErrorKind::ConnectionReset), false),
            ErrorClass::ClosedByServer
        );
        assert_eq!(
            classify(&io_err(ErrorKind::ConnectionReset), true),
            ErrorClass::HandshakeFailed
        );
        assert_eq!(
            classify(&io_err(ErrorKind::PermissionDenied), false),
            ErrorClass::Io
        );
        assert_eq!(
            classify(&tungstenite::Error::ConnectionClosed, false),
            ErrorClass::ClosedByServer
        );
        assert_eq!(
            classify(&tungstenite::Error::Utf8("bad".into()), false),
            ErrorClass::Protocol
        );
        assert_eq!(
            classify(&tungstenite::Error::Utf8("bad".into()), true),
            ErrorClass::HandshakeFailed
        );
    }

    #[test]
    fn frames_are_sorted_out() {
        assert_eq!(
            read(Some(Ok(Message::text("{}")))),
            ReadOutcome::Text("{}".into())
        );
        assert_eq!(
            read(Some(Ok(Message::binary(vec![1, 2])))),
            ReadOutcome::Bad(ErrorClass::Protocol)
        );
        assert_eq!(
            read(Some(Ok(Message::Close(None)))),
            ReadOutcome::Lost(ErrorClass::ClosedByServer)
        );
        assert_eq!(read(None), ReadOutcome::Lost(ErrorClass::ClosedByServer));
        assert_eq!(
            read(Some(Ok(Message::Ping(Vec::new().into())))),
            ReadOutcome::Ignore
        );
    }
}
