//! The history store: migrations from every saved schema, pagination, the files it
//! refuses or moves aside, interrupted executions, the writer's batching, drafts,
//! profiles with their agents and status, a message's variables.

use std::path::{Path, PathBuf};

use athena_core::history::{
    ConversationEdit, ConversationPage, ConversationRecord, GrantKind, History, HistoryOpened,
    MessageRecord, ProfileRecord, SCHEMA_VERSION, WorkspaceRecord, WorkspaceStatus,
};
use athena_core::{
    AgentSummary, AgentVariable, ExecutionChange, ExecutionError, ExecutionHandle,
    ExecutionRequest, ExecutionSnapshot, ExecutionStatus, ExecutionUpdate, Feedback,
    FeedbackDelivery, Part, ToolState, UsageSummary, VariableKind, WorkspaceKind,
};

pub(crate) const WS: &str = "w1";
pub(crate) const CONV: &str = "c1";

pub fn workspace() -> WorkspaceRecord {
    WorkspaceRecord {
        id: WS.into(),
        name: "Demo".into(),
        base_url: "http://127.0.0.1:8080".into(),
        kind: WorkspaceKind::Run,
    }
}

pub fn conversation(id: &str, last_activity_ms: i64) -> ConversationRecord {
    ConversationRecord {
        id: id.into(),
        workspace_id: WS.into(),
        agent_id: "agent-1".into(),
        agent_name: "Helper".into(),
        title: String::new(),
        server_conversation_id: None,
        local_only: false,
        archived: false,
        created_at_ms: 1_700_000_000_000,
        last_activity_ms,
    }
}

pub fn request(conversation_id: &str, message: &str) -> ExecutionRequest {
    ExecutionRequest {
        workspace_id: WS.into(),
        conversation_id: conversation_id.into(),
        agent_id: "agent-1".into(),
        message: message.into(),
        variables: None,
        attachments: Vec::new(),
    }
}

pub fn message(handle: &str, conversation_id: &str, text: &str, sent_at_ms: i64) -> MessageRecord {
    MessageRecord {
        handle: ExecutionHandle::from(handle.to_owned()),
        request: request(conversation_id, text),
        idempotency_key: format!("key-{handle}"),
        sent_at_ms,
    }
}

pub fn update(handle: &str, seq: u64, change: ExecutionChange) -> ExecutionUpdate {
    ExecutionUpdate {
        handle: ExecutionHandle::from(handle.to_owned()),
        workspace_id: WS.into(),
        conversation_id: CONV.into(),
        seq,
        change,
    }
}

pub fn delta(handle: &str, seq: u64, index: u32, text: &str) -> ExecutionUpdate {
    update(
        handle,
        seq,
        ExecutionChange::PartAppended {
            index,
            delta: text.into(),
        },
    )
}

pub fn text_part(handle: &str, seq: u64, text: &str) -> ExecutionUpdate {
    update(
        handle,
        seq,
        ExecutionChange::PartAdded {
            part: Part::Text { text: text.into() },
        },
    )
}

/// A store with workspace `w1` and conversation `c1`.
pub async fn with_conversation(history: &History) {
    history.save_workspace(workspace()).await.unwrap();
    history
        .create_conversation(conversation(CONV, 1_700_000_000_000))
        .await
        .unwrap();
}

pub(crate) fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("data").join("history.sqlite")
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/history")
}

// ---- what every saved schema holds ----

const FIXTURE_HANDLE: &str = "fixture-exec-1";
const FIXTURE_SENT_AT: i64 = 1_700_000_100_000;
const FIXTURE_MESSAGE: &str = "Summarize the quarterly report\nand list the risks";
const FIXTURE_DRAFT: &str = "a draft: ünïcode ✓";

