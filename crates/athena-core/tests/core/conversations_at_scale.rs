//! Conversations at scale, in the store and in core: full-text search with its
//! snippet markers and odd queries, delete that leaves no trace in the files, archive
//! by hand against the emulator, export then import compared field by field, the
//! Markdown export.

use std::path::Path;
use std::time::Duration;

use athena_api::{ApiError, ApiKey, AthenaClient, ClientConfig, ExecuteRequest};
use athena_core::history::{
    ConversationRecord, HIGHLIGHT_END, HIGHLIGHT_START, History, HistoryOpened, MessageRecord,
    StoredMessage,
};
use athena_core::{
    ClientToolState, ConversationActionError, CoreError, ExecutionChange, ExecutionError,
    ExecutionHandle, ExecutionRequest, ExecutionStatus, Feedback, FeedbackDelivery, Part,
    StructuredSource, ToolState, UsageSummary, Workspace,
};
use athena_emulator::{EmulatorConfig, MEMORY_ID};

use crate::conversations::Bench;
use crate::history::{CONV, WS, conversation, message, update, with_conversation, workspace};
use crate::support::deltas;

fn hl(word: &str) -> String {
    format!("{HIGHLIGHT_START}{word}{HIGHLIGHT_END}")
}

/// Stores a finished message with `answer` as its text, in `conversation_id`.
async fn answered(
    history: &History,
    handle: &str,
    conversation_id: &str,
    text: &str,
    answer: &str,
) {
    let mut m = message(handle, conversation_id, text, 1_700_000_200_000);
    m.request.conversation_id = conversation_id.into();
    history.add_message(m).await.unwrap();
    let mut changes = vec![
        ExecutionChange::PartAdded {
            part: Part::Text {
                text: String::new(),
            },
        },
        ExecutionChange::PartAppended {
            index: 0,
            delta: answer.into(),
        },
    ];
    changes.push(ExecutionChange::Finished {
        status: ExecutionStatus::Completed,
        usage: None,
        message_id: None,
    });
    for (change, seq) in changes.into_iter().zip(2..) {
        let mut u = update(handle, seq, change);
        u.conversation_id = conversation_id.into();
        history.record(&u);
    }
    history.flush().await;
}

#[tokio::test]
async fn search_finds_messages_and_answers_with_marked_snippets() {
    let history = History::in_memory();
    with_conversation(&history).await;
    let mut old = conversation("old", 1);
    old.archived = true;
    history.create_conversation(old).await.unwrap();
    answered(
        &history,
        "h1",
        CONV,
        "Where is the Café Zanzibar?",
        "It is near the harbour, by the blue door.",
    )
    .await;
    answered(
        &history,
        "h2",
        "old",
        "Tell me about harbour fees",
        "Harbour fees at the harbour are paid at the harbour office.",
    )
    .await;
    // Another workspace's messages are never found.
    history
        .save_workspace(athena_core::history::WorkspaceRecord {
            id: "other".into(),
            ..workspace()
        })
        .await
        .unwrap();
    history
        .create_conversation(ConversationRecord {
            workspace_id: "other".into(),
            ..conversation("elsewhere", 1)
        })
        .await
        .unwrap();
    let mut m = message("h3", "elsewhere", "harbour secrets", 1);
    m.request.workspace_id = "other".into();
    history.add_message(m).await.unwrap();

    // The user's message, diacritics ignored both ways.
    let hits = history.search(WS, "cafe zanzibar", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].handle.as_str(), "h1");
    assert_eq!(hits[0].conversation_id, CONV);
    assert_eq!(hits[0].conversation_title, "Where is the Café Zanzibar?");
    assert!(!hits[0].archived);
    assert!(
        hits[0].snippet.contains(&hl("Café")) && hits[0].snippet.contains(&hl("Zanzibar")),
        "{}",
        hits[0].snippet
    );
    let stored = history.message(&hits[0].handle).unwrap().unwrap();
    assert_eq!(hits[0].position, stored.position);
    assert_eq!(hits[0].sent_at_ms, stored.sent_at_ms);

    // The answer's text; the archived conversation is included, marked, and ranks
    // first (the word is denser there); the other workspace's message is not found.
    let hits = history.search(WS, "harbour", 10).unwrap();
    let handles: Vec<&str> = hits.iter().map(|h| h.handle.as_str()).collect();
    assert_eq!(handles, ["h2", "h1"]);
    assert!(hits[0].archived);
    assert!(
        hits[1].snippet.contains(&hl("harbour")),
        "{}",
        hits[1].snippet
    );
    assert_eq!(history.search("other", "harbour", 10).unwrap().len(), 1);

    // The last word is a prefix; earlier words are whole.
    assert_eq!(history.search(WS, "blue do", 10).unwrap().len(), 1);
    assert!(history.search(WS, "blu door", 10).unwrap().is_empty());
    // The limit holds.
    assert_eq!(history.search(WS, "harbour", 1).unwrap().len(), 1);
}

