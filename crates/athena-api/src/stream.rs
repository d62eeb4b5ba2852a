//! Streams of SSE events: the connection (with retries before it starts), the parser,
//! the silence limit, and the contract's end-of-stream rules.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use crate::client::describe;
use crate::error::truncate;
use crate::events::decode_event;
use crate::sse::SseParser;
use crate::{ApiError, ExecutionEvent, ResponseMeta};

/// The future that opens a stream: sends the request (retrying before any response)
/// and checks that the answer is an event stream.
pub(crate) type Connect =
    Pin<Box<dyn Future<Output = Result<reqwest::Response, ApiError>> + Send + 'static>>;

/// Decodes one SSE event (`event_type`, `data`) into a typed event.
pub(crate) type Decoder<T> = fn(&str, &str) -> Result<T, ApiError>;

/// What the source produced next.
pub(crate) enum Step<T> {
    /// A decoded event (or its decode error; the stream goes on).
    Event(Result<T, ApiError>),
    /// The stream never started: HTTP error, transport failure, timeout.
    NotStarted(ApiError),
    /// The stream had started and then stopped: end of file, reset or the silence limit.
    Stopped(String),
    /// One event exceeded the size limit.
    TooLarge(ApiError),
}

enum State {
    Connecting(Connect),
    Open(BoxStream<'static, reqwest::Result<Bytes>>),
    Closed,
}

/// A connection plus parser, producing typed events in order.
pub(crate) struct EventSource<T> {
    state: State,
    parser: SseParser,
    decode: Decoder<T>,
    /// How long the open body may deliver nothing before the stream is given up.
    silence_limit: Duration,
    queue: VecDeque<Result<T, ApiError>>,
    failure: Option<ApiError>,
    pub(crate) meta: Option<ResponseMeta>,
}

impl<T> EventSource<T> {
    pub(crate) fn new(
        connect: Connect,
        decode: Decoder<T>,
        silence_limit: Duration,
        max_event_bytes: usize,
    ) -> Self {
        Self {
            state: State::Connecting(connect),
            parser: SseParser::new(max_event_bytes),
            decode,
            silence_limit,
            queue: VecDeque::new(),
            failure: None,
            meta: None,
        }
    }

    /// The next step; after `NotStarted`, `Stopped` or `TooLarge` the source is closed
    /// and returns `Stopped` again.
    pub(crate) async fn next(&mut self) -> Step<T> {
        loop {
            if let Some(event) = self.queue.pop_front() {
                return Step::Event(event);
            }
            if let Some(err) = self.failure.take() {
                return Step::TooLarge(err);
            }
            match &mut self.state {
                State::Closed => return Step::Stopped("the stream is closed".into()),
                State::Connecting(connect) => match connect.await {
                    Ok(response) => {
                        self.meta = Some(ResponseMeta::from_headers(response.headers()));
                        self.state = State::Open(response.bytes_stream().boxed());
                    }
                    Err(err) => {
                        self.state = State::Closed;
                        return Step::NotStarted(err);
                    }
                },
                State::Open(body) => {
                    let chunk = match tokio::time::timeout(self.silence_limit, body.next()).await {
                        Ok(Some(Ok(chunk))) => chunk,
                        Ok(Some(Err(err))) => return self.stop(describe(&err)),
                        Ok(None) => return self.stop("the connection closed".into()),
                        Err(_) => {
                            let cause = format!(
                                "nothing arrived for {:?} (the silence limit)",
                                self.silence_limit
                            );
                            return self.stop(cause);
                        }
                    };
                    let (queue, decode) = (&mut self.queue, self.decode);
                    if let Err(too_large) = self
                        .parser
                        .feed(&chunk, |t, d| queue.push_back(decode(t, d)))
                    {
                        // Events completed before the oversized one are delivered first.
                        self.state = State::Closed;
                        self.failure = Some(ApiError::EventTooLarge {
                            limit: too_large.limit,
                        });
                    }
                }
            }
        }
    }

    fn stop(&mut self, cause: String) -> Step<T> {
        // Dropping the body closes the connection; a partial event is dropped.
        self.state = State::Closed;
        Step::Stopped(cause)
    }
}

/// Checks that a success answer is `text/event-stream`.
///
/// # Errors
/// [`ApiError::UnexpectedContentType`] with the start of the body otherwise.
pub(crate) async fn expect_event_stream(
    response: reqwest::Response,
    secret: &str,
) -> Result<reqwest::Response, ApiError> {
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("text/event-stream") {
        return Ok(response);
    }
    let status = response.status().as_u16();
    let (_, raw) = crate::client::read_error_body(response, secret).await;
    Err(ApiError::UnexpectedContentType {
        status,
        content_type,
        expected: "text/event-stream",
        raw: truncate(&raw, 4096),
    })
}

/// The events of one streaming execution, in order.
///
/// It ends as the contract's "End of stream" says: after `final` or `error` (end of
/// file there is normal; nothing after them is read), or with
/// [`ApiError::StreamEndedEarly`] (carrying the execution id) when the connection ends,
/// breaks or stays silent past [`crate::ClientConfig::silence_limit`] before them; a
/// partial last event is dropped. An event that cannot be read is an
/// [`ApiError::Decode`] item and the stream goes on; a `final` that cannot be read
/// still ends it ([`crate::FinalEvent::undecoded`]). A suspended
/// execution ends with `final` of status `awaiting_client_tool`. Retries happen only
/// before the stream started; once it started it is never re-sent. Dropping the stream
/// closes the HTTP request at once, even when the server is idle.
pub struct ExecutionStream {
    source: EventSource<ExecutionEvent>,
    idempotency_key: String,
    execution_id: Option<String>,
    done: bool,
}

impl std::fmt::Debug for ExecutionStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecutionStream")
            .field("execution_id", &self.execution_id)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl ExecutionStream {
    pub(crate) fn new(
        connect: Connect,
        silence_limit: Duration,
        max_event_bytes: usize,
        idempotency_key: String,
    ) -> Self {
        Self {
            source: EventSource::new(connect, decode_event, silence_limit, max_event_bytes),
            idempotency_key,
            execution_id: None,
            done: false,
        }
    }

    /// The `Idempotency-Key` this execution was sent with (empty for a resumed stream,
    /// which is not an execute call).
    pub fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }

    /// The response headers, once the server has answered.
    pub fn meta(&self) -> Option<&ResponseMeta> {
        self.source.meta.as_ref()
    }

    /// The server's execution id, once `start` has arrived.
    pub fn execution_id(&self) -> Option<&str> {
        self.execution_id.as_deref()
    }

    /// The next event; `None` once the stream has ended. After an error item that
    /// ends the stream (anything but [`ApiError::Decode`]), the next call is `None`.
    pub async fn next(&mut self) -> Option<Result<ExecutionEvent, ApiError>> {
        if self.done {
            return None;
        }
        match self.source.next().await {
            Step::Event(event) => {
                match &event {
                    Ok(ExecutionEvent::Start { execution_id }) => {
                        self.execution_id = Some(execution_id.clone());
                    }
                    Ok(e) if e.is_terminal() => self.done = true,
                    _ => {}
                }
                Some(event)
            }
            Step::NotStarted(err) | Step::TooLarge(err) => {
                self.done = true;
                Some(Err(err))
            }
            Step::Stopped(cause) => {
                self.done = true;
                Some(Err(ApiError::StreamEndedEarly {
                    execution_id: self.execution_id.clone(),
                    cause,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::mpsc;
    use tokio::time::{Instant, sleep};

    use super::*;
    use crate::{ApiKey, ClientConfig};

    const START: &str = "data: {\"type\":\"start\",\"execution_id\":\"execution:s\"}\n\n";
    const FINAL: &str = "data: {\"type\":\"final\",\"status\":\"completed\"}\n\n";

    /// A stream over an in-memory body: what the test sends on the channel arrives as
    /// bytes, when it sends it (on the paused test clock).
    fn stream_with_limit(silence_limit: Duration) -> (ExecutionStream, mpsc::Sender<&'static str>) {
        let (tx, rx) = mpsc::channel(8);
        let chunks =
            futures_util::stream::unfold(rx, |mut rx: mpsc::Receiver<&'static str>| async move {
                let chunk = rx.recv().await?;
                Some((
                    Ok::<_, std::io::Error>(Bytes::from_static(chunk.as_bytes())),
                    rx,
                ))
            });
        let response = http::Response::builder()
            .header("content-type", "text/event-stream")
            .body(reqwest::Body::wrap_stream(chunks))
            .expect("response");
        let response = reqwest::Response::from(response);
        let stream = ExecutionStream::new(
            Box::pin(async move { Ok(response) }),
            silence_limit,
            1 << 20,
            String::new(),
        );
        (stream, tx)
    }

    fn default_silence_limit() -> Duration {
        ClientConfig::new("http://127.0.0.1:9", ApiKey::new("eak_k"), "workspace:w").silence_limit
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_silent_for_61_s_goes_on() {
        let (mut stream, tx) = stream_with_limit(default_silence_limit());
        tokio::spawn(async move {
            tx.send(START).await.expect("send");
            // Longer than the old 60 s idle timeout: a long tool node, say.
            sleep(Duration::from_secs(61)).await;
            tx.send(FINAL).await.expect("send");
        });
        let began = Instant::now();
        assert!(matches!(
            stream.next().await,
            Some(Ok(ExecutionEvent::Start { .. }))
        ));
        let next = stream.next().await;
        assert!(
            matches!(next, Some(Ok(ExecutionEvent::Final(_)))),
            "{next:?}"
        );
        assert!(began.elapsed() >= Duration::from_secs(61));
        assert!(stream.next().await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_silent_past_the_limit_ends_early_with_its_id() {
        let limit = default_silence_limit();
        assert_eq!(limit, Duration::from_secs(600));
        let (mut stream, tx) = stream_with_limit(limit);
        tokio::spawn(async move {
            tx.send(START).await.expect("send");
            sleep(limit + Duration::from_secs(1)).await;
            let _ = tx.send(FINAL).await;
        });
        assert!(matches!(
            stream.next().await,
            Some(Ok(ExecutionEvent::Start { .. }))
        ));
        let began = Instant::now();
        let Some(Err(ApiError::StreamEndedEarly {
            execution_id,
            cause,
        })) = stream.next().await
        else {
            panic!("not ended early")
        };
        assert_eq!(began.elapsed(), limit, "given up exactly at the limit");
        assert_eq!(execution_id.as_deref(), Some("execution:s"));
        assert!(cause.contains("silence limit"), "{cause}");
        assert!(stream.next().await.is_none());
    }
}