/// The updates of the fixture's finished message, after its `Accepted`.
fn fixture_updates() -> Vec<ExecutionUpdate> {
    let h = FIXTURE_HANDLE;
    let changes = vec![
        ExecutionChange::Started {
            execution_id: "exec-server-1".into(),
        },
        ExecutionChange::PartAdded {
            part: Part::Reasoning {
                text: "Think".into(),
                started_at_ms: 5,
                duration_ms: None,
            },
        },
        ExecutionChange::PartAppended {
            index: 0,
            delta: "ing…".into(),
        },
        ExecutionChange::PartAdded {
            part: Part::ServerTool {
                call_id: "call-1".into(),
                name: "search".into(),
                arguments: r#"{"q":"report"}"#.into(),
                result: None,
                state: ToolState::Running,
                started_at_ms: 10,
                duration_ms: None,
            },
        },
        ExecutionChange::PartUpdated {
            index: 1,
            part: Part::ServerTool {
                call_id: "call-1".into(),
                name: "search".into(),
                arguments: r#"{"q":"report"}"#.into(),
                result: Some(r#"{"hits":3}"#.into()),
                state: ToolState::Done,
                started_at_ms: 10,
                duration_ms: Some(42),
            },
        },
        ExecutionChange::PartAdded {
            part: Part::Text {
                text: "The report".into(),
            },
        },
        ExecutionChange::PartAppended {
            index: 2,
            delta: " says **growth**.".into(),
        },
        ExecutionChange::Finished {
            status: ExecutionStatus::Completed,
            usage: Some(UsageSummary {
                input_tokens: 100,
                output_tokens: 20,
                total_tokens: 120,
                cost_microdollars: 1_500,
                latency_ms: 900,
            }),
            message_id: Some("msg-1".into()),
        },
        ExecutionChange::FeedbackChanged {
            feedback: Feedback {
                up: true,
                delivery: FeedbackDelivery::Sent,
            },
        },
    ];
    changes
        .into_iter()
        .zip(2..)
        .map(|(change, seq)| update(h, seq, change))
        .collect()
}

fn fixture_snapshot() -> ExecutionSnapshot {
    let mut snapshot = ExecutionSnapshot::new(ExecutionHandle::from(FIXTURE_HANDLE.to_owned()));
    snapshot.apply(
        1,
        &ExecutionChange::Accepted {
            request: request(CONV, FIXTURE_MESSAGE),
        },
    );
    for u in fixture_updates() {
        snapshot.apply(u.seq, &u.change);
    }
    snapshot
}

// What version 2 added: a profile with its status and typed agents, a message sent
// with variables (in a conversation of its own, so version 1's rows read the same).
const FIXTURE_PROFILE: &str = "profile-1";
const FIXTURE_CONV_2: &str = "c2";
const FIXTURE_HANDLE_2: &str = "fixture-exec-2";

pub fn profile(id: &str, created_at_ms: i64) -> ProfileRecord {
    ProfileRecord {
        id: id.into(),
        name: format!("Profile {id}"),
        base_url: "https://api.example.com".into(),
        server_workspace_id: "workspace:acme".into(),
        external_user_id: Some("user-7".into()),
        ca_certificate: Some(PathBuf::from("/etc/ssl/acme ca.pem")),
        created_at_ms,
        status: WorkspaceStatus::default(),
    }
}

/// Agents with every kind of variable.
pub fn typed_agents() -> Vec<AgentSummary> {
    let var = |name: &str, required, kind, default| AgentVariable {
        name: name.into(),
        description: format!("the {name}"),
        required,
        kind,
        default,
    };
    vec![
        AgentSummary {
            id: "agent:wizard".into(),
            name: "Wizard".into(),
            description: "Outlines".into(),
            requires_user_message: false,
            variables: vec![
                var("topic", true, VariableKind::Text, None),
                var(
                    "sections",
                    false,
                    VariableKind::Number {
                        minimum: Some(1.0),
                        maximum: Some(10.0),
                        integer: true,
                    },
                    Some(serde_json::json!(3)),
                ),
                var(
                    "ratio",
                    false,
                    VariableKind::Number {
                        minimum: None,
                        maximum: Some(0.5),
                        integer: false,
                    },
                    Some(serde_json::json!(0.25)),
                ),
                var(
                    "tone",
                    false,
                    VariableKind::Choice {
                        choices: vec!["neutral".into(), "playful".into()],
                    },
                    Some(serde_json::json!("neutral")),
                ),
                var(
                    "rush",
                    false,
                    VariableKind::Boolean,
                    Some(serde_json::json!(false)),
                ),
            ],
        },
        AgentSummary {
            id: "agent:chat".into(),
            name: "Chat".into(),
            description: String::new(),
            requires_user_message: true,
            variables: Vec::new(),
        },
    ]
}

pub(crate) fn fixture_variables() -> serde_json::Map<String, serde_json::Value> {
    serde_json::json!({"topic": "Q3 ✓", "sections": 4, "rush": true})
        .as_object()
        .unwrap()
        .clone()
}

pub(crate) fn fixture_status() -> WorkspaceStatus {
    WorkspaceStatus {
        credits_remaining: Some(42),
        app_version: Some("appversion:7".into()),
    }
}

pub(crate) async fn write_fixture_rows(history: &History) {
    with_conversation(history).await;
    history
        .add_message(message(
            FIXTURE_HANDLE,
            CONV,
            FIXTURE_MESSAGE,
            FIXTURE_SENT_AT,
        ))
        .await
        .unwrap();
    for u in fixture_updates() {
        history.record(&u);
    }
    history.save_draft(CONV, FIXTURE_DRAFT.into());
    history.flush().await;
    write_v2_rows(history).await;
    crate::history_batch::write_v3_rows(history).await;
    write_v4_rows(history).await;
}

/// The tools' settings a v4 file holds: a tool enabled for an agent, a folder granted.
async fn write_v4_rows(history: &History) {
    history
        .set_tool_enabled(WS, "agent:fixture", "read_text_file", true)
        .await
        .unwrap();
    history
        .grant(
            GrantKind::Folder,
            "/home/someone/Documents",
            FIXTURE_SENT_AT,
        )
        .await
        .unwrap();
}

fn check_v4_rows(history: &History, present: bool) {
    let enabled = history.enabled_tools(WS, "agent:fixture").unwrap();
    let folders = history.grants(GrantKind::Folder).unwrap();
    if present {
        assert_eq!(enabled, ["read_text_file"]);
        assert_eq!(folders, ["/home/someone/Documents"]);
    } else {
        // What v4 added is there, empty.
        assert!(enabled.is_empty() && folders.is_empty());
    }
    assert!(
        history
            .executions_with_open_tool_calls()
            .unwrap()
            .is_empty()
    );
}

/// Checks the rows of the current schema.
pub(crate) fn check_fixture_rows(history: &History) {
    check_fixture_rows_of(history, SCHEMA_VERSION);
}

/// Checks the rows a file of schema `version` held, after migrating it.
fn check_fixture_rows_of(history: &History, version: i64) {
    check_v1_rows(history);
    // Every version: older files are indexed by the version 5 migration.
    check_search_rows(history);
    crate::history_batch::check_v3_rows(history, version >= 3);
    check_v4_rows(history, version >= 4);
    if version >= 2 {
        check_v2_rows(history);
    } else {
        // What v2 added is there, empty.
        assert_eq!(history.workspaces().unwrap(), vec![workspace()]);
        assert!(history.profiles().unwrap().is_empty());
        assert!(history.agents(WS).unwrap().is_empty());
        assert_eq!(
            history.workspace_status(WS).unwrap(),
            Some(WorkspaceStatus::default())
        );
    }
}

/// What version 5 added: the fixture's message and its answer are found by search.
fn check_search_rows(history: &History) {
    let handles = |query: &str| -> Vec<String> {
        history
            .search(WS, query, 10)
            .unwrap()
            .into_iter()
            .map(|hit| hit.handle.as_str().to_owned())
            .collect()
    };
    assert_eq!(handles("quarterly risks"), [FIXTURE_HANDLE]);
    let hits = history.search(WS, "GROWTH", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].handle.as_str(), FIXTURE_HANDLE);
    assert_eq!(hits[0].conversation_title, "Summarize the quarterly report");
    assert!(
        hits[0].snippet.contains("says **\u{E000}growth\u{E001}**."),
        "{:?}",
        hits[0].snippet
    );
    // Reasoning and tool calls are not the answer's text.
    assert!(handles("Thinking").is_empty());
}

