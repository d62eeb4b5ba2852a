//! Starting executions on their own tasks: the benchmark agent's fast path and the
//! general script player.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::BytesMut;
use serde_json::json;

use crate::runner::{self, Exec, Sink};
use crate::script::Script;
use crate::sse::{SseSink, write_bench_text};
use crate::state::AppState;

/// Benchmark events written into one chunk.
pub const BENCH_EVENTS_PER_CHUNK: u64 = 64;

/// Bytes reserved per benchmark event (an event is about 55 bytes).
const BENCH_EVENT_BYTES: usize = 64;

/// Plays `script` for `exec` into `sink` on its own task.
pub fn spawn_script(state: Arc<AppState>, exec: Exec, script: Script, sink: SseSink) {
    tokio::spawn(async move {
        let mut sink = Sink::Sse(sink);
        if runner::play(&state, exec, script, &mut sink).await.is_err() {
            tracing::debug!("execution stream closed before its end");
        }
    });
}

/// The benchmark agent without faults: `start`, `count` text events `t<unix micros> `
/// in chunks of [`BENCH_EVENTS_PER_CHUNK`] written without serde, `final` with empty
/// text. Charged like any execution.
pub fn spawn_bench(state: Arc<AppState>, mut exec: Exec, count: u64, mut sink: SseSink) {
    tokio::spawn(async move {
        let run = async {
            sink.event(&json!({"type": "start", "execution_id": exec.execution_id}))
                .await?;
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
                sink.raw(buf.split().freeze()).await?;
            }
            exec.output_tokens = count;
            let mut sink = Sink::Sse(sink);
            runner::play_end_only(&state, exec, &mut sink).await
        };
        if run.await.is_err() {
            tracing::debug!("benchmark stream closed before its end");
        }
    });
}

/// A script of `count` benchmark text events (used when faults are on).
pub fn bench_script(count: u64) -> Script {
    let mut s = Script::new();
    for _ in 0..count {
        s.event(json!({"type": "text", "delta": format!("t{} ", unix_micros())}));
    }
    s
}

/// Now, in microseconds since the Unix epoch (0 if the clock is before it).
fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}
