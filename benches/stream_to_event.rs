//! Benchmark: emulator -> athena-api -> athena-core -> emitted Tauri event.
//!
//! DESIGN budget: >= 50,000 text events/s; p99 added latency <= 2 ms before coalescing.
//!
//! The emulator's `agent:bench` streams N text events whose deltas are `t<unix µs> `,
//! stamped when the emulator writes them. Core runs the execution and hands its
//! updates to the app's real sink ([`athena_desktop::update_sink`]), which emits the
//! typed `execution-update` event on a Tauri app (mock runtime, no window). A listener
//! stamps each emitted event on arrival; after the run every token's latency is
//! arrival - stamp.
//!
//! Runs: a reference reading the same stream with plain reqwest (the emulator + HTTP
//! alone); the core path with no coalescing (A) and as shipped, 16 ms frames (B), each
//! on one flood of N events; and 64-event bursts (one emulator chunk per execution).
//! The bench agent never pauses, so during a flood the producer runs ahead of any
//! reader and the flood's latency is mostly the backlog queued in socket buffers (the
//! raw reference shows it too): a throughput figure. The bursts measure what the path
//! adds to an event when nothing is queued ahead of it: the latency budget.
//!
//! Figures are printed as `BENCH<TAB>stream_to_event<TAB>figure<TAB>value<TAB>unit`
//! for `cargo xtask bench`; ratios to the raw reference come from the same run.

use std::fmt::Display;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use athena_api::{ApiKey, AthenaClient, ClientConfig};
use athena_core::{Executions, Workspace};
use athena_desktop::ipc::{ExecutionChange, ExecutionStatus, ExecutionUpdate, Part};
use athena_emulator::{BENCH_ID, Emulator, EmulatorConfig, EmulatorHandle};
use tauri::Listener;
use tauri::test::MockRuntime;
use tokio::sync::mpsc;

const BENCH: &str = "stream_to_event";
/// Text events per measured run.
const N: u64 = 200_000;
/// Text events of the warm-up runs (connections, allocator, caches).
const WARM_UP: u64 = 20_000;
/// Text events per burst: one chunk of the emulator's bench agent.
const BURST: u64 = 64;
/// Bursts measured, one execution each.
const BURSTS: usize = 1_000;
/// The app's frame interval (`FRAME_INTERVAL` in the shell).
const FRAME: Duration = Duration::from_millis(16);
/// The tauri-specta name of `ipc::ExecutionUpdate`.
const EVENT: &str = "execution-update";
/// Longest wait for one run.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
const BUDGET_EVENTS_PER_S: f64 = 50_000.0;
const BUDGET_P99_MS: f64 = 2.0;

type App = tauri::App<MockRuntime>;

fn main() {
    let app = tauri::test::mock_builder()
        .build(tauri::test::mock_context(tauri::test::noop_assets()))
        .expect("the mock Tauri app builds");
    athena_desktop::specta_builder_for::<MockRuntime>().mount_events(&app);
    let (inbox, ended) = Inbox::listen(&app);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let server = Emulator::start(EmulatorConfig::default())
            .await
            .expect("the emulator starts");
        let workspace = workspace(&server);
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("reqwest client");
        let unpaced = executions(&app, Duration::ZERO);
        let framed = executions(&app, FRAME);
        let mut core = CorePath {
            workspace,
            inbox,
            ended,
        };

        eprintln!("warming up ({WARM_UP} events per path)");
        raw_once(&http, &server, WARM_UP).await;
        core.once(&unpaced, WARM_UP).await;

        eprintln!("reference: emulator + HTTP alone, {N} events");
        let raw = raw_once(&http, &server, N).await;
        eprintln!("run A: core path, no coalescing, {N} events");
        let a = core.once(&unpaced, N).await;
        eprintln!("run B: core path, 16 ms frames, {N} events");
        let b = core.once(&framed, N).await;

        eprintln!("bursts: {BURSTS} executions of {BURST} events, raw and core path");
        let mut raw_bursts = Vec::new();
        let mut core_bursts = Vec::new();
        for _ in 0..BURSTS {
            raw_bursts.extend(raw_once(&http, &server, BURST).await.latencies);
            core_bursts.extend(core.once(&unpaced, BURST).await.latencies);
        }

        report(
            &raw,
            &a,
            &b,
            &Latency::of(raw_bursts),
            &Latency::of(core_bursts),
        );
        server.stop().await;
    });
}

