//! Load benchmark of the emulator on loopback, so it is never the bottleneck of the
//! app's benchmarks (issue: >= 50,000 text events/s to one client; 200 concurrent
//! streams all served).
//!
//! (a) one client reads `agent:bench` streams of N text events: text events per second;
//! (b) 200 clients each read a stream at the same time: all must complete; total text
//!     events per second and p99 stream completion time.
//! Figures are printed as `BENCH<TAB>athena_emulator_load<TAB>figure<TAB>value<TAB>unit`.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use athena_emulator::{BENCH_ID, Emulator, EmulatorConfig, EmulatorHandle};
use futures_util::StreamExt;

const BENCH: &str = "athena_emulator_load";
/// Text events of the single-stream run.
const SINGLE_N: u64 = 1_000_000;
/// Concurrent streams.
const STREAMS: usize = 200;
/// Text events per concurrent stream.
const PER_STREAM: u64 = 5_000;
/// Budget of the single-stream rate.
const BUDGET_EVENTS_PER_S: f64 = 50_000.0;

fn figure(name: &str, value: impl std::fmt::Display, unit: &str) {
    println!("BENCH\t{BENCH}\t{name}\t{value}\t{unit}");
}

/// Streams `n` benchmark events; returns the text events counted.
async fn one_stream(http: &reqwest::Client, server: &EmulatorHandle, n: u64) -> u64 {
    let response = http
        .post(format!(
            "{}/agents/{BENCH_ID}/execute/stream",
            server.base_url()
        ))
        .header("X-API-Key", server.api_key())
        .header("X-Workspace-Id", server.workspace_id())
        .json(&serde_json::json!({"message": n.to_string()}))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let (mut events, mut tail_newline, mut last) = (0u64, false, Vec::new());
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("body chunk");
        for &b in chunk.iter() {
            if b == b'\n' {
                if tail_newline {
                    events += 1;
                }
                tail_newline = !tail_newline;
            } else {
                tail_newline = false;
            }
        }
        last = chunk.to_vec();
    }
    let tail = String::from_utf8_lossy(&last);
    assert!(tail.contains("\"type\":\"final\""), "stream completed");
    events - 2 // start and final
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let server = Emulator::start(EmulatorConfig::default())
            .await
            .expect("emulator starts");
        let http = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(STREAMS)
            .build()
            .expect("client");

        eprintln!("warming up");
        one_stream(&http, &server, 50_000).await;

        eprintln!("(a) one client, {SINGLE_N} text events");
        let t = Instant::now();
        let got = one_stream(&http, &server, SINGLE_N).await;
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(got, SINGLE_N);
        let rate = SINGLE_N as f64 / secs;
        figure(
            "single_stream_text_events_per_s",
            format!("{rate:.0}"),
            "events/s",
        );
        figure(
            "single_stream_budget_ratio",
            format!("{:.1}", rate / BUDGET_EVENTS_PER_S),
            "x 50k/s",
        );

        eprintln!("(b) {STREAMS} concurrent streams of {PER_STREAM} text events");
        let t = Instant::now();
        let tasks: Vec<_> = (0..STREAMS)
            .map(|_| {
                let http = http.clone();
                let server_url = server.base_url();
                let key = server.api_key().to_owned();
                let workspace = server.workspace_id().to_owned();
                tokio::spawn(async move {
                    let start = Instant::now();
                    let response = http
                        .post(format!("{server_url}/agents/{BENCH_ID}/execute/stream"))
                        .header("X-API-Key", key)
                        .header("X-Workspace-Id", workspace)
                        .json(&serde_json::json!({"message": PER_STREAM.to_string()}))
                        .send()
                        .await
                        .expect("request sent");
                    let body = response.bytes().await.expect("body");
                    let events = body.windows(2).filter(|w| w == b"\n\n").count() as u64;
                    let complete = body.ends_with(b"}\n\n")
                        && String::from_utf8_lossy(&body[body.len().saturating_sub(400)..])
                            .contains("\"type\":\"final\"");
                    (start.elapsed(), events.saturating_sub(2), complete)
                })
            })
            .collect();
        let mut times: Vec<Duration> = Vec::with_capacity(STREAMS);
        let (mut total_events, mut completed) = (0u64, 0usize);
        for task in tasks {
            let (elapsed, events, complete) = task.await.expect("stream task");
            times.push(elapsed);
            total_events += events;
            completed += usize::from(complete && events == PER_STREAM);
        }
        let wall = t.elapsed().as_secs_f64();
        times.sort();
        let p99 = times[(times.len() * 99).div_ceil(100) - 1];
        figure(
            "concurrent_streams_completed",
            format!("{completed}/{STREAMS}"),
            "streams",
        );
        figure(
            "concurrent_total_text_events_per_s",
            format!("{:.0}", total_events as f64 / wall),
            "events/s",
        );
        figure(
            "concurrent_p99_stream_completion",
            format!("{:.1}", p99.as_secs_f64() * 1e3),
            "ms",
        );
        assert_eq!(completed, STREAMS, "every concurrent stream completed");
        assert!(
            rate >= BUDGET_EVENTS_PER_S,
            "single stream below 50,000 events/s: {rate:.0}"
        );
        server.stop().await;
    });
}
