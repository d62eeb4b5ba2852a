//! The history store at scale: full-text search and a page of a long chat over
//! 100,000 stored messages.
//!
//! The store is seeded through the store itself (`import_conversation`, 100
//! conversations of 1,000 finished messages, each a question of ~15 words and an
//! answer of ~60, from a Zipf-like vocabulary so that some words are in most messages
//! and some in a few). Then:
//! - search: a rotating set of queries (a common word, a rare one, two words, a
//!   prefix being typed, a word with diacritics, a phrase-looking query), 20 results
//!   with snippets, as the search box asks; budget p95 <= 50 ms;
//! - page: 50 messages with their parts before a random position of a random
//!   conversation, as scrolling up asks; budget p95 <= 5 ms.
//!
//! Figures are printed as `BENCH<TAB>history_search<TAB>figure<TAB>value<TAB>unit`.
//!
//! `cargo bench -p athena-core --bench history_search`
#![allow(clippy::unwrap_used)]

use std::fmt::Display;
use std::time::{Duration, Instant};

use athena_core::history::{
    ConversationRecord, History, HistoryOpened, StoredMessage, WorkspaceRecord,
};
use athena_core::{
    ExecutionHandle, ExecutionRequest, ExecutionSnapshot, ExecutionStatus, Part, WorkspaceKind,
};

const BENCH: &str = "history_search";
const CONVERSATIONS: usize = 100;
const PER_CONVERSATION: usize = 1_000;
const SEARCHES: usize = 300;
const PAGES: usize = 1_000;
const PAGE: usize = 50;
const SEARCH_BUDGET_MS: f64 = 50.0;
const PAGE_BUDGET_MS: f64 = 5.0;

const QUERIES: &[&str] = &[
    "the",
    "report",
    "harbour ledger",
    "quarterly risks growth",
    "zq17",
    "café",
    "sum",
    "\"foo\" OR bar*",
    "migration plan for",
    "w42",
];

const COMMON: &[&str] = &[
    "the",
    "a",
    "of",
    "and",
    "to",
    "in",
    "is",
    "for",
    "that",
    "with",
    "report",
    "growth",
    "quarterly",
    "risks",
    "ledger",
    "harbour",
    "summary",
    "plan",
    "migration",
    "budget",
    "team",
    "café",
    "naïve",
    "table",
    "code",
    "function",
    "error",
    "result",
    "customer",
    "invoice",
];

/// A tiny deterministic generator (xorshift64*): the same store every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    /// A word: often one of the common ones, else one of 20,000 made-up words, the
    /// lower numbers much more often (roughly Zipf).
    fn word(&mut self) -> String {
        if self.below(3) > 0 {
            return COMMON[self.below(COMMON.len())].to_owned();
        }
        let rank = 20_000f64.powf(self.below(10_000) as f64 / 10_000.0) as usize;
        format!("{}{rank}", ["w", "zq", "k"][rank % 3])
    }

    fn sentence(&mut self, words: usize) -> String {
        (0..words)
            .map(|_| self.word())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Fresh);

    let started = Instant::now();
    let conversations = runtime.block_on(seed(&history));
    let seeding = started.elapsed();
    let size = std::fs::metadata(&path).map_or(0, |m| m.len())
        + std::fs::metadata(dir.path().join("history.sqlite3-wal")).map_or(0, |m| m.len());
    figure("messages", CONVERSATIONS * PER_CONVERSATION, "messages");
    figure("seeding", seeding.as_millis(), "ms");
    figure("store size", size / (1024 * 1024), "MiB");

    let mut hits = 0;
    let mut search_times = Vec::with_capacity(SEARCHES);
    for i in 0..SEARCHES {
        let query = QUERIES[i % QUERIES.len()];
        let t = Instant::now();
        let found = history.search("w", query, 20).unwrap();
        search_times.push(t.elapsed());
        hits += found.len();
    }
    let search = Summary::of(&mut search_times);
    search.print("search (20 hits, snippets)", SEARCH_BUDGET_MS);

    let mut rng = Rng(7);
    let mut page_times = Vec::with_capacity(PAGES);
    let mut loaded = 0;
    for _ in 0..PAGES {
        let (id, first, last) = &conversations[rng.below(conversations.len())];
        // A full page: at least 50 messages before it.
        let span = usize::try_from(last - first - PAGE as i64 + 2).unwrap();
        let before = first + PAGE as i64 + i64::try_from(rng.below(span)).unwrap();
        let t = Instant::now();
        let page = history.messages(id, Some(before), PAGE).unwrap();
        page_times.push(t.elapsed());
        loaded += page.messages.len();
    }
    let page = Summary::of(&mut page_times);
    page.print("page of 50 messages", PAGE_BUDGET_MS);

    println!(
        "history_search: {} messages; search p95 {:.2} ms (budget {SEARCH_BUDGET_MS} ms), \
         {:.1} hits per search; page of {PAGE} p95 {:.2} ms (budget {PAGE_BUDGET_MS} ms), \
         {:.1} messages per page",
        CONVERSATIONS * PER_CONVERSATION,
        search.p95_ms,
        hits as f64 / SEARCHES as f64,
        page.p95_ms,
        loaded as f64 / PAGES as f64,
    );
    assert_eq!(history.writer_stats().write_errors, 0);
}

