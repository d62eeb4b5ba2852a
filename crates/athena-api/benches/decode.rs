//! SSE decode throughput: a generated 32 MiB stream of small `text` events, fed in
//! 16 KiB chunks, decoded into `ExecutionEvent`s by athena-api, and by the decoders
//! other Rust LLM clients use (`eventsource-stream`, `sse-stream`, each followed by the
//! same JSON decoding), and eventsource-client's parser alone (no JSON: the ceiling of
//! the parser this crate was built on first).
//!
//! Prints `BENCH\tathena_api_decode\t<figure>\t<value>\t<unit>` lines for
//! `cargo xtask bench`, then runs Criterion briefly on the same inputs.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::hint::black_box;
use std::time::{Duration, Instant};

use athena_api::events::decode_event;
use athena_api::sse::SseParser;
use bytes::Bytes;
use criterion::{Criterion, Throughput};
use futures_util::StreamExt;

const TOTAL: usize = 32 * 1024 * 1024;
const CHUNK: usize = 16 * 1024;
const MAX_EVENT: usize = 4 * 1024 * 1024;

/// A deterministic recording: `start`, then `text` deltas of one word and a space, as
/// LLM streams send them, then `final`.
fn recording() -> (Vec<u8>, usize) {
    const WORDS: &[&str] = &[
        "the", "agent", "streams", "its", "answer", "token", "by", "token,", "and", "Athena",
        "relays", "each", "delta", "as", "one", "event;", "données", "数据", "🙂", "quickly",
    ];
    let mut out = Vec::with_capacity(TOTAL + 1024);
    out.extend_from_slice(b"data: {\"type\":\"start\",\"execution_id\":\"execution:bench\"}\n\n");
    let mut events = 1;
    let mut state: u32 = 0x1234_5678;
    while out.len() < TOTAL - 512 {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let word = WORDS[(state >> 16) as usize % WORDS.len()];
        out.extend_from_slice(b"data: {\"type\":\"text\",\"delta\":\"");
        out.extend_from_slice(word.as_bytes());
        out.extend_from_slice(b" \"}\n\n");
        events += 1;
    }
    out.extend_from_slice(b"data: {\"type\":\"final\",\"status\":\"completed\",\"output\":{\"text\":\"\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"total_tokens\":3},\"cost_microdollars\":1},\"latency_ms\":1}\n\n");
    (out, events + 1)
}

fn chunks(bytes: &[u8]) -> Vec<Bytes> {
    bytes.chunks(CHUNK).map(Bytes::copy_from_slice).collect()
}

/// athena-api: its parser and decoder, as the live stream runs them.
fn ours(chunks: &[Bytes]) -> usize {
    let mut parser = SseParser::new(MAX_EVENT);
    let mut n = 0;
    for chunk in chunks {
        parser
            .feed(chunk, |t, d| {
                black_box(decode_event(t, d).unwrap());
                n += 1;
            })
            .unwrap();
    }
    n
}

fn eventsource_stream(rt: &tokio::runtime::Runtime, chunks: &[Bytes]) -> usize {
    use eventsource_stream::Eventsource;
    rt.block_on(async {
        let stream = futures_util::stream::iter(chunks.iter().cloned().map(Ok::<_, Infallible>));
        let mut events = stream.eventsource();
        let mut n = 0;
        while let Some(event) = events.next().await {
            let event = event.unwrap();
            black_box(decode_event(&event.event, &event.data).unwrap());
            n += 1;
        }
        n
    })
}

fn sse_stream(rt: &tokio::runtime::Runtime, chunks: &[Bytes]) -> usize {
    rt.block_on(async {
        let stream =
            futures_util::stream::iter(chunks.iter().cloned().map(Ok::<_, std::io::Error>));
        let mut events = sse_stream::SseStream::from_bytes_stream(stream);
        let mut n = 0;
        while let Some(event) = events.next().await {
            let event = event.unwrap();
            if let Some(data) = &event.data {
                let kind = event.event.as_deref().unwrap_or("message");
                black_box(decode_event(kind, data).unwrap());
                n += 1;
            }
        }
        n
    })
}

/// eventsource-client's parser through its client over an in-memory transport (its
/// parser is not public), no JSON.
#[derive(Clone)]
struct MemoryTransport(std::sync::Arc<Vec<Bytes>>);