#[tokio::test]
async fn odd_queries_never_error() {
    let history = History::in_memory();
    with_conversation(&history).await;
    answered(
        &history,
        "h1",
        CONV,
        "\"quoted\" words OR operators NEAR(things) 😀 naïve",
        "col:value ^caret -minus +plus",
    )
    .await;
    for query in [
        "",
        "   ",
        "\"",
        "\"\"",
        "\"foo\" OR bar*",
        "NEAR(",
        "NEAR(a b, 3)",
        "AND",
        "OR NOT",
        "*",
        "**",
        "(",
        ")",
        "{x y}",
        "col:",
        "col:value",
        "^caret",
        "-minus",
        "😀",
        "😀 naive",
        "\u{E000}",
        "a\u{0}b",
        "'; DROP TABLE messages; --",
    ] {
        let found = history.search(WS, query, 10);
        assert!(found.is_ok(), "{query:?}: {found:?}");
    }
    let found = |q: &str| history.search(WS, q, 10).unwrap().len();
    assert_eq!(found(""), 0);
    assert_eq!(found("\"quoted\""), 1, "quotes are plain characters");
    assert_eq!(found("NEAR(things"), 1, "operators are plain words");
    assert_eq!(found("naive"), 1, "diacritics ignored");
    assert_eq!(found("NAÏVE"), 1, "case and diacritics ignored");
    assert_eq!(found("col:value"), 1, "no column filter");
    assert_eq!(found("\"foo\" OR bar*"), 0, "every word must match");
}

#[tokio::test]
async fn an_answer_is_found_once_it_stops_streaming() {
    let history = History::in_memory();
    with_conversation(&history).await;
    history
        .add_message(message("h1", CONV, "question", 1))
        .await
        .unwrap();
    history.record(&update(
        "h1",
        2,
        ExecutionChange::PartAdded {
            part: Part::Text {
                text: "streaming lighthouse".into(),
            },
        },
    ));
    history.flush().await;
    assert!(history.search(WS, "question", 10).unwrap().len() == 1);
    assert!(history.search(WS, "lighthouse", 10).unwrap().is_empty());
    history.record(&update(
        "h1",
        3,
        ExecutionChange::Finished {
            status: ExecutionStatus::Completed,
            usage: None,
            message_id: None,
        },
    ));
    history.flush().await;
    assert_eq!(history.search(WS, "lighthouse", 10).unwrap().len(), 1);
}

/// The bytes of the store's files, ASCII lowercased (the search index keeps terms
/// lowercased).
fn store_bytes(path: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let bytes = std::fs::read(&name).ok()?;
            Some((suffix.to_string(), bytes.to_ascii_lowercase()))
        })
        .collect()
}

fn files_containing(path: &Path, needle: &str) -> Vec<String> {
    let needle = needle.to_ascii_lowercase();
    store_bytes(path)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(suffix, _)| format!("history.sqlite3{suffix}"))
        .collect()
}

