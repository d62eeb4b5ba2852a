//! Writes a long conversation into a history database before the app starts: the
//! long-chat benchmark (`tests/e2e/bench/long_chat.bench.mjs`) opens it in the real
//! window.
//!
//! The conversation is stored through the store itself (`History::import_conversation`,
//! one transaction), in the workspace the app will open with (`--base-url` and
//! `--workspace-id` as given to the app: its id is their `workspace_key`), so it is the
//! newest in that workspace's sidebar. Every answer is finished, with usage, and mixes
//! paragraphs, lists, a table and a code block, so that opening it costs what a real
//! long chat costs to render.
//!
//! ```text
//! cargo run -p athena-core --example seed_long_chat -- \
//!     --history DIR/data/history.sqlite3 --base-url URL --workspace-id ID \
//!     --agent-id ID [--agent-name NAME] [--messages 1000] [--title TITLE]
//! ```
//! Prints the conversation's id.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use athena_core::history::{ConversationRecord, History, StoredMessage, WorkspaceRecord};
use athena_core::{
    ExecutionHandle, ExecutionRequest, ExecutionSnapshot, ExecutionStatus, Part, UsageSummary,
    WorkspaceKind, workspace_key,
};

/// What the command line asks for.
struct Seed {
    history: PathBuf,
    base_url: String,
    workspace_id: String,
    workspace_name: String,
    agent_id: String,
    agent_name: String,
    messages: usize,
    title: String,
}

const USAGE: &str = "usage: seed_long_chat --history FILE --base-url URL --workspace-id ID \
     --agent-id ID [--agent-name NAME] [--workspace-name NAME] [--messages N (1..=100000)] [--title TITLE]";

