//! The history store's profiles: saved, listed, updated and deleted with everything
//! under them; their agents in order; a workspace's status; a message's variables.

use athena_core::history::{
    ConversationRecord, History, HistoryError, ProfileRecord, WorkspaceRecord, WorkspaceStatus,
};
use athena_core::{
    AgentSummary, AgentVariable, ExecutionChange, ExecutionHandle, ExecutionStatus,
    ExecutionUpdate, Part, WorkspaceKind,
};

use crate::history::{
    CONV, WS, check_fixture_rows, conversation, db_path, fixture_status, fixture_variables,
    message, profile, request, text_part, typed_agents, update, with_conversation, workspace,
    write_fixture_rows,
};

#[tokio::test]
async fn profiles_are_listed_oldest_first_and_updated_in_place() {
    let history = History::in_memory();
    history.save_profile(profile("b", 2_000)).await.unwrap();
    history.save_profile(profile("a", 1_000)).await.unwrap();
    // Another kind of workspace is not a profile.
    history.save_workspace(workspace()).await.unwrap();
    let ids =
        |h: &History| -> Vec<String> { h.profiles().unwrap().into_iter().map(|p| p.id).collect() };
    assert_eq!(ids(&history), ["a", "b"]);
    assert_eq!(history.profile(WS).unwrap(), None);

    // Every setting is updated; the creation time (and so the place) is kept; the
    // status given with the record is not written.
    let edited = ProfileRecord {
        name: "Renamed".into(),
        base_url: "https://other.example.com/api".into(),
        server_workspace_id: "workspace:other".into(),
        external_user_id: None,
        ca_certificate: None,
        created_at_ms: 9_000,
        status: fixture_status(),
        ..profile("a", 1_000)
    };
    history.save_profile(edited.clone()).await.unwrap();
    assert_eq!(ids(&history), ["a", "b"]);
    assert_eq!(
        history.profile("a").unwrap(),
        Some(ProfileRecord {
            created_at_ms: 1_000,
            status: WorkspaceStatus::default(),
            ..edited
        })
    );

    // A conversation starting in a profile saves its workspace again: only the name
    // and base URL change; it stays a profile with its settings and status.
    let status = fixture_status();
    history
        .record_workspace_status("b", status.credits_remaining, status.app_version)
        .await
        .unwrap();
    history
        .save_workspace(WorkspaceRecord {
            id: "b".into(),
            name: "Shown".into(),
            base_url: "https://b.example.com".into(),
            kind: WorkspaceKind::Run,
        })
        .await
        .unwrap();
    let b = history.profile("b").unwrap().expect("still a profile");
    assert_eq!(
        b,
        ProfileRecord {
            name: "Shown".into(),
            base_url: "https://b.example.com".into(),
            status: fixture_status(),
            ..profile("b", 2_000)
        }
    );
    let kinds: Vec<WorkspaceKind> = history
        .workspaces()
        .unwrap()
        .into_iter()
        .map(|w| w.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            WorkspaceKind::Profile,
            WorkspaceKind::Profile,
            WorkspaceKind::Run
        ]
    );

    // A run's workspace saved as a profile becomes one, with the record's time.
    history.save_profile(profile(WS, 1_500)).await.unwrap();
    assert_eq!(ids(&history), ["a", WS, "b"]);
}

#[tokio::test]
async fn deleting_a_workspace_removes_everything_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let (history, _) = History::open(&path);
    // The fixture's rows in `w1` and a profile with its agents and a conversation.
    write_fixture_rows(&history).await;
    history.save_profile(profile("gone", 5)).await.unwrap();
    history.save_agents("gone", typed_agents()).await.unwrap();
    history
        .create_conversation(ConversationRecord {
            workspace_id: "gone".into(),
            ..conversation("c-gone", 10)
        })
        .await
        .unwrap();
    let mut sent = message("m-gone", "c-gone", "hello", 11);
    sent.request.workspace_id = "gone".into();
    history.add_message(sent).await.unwrap();
    let gone_update = |seq, change| ExecutionUpdate {
        workspace_id: "gone".into(),
        conversation_id: "c-gone".into(),
        ..update("m-gone", seq, change)
    };
    history.record(&gone_update(
        2,
        ExecutionChange::PartAdded {
            part: Part::Text { text: "Hi".into() },
        },
    ));
    history.save_draft("c-gone", "draft".into());
    history.flush().await;
    assert!(
        history
            .message(&ExecutionHandle::from("m-gone".to_owned()))
            .unwrap()
            .is_some()
    );

    history.delete_workspace("gone").await.unwrap();
    // The execution still streams: its later updates find no row and are dropped,
    // without errors.
    history.record(&gone_update(
        3,
        ExecutionChange::PartAppended {
            index: 0,
            delta: " there".into(),
        },
    ));
    history.flush().await;
    assert_eq!(history.writer_stats().write_errors, 0);
    assert_eq!(history.profile("gone").unwrap(), None);
    assert!(history.agents("gone").unwrap().is_empty());
    assert_eq!(history.conversation("c-gone").unwrap(), None);
    assert!(
        history
            .message(&ExecutionHandle::from("m-gone".to_owned()))
            .unwrap()
            .is_none()
    );
    assert_eq!(history.draft("c-gone").unwrap(), "");
    assert_eq!(history.workspace_status("gone").unwrap(), None);
    // Deleting it again is not an error; the other workspaces are untouched.
    history.delete_workspace("gone").await.unwrap();
    check_fixture_rows(&history);
    drop(history);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM conversations WHERE workspace_id = 'gone'"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM messages WHERE workspace_id = 'gone'"),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM parts WHERE message_position NOT IN (SELECT position FROM messages)"
        ),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM drafts WHERE conversation_id = 'c-gone'"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM agents WHERE workspace_id = 'gone'"),
        0
    );
    // The fixture's parts are still there: only the deleted workspace's went.
    assert!(count("SELECT count(*) FROM parts") > 0);
}