#[tokio::test]
async fn delete_really_removes_the_text_from_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite3");
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Fresh);
    with_conversation(&history).await;
    history
        .create_conversation(conversation("gone", 2))
        .await
        .unwrap();
    answered(
        &history,
        "kept",
        CONV,
        "keep Qkeptmessage4711",
        "Qkeptanswer4712",
    )
    .await;
    // The answer streams over several commits, so older copies of its part are
    // rewritten (and freed) along the way.
    history
        .add_message(message("doomed", "gone", "forget Xsecretmessage9931", 1))
        .await
        .unwrap();
    let doomed = |seq, change| {
        let mut u = update("doomed", seq, change);
        u.conversation_id = "gone".into();
        u
    };
    history.record(&doomed(
        2,
        ExecutionChange::PartAdded {
            part: Part::Text {
                text: "Xsecretanswer9932 ".into(),
            },
        },
    ));
    for seq in 3..8 {
        history.record(&doomed(
            seq,
            ExecutionChange::PartAppended {
                index: 0,
                delta: format!("more Xsecretanswer9932 text {seq} "),
            },
        ));
        history.flush().await;
    }
    history.record(&doomed(
        8,
        ExecutionChange::Finished {
            status: ExecutionStatus::Completed,
            usage: None,
            message_id: None,
        },
    ));
    history.save_draft("gone", "draft Xsecretdraft9933".into());
    history.flush().await;
    // The needles leave out the words' first letters: the search index stores a term
    // after the prefix it shares with the term before it.
    let secrets = ["ecretmessage9931", "ecretanswer9932", "ecretdraft9933"];
    for secret in secrets {
        assert!(
            !files_containing(&path, secret).is_empty(),
            "the scan sees {secret} before the delete"
        );
    }
    assert_eq!(
        history.search(WS, "Xsecretanswer9932", 10).unwrap().len(),
        1
    );

    history.delete_conversation("gone").await.unwrap();

    for secret in secrets {
        assert_eq!(
            files_containing(&path, secret),
            Vec::<String>::new(),
            "{secret} is still in the files"
        );
    }
    for kept in ["eptmessage4711", "eptanswer4712"] {
        assert!(
            !files_containing(&path, kept).is_empty(),
            "the scan finds kept text ({kept})"
        );
    }
    let wal = std::fs::metadata(dir.path().join("history.sqlite3-wal")).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "the WAL is truncated");
    assert_eq!(history.conversation("gone").unwrap(), None);
    assert_eq!(
        history
            .message(&ExecutionHandle::from("doomed".to_owned()))
            .unwrap(),
        None
    );
    assert!(
        history
            .search(WS, "Xsecretanswer9932", 10)
            .unwrap()
            .is_empty()
    );
    assert_eq!(history.draft("gone").unwrap(), "");
    assert_eq!(history.search(WS, "Qkeptanswer4712", 10).unwrap().len(), 1);
    assert!(matches!(
        history.delete_conversation("gone").await,
        Err(athena_core::history::HistoryError::UnknownConversation(_))
    ));
    assert_eq!(history.writer_stats().write_errors, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_by_hand_archives_the_server_conversation_and_refuses_sending() {
    let config = EmulatorConfig {
        token_delay: Duration::from_millis(20),
        ..EmulatorConfig::default()
    };
    let bench = Bench::start(config).await;
    let chat = bench.chat_with(MEMORY_ID).await;
    bench.ask(&chat, "My favourite colour is teal").await;
    let scope = bench
        .conversations
        .conversation(&chat.id)
        .unwrap()
        .server_conversation_id
        .expect("a server conversation");

    // Not while an answer streams.
    let streaming = bench.send(&chat, "Tell me a story").await;
    bench
        .recorder
        .wait_until(&streaming, "text", |u| !deltas(u).is_empty())
        .await;
    assert_eq!(
        bench.conversations.archive(&chat.id).await,
        Err(ConversationActionError::Running)
    );
    assert_eq!(
        bench.conversations.delete(&chat.id).await,
        Err(ConversationActionError::Running)
    );
    assert!(!bench.conversations.conversation(&chat.id).unwrap().archived);
    bench.answer(&streaming).await;

    let archived = bench.conversations.archive(&chat.id).await.unwrap();
    assert!(archived.archived);
    assert_eq!(archived.server_conversation_id, Some(scope.clone()));
    assert_eq!(
        bench.conversations.archive(&chat.id).await.unwrap(),
        archived,
        "archiving again changes nothing"
    );

    // The server's conversation is archived: using its scope is refused.
    let server = bench.server.as_ref().unwrap();
    let plain = AthenaClient::new(ClientConfig::new(
        server.base_url(),
        ApiKey::new(server.api_key()),
        server.workspace_id(),
    ))
    .unwrap();
    let mut request = ExecuteRequest::message("Still there?");
    request.conversation_scope = Some(scope);
    match plain.execute(MEMORY_ID, &request, None).await {
        Err(ApiError::Http { status, .. }) => assert_eq!(status, 422),
        other => panic!("the archived scope was accepted: {other:?}"),
    }

    // Read-only here.
    assert_eq!(
        bench
            .conversations
            .send(&chat.id, "more".into(), None)
            .await,
        Err(CoreError::ConversationArchived)
    );
    assert_eq!(
        bench.conversations.regenerate(&streaming).await,
        Err(CoreError::ConversationArchived)
    );
    // Still readable, renamable and searchable, marked.
    let renamed = bench
        .conversations
        .rename(&chat.id, "  Colours\n and  stories ")
        .await
        .unwrap();
    assert_eq!(renamed.title, "Colours and stories");
    let hits = bench.conversations.search("ws", "teal", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].archived);
    assert_eq!(hits[0].conversation_title, "Colours and stories");
    assert!(matches!(
        bench.conversations.rename(&chat.id, " \n ").await,
        Err(CoreError::InvalidInput(_))
    ));
    assert!(matches!(
        bench.conversations.rename(&chat.id, &"x".repeat(201)).await,
        Err(CoreError::InvalidInput(_))
    ));
    // A local chat without a server conversation archives here only.
    let unsent = bench.chat_with(MEMORY_ID).await;
    assert!(
        bench
            .conversations
            .archive(&unsent.id)
            .await
            .unwrap()
            .archived
    );
    // And delete works once nothing streams, and forgets the answers this run holds.
    assert!(
        bench
            .conversations
            .executions()
            .snapshot(&streaming)
            .is_ok()
    );
    bench.conversations.delete(&chat.id).await.unwrap();
    assert_eq!(
        bench.conversations.conversation(&chat.id),
        Err(CoreError::UnknownConversation(chat.id.clone()))
    );
    assert!(matches!(
        bench.conversations.executions().snapshot(&streaming),
        Err(CoreError::UnknownExecution(_))
    ));
    assert!(
        bench
            .conversations
            .executions()
            .snapshots()
            .iter()
            .all(|s| s.request.conversation_id != chat.id),
        "no execution of the deleted conversation is left in memory"
    );
}