fn check_v2_rows(history: &History) {
    let profile_record = ProfileRecord {
        status: fixture_status(),
        ..profile(FIXTURE_PROFILE, 1_700_000_000_500)
    };
    assert_eq!(history.profiles().unwrap(), vec![profile_record.clone()]);
    assert_eq!(
        history.profile(FIXTURE_PROFILE).unwrap(),
        Some(profile_record)
    );
    assert_eq!(history.agents(FIXTURE_PROFILE).unwrap(), typed_agents());
    let stored = history
        .message(&ExecutionHandle::from(FIXTURE_HANDLE_2.to_owned()))
        .unwrap()
        .expect("the message with variables");
    assert_eq!(stored.snapshot.request.variables, Some(fixture_variables()));
}

fn check_v1_rows(history: &History) {
    assert_eq!(history.workspaces().unwrap()[0], workspace());
    let mut expected = conversation(CONV, FIXTURE_SENT_AT);
    expected.title = "Summarize the quarterly report".into();
    assert_eq!(history.conversation(CONV).unwrap(), Some(expected));
    let stored = history
        .message(&ExecutionHandle::from(FIXTURE_HANDLE.to_owned()))
        .unwrap()
        .expect("the fixture's message");
    assert_eq!(stored.snapshot, fixture_snapshot());
    assert_eq!(stored.idempotency_key, format!("key-{FIXTURE_HANDLE}"));
    assert_eq!(stored.sent_at_ms, FIXTURE_SENT_AT);
    let page = history.messages(CONV, None, 10).unwrap();
    assert_eq!(page.messages, vec![stored]);
    assert!(!page.more_before);
    assert_eq!(history.draft(CONV).unwrap(), FIXTURE_DRAFT);
}