fn report(raw: &Run, a: &Run, b: &Run, raw_bursts: &Latency, bursts: &Latency) {
    let ms = "ms";
    let (raw_l, a_l, b_l) = (raw.latency(), a.latency(), b.latency());
    figure(
        "text events/s (emulator + HTTP only)",
        round(raw.rate()),
        "events/s",
    );
    figure(
        "p50 latency (emulator + HTTP only, flood)",
        millis(raw_l.p50),
        ms,
    );
    figure(
        "p99 latency (emulator + HTTP only, flood)",
        millis(raw_l.p99),
        ms,
    );

    figure("text events/s (no coalescing)", round(a.rate()), "events/s");
    figure("Tauri events emitted (no coalescing)", a.emitted, "events");
    figure("p50 latency (no coalescing, flood)", millis(a_l.p50), ms);
    figure("p99 latency (no coalescing, flood)", millis(a_l.p99), ms);
    figure("max latency (no coalescing, flood)", millis(a_l.max), ms);
    figure(
        "events/s ratio core path / raw HTTP (no coalescing)",
        format!("{:.2}", a.rate() / raw.rate()),
        "x",
    );

    figure("text events/s (16 ms frames)", round(b.rate()), "events/s");
    figure("Tauri events emitted (16 ms frames)", b.emitted, "events");
    figure("p50 latency (16 ms frames, flood)", millis(b_l.p50), ms);
    figure("p99 latency (16 ms frames, flood)", millis(b_l.p99), ms);
    figure(
        "events/s ratio core path / raw HTTP (16 ms frames)",
        format!("{:.2}", b.rate() / raw.rate()),
        "x",
    );

    figure(
        "p50 latency (emulator + HTTP only, 64-event bursts)",
        millis(raw_bursts.p50),
        ms,
    );
    figure(
        "p99 latency (emulator + HTTP only, 64-event bursts)",
        millis(raw_bursts.p99),
        ms,
    );
    figure(
        "p50 added latency (no coalescing, 64-event bursts)",
        millis(bursts.p50),
        ms,
    );
    figure(
        "p99 added latency (no coalescing, 64-event bursts)",
        millis(bursts.p99),
        ms,
    );
    figure(
        "max added latency (no coalescing, 64-event bursts)",
        millis(bursts.max),
        ms,
    );
    figure(
        "p99 latency ratio core path / raw HTTP (64-event bursts)",
        format!("{:.2}", bursts.p99 as f64 / raw_bursts.p99.max(1) as f64),
        "x",
    );

    let pass = |ok: bool| if ok { "pass" } else { "FAIL" };
    figure(
        "budget: >= 50000 text events/s (no coalescing)",
        pass(a.rate() >= BUDGET_EVENTS_PER_S),
        &format!("{} events/s", round(a.rate())),
    );
    figure(
        "budget: p99 added latency <= 2 ms (no coalescing, 64-event bursts)",
        pass(bursts.p99 as f64 / 1_000.0 <= BUDGET_P99_MS),
        &format!("{} ms", millis(bursts.p99)),
    );
}

/// One figure, in the form `cargo xtask bench` collects.
fn figure(name: &str, value: impl Display, unit: &str) {
    println!("BENCH\t{BENCH}\t{name}\t{value}\t{unit}");
}

fn round(value: f64) -> u64 {
    value.round() as u64
}

