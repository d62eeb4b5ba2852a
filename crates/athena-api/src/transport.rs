//! eventsource-client's HTTP transport, implemented over reqwest, so the app has one
//! HTTP and TLS stack (system proxy, OS trust store) for plain calls and streams.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use launchdarkly_sdk_transport::{
    ByteStream, HttpTransport, Request, ResponseFuture, TransportError,
};
use sync_wrapper::{SyncFuture, SyncStream};

/// Carries requests of the SSE layer over the client's `reqwest::Client`.
#[derive(Debug, Clone)]
pub(crate) struct ReqwestTransport {
    pub(crate) http: reqwest::Client,
    pub(crate) max_event_bytes: usize,
}

impl HttpTransport for ReqwestTransport {
    fn request(&self, request: Request<Option<Bytes>>) -> ResponseFuture {
        let (mut parts, body) = request.into_parts();
        if let Some(key) = parts.headers.get_mut("x-api-key") {
            // Keeps the key out of any Debug print of the request.
            key.set_sensitive(true);
        }
        let mut builder = self
            .http
            .request(parts.method, parts.uri.to_string())
            .headers(parts.headers);
        if let Some(body) = body {
            builder = builder.body(body);
        }
        let max_event_bytes = self.max_event_bytes;
        // reqwest's futures are Send but not Sync; the SSE layer asks for both, and
        // SyncFuture/SyncStream give Sync safely by only allowing `&mut` access.
        Box::pin(SyncFuture::new(async move {
            let response = builder.send().await.map_err(TransportError::new)?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = EventSizeLimit::new(
                response.bytes_stream().map_err(TransportError::new),
                max_event_bytes,
            );
            let body: ByteStream = Box::pin(SyncStream::new(body));
            let mut out = http::Response::new(body);
            *out.status_mut() = status;
            *out.headers_mut() = headers;
            Ok(out)
        }))
    }
}

/// The error the size limit raises inside the byte stream.
#[derive(Debug, thiserror::Error)]
#[error("an event exceeded {limit} bytes")]
pub(crate) struct EventTooLarge {
    pub(crate) limit: usize,
}

/// Passes bytes through while counting the bytes of the current SSE event (since the
/// last blank line); fails the stream once one event exceeds the limit. The parser of
/// eventsource-client buffers an event whole, so this bounds its memory.
pub(crate) struct EventSizeLimit<S> {
    inner: S,
    limit: usize,
    event_len: usize,
    line_len: usize,
    after_cr: bool,
    failed: bool,
}

impl<S> EventSizeLimit<S> {
    pub(crate) fn new(inner: S, limit: usize) -> Self {
        Self {
            inner,
            limit,
            event_len: 0,
            line_len: 0,
            after_cr: false,
            failed: false,
        }
    }

    /// Advances the line/event counters over a chunk; false once the limit is broken.
    fn count_chunk(&mut self, chunk: &[u8]) -> bool {
        for &byte in chunk {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\r' | b'\n' => {
                    if self.line_len == 0 {
                        self.event_len = 0;
                    }
                    self.line_len = 0;
                    self.after_cr = byte == b'\r';
                }
                _ => {
                    self.after_cr = false;
                    self.line_len += 1;
                    self.event_len += 1;
                }
            }
        }
        self.event_len <= self.limit
    }
}

impl<S> Stream for EventSizeLimit<S>
where
    S: Stream<Item = Result<Bytes, TransportError>> + Unpin,
{
    type Item = Result<Bytes, TransportError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.failed {
            return Poll::Ready(None);
        }
        match self.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if self.count_chunk(&chunk) {
                    Poll::Ready(Some(Ok(chunk)))
                } else {
                    self.failed = true;
                    let limit = self.limit;
                    Poll::Ready(Some(Err(TransportError::new(EventTooLarge { limit }))))
                }
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_all(limit: usize, chunks: &[&[u8]]) -> bool {
        let mut counter = EventSizeLimit::new(
            futures_util::stream::empty::<Result<Bytes, TransportError>>(),
            limit,
        );
        chunks.iter().all(|c| counter.count_chunk(c))
    }

    #[test]
    fn counts_per_event_across_every_line_ending() {
        // Two 6-byte events, each within a 10-byte limit, in LF, CR and CRLF forms.
        for sep in [&b"\n"[..], b"\r", b"\r\n"] {
            let mut stream = Vec::new();
            for _ in 0..2 {
                stream.extend_from_slice(b"data:x");
                stream.extend_from_slice(sep);
                stream.extend_from_slice(sep);
            }
            assert!(scan_all(10, &[&stream]), "{sep:?}");
        }
        // One event of two lines (12 bytes) breaks a 10-byte limit even split in chunks.
        assert!(!scan_all(10, &[b"data:x\r", b"\ndata:y\n"]));
    }
}