/// Writes `tests/fixtures/history/v{SCHEMA_VERSION}.sqlite`: the saved database of the
/// current schema that later versions must keep migrating. Run it once when adding a
/// migration (after the migration, so the new version gets its file; never rewrite
/// an older one):
///
/// `cargo test -p athena-core --test core history::write_fixture -- --ignored --exact`
#[tokio::test]
#[ignore = "writes a fixture file; run by hand when adding a migration"]
async fn write_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let (history, opened) = History::open(&path);
        assert_eq!(opened, HistoryOpened::Fresh);
        write_fixture_rows(&history).await;
        check_fixture_rows(&history);
    }
    // One self-contained file: no WAL beside it, no free pages.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
    let target = fixture_dir().join(format!("v{SCHEMA_VERSION}.sqlite"));
    std::fs::create_dir_all(fixture_dir()).unwrap();
    std::fs::copy(&path, &target).unwrap();
    eprintln!("wrote {}", target.display());
}

#[tokio::test]
async fn migrates_every_saved_schema() {
    for version in 1..=SCHEMA_VERSION {
        let fixture = fixture_dir().join(format!("v{version}.sqlite"));
        assert!(
            fixture.exists(),
            "{} is missing: write it with the schema of version {version} by running \
             `cargo test -p athena-core --test core history::write_fixture -- --ignored --exact`",
            fixture.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let path = db_path(&dir);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(&fixture, &path).unwrap();
        let (history, opened) = History::open(&path);
        assert_eq!(
            opened,
            HistoryOpened::Existing { interrupted: 0 },
            "v{version}"
        );
        check_fixture_rows_of(&history, version);
        // And it still takes writes.
        history
            .add_message(message(
                "after-migration",
                CONV,
                "again",
                FIXTURE_SENT_AT + 1,
            ))
            .await
            .unwrap();
        drop(history);
        let conn = rusqlite::Connection::open(&path).unwrap();
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(found, SCHEMA_VERSION);
    }
}

#[tokio::test]
async fn migrates_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // A zero-byte file is an empty database to SQLite.
    std::fs::write(&path, b"").unwrap();
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 0 });
    write_fixture_rows(&history).await;
    check_fixture_rows(&history);
}

#[tokio::test]
async fn a_new_file_is_created_in_a_private_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Fresh);
    assert_eq!(history.path(), Some(path.as_path()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
    }
    write_fixture_rows(&history).await;
    drop(history);
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 0 });
    check_fixture_rows(&history);
}

// ---- pagination ----

