//! The writer task of a connection: writes queued messages to the socket, and ends every
//! connection the server closes with an `error` message and a close frame that both say
//! why, including when the peer stopped reading (its queue is then dropped at once, and
//! the reason written if the socket takes it within [`CLOSE_GRACE`]).

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures_util::{Sink, SinkExt};
use tokio_util::sync::CancellationToken;

use super::Frame;
use crate::sync::Outbound;
use crate::sync::outbound::OutReceiver;
use crate::sync::protocol::{self, Message};

/// How long closing waits for the final `error` message and close frame to be written.
pub const CLOSE_GRACE: Duration = Duration::from_secs(5);
/// The longest close reason a WebSocket close frame carries (125 bytes less the code).
const CLOSE_REASON_BYTES: usize = 123;

/// Who the writer writes for.
pub(super) struct Writer {
    pub(super) server: String,
    pub(super) peer: Arc<OnceLock<String>>,
    pub(super) kill: CancellationToken,
}

/// A close frame's reason: the error's text, cut at a character boundary to fit.
pub fn close_reason(text: &str) -> String {
    let mut end = text.len().min(CLOSE_REASON_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

impl Writer {
    /// Writes queued messages until the queue closes or a fatal error is sent; when the
    /// connection is killed (its peer does not keep up), drops the queue and says why.
    pub(super) async fn run<Si>(self, mut sink: Si, mut rx: OutReceiver)
    where
        Si: Sink<Frame> + Unpin,
        Si::Error: std::fmt::Display,
    {
        loop {
            let item = tokio::select! {
                biased;
                _ = self.kill.cancelled() => break,
                item = rx.recv() => item,
            };
            let frame = match item {
                None => {
                    let _ = sink.close().await;
                    return;
                }
                Some(Outbound::Ping) => Frame::Ping(Vec::new()),
                Some(Outbound::Message(m)) => match protocol::encode(&m) {
                    Ok(bytes) => Frame::Binary(bytes),
                    Err(error) => {
                        tracing::error!(%error, "encoding an outgoing message failed");
                        continue;
                    }
                },
                Some(Outbound::Fatal(text)) => {
                    self.close(&mut sink, &text).await;
                    return;
                }
            };
            let sent = tokio::select! {
                biased;
                _ = self.kill.cancelled() => break,
                sent = sink.send(frame) => sent,
            };
            if let Err(error) = sent {
                tracing::debug!(%error, "socket write failed");
                return;
            }
        }
        // Killed: what waited is dropped now, whatever the socket does.
        let reason = rx.overflow().unwrap_or_else(|| "the server closed the connection".to_owned());
        rx.discard();
        let _ = tokio::time::timeout(CLOSE_GRACE, self.close(&mut sink, &reason)).await;
    }

    /// Sends the `error` message and a close frame carrying the same reason.
    async fn close<Si>(&self, sink: &mut Si, text: &str)
    where
        Si: Sink<Frame> + Unpin,
    {
        let error = Message::Error { sender_id: self.server.clone(), target_id: self.peer.get().cloned(), message: text.to_owned() };
        if let Ok(bytes) = protocol::encode(&error) {
            let _ = sink.send(Frame::Binary(bytes)).await;
        }
        let _ = sink.send(Frame::Close(Some(close_reason(text)))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Close reasons fit a close frame without splitting a character.
    #[test]
    fn close_reasons_fit() {
        assert_eq!(close_reason("short"), "short");
        let long = "ñ".repeat(100);
        let cut = close_reason(&long);
        assert!(cut.len() <= 123 && cut.chars().all(|c| c == 'ñ'), "{cut}");
    }
}
