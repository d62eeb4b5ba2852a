//! Server-sent-event framing and the streaming response body.
//!
//! [doc] Each event is `data: <json>\n\n`. [assumed] No `event:` or `id:` lines, compact
//! JSON on one line with `type` first, and the connection closes after the last event.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use bytes::{BufMut, Bytes, BytesMut};
use futures_util::StreamExt;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::faults::{FaultSpec, MALFORMED_EVENT, unknown_event};
use crate::shutdown::ShutdownSignal;

/// Chunks buffered between a producer and its connection. Small, so the benchmark
/// agent's timestamps are taken close to when the client can read them.
pub const CHANNEL_CAPACITY: usize = 4;

/// The client went away (or the server stopped, or a fault closed the stream): the
/// producer must stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

/// A JSON object event serialized with its `type` key first.
#[derive(Debug)]
pub struct Typed<'a>(pub &'a Value);

impl Serialize for Typed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(map) = self.0.as_object() else {
            return self.0.serialize(serializer);
        };
        let mut out = serializer.serialize_map(Some(map.len()))?;
        if let Some(t) = map.get("type") {
            out.serialize_entry("type", t)?;
        }
        for (k, v) in map.iter().filter(|(k, _)| *k != "type") {
            out.serialize_entry(k, v)?;
        }
        out.end()
    }
}

/// The producing side of an SSE response, applying the request's stream faults.
#[derive(Debug)]
pub struct SseSink {
    tx: mpsc::Sender<Bytes>,
    faults: FaultSpec,
    sent: u32,
}

impl SseSink {
    /// A sink and the receiver to pass to [`stream_response`].
    pub fn new(faults: FaultSpec) -> (Self, mpsc::Receiver<Bytes>) {
        let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
        (
            Self {
                tx,
                faults,
                sent: 0,
            },
            rx,
        )
    }

    /// Sends one event (type first), then applies the faults due after it.
    pub async fn event(&mut self, event: &Value) -> Result<(), Closed> {
        self.write(event_bytes(&Typed(event))).await?;
        if self.sent == 1 {
            if self.faults.malformed {
                self.write(Bytes::from_static(MALFORMED_EVENT)).await?;
            }
            if self.faults.unknown_event {
                self.write(event_bytes(&Typed(&unknown_event()))).await?;
            }
        }
        Ok(())
    }

    /// Sends pre-framed bytes (the benchmark's fast path), without faults.
    pub async fn raw(&mut self, chunk: Bytes) -> Result<(), Closed> {
        self.tx.send(chunk).await.map_err(|_| Closed)
    }

    async fn write(&mut self, bytes: Bytes) -> Result<(), Closed> {
        if self.faults.close_after.is_some_and(|n| self.sent >= n) {
            return Err(Closed);
        }
        match self.faults.drip {
            Some((pause, size)) => {
                for piece in bytes.chunks(size) {
                    self.raw(Bytes::copy_from_slice(piece)).await?;
                    tokio::time::sleep(pause).await;
                }
            }
            None => self.raw(bytes).await?,
        }
        self.sent += 1;
        if let Some((pause, after)) = self.faults.stall
            && self.sent == after
        {
            tokio::time::sleep(pause).await;
        }
        if self.faults.close_after.is_some_and(|n| self.sent >= n) {
            return Err(Closed);
        }
        Ok(())
    }
}

/// Prefix of every event line.
const DATA_PREFIX: &[u8] = b"data: ";
/// Terminator of every event.
const EVENT_END: &[u8] = b"\n\n";
/// Bytes of a benchmark text event before the timestamp digits.
const BENCH_HEAD: &[u8] = br#"data: {"type":"text","delta":"t"#;
/// Bytes of a benchmark text event after the timestamp digits.
const BENCH_TAIL: &[u8] = b" \"}\n\n";

/// Appends one event, `data: <compact json>\n\n`, to `buf`.
pub fn write_event(buf: &mut BytesMut, event: &impl Serialize) {
    buf.extend_from_slice(DATA_PREFIX);
    serde_json::to_writer((&mut *buf).writer(), event)
        .expect("the stream event types serialize to memory without error");
    buf.extend_from_slice(EVENT_END);
}

/// One event as its own chunk.
pub fn event_bytes(event: &impl Serialize) -> Bytes {
    let mut buf = BytesMut::with_capacity(128);
    write_event(&mut buf, event);
    buf.freeze()
}

/// Appends the benchmark agent's text event `{"type":"text","delta":"t<micros> "}`
/// without going through serde: the same bytes [`write_event`] would produce.
pub fn write_bench_text(buf: &mut BytesMut, unix_micros: u64) {
    buf.extend_from_slice(BENCH_HEAD);
    write_decimal(buf, unix_micros);
    buf.extend_from_slice(BENCH_TAIL);
}

/// Appends `n` in decimal.
fn write_decimal(buf: &mut BytesMut, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[start..]);
}

/// A `200 text/event-stream` response whose body is every chunk received on `chunks`,
/// ending when the producer drops its sender or when the server shuts down. When the
/// client goes away the body is dropped, so the producer's next send fails and it stops.
pub fn stream_response(chunks: mpsc::Receiver<Bytes>, shutdown: ShutdownSignal) -> Response {
    let body = futures_util::stream::unfold(chunks, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
    })
    .take_until(shutdown.wait());
    (
        [
            (CONTENT_TYPE, "text/event-stream"),
            (CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_is_one_data_line_with_type_first() {
        let b = event_bytes(&Typed(&json!({"type": "text", "delta": "a \"b\"\n"})));
        assert_eq!(
            &b[..],
            b"data: {\"type\":\"text\",\"delta\":\"a \\\"b\\\"\\n\"}\n\n"
        );
    }

    #[test]
    fn bench_bytes_match_the_serde_form() {
        for micros in [0u64, 7, 1_712_345_678_901_234, u64::MAX] {
            let mut fast = BytesMut::new();
            write_bench_text(&mut fast, micros);
            let delta = format!("t{micros} ");
            let slow = event_bytes(&Typed(&json!({"type": "text", "delta": delta})));
            assert_eq!(&fast[..], &slow[..]);
        }
    }
}