#[tokio::test]
async fn messages_page_backwards_oldest_first() {
    let history = History::in_memory();
    with_conversation(&history).await;
    for i in 0..25 {
        history
            .add_message(message(
                &format!("m{i:02}"),
                CONV,
                &format!("message {i}"),
                1_000 + i,
            ))
            .await
            .unwrap();
    }
    let names = |page: &athena_core::history::MessagePage| {
        page.messages
            .iter()
            .map(|m| m.snapshot.handle.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    let newest = history.messages(CONV, None, 10).unwrap();
    assert_eq!(
        names(&newest),
        (15..25).map(|i| format!("m{i:02}")).collect::<Vec<_>>()
    );
    assert!(newest.more_before);
    assert!(
        newest
            .messages
            .windows(2)
            .all(|w| w[0].position < w[1].position)
    );

    let middle = history
        .messages(CONV, Some(newest.messages[0].position), 10)
        .unwrap();
    assert_eq!(
        names(&middle),
        (5..15).map(|i| format!("m{i:02}")).collect::<Vec<_>>()
    );
    assert!(middle.more_before);

    let oldest = history
        .messages(CONV, Some(middle.messages[0].position), 10)
        .unwrap();
    assert_eq!(
        names(&oldest),
        (0..5).map(|i| format!("m{i:02}")).collect::<Vec<_>>()
    );
    assert!(!oldest.more_before);

    let exact = history
        .messages(CONV, Some(middle.messages[0].position), 5)
        .unwrap();
    assert_eq!(exact.messages.len(), 5);
    assert!(
        !exact.more_before,
        "no more when the page ends exactly at the first"
    );

    assert!(
        history
            .messages("elsewhere", None, 10)
            .unwrap()
            .messages
            .is_empty()
    );
    // The last message named the conversation's activity and the first its title.
    let c = history.conversation(CONV).unwrap().unwrap();
    assert_eq!(c.last_activity_ms, 1_024);
    assert_eq!(c.title, "message 0");
}

#[tokio::test]
async fn conversations_page_by_activity_with_archived_apart() {
    let history = History::in_memory();
    history.save_workspace(workspace()).await.unwrap();
    // Two share an activity time: the id breaks the tie, and the cursor keeps it.
    for (id, at) in [
        ("a", 10),
        ("b", 30),
        ("c", 20),
        ("d", 30),
        ("e", 5),
        ("f", 40),
    ] {
        history
            .create_conversation(conversation(id, at))
            .await
            .unwrap();
    }
    history
        .edit_conversation("f", ConversationEdit::Archived)
        .await
        .unwrap();
    history
        .edit_conversation("e", ConversationEdit::Archived)
        .await
        .unwrap();
    history
        .edit_conversation("a", ConversationEdit::Activity(25))
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = history
            .conversations(
                WS,
                ConversationPage {
                    archived: false,
                    before: before.clone(),
                    limit: 2,
                },
            )
            .unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        let last = page.last().unwrap();
        before = Some((last.last_activity_ms, last.id.clone()));
        seen.extend(page.into_iter().map(|c| c.id));
    }
    assert_eq!(seen, ["d", "b", "a", "c"]);

    let archived = history
        .conversations(
            WS,
            ConversationPage {
                archived: true,
                before: None,
                limit: 10,
            },
        )
        .unwrap();
    assert_eq!(
        archived.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["f", "e"]
    );
    assert!(archived.iter().all(|c| c.archived));
    assert!(
        history
            .conversations(
                "other",
                ConversationPage {
                    archived: false,
                    before: None,
                    limit: 10
                }
            )
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn conversation_edits_and_active_conversations_with_an_agent() {
    let history = History::in_memory();
    history.save_workspace(workspace()).await.unwrap();
    for id in ["x", "y", "z"] {
        history
            .create_conversation(conversation(id, 1))
            .await
            .unwrap();
    }
    history
        .edit_conversation("x", ConversationEdit::ServerConversation("scope-x".into()))
        .await
        .unwrap();
    history
        .edit_conversation("y", ConversationEdit::ServerConversation("scope-y".into()))
        .await
        .unwrap();
    history
        .edit_conversation("y", ConversationEdit::Archived)
        .await
        .unwrap();
    history
        .edit_conversation("z", ConversationEdit::LocalOnly)
        .await
        .unwrap();
    history
        .edit_conversation("z", ConversationEdit::Title("Renamed".into()))
        .await
        .unwrap();
    let active = history.active_conversations_with(WS, "agent-1").unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].server_conversation_id.as_deref(), Some("scope-x"));
    assert!(
        history
            .active_conversations_with(WS, "agent-2")
            .unwrap()
            .is_empty()
    );
    let z = history.conversation("z").unwrap().unwrap();
    assert!(z.local_only);
    assert_eq!(z.title, "Renamed");
    // A title given by hand is kept when a message arrives.
    history
        .add_message(message("m-z", "z", "hello", 99))
        .await
        .unwrap();
    assert_eq!(history.conversation("z").unwrap().unwrap().title, "Renamed");

    let err = history
        .edit_conversation("nope", ConversationEdit::Archived)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            athena_core::history::HistoryError::UnknownConversation(_)
        ),
        "{err:?}"
    );
    let err = history
        .add_message(message("m-nope", "nope", "hi", 1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            athena_core::history::HistoryError::UnknownConversation(_)
        ),
        "{err:?}"
    );
    // A failed write does not undo the others of its batch.
    history
        .save_workspace(WorkspaceRecord {
            name: "Renamed".into(),
            ..workspace()
        })
        .await
        .unwrap();
    assert_eq!(history.workspaces().unwrap()[0].name, "Renamed");
}

