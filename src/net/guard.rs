//! What keeps one hostile connection from costing the server more than its
//! share. tungstenite answers pings by itself and assembles fragments by
//! itself, so neither reaches the frame limiter unless the connection counts
//! them: pings and pongs are counted like any frame (`ws::connection`), and
//! [`Guarded`] counts the bytes read since the last whole message, so a
//! flood of fragments that never completes one is cut off. Every write has
//! a deadline ([`send`]): a client that does not read is closed, never
//! waited on for ever, and what waits to be written is bounded
//! ([`config`]). Read errors close with the code RFC 6455 gives them.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::{Sink, SinkExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// Largest frame or message a client may send.
pub const MAX_FRAME: usize = 64 * 1024;
/// Bytes a client may send without completing a message (its fragments
/// and frame headers): a whole largest message and its framing, twice.
pub const MAX_UNFINISHED: usize = 2 * MAX_FRAME + 16 * 1024;
/// Most bytes waiting to be written to one connection (queued pongs and
/// close frames included); the largest frame the server sends (a snapshot
/// of a big world) must fit.
pub const MAX_WRITE_BUFFER: usize = 64 * 1024 * 1024;
/// A write that takes longer means a client that does not read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// A close frame gets less: the connection is ending either way.
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);
/// Longest a WebSocket handshake may take.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Initial read buffer of a connection (it grows for a larger frame).
const READ_BUFFER: usize = 4096;

/// A connection's WebSocket settings. Client frames are small: tungstenite's
/// default 128 KiB read buffer, allocated up front, would be 1.25 GiB for
/// 10,000 connections. Writes go out as they are made (no write buffer to
/// fill first) and what waits is bounded.
pub fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .max_message_size(Some(MAX_FRAME))
        .max_frame_size(Some(MAX_FRAME))
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
}

/// A stream that fails once more than [`MAX_UNFINISHED`] bytes arrive
/// without the connection marking a whole message ([`Unfinished::reset`]).
pub struct Guarded<S> {
    inner: S,
    unfinished: Unfinished,
}

/// The count of bytes read since the last whole message, shared between
/// the stream and the connection that reads messages from it.
#[derive(Clone, Default)]
pub struct Unfinished(Arc<AtomicUsize>);

impl Unfinished {
    /// A whole message arrived.
    pub fn reset(&self) {
        self.0.store(0, Ordering::Relaxed);
    }
}

impl<S> Guarded<S> {
    pub fn new(inner: S) -> (Guarded<S>, Unfinished) {
        let unfinished = Unfinished::default();
        let guarded = Guarded {
            inner,
            unfinished: unfinished.clone(),
        };
        (guarded, unfinished)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let read = buf.filled().len() - before;
            let total = self.unfinished.0.fetch_add(read, Ordering::Relaxed) + read;
            if total > MAX_UNFINISHED {
                return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, UNFINISHED)));
            }
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

const UNFINISHED: &str = "too many bytes without a whole message (a flood of fragments)";

/// A close frame.
pub fn close(code: CloseCode, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// The close frame a read error deserves, if the peer can still take one:
/// 1002 for a broken protocol, 1007 for text that is not UTF-8, 1008 for a
/// fragment flood, 1009 for a frame over the limit.
pub fn close_for(error: &WsError) -> Option<Message> {
    match error {
        WsError::Capacity(e) => Some(close(
            CloseCode::Size,
            &format!("frame too large ({e}); the limit is {MAX_FRAME} bytes"),
        )),
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => None,
        WsError::Protocol(e) => Some(close(CloseCode::Protocol, &e.to_string())),
        WsError::Utf8(_) => Some(close(CloseCode::Invalid, "text frame is not UTF-8")),
        WsError::Io(e) if e.kind() == io::ErrorKind::InvalidData => {
            Some(close(CloseCode::Policy, UNFINISHED))
        }
        _ => None,
    }
}

/// Sends `msg` within [`WRITE_TIMEOUT`] (a close within [`CLOSE_TIMEOUT`]);
/// false when the connection is done for.
pub async fn send<S>(sink: &mut S, msg: Message) -> bool
where
    S: Sink<Message, Error = WsError> + Unpin,
{
    let limit = if matches!(msg, Message::Close(_)) {
        CLOSE_TIMEOUT
    } else {
        WRITE_TIMEOUT
    };
    matches!(
        tokio::time::timeout(limit, sink.send(msg)).await,
        Ok(Ok(()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `n` bytes (or fails) through `g`.
    async fn read<S: AsyncRead + Unpin>(g: &mut Guarded<S>, n: usize) -> io::Result<()> {
        let mut buf = vec![0u8; n];
        let mut filled = 0;
        while filled < n {
            let mut rb = ReadBuf::new(&mut buf[filled..]);
            std::future::poll_fn(|cx| Pin::new(&mut *g).poll_read(cx, &mut rb)).await?;
            filled += rb.filled().len();
        }
        Ok(())
    }

    #[tokio::test]
    async fn unfinished_bytes_are_cut_off_until_a_message_resets_them() {
        let data = vec![0u8; MAX_UNFINISHED * 2];
        let (mut guarded, unfinished) = Guarded::new(&data[..]);
        read(&mut guarded, MAX_UNFINISHED / 2).await.expect("half");
        unfinished.reset();
        read(&mut guarded, MAX_UNFINISHED / 2)
            .await
            .expect("half again, after a message");
        let e = read(&mut guarded, MAX_UNFINISHED).await.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn read_errors_close_with_their_codes() {
        let code = |e: &WsError| match close_for(e) {
            Some(Message::Close(Some(f))) => Some(u16::from(f.code)),
            _ => None,
        };
        assert_eq!(
            code(&WsError::Protocol(ProtocolError::UnmaskedFrameFromClient)),
            Some(1002)
        );
        assert_eq!(code(&WsError::Utf8("x".into())), Some(1007));
        let flood = WsError::Io(io::Error::new(io::ErrorKind::InvalidData, UNFINISHED));
        assert_eq!(code(&flood), Some(1008));
        assert_eq!(
            code(&WsError::Protocol(
                ProtocolError::ResetWithoutClosingHandshake
            )),
            None
        );
    }
}
