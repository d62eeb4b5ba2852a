//! Running one execution: a task that produces the stream's events into a channel.
//!
//! The task stops as soon as a send fails (the client went away or the server stopped).
//! [assumed] Credits are charged when `final` is produced; an execution abandoned
//! before that is not charged.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::agents::{AgentKind, scripted_reply, split_deltas};
use crate::billing::Usage;
use crate::events::{ExecutionStatus, Output, StreamEvent};
use crate::sse::{event_bytes, write_bench_text};
use crate::state::AppState;

/// Chunks buffered between the producer and the connection. Small, so the benchmark
/// agent's timestamps are taken close to when the client can read them.
const CHANNEL_CAPACITY: usize = 4;

/// Benchmark events written into one chunk.
pub const BENCH_EVENTS_PER_CHUNK: u64 = 64;

/// Bytes reserved per benchmark event (an event is about 55 bytes).
const BENCH_EVENT_BYTES: usize = 64;

/// What an execution will do.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Stream the scripted reply of a text agent, word by word.
    Scripted {
        /// Demo chat or echo.
        kind: AgentKind,
        /// The validated user message.
        message: String,
    },
    /// Stream `count` timestamped text events as fast as possible.
    Bench {
        /// Number of text events.
        count: u64,
        /// The validated user message (for input token accounting).
        message: String,
    },
}

/// The client went away (or the server stopped): the producer must stop.
struct Closed;

/// Starts the execution on its own task; returns the receiving end of its SSE chunks.
/// `started` is when the request arrived, for `latency_ms`.
pub fn spawn(state: Arc<AppState>, plan: Plan, started: Instant) -> mpsc::Receiver<Bytes> {
    let (tx, rx) = mpsc::channel(CHANNEL_CAPACITY);
    tokio::spawn(async move {
        let run = Run {
            tx,
            state,
            started,
            execution_id: format!("execution:{}", Uuid::new_v4()),
        };
        let outcome = match plan {
            Plan::Scripted { kind, message } => run.scripted(kind, &message).await,
            Plan::Bench { count, message } => run.bench(count, &message).await,
        };
        if outcome.is_err() {
            tracing::debug!("execution stream closed by the client before its end");
        }
    });
    rx
}

/// One running execution.
struct Run {
    tx: mpsc::Sender<Bytes>,
    state: Arc<AppState>,
    started: Instant,
    execution_id: String,
}

impl Run {
    /// `start`, one `text` per word (paced by the token delay), `final`.
    async fn scripted(&self, kind: AgentKind, message: &str) -> Result<(), Closed> {
        self.send_start().await?;
        let text = scripted_reply(kind, message);
        let delay = self.state.token_delay;
        let mut deltas = 0u64;
        for delta in split_deltas(&text) {
            if deltas > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            self.send(event_bytes(&StreamEvent::Text { delta })).await?;
            deltas += 1;
        }
        self.send_final(message, &text, deltas).await
    }

    /// `start`, `count` text events `t<unix micros> ` in chunks of
    /// [`BENCH_EVENTS_PER_CHUNK`], `final` with empty text.
    async fn bench(&self, count: u64, message: &str) -> Result<(), Closed> {
        self.send_start().await?;
        let chunk_bytes = BENCH_EVENTS_PER_CHUNK as usize * BENCH_EVENT_BYTES;
        let mut buf = BytesMut::with_capacity(chunk_bytes);
        let mut sent = 0u64;
        while sent < count {
            let n = BENCH_EVENTS_PER_CHUNK.min(count - sent);
            buf.reserve(chunk_bytes);
            for _ in 0..n {
                write_bench_text(&mut buf, unix_micros());
            }
            sent += n;
            self.send(buf.split().freeze()).await?;
        }
        self.send_final(message, "", count).await
    }

    async fn send_start(&self) -> Result<(), Closed> {
        self.send(event_bytes(&StreamEvent::Start {
            execution_id: &self.execution_id,
        }))
        .await
    }

    /// Charges the execution, then sends `final`.
    async fn send_final(&self, message: &str, text: &str, deltas: u64) -> Result<(), Closed> {
        let usage = Usage::for_message(message, deltas);
        let cost = usage.cost_microdollars();
        self.state.ledger.charge(cost);
        let message_id = format!("message:{}", Uuid::new_v4());
        let latency_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.send(event_bytes(&StreamEvent::Final {
            status: ExecutionStatus::Completed,
            output: Output {
                text,
                usage,
                cost_microdollars: cost,
            },
            latency_ms,
            message_id: &message_id,
        }))
        .await
    }

    async fn send(&self, chunk: Bytes) -> Result<(), Closed> {
        self.tx.send(chunk).await.map_err(|_| Closed)
    }
}

/// Now, in microseconds since the Unix epoch (0 if the clock is before it).
fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}