// ---- files it refuses or moves aside ----

#[tokio::test]
async fn a_newer_schema_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let (history, _) = History::open(&path);
        write_fixture_rows(&history).await;
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
        .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();

    let (history, opened) = History::open(&path);
    assert_eq!(
        opened,
        HistoryOpened::NewerSchema {
            found: SCHEMA_VERSION + 5,
            known: SCHEMA_VERSION
        }
    );
    assert_eq!(history.path(), None);
    // The run goes on in memory.
    write_fixture_rows(&history).await;
    check_fixture_rows(&history);
    drop(history);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was touched"
    );
}

fn assert_moved_aside(opened: &HistoryOpened, path: &Path, bytes: &[u8]) {
    let HistoryOpened::MovedAside { moved_to, reason } = opened else {
        panic!("expected MovedAside, got {opened:?}");
    };
    assert!(!reason.is_empty());
    let name = moved_to.file_name().unwrap().to_str().unwrap();
    let stamp = name
        .strip_prefix("history.sqlite.corrupt-")
        .unwrap_or_else(|| panic!("bad name {name}"));
    assert_eq!(stamp.len(), "20260101T000000Z".len(), "{stamp}");
    assert!(
        stamp.as_bytes()[8] == b'T' && stamp.ends_with('Z'),
        "{stamp}"
    );
    assert!(
        stamp.chars().filter(char::is_ascii_digit).count() == 14,
        "{stamp}"
    );
    assert_eq!(moved_to.parent(), path.parent());
    assert_eq!(
        std::fs::read(moved_to).unwrap(),
        bytes,
        "the moved file changed"
    );
}

#[tokio::test]
async fn a_file_of_garbage_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &garbage).unwrap();

    let (history, opened) = History::open(&path);
    assert_moved_aside(&opened, &path, &garbage);
    assert_eq!(history.path(), Some(path.as_path()));
    write_fixture_rows(&history).await;
    check_fixture_rows(&history);
    drop(history);
    let (_, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 0 });
}

#[tokio::test]
async fn a_truncated_database_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let (history, _) = History::open(&path);
        with_conversation(&history).await;
        for i in 0..200 {
            let h = format!("t{i}");
            history
                .add_message(message(&h, CONV, &"long message ".repeat(40), i))
                .await
                .unwrap();
            history.record(&text_part(&h, 2, &"answer text ".repeat(100)));
        }
        history.flush().await;
    }
    assert!(
        !dir.path().join("data/history.sqlite-wal").exists(),
        "closing checkpoints"
    );
    let full = std::fs::read(&path).unwrap();
    assert!(full.len() > 64 * 1024, "{} bytes", full.len());
    let truncated = &full[..full.len() / 2 / 4096 * 4096];
    std::fs::write(&path, truncated).unwrap();

    let (history, opened) = History::open(&path);
    assert_moved_aside(&opened, &path, truncated);
    with_conversation(&history).await;
    assert!(
        history
            .messages(CONV, None, 10)
            .unwrap()
            .messages
            .is_empty()
    );
}

// ---- executions ----

#[tokio::test]
async fn running_executions_are_interrupted_at_open_with_their_parts() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let running = ExecutionHandle::from("running".to_owned());
    {
        let (history, _) = History::open(&path);
        with_conversation(&history).await;
        history
            .add_message(message("running", CONV, "go", 1))
            .await
            .unwrap();
        history.record(&update(
            "running",
            2,
            ExecutionChange::Started {
                execution_id: "e1".into(),
            },
        ));
        history.record(&text_part("running", 3, "partial "));
        history.record(&delta("running", 4, 0, "answer"));
        history
            .add_message(message("done", CONV, "go", 2))
            .await
            .unwrap();
        history.record(&update(
            "done",
            2,
            ExecutionChange::Finished {
                status: ExecutionStatus::Completed,
                usage: None,
                message_id: None,
            },
        ));
        history.flush().await;
        assert_eq!(
            history.message(&running).unwrap().unwrap().snapshot.status,
            ExecutionStatus::Running
        );
    }
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 1 });
    let stored = history.message(&running).unwrap().unwrap().snapshot;
    assert_eq!(stored.status, ExecutionStatus::Failed);
    assert_eq!(stored.error, Some(ExecutionError::Interrupted));
    assert_eq!(stored.seq, 5, "marking it is a change");
    assert_eq!(
        stored.parts,
        vec![Part::Text {
            text: "partial answer".into()
        }]
    );
    assert_eq!(stored.execution_id.as_deref(), Some("e1"));
    let done = history
        .message(&ExecutionHandle::from("done".to_owned()))
        .unwrap()
        .unwrap();
    assert_eq!(done.snapshot.status, ExecutionStatus::Completed);
    drop(history);
    let (_, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 0 });
}