#[tokio::test]
async fn agents_are_replaced_and_read_in_order() {
    let history = History::in_memory();
    history.save_profile(profile("p", 1)).await.unwrap();
    history.save_agents("p", typed_agents()).await.unwrap();
    assert_eq!(history.agents("p").unwrap(), typed_agents());

    let mut reordered = typed_agents();
    reordered.reverse();
    reordered.push(AgentSummary {
        id: "agent:extra".into(),
        name: "Extra".into(),
        description: String::new(),
        requires_user_message: true,
        variables: vec![AgentVariable::text("note", "")],
    });
    history.save_agents("p", reordered.clone()).await.unwrap();
    assert_eq!(history.agents("p").unwrap(), reordered);
    // Ids sort the other way, so the order read is the order saved.
    assert_eq!(reordered[0].id, "agent:chat");

    history.save_agents("p", Vec::new()).await.unwrap();
    assert!(history.agents("p").unwrap().is_empty());
    history.save_agents("p", typed_agents()).await.unwrap();

    // An id twice: refused, nothing replaced.
    let mut twice = typed_agents();
    twice.push(twice[0].clone());
    assert!(history.save_agents("p", twice).await.is_err());
    assert_eq!(history.agents("p").unwrap(), typed_agents());

    let err = history
        .save_agents("nope", typed_agents())
        .await
        .unwrap_err();
    assert!(
        matches!(err, HistoryError::UnknownWorkspace(ref id) if id == "nope"),
        "{err:?}"
    );
    assert!(history.agents("nope").unwrap().is_empty());
}

#[tokio::test]
async fn a_workspaces_status_is_recorded_and_read_back() {
    let history = History::in_memory();
    assert_eq!(history.workspace_status(WS).unwrap(), None);
    let err = history
        .record_workspace_status(WS, Some(1), None)
        .await
        .unwrap_err();
    assert!(matches!(err, HistoryError::UnknownWorkspace(_)), "{err:?}");

    history.save_workspace(workspace()).await.unwrap();
    assert_eq!(
        history.workspace_status(WS).unwrap(),
        Some(WorkspaceStatus::default())
    );
    history
        .record_workspace_status(WS, Some(120), Some("appversion:1".into()))
        .await
        .unwrap();
    assert_eq!(
        history.workspace_status(WS).unwrap(),
        Some(WorkspaceStatus {
            credits_remaining: Some(120),
            app_version: Some("appversion:1".into()),
        })
    );
    // Saving the workspace again keeps it.
    history.save_workspace(workspace()).await.unwrap();
    assert_eq!(
        history
            .workspace_status(WS)
            .unwrap()
            .unwrap()
            .credits_remaining,
        Some(120)
    );
    // The next answer's headers replace both; no credits header clears them.
    history
        .record_workspace_status(WS, None, Some("appversion:2".into()))
        .await
        .unwrap();
    assert_eq!(
        history.workspace_status(WS).unwrap(),
        Some(WorkspaceStatus {
            credits_remaining: None,
            app_version: Some("appversion:2".into()),
        })
    );
}

#[tokio::test]
async fn a_messages_variables_are_stored_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let (history, _) = History::open(&path);
    with_conversation(&history).await;
    let mut sent = message("m-vars", CONV, "", 10);
    sent.request.variables = Some(fixture_variables());
    history.add_message(sent).await.unwrap();
    // Updates rewrite the head: the variables stay.
    history.record(&text_part("m-vars", 2, "Outline"));
    history.record(&update(
        "m-vars",
        3,
        ExecutionChange::Finished {
            status: ExecutionStatus::Completed,
            usage: None,
            message_id: None,
        },
    ));
    // An execution the history learns of from its `Accepted` keeps them too.
    let mut accepted = request(CONV, "learned");
    accepted.variables = Some(fixture_variables());
    history.record(&update(
        "m-accepted",
        1,
        ExecutionChange::Accepted { request: accepted },
    ));
    history.flush().await;
    drop(history);

    let (history, _) = History::open(&path);
    let page = history.messages(CONV, None, 10).unwrap();
    let variables: Vec<_> = page
        .messages
        .iter()
        .map(|m| m.snapshot.request.variables.clone())
        .collect();
    assert_eq!(
        variables,
        vec![Some(fixture_variables()), Some(fixture_variables())]
    );
    assert_eq!(page.messages[0].snapshot.status, ExecutionStatus::Completed);
    // Stored as compact JSON; a message without variables stores NULL.
    history
        .add_message(message("m-plain", CONV, "plain", 20))
        .await
        .unwrap();
    drop(history);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: Vec<Option<String>> = conn
        .prepare("SELECT variables FROM messages ORDER BY position")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        stored,
        vec![
            Some(r#"{"rush":true,"sections":4,"topic":"Q3 ✓"}"#.to_owned()),
            Some(r#"{"rush":true,"sections":4,"topic":"Q3 ✓"}"#.to_owned()),
            None
        ]
    );
}