impl launchdarkly_sdk_transport::HttpTransport for MemoryTransport {
    fn request(
        &self,
        _request: http::Request<Option<Bytes>>,
    ) -> launchdarkly_sdk_transport::ResponseFuture {
        let chunks = self.0.clone();
        Box::pin(async move {
            let body: launchdarkly_sdk_transport::ByteStream = Box::pin(
                futures_util::stream::iter((0..chunks.len()).map(move |i| Ok(chunks[i].clone()))),
            );
            Ok(http::Response::new(body))
        })
    }
}

fn eventsource_client_parser(rt: &tokio::runtime::Runtime, chunks: &[Bytes]) -> usize {
    use eventsource_client::{Client, ClientBuilder, ReconnectOptions, SSE};
    let transport = MemoryTransport(std::sync::Arc::new(chunks.to_vec()));
    let client = ClientBuilder::for_url("http://bench.invalid/")
        .unwrap()
        .reconnect(ReconnectOptions::reconnect(false).build())
        .build_with_transport(transport);
    rt.block_on(async {
        let mut stream = client.stream();
        let mut n = 0;
        while let Some(item) = stream.next().await {
            match item {
                Ok(SSE::Event(event)) => {
                    black_box(event);
                    n += 1;
                }
                Ok(_) => {}
                Err(_) => break, // end of stream
            }
        }
        n
    })
}

/// Median seconds of `runs` runs.
fn time(runs: usize, mut f: impl FnMut() -> usize, expected: usize, name: &str) -> f64 {
    let mut secs: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let n = f();
            let elapsed = start.elapsed().as_secs_f64();
            assert_eq!(n, expected, "{name} decoded a different number of events");
            elapsed
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    secs[runs / 2]
}

fn main() {
    let (bytes, events) = recording();
    let chunks = chunks(&bytes);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mb = bytes.len() as f64 / 1e6;
    println!(
        "input: {:.1} MiB, {events} events, {} chunks of {CHUNK} bytes",
        bytes.len() as f64 / (1024.0 * 1024.0),
        chunks.len()
    );

    let runs = 5;
    let figures = [
        (
            "athena_api",
            time(runs, || ours(&chunks), events, "athena_api"),
        ),
        (
            "eventsource_stream_json",
            time(
                runs,
                || eventsource_stream(&rt, &chunks),
                events,
                "eventsource-stream",
            ),
        ),
        (
            "sse_stream_json",
            time(runs, || sse_stream(&rt, &chunks), events, "sse-stream"),
        ),
        (
            "eventsource_client_parser_only",
            time(
                runs,
                || eventsource_client_parser(&rt, &chunks),
                events,
                "eventsource-client",
            ),
        ),
    ];
    let ours_secs = figures[0].1;
    for (name, secs) in figures {
        println!(
            "BENCH\tathena_api_decode\t{name}_throughput\t{:.1}\tMB/s",
            mb / secs
        );
        println!(
            "BENCH\tathena_api_decode\t{name}_events\t{:.0}\tevents/s",
            events as f64 / secs
        );
        if name != "athena_api" {
            println!(
                "BENCH\tathena_api_decode\tspeedup_vs_{name}\t{:.2}\tx",
                secs / ours_secs
            );
        }
    }
    // Where athena-api's time goes: the parser alone (no JSON).
    let parser_only = time(
        runs,
        || {
            let mut parser = SseParser::new(MAX_EVENT);
            let mut n = 0;
            for chunk in &chunks {
                parser
                    .feed(chunk, |_, d| {
                        black_box(d);
                        n += 1;
                    })
                    .unwrap();
            }
            n
        },
        events,
        "parser only",
    );
    println!(
        "BENCH\tathena_api_decode\tathena_api_parser_only_throughput\t{:.1}\tMB/s",
        mb / parser_only
    );

    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut group = criterion.benchmark_group("decode_32MiB_16KiB_chunks");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("athena_api", |b| b.iter(|| ours(&chunks)));
    group.bench_function("eventsource_stream+json", |b| {
        b.iter(|| eventsource_stream(&rt, &chunks))
    });
    group.bench_function("sse_stream+json", |b| b.iter(|| sse_stream(&rt, &chunks)));
    group.bench_function("eventsource_client_parser_only", |b| {
        b.iter(|| eventsource_client_parser(&rt, &chunks))
    });
    group.finish();
    criterion.final_summary();
}