fn millis(micros: u64) -> String {
    format!("{:.3}", micros as f64 / 1_000.0)
}

/// What one execution (or one raw request) measured.
struct Run {
    /// Text events (tokens) delivered.
    events: u64,
    /// From sending the request to the end (Finished emitted, or the body read).
    elapsed: Duration,
    /// Tauri events emitted (core path only).
    emitted: usize,
    /// Per token, arrival - the emulator's stamp, in microseconds.
    latencies: Vec<u64>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.events as f64 / self.elapsed.as_secs_f64()
    }

    fn latency(&self) -> Latency {
        Latency::of(self.latencies.clone())
    }
}

/// Latency percentiles in microseconds.
struct Latency {
    p50: u64,
    p99: u64,
    max: u64,
}

impl Latency {
    fn of(mut micros: Vec<u64>) -> Self {
        assert!(!micros.is_empty(), "no latency measured");
        micros.sort_unstable();
        let at = |q: f64| micros[((micros.len() - 1) as f64 * q).round() as usize];
        Self {
            p50: at(0.50),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

/// The emitted events as the page would receive them, each stamped on arrival.
struct Inbox {
    received: Arc<Mutex<Vec<(u64, String)>>>,
}

impl Inbox {
    /// Listens to `execution-update` on `app`; the receiver gets a message when an
    /// execution's last update (finished or failed) is emitted.
    fn listen(app: &App) -> (Self, mpsc::UnboundedReceiver<()>) {
        let received = Arc::new(Mutex::new(Vec::with_capacity(N as usize + 16)));
        let (tx, rx) = mpsc::unbounded_channel();
        let sink = received.clone();
        app.listen_any(EVENT, move |event| {
            let arrived = unix_micros();
            let payload = event.payload();
            // Bench deltas are `t<digits> ` only, so these cannot occur inside a text.
            let last =
                payload.contains(r#""type":"finished""#) || payload.contains(r#""type":"failed""#);
            sink.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((arrived, payload.to_owned()));
            if last {
                let _ = tx.send(());
            }
        });
        (Self { received }, rx)
    }

    fn take(&self) -> Vec<(u64, String)> {
        std::mem::take(&mut *self.received.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Executions that hand their updates to the app's sink on `app`.
fn executions(app: &App, frame: Duration) -> Executions {
    Executions::new(
        athena_desktop::update_sink(app.handle().clone()),
        frame,
        tokio::runtime::Handle::current(),
    )
}

/// The core path: a workspace on the emulator, and the listener on the app.
struct CorePath {
    workspace: Workspace,
    inbox: Inbox,
    ended: mpsc::UnboundedReceiver<()>,
}

impl CorePath {
    /// Sends `n` to the bench agent through `executions` and the app's sink; waits
    /// for the last emitted update.
    async fn once(&mut self, executions: &Executions, n: u64) -> Run {
        let (workspace, inbox, ended) = (&self.workspace, &self.inbox, &mut self.ended);
        inbox.take();
        let started = Instant::now();
        let handle = executions
            .send(
                workspace,
                athena_core::ExecutionRequest {
                    agent_id: BENCH_ID.into(),
                    message: n.to_string(),
                    variables: None,
                    ..Default::default()
                },
            )
            .expect("core accepts the bench message");
        tokio::time::timeout(RUN_TIMEOUT, ended.recv())
            .await
            .expect("the execution ends in time")
            .expect("the listener is alive");
        let elapsed = started.elapsed();

        let received = inbox.take();
        let emitted = received.len();
        let mut latencies = Vec::with_capacity(n as usize);
        let mut seq = 0;
        let mut finished = false;
        for (arrived, payload) in &received {
            let update: ExecutionUpdate =
                serde_json::from_str(payload).expect("the payload is an ExecutionUpdate");
            assert_eq!(update.handle, handle.as_str(), "one execution at a time");
            assert_eq!(update.seq, seq + 1, "updates arrive in order, none missing");
            seq = update.seq;
            match update.change {
                ExecutionChange::PartAppended { delta, .. }
                | ExecutionChange::PartAdded {
                    part: Part::Text { text: delta },
                } => {
                    for token in delta.split_whitespace() {
                        let stamp: u64 = token
                            .strip_prefix('t')
                            .and_then(|t| t.parse().ok())
                            .unwrap_or_else(|| panic!("bench token is t<micros>: {token:?}"));
                        latencies.push(arrived.saturating_sub(stamp));
                    }
                }
                ExecutionChange::Finished { status, .. } => {
                    assert_eq!(status, ExecutionStatus::Completed);
                    finished = true;
                }
                ExecutionChange::Failed { error } => {
                    panic!("the bench execution failed: {error:?}")
                }
                ExecutionChange::Stopped => panic!("nobody stopped the bench execution"),
                ExecutionChange::Resent | ExecutionChange::FeedbackChanged { .. } => {
                    panic!("nobody resent or rated the bench execution")
                }
                ExecutionChange::Accepted { .. }
                | ExecutionChange::Started { .. }
                | ExecutionChange::PartAdded { .. }
                | ExecutionChange::PartUpdated { .. } => {}
            }
        }
        assert!(finished, "the execution finished");
        assert_eq!(latencies.len() as u64, n, "every text event arrived");
        Run {
            events: n,
            elapsed,
            emitted,
            latencies,
        }
    }
}

/// The reference: the same stream read with plain reqwest, counting `data:` lines.
async fn raw_once(client: &reqwest::Client, server: &EmulatorHandle, n: u64) -> Run {
    let started = Instant::now();
    let mut response = client
        .post(format!(
            "{}/agents/{BENCH_ID}/execute/stream",
            server.base_url()
        ))
        .header("x-api-key", server.api_key())
        .header("x-workspace-id", server.workspace_id())
        .header("content-type", "application/json")
        .body(format!(r#"{{"message":"{n}"}}"#))
        .send()
        .await
        .expect("the emulator answers");
    assert_eq!(response.status(), 200);
    let mut pending: Vec<u8> = Vec::new();
    let mut data_lines = 0u64;
    let mut latencies = Vec::with_capacity(n as usize);
    while let Some(chunk) = response.chunk().await.expect("the body arrives") {
        let arrived = unix_micros();
        pending.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(end) = pending[start..].iter().position(|&b| b == b'\n') {
            let line = &pending[start..start + end];
            if line.starts_with(b"data: ") {
                data_lines += 1;
                if let Some(stamp) = bench_stamp(line) {
                    latencies.push(arrived.saturating_sub(stamp));
                }
            }
            start += end + 1;
        }
        pending.drain(..start);
    }
    let elapsed = started.elapsed();
    assert_eq!(data_lines, n + 2, "start, N texts, final");
    assert_eq!(latencies.len() as u64, n);
    Run {
        events: n,
        elapsed,
        emitted: 0,
        latencies,
    }
}

/// The stamp of a bench text line `data: {"type":"text","delta":"t<micros> "}`.
fn bench_stamp(line: &[u8]) -> Option<u64> {
    const HEAD: &[u8] = br#"data: {"type":"text","delta":"t"#;
    let digits = line.strip_prefix(HEAD)?;
    let end = digits.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

fn workspace(server: &EmulatorHandle) -> Workspace {
    let config = ClientConfig::new(
        server.base_url(),
        ApiKey::new(server.api_key()),
        server.workspace_id(),
    );
    Workspace {
        id: "bench".into(),
        name: "Benchmark".into(),
        kind: athena_core::WorkspaceKind::Run,
        external_user_id: None,
        key_storage: athena_core::KeyStorage::RunOnly,
        key_hint: String::new(),
        client: AthenaClient::new(config).expect("the client builds"),
        agents: Vec::new(),
    }
}

fn unix_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}
