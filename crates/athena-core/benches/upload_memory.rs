//! Upload memory: staging a 50 MiB file in a draft and uploading it to the local
//! emulator (in this process, over loopback HTTP) must raise the process's resident
//! memory by at most 16 MiB: the file is streamed in 64 KiB pieces, never read whole.
//! Prints the peak rise (`VmHWM` after the upload, reset before it, against `VmRSS`
//! before) and the throughput, as `BENCH` lines for `cargo xtask bench`. Linux only
//! (it reads `/proc/self`); elsewhere it says so and prints nothing.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use athena_api::{ApiKey, AthenaClient, ClientConfig};
use athena_core::attachments::{
    AttachmentSink, AttachmentState, Attachments, MAX_ATTACHMENT_BYTES, StagedAttachment,
};
use athena_core::history::History;
use athena_core::{
    AgentSummary, ConversationSink, Conversations, Executions, KeyStorage, Workspace,
    WorkspaceKind, WorkspaceRegistry,
};
use athena_emulator::{Emulator, EmulatorConfig};

/// The most the upload may raise resident memory, in bytes.
const LIMIT: u64 = 16 * 1024 * 1024;

/// Remembers the last state of each attachment.
#[derive(Default)]
struct States(Mutex<Vec<StagedAttachment>>);

impl AttachmentSink for States {
    fn changed(&self, attachment: &StagedAttachment) {
        self.0.lock().expect("lock").push(attachment.clone());
    }
    fn removed(&self, _: &str, _: &str) {}
}

impl States {
    fn last(&self, id: &str) -> Option<AttachmentState> {
        self.0
            .lock()
            .expect("lock")
            .iter()
            .rev()
            .find(|a| a.id == id)
            .map(|a| a.state.clone())
    }
}

struct NoNotices;

impl ConversationSink for NoNotices {
    fn conversation_changed(
        &self,
        _: &athena_core::history::ConversationRecord,
        _: Option<athena_core::ConversationNotice>,
    ) {
    }
}

struct NoUpdates;

impl athena_core::UpdateSink for NoUpdates {
    fn deliver(&self, _: athena_core::ExecutionUpdate) {}
}

/// A `kB` figure of `/proc/self/status`, in bytes.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets `VmHWM` to the current resident size (Linux 4.0+).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A PDF of exactly `size` bytes, written in 1 MiB pieces (never held whole).
fn write_pdf(path: &std::path::Path, size: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    file.write_all(b"%PDF-1.7\n").expect("write");
    let mut left = size - 9;
    let mut piece = vec![0u8; 1024 * 1024];
    let mut x: u32 = 12345;
    for b in &mut piece {
        // Not compressible, not text: a PDF's body as far as the checks care.
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    while left > 0 {
        let n = left.min(piece.len() as u64);
        file.write_all(&piece[..usize::try_from(n).expect("small")])
            .expect("write");
        left -= n;
    }
    file.flush().expect("flush");
}

async fn stage_and_wait(
    attachments: &Attachments,
    states: &States,
    conversation_id: &str,
    path: std::path::PathBuf,
) -> Duration {
    let started = Instant::now();
    let staged = attachments
        .stage_files(conversation_id, vec![path])
        .await
        .expect("staged");
    let id = staged[0].id.clone();
    loop {
        match states.last(&id) {
            Some(AttachmentState::Uploaded) => return started.elapsed(),
            Some(AttachmentState::Failed(err)) => panic!("the upload failed: {err}"),
            Some(AttachmentState::Refused(why)) => panic!("refused: {why:?}"),
            _ => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

fn main() {
    if status_bytes("VmRSS").is_none() {
        println!("upload_memory: /proc/self/status is not available here; skipped");
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let server = Emulator::start(EmulatorConfig::default())
            .await
            .expect("emulator");
        let dir = tempfile::tempdir().expect("dir");
        let (history, _) = History::open(&dir.path().join("history.sqlite3"));
        let client = AthenaClient::new(ClientConfig::new(
            server.base_url(),
            ApiKey::new(server.api_key()),
            server.workspace_id(),
        ))
        .expect("client");
        let workspace = Workspace {
            id: "ws".into(),
            name: "Bench".into(),
            kind: WorkspaceKind::Run,
            external_user_id: None,
            key_storage: KeyStorage::RunOnly,
            key_hint: String::new(),
            client,
            agents: vec![AgentSummary {
                id: "agent:demo-chat".into(),
                name: "Chat".into(),
                description: String::new(),
                requires_user_message: true,
                variables: Vec::new(),
            }],
        };
        let executions = Executions::with_history(
            Arc::new(NoUpdates),
            history.clone(),
            Duration::from_millis(16),
            tokio::runtime::Handle::current(),
        );
        let conversations = Conversations::new(
            executions,
            history,
            Arc::new(WorkspaceRegistry::new(vec![workspace])),
            Arc::new(NoNotices),
        );
        let chat = conversations
            .start("ws", "agent:demo-chat")
            .await
            .expect("conversation");
        let states = Arc::new(States::default());
        let attachments = Attachments::new(
            conversations,
            dir.path().join("attachments"),
            states.clone(),
        );

        // A small upload first: the connection, the pools and the lazily made parts of
        // the stack are in place before measuring.
        let small = dir.path().join("warm-up.pdf");
        write_pdf(&small, 256 * 1024);
        stage_and_wait(&attachments, &states, &chat.id, small).await;

        let big = dir.path().join("fifty.pdf");
        write_pdf(&big, MAX_ATTACHMENT_BYTES);
        let before = status_bytes("VmRSS").expect("rss");
        let peak_reset = reset_peak();
        let elapsed = stage_and_wait(&attachments, &states, &chat.id, big).await;
        let after = status_bytes("VmRSS").expect("rss");
        let peak = if peak_reset {
            status_bytes("VmHWM").expect("hwm")
        } else {
            after
        };
        let rise = peak.saturating_sub(before);
        #[allow(clippy::cast_precision_loss)]
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        println!(
            "BENCH\tupload_memory\tpeak RSS rise, 50 MiB upload\t{:.1}\tMiB",
            mib(rise)
        );
        println!(
            "BENCH\tupload_memory\tupload throughput to the local emulator\t{:.0}\tMiB/s",
            mib(MAX_ATTACHMENT_BYTES) / elapsed.as_secs_f64()
        );
        if !peak_reset {
            println!("upload_memory: VmHWM could not be reset; the rise is VmRSS after");
        }
        assert!(
            rise <= LIMIT,
            "uploading 50 MiB raised resident memory by {:.1} MiB (limit {:.0} MiB)",
            mib(rise),
            mib(LIMIT)
        );
    });
}