/// A stored message with every kind of field filled: variables, tool calls, a
/// structured output, usage, feedback, a message id.
async fn seed_rich_message(
    history: &History,
    conversation: &ConversationRecord,
) -> ExecutionHandle {
    let handle = ExecutionHandle::from(format!("rich-{}", conversation.id));
    let mut variables = serde_json::Map::new();
    variables.insert("topic".into(), "ledger ✓".into());
    history
        .add_message(MessageRecord {
            handle: handle.clone(),
            request: ExecutionRequest {
                workspace_id: conversation.workspace_id.clone(),
                conversation_id: conversation.id.clone(),
                agent_id: conversation.agent_id.clone(),
                message: "Show <b>me</b> the ledger".into(),
                variables: Some(variables),
                attachments: Vec::new(),
            },
            idempotency_key: "key-rich".into(),
            sent_at_ms: 1_700_000_300_000,
        })
        .await
        .unwrap();
    let changes = [
        ExecutionChange::Started {
            execution_id: "exec-rich".into(),
        },
        ExecutionChange::PartAdded {
            part: Part::ServerTool {
                call_id: "c1".into(),
                name: "search".into(),
                arguments: r#"{"q":"ledger"}"#.into(),
                result: Some(r#"{"hits":2}"#.into()),
                state: ToolState::Done,
                started_at_ms: 3,
                duration_ms: Some(9),
            },
        },
        ExecutionChange::PartAdded {
            part: Part::ClientToolCall {
                call_id: "c2".into(),
                name: "read_text_file".into(),
                arguments: "{\n  \"path\": \"a.txt\"\n}".into(),
                state: ClientToolState::Done,
                approved_by: Some(athena_core::ApprovedBy::You),
                result: Some("\"```nested```\"".into()),
                duration_ms: Some(4),
            },
        },
        ExecutionChange::PartAdded {
            part: Part::Text {
                text: "Here is <script>alert(1)</script> the `<code>` answer.\n\n```html\n<i>raw</i>\n```"
                    .into(),
            },
        },
        ExecutionChange::PartAdded {
            part: Part::StructuredOutput {
                json: "{\n  \"total\": 42\n}".into(),
                source: StructuredSource::ParsedOutput,
            },
        },
        ExecutionChange::Finished {
            status: ExecutionStatus::Completed,
            usage: Some(UsageSummary {
                input_tokens: 10,
                output_tokens: 5,
                total_tokens: 15,
                cost_microdollars: 250,
                latency_ms: 120,
            }),
            message_id: Some("msg-rich".into()),
        },
        ExecutionChange::FeedbackChanged {
            feedback: Feedback {
                up: false,
                delivery: FeedbackDelivery::Sent,
            },
        },
    ];
    for (change, seq) in changes.into_iter().zip(2..) {
        history.record(&athena_core::ExecutionUpdate {
            handle: handle.clone(),
            workspace_id: conversation.workspace_id.clone(),
            conversation_id: conversation.id.clone(),
            seq,
            change,
        });
    }
    history.flush().await;
    handle
}

/// A failed message: its error must survive the trip too.
async fn seed_failed_message(history: &History, conversation: &ConversationRecord) {
    let handle = ExecutionHandle::from(format!("failed-{}", conversation.id));
    history
        .add_message(MessageRecord {
            handle: handle.clone(),
            request: ExecutionRequest {
                workspace_id: conversation.workspace_id.clone(),
                conversation_id: conversation.id.clone(),
                agent_id: conversation.agent_id.clone(),
                message: "This one fails".into(),
                variables: None,
                attachments: Vec::new(),
            },
            idempotency_key: "key-failed".into(),
            sent_at_ms: 1_700_000_400_000,
        })
        .await
        .unwrap();
    history.record(&athena_core::ExecutionUpdate {
        handle,
        workspace_id: conversation.workspace_id.clone(),
        conversation_id: conversation.id.clone(),
        seq: 2,
        change: ExecutionChange::Failed {
            error: ExecutionError::Http {
                status: 503,
                server_code: Some("overloaded".into()),
                server_message: Some("try later".into()),
            },
        },
    });
    history.flush().await;
}

/// `imported` is `original` moved into `conversation`: same everything but the ids.
fn assert_same_messages(
    original: &[StoredMessage],
    imported: &[StoredMessage],
    conversation: &ConversationRecord,
) {
    assert_eq!(original.len(), imported.len());
    let mut last_position = 0;
    for (a, b) in original.iter().zip(imported) {
        assert_ne!(a.snapshot.handle, b.snapshot.handle, "a new handle");
        assert!(b.position > last_position, "kept in order");
        last_position = b.position;
        let mut expected = a.clone();
        expected.position = b.position;
        expected.snapshot.handle = b.snapshot.handle.clone();
        expected.snapshot.request.conversation_id = conversation.id.clone();
        expected.snapshot.request.workspace_id = conversation.workspace_id.clone();
        assert_eq!(&expected, b);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_import_round_trips_field_by_field_into_either_workspace() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let chat = bench.chat_with(MEMORY_ID).await;
    bench.ask(&chat, "Remember the word lighthouse").await;
    bench.ask(&chat, "What word?").await;
    seed_rich_message(&bench.history, &chat).await;
    seed_failed_message(&bench.history, &chat).await;
    let original = bench.conversations.conversation(&chat.id).unwrap();
    let original_messages = bench.history.all_messages(&chat.id).unwrap();
    assert_eq!(original_messages.len(), 4);

    let json = bench.conversations.export_json(&chat.id).await.unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["format"], athena_core::EXPORT_FORMAT);
    assert_eq!(value["version"], athena_core::EXPORT_VERSION);
    assert_eq!(value["messages"][2]["idempotency_key"], "key-rich");

    let mut other = Workspace::clone(&bench.conversations.workspace("ws").unwrap());
    other.id = "ws2".into();
    other.name = "Other".into();
    bench.conversations.registry().put(other);

    for target in ["ws", "ws2"] {
        let imported = bench
            .conversations
            .import_json(&json, target)
            .await
            .unwrap();
        let stored = bench.conversations.conversation(&imported.id).unwrap();
        assert_eq!(stored, imported);
        assert_ne!(imported.id, original.id);
        assert_eq!(
            imported,
            ConversationRecord {
                id: imported.id.clone(),
                workspace_id: target.into(),
                // Read-only, and never tied to the exporting workspace's server.
                archived: true,
                server_conversation_id: None,
                ..original.clone()
            }
        );
        let messages = bench.history.all_messages(&imported.id).unwrap();
        assert_same_messages(&original_messages, &messages, &imported);
        // Searchable in its workspace, marked archived.
        let hits = bench.conversations.search(target, "ledger", 10).unwrap();
        assert!(
            hits.iter()
                .any(|h| h.conversation_id == imported.id && h.archived),
            "{hits:?}"
        );
        // Never continued.
        assert_eq!(
            bench
                .conversations
                .send(&imported.id, "more".into(), None)
                .await,
            Err(CoreError::ConversationArchived)
        );
        // Its own export carries the same messages.
        let again = bench.conversations.export_json(&imported.id).await.unwrap();
        let again: serde_json::Value = serde_json::from_str(&again).unwrap();
        assert_eq!(again["messages"][2]["parts"], value["messages"][2]["parts"]);
    }
    // The original is untouched.
    assert_eq!(
        bench.conversations.conversation(&chat.id).unwrap(),
        original
    );
    assert_eq!(
        bench.history.all_messages(&chat.id).unwrap(),
        original_messages
    );
    let only_ws2 = bench.conversations.search("ws2", "lighthouse", 10).unwrap();
    assert!(only_ws2.iter().all(|h| h.conversation_id != chat.id));

    // Refused files say which field.
    let mut newer = value.clone();
    newer["version"] = 99.into();
    assert_eq!(
        bench
            .conversations
            .import_json(&newer.to_string(), "ws")
            .await,
        Err(ConversationActionError::NewerFormat {
            found: 99,
            known: athena_core::EXPORT_VERSION
        })
    );
    let mut broken = value.clone();
    broken["messages"][1]["status"] = "exploded".into();
    match bench
        .conversations
        .import_json(&broken.to_string(), "ws")
        .await
    {
        Err(ConversationActionError::BadFormat { field, .. }) => {
            assert_eq!(field, "messages[1].status");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        bench.conversations.import_json(&json, "nowhere").await,
        Err(ConversationActionError::Core(CoreError::UnknownWorkspace(
            _
        )))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_export_is_readable_and_carries_no_raw_html() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let chat = bench.chat_with(MEMORY_ID).await;
    seed_rich_message(&bench.history, &chat).await;
    seed_failed_message(&bench.history, &chat).await;
    let md = bench.conversations.export_markdown(&chat.id).await.unwrap();
    let expected = [
        "# Show \\<b>me\\</b> the ledger\n",
        "## You · 2023-11-14 22:18 UTC\n\nShow \\<b>me\\</b> the ledger\n",
        "*Variables:*\n\n```json\n{\n  \"topic\": \"ledger ✓\"\n}\n```\n",
        "*Tool `search`:*\n\n```text\narguments: {\"q\":\"ledger\"}\nresult: {\"hits\":2}\n```\n",
        "*Tool on this computer `read_text_file` (done):*\n\n````text\n",
        "result: \"```nested```\"\n````\n",
        "Here is \\<script>alert(1)\\</script> the `<code>` answer.\n\n```html\n<i>raw</i>\n```\n",
        "*Structured output:*\n\n```json\n{\n  \"total\": 42\n}\n```\n",
        "## You · 2023-11-14 22:20 UTC\n\nThis one fails\n",
        "*Failed (http).*\n",
    ];
    for piece in expected {
        assert!(md.contains(piece), "missing {piece:?} in:\n{md}");
    }
    // Every `<` outside a fenced block or code span is escaped.
    let mut fence: Option<&str> = None;
    for line in md.lines() {
        let run = &line[..line.len() - line.trim_start_matches('`').len()];
        match fence {
            Some(open) if line == open => fence = None,
            Some(_) => {}
            None if run.len() >= 3 => fence = Some(run),
            None if !line.contains('`') => {
                for (i, _) in line.match_indices('<') {
                    assert!(i > 0 && &line[i - 1..i] == "\\", "raw HTML in {line:?}");
                }
            }
            None => {}
        }
    }
    assert_eq!(fence, None, "every fence is closed");
}