#[tokio::test]
async fn a_burst_of_deltas_is_written_whole_in_few_transactions() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let (history, _) = History::open(&path);
    with_conversation(&history).await;
    history
        .add_message(message("burst", CONV, "go", 1))
        .await
        .unwrap();
    history.record(&text_part("burst", 2, ""));
    history.flush().await;
    let before = history.writer_stats();

    // Another connection holds the write lock, so the writer cannot commit while the
    // burst is queued: it must take it in (nearly) one batch.
    let blocker = rusqlite::Connection::open(&path).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut expected = String::new();
    for i in 0..10_000u64 {
        let piece = format!("{i} ");
        expected.push_str(&piece);
        history.record(&delta("burst", 3 + i, 0, &piece));
    }
    assert!(history.writer_stats().queue_high_water >= 5_000);
    blocker.execute_batch("COMMIT").unwrap();
    history.flush().await;

    let after = history.writer_stats();
    let updates = after.updates - before.updates;
    let transactions = after.transactions - before.transactions;
    assert_eq!(updates, 10_000);
    assert_eq!(after.text_deltas - before.text_deltas, 10_000);
    assert!(
        transactions < updates / 10,
        "{transactions} transactions for {updates} updates"
    );
    assert_eq!(after.write_errors, 0);
    assert_eq!(after.queue_len, 0);
    let stored = history
        .message(&ExecutionHandle::from("burst".to_owned()))
        .unwrap()
        .unwrap();
    assert_eq!(stored.snapshot.parts, vec![Part::Text { text: expected }]);
    assert_eq!(stored.snapshot.seq, 10_002);
}

#[tokio::test]
async fn executions_without_add_message_are_stored_only_in_known_conversations() {
    let history = History::in_memory();
    with_conversation(&history).await;
    let accepted = |handle: &str, conversation: &str| ExecutionUpdate {
        conversation_id: conversation.into(),
        ..update(
            handle,
            1,
            ExecutionChange::Accepted {
                request: request(conversation, "hi"),
            },
        )
    };
    history.record(&accepted("known", CONV));
    history.record(&text_part("known", 2, "stored"));
    history.record(&accepted("outside", ""));
    history.record(&ExecutionUpdate {
        conversation_id: String::new(),
        ..text_part("outside", 2, "x")
    });
    history.record(&accepted("unknown", "nowhere"));
    history.record(&ExecutionUpdate {
        conversation_id: "nowhere".into(),
        ..text_part("unknown", 2, "x")
    });
    // An update of an execution the store never saw start is dropped too.
    history.record(&text_part("no-accepted", 2, "x"));
    history.flush().await;

    let known = history
        .message(&ExecutionHandle::from("known".to_owned()))
        .unwrap()
        .unwrap();
    assert_eq!(
        known.snapshot.parts,
        vec![Part::Text {
            text: "stored".into()
        }]
    );
    assert_eq!(known.idempotency_key, "");
    for missing in ["outside", "unknown", "no-accepted"] {
        assert!(
            history
                .message(&ExecutionHandle::from(missing.to_owned()))
                .unwrap()
                .is_none(),
            "{missing}"
        );
    }
    assert_eq!(history.writer_stats().write_errors, 0);
    assert_eq!(history.writer_stats().updates, 7);
}