fn parse(args: impl Iterator<Item = String>) -> Result<Seed, String> {
    let mut history = None;
    let mut base_url = None;
    let mut workspace_id = None;
    let mut workspace_name = None;
    let mut agent_id = None;
    let mut agent_name = None;
    let mut messages = 1_000;
    let mut title = None;
    let mut args = args;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--history" => history = Some(PathBuf::from(value()?)),
            "--base-url" => base_url = Some(value()?),
            "--workspace-id" => workspace_id = Some(value()?),
            "--workspace-name" => workspace_name = Some(value()?),
            "--agent-id" => agent_id = Some(value()?),
            "--agent-name" => agent_name = Some(value()?),
            "--title" => title = Some(value()?),
            "--messages" => {
                let text = value()?;
                messages = text
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or_else(|| format!("--messages must be 1 to 100000, not {text}"))?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let missing = |name: &str| format!("{name} is required");
    let workspace_id = workspace_id.ok_or_else(|| missing("--workspace-id"))?;
    let agent_id = agent_id.ok_or_else(|| missing("--agent-id"))?;
    Ok(Seed {
        history: history.ok_or_else(|| missing("--history"))?,
        base_url: base_url.ok_or_else(|| missing("--base-url"))?,
        workspace_name: workspace_name.unwrap_or_else(|| workspace_id.clone()),
        workspace_id,
        agent_name: agent_name.unwrap_or_else(|| agent_id.clone()),
        agent_id,
        messages,
        title: title.unwrap_or_else(|| format!("A long chat of {messages} messages")),
    })
}

fn main() -> ExitCode {
    let seed = match parse(std::env::args().skip(1)) {
        Ok(seed) => seed,
        Err(err) => {
            eprintln!("seed_long_chat: {err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("seed_long_chat: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(write(&seed)) {
        Ok(id) => {
            println!("{id}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("seed_long_chat: {}: {err}", seed.history.display());
            ExitCode::FAILURE
        }
    }
}

/// Stores the workspace and the conversation; returns the conversation's id.
async fn write(seed: &Seed) -> Result<String, String> {
    if let Some(dir) = seed.history.parent() {
        athena_core::create_private_dir(dir).map_err(|e| e.to_string())?;
    }
    let (history, _) = History::open(&seed.history);
    let workspace = workspace_key(&seed.base_url, &seed.workspace_id);
    history
        .save_workspace(WorkspaceRecord {
            id: workspace.clone(),
            name: seed.workspace_name.clone(),
            base_url: seed.base_url.clone(),
            kind: WorkspaceKind::Run,
        })
        .await
        .map_err(|e| e.to_string())?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_millis();
    let now = i64::try_from(now).map_err(|e| e.to_string())?;
    let id = format!("long-chat-{now}");
    let count = i64::try_from(seed.messages).map_err(|e| e.to_string())?;
    let conversation = ConversationRecord {
        id: id.clone(),
        workspace_id: workspace.clone(),
        agent_id: seed.agent_id.clone(),
        agent_name: seed.agent_name.clone(),
        title: seed.title.clone(),
        server_conversation_id: None,
        local_only: false,
        archived: false,
        // A minute per message, the last one just now.
        created_at_ms: now - count * 60_000,
        last_activity_ms: now,
    };
    let messages = (0..seed.messages)
        .map(|n| {
            let mut snapshot = ExecutionSnapshot::new(ExecutionHandle::from(format!("{id}-m{n}")));
            snapshot.seq = 3;
            snapshot.request = ExecutionRequest {
                workspace_id: workspace.clone(),
                conversation_id: id.clone(),
                agent_id: seed.agent_id.clone(),
                message: question(n),
                variables: None,
                attachments: Vec::new(),
            };
            snapshot.status = ExecutionStatus::Completed;
            let text = answer(n);
            let words = u64::try_from(text.split_whitespace().count()).unwrap_or(0);
            snapshot.parts = vec![Part::Text { text }];
            snapshot.usage = Some(UsageSummary {
                input_tokens: 40,
                output_tokens: words,
                total_tokens: 40 + words,
                cost_microdollars: 150 + words * 3,
                latency_ms: 900 + words * 4,
            });
            let index = i64::try_from(n).unwrap_or(0);
            StoredMessage {
                position: 0,
                snapshot,
                idempotency_key: format!("{id}-key-{n}"),
                sent_at_ms: now - (count - index) * 60_000,
            }
        })
        .collect();
    history
        .import_conversation(conversation, messages)
        .await
        .map_err(|e| e.to_string())?;
    history.flush().await;
    if history.writer_stats().write_errors > 0 {
        return Err("the history writer reported errors".into());
    }
    Ok(id)
}

const TOPICS: &[&str] = &[
    "the quarterly report",
    "the migration plan",
    "the invoice export",
    "the harbour ledger",
    "the onboarding checklist",
    "the release notes",
    "the customer survey",
];

fn question(n: usize) -> String {
    let topic = TOPICS[n % TOPICS.len()];
    match n % 3 {
        0 => format!("Question {n}: can you summarize {topic} and show the numbers?"),
        1 => format!("Question {n}: write a small function that checks {topic}."),
        _ => format!(
            "Question {n}: what are the risks in {topic}?\nKeep it short, with a table if it helps."
        ),
    }
}

/// An answer of about 120 to 250 words: paragraphs, a list, and by turns a table or a
/// code block (every third answer both), as agents write them.
fn answer(n: usize) -> String {
    let topic = TOPICS[n % TOPICS.len()];
    let mut text = format!(
        "## Answer {n}\n\nHere is what stands out in {topic}. The figures below come from \
         the **latest run**, and the ones in *italics* are estimates. See `section {n}` for \
         the details and [the source](https://example.com/{n}).\n\n\
         - the first point: growth of {} % over the period\n\
         - the second point: {} open items, most of them small\n\
         - the third point: nothing blocks the next step\n\n",
        n % 17 + 3,
        n % 11 + 1,
    );
    let table = n.is_multiple_of(2) || n.is_multiple_of(3);
    let code = !n.is_multiple_of(2) || n.is_multiple_of(3);
    if table {
        text.push_str(&format!(
            "| metric | value | change |\n|---|---|---|\n| revenue | {} k | +{} % |\n\
             | costs | {} k | -{} % |\n| margin | {} % | +{} pt |\n\n",
            100 + n % 50,
            n % 9,
            60 + n % 30,
            n % 5,
            20 + n % 15,
            n % 4,
        ));
    }
    if code {
        text.push_str(&format!(
            "```rust\nfn check_{n}(items: &[u32]) -> Result<u32, String> {{\n    \
             let total: u32 = items.iter().sum();\n    \
             if total > {} {{\n        return Err(format!(\"too many: {{total}}\"));\n    }}\n    \
             Ok(total)\n}}\n```\n\n",
            n * 10 + 100,
        ));
    }
    text.push_str(
        "In short: the plan holds, the numbers are in line with the last review, and the \
         next step can start as soon as the team agrees on the order of the remaining items.",
    );
    text
}