/// Stores the conversations; returns each one's id, first and last message position.
async fn seed(history: &History) -> Vec<(String, i64, i64)> {
    history
        .save_workspace(WorkspaceRecord {
            id: "w".into(),
            name: "bench".into(),
            base_url: "http://127.0.0.1".into(),
            kind: WorkspaceKind::Run,
        })
        .await
        .unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut ranges = Vec::new();
    let mut position = 0i64;
    for c in 0..CONVERSATIONS {
        let id = format!("c{c}");
        let conversation = ConversationRecord {
            id: id.clone(),
            workspace_id: "w".into(),
            agent_id: "a".into(),
            agent_name: "agent".into(),
            title: rng.sentence(5),
            server_conversation_id: None,
            local_only: false,
            archived: c % 10 == 0,
            created_at_ms: 0,
            last_activity_ms: i64::try_from(c).unwrap(),
        };
        let messages = (0..PER_CONVERSATION)
            .map(|m| {
                let words = 8 + rng.below(15);
                let question = rng.sentence(words);
                let words = 30 + rng.below(60);
                let answer = rng.sentence(words);
                stored(&id, c * PER_CONVERSATION + m, question, answer)
            })
            .collect();
        history
            .import_conversation(conversation, messages)
            .await
            .unwrap();
        let first = position + 1;
        position += PER_CONVERSATION as i64;
        ranges.push((id, first, position));
    }
    history.flush().await;
    ranges
}

fn stored(conversation_id: &str, n: usize, question: String, answer: String) -> StoredMessage {
    let mut snapshot = ExecutionSnapshot::new(ExecutionHandle::from(format!("m{n}")));
    snapshot.seq = 3;
    snapshot.request = ExecutionRequest {
        workspace_id: "w".into(),
        conversation_id: conversation_id.into(),
        agent_id: "a".into(),
        message: question,
        variables: None,
        attachments: Vec::new(),
    };
    snapshot.status = ExecutionStatus::Completed;
    snapshot.parts = vec![Part::Text { text: answer }];
    StoredMessage {
        position: 0,
        snapshot,
        idempotency_key: format!("key-{n}"),
        sent_at_ms: i64::try_from(n).unwrap(),
    }
}

struct Summary {
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

impl Summary {
    fn of(times: &mut [Duration]) -> Self {
        times.sort();
        let at = |q: f64| {
            let i = ((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1;
            times[i].as_secs_f64() * 1000.0
        };
        Self {
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            max_ms: at(1.0),
        }
    }

    fn print(&self, what: &str, budget_ms: f64) {
        figure(&format!("{what} p50"), format!("{:.2}", self.p50_ms), "ms");
        figure(&format!("{what} p95"), format!("{:.2}", self.p95_ms), "ms");
        figure(&format!("{what} max"), format!("{:.2}", self.max_ms), "ms");
        figure(&format!("{what} p95 budget"), budget_ms, "ms");
        figure(
            &format!("{what} p95 / budget"),
            format!("{:.2}", self.p95_ms / budget_ms),
            "ratio",
        );
    }
}

fn figure(name: &str, value: impl Display, unit: &str) {
    println!("BENCH\t{BENCH}\t{name}\t{value}\t{unit}");
}