#[tokio::test]
async fn feedback_is_stored() {
    let history = History::in_memory();
    with_conversation(&history).await;
    history
        .add_message(message("fb", CONV, "hi", 1))
        .await
        .unwrap();
    history.record(&update(
        "fb",
        2,
        ExecutionChange::Finished {
            status: ExecutionStatus::Completed,
            usage: None,
            message_id: Some("m".into()),
        },
    ));
    history.flush().await;
    // Finished and forgotten by the writer's cache: the feedback reloads it.
    let feedback = Feedback {
        up: false,
        delivery: FeedbackDelivery::Failed,
    };
    history.record(&update(
        "fb",
        3,
        ExecutionChange::FeedbackChanged { feedback },
    ));
    history.flush().await;
    let stored = history
        .message(&ExecutionHandle::from("fb".to_owned()))
        .unwrap()
        .unwrap();
    assert_eq!(stored.snapshot.feedback, Some(feedback));
    assert_eq!(stored.snapshot.seq, 3);
    assert_eq!(stored.snapshot.message_id.as_deref(), Some("m"));
}

// ---- drafts ----

#[tokio::test]
async fn drafts_last_write_wins_and_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let (history, _) = History::open(&path);
        with_conversation(&history).await;
        assert_eq!(history.draft(CONV).unwrap(), "");
        for i in 0..100 {
            history.save_draft(CONV, format!("draft {i}"));
        }
        history.flush().await;
        assert_eq!(history.draft(CONV).unwrap(), "draft 99");
        history.save_draft(CONV, String::new());
        history.flush().await;
        assert_eq!(history.draft(CONV).unwrap(), "");
        history.save_draft(CONV, "kept".into());
        // No flush: dropping the last clone commits what is queued.
    }
    let (history, _) = History::open(&path);
    assert_eq!(history.draft(CONV).unwrap(), "kept");
}

#[test]
fn usable_from_plain_threads() {
    fn shareable<T: Send + Sync + Clone + std::fmt::Debug>() {}
    shareable::<History>();
    let history = History::in_memory();
    let clone = history.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(with_conversation(&clone));
    })
    .join()
    .unwrap();
    assert_eq!(history.workspaces().unwrap(), vec![workspace()]);
    assert!(format!("{history:?}").contains("History"));
}

// ---- version 2: profiles, their agents and status, a message's variables ----

#[tokio::test]
async fn version_1_migrates_to_version_2_with_its_rows_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::copy(fixture_dir().join("v1.sqlite"), &path).unwrap();
    {
        // Version 1's demo workspace was the row with the demo id.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO workspaces (id, name, base_url) VALUES ('demo', 'Demo', 'http://127.0.0.1:1')",
            [],
        )
        .unwrap();
    }
    let (history, opened) = History::open(&path);
    assert_eq!(opened, HistoryOpened::Existing { interrupted: 0 });
    check_v1_rows(&history);
    let kinds: Vec<(String, WorkspaceKind)> = history
        .workspaces()
        .unwrap()
        .into_iter()
        .map(|w| (w.id, w.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (WS.to_owned(), WorkspaceKind::Run),
            ("demo".to_owned(), WorkspaceKind::Demo)
        ]
    );
    assert!(history.profiles().unwrap().is_empty());
    let stored = history
        .message(&ExecutionHandle::from(FIXTURE_HANDLE.to_owned()))
        .unwrap()
        .unwrap();
    assert_eq!(stored.snapshot.request.variables, None);
    // Version 2's writes work on the migrated file.
    write_v2_rows(&history).await;
    check_v2_rows(&history);
}

/// The rows version 2 added, on a store that has version 1's.
async fn write_v2_rows(history: &History) {
    history
        .save_profile(profile(FIXTURE_PROFILE, 1_700_000_000_500))
        .await
        .unwrap();
    let status = fixture_status();
    history
        .record_workspace_status(
            FIXTURE_PROFILE,
            status.credits_remaining,
            status.app_version,
        )
        .await
        .unwrap();
    history
        .save_agents(FIXTURE_PROFILE, typed_agents())
        .await
        .unwrap();
    history
        .create_conversation(conversation(FIXTURE_CONV_2, 1_700_000_000_000))
        .await
        .unwrap();
    let mut with_variables = message(FIXTURE_HANDLE_2, FIXTURE_CONV_2, "", FIXTURE_SENT_AT);
    with_variables.request.variables = Some(fixture_variables());
    history.add_message(with_variables).await.unwrap();
    history.record(&ExecutionUpdate {
        conversation_id: FIXTURE_CONV_2.into(),
        ..update(
            FIXTURE_HANDLE_2,
            2,
            ExecutionChange::Finished {
                status: ExecutionStatus::Completed,
                usage: None,
                message_id: None,
            },
        )
    });
    history.flush().await;
}
