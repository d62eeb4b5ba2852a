//! The cost preview before sending, and the credits and app version remembered per
//! workspace from every answer's headers.

use std::sync::Arc;

use athena_api::{ExecuteRequest, ResponseMeta, ValidationRule};
use athena_core::{
    AccountStatus, CoreError, CostPreview, CostRule, ExecutionError, StatusChange, WorkspaceStatus,
    preview_cost,
};
use serde_json::{Map, Value, json};

use crate::agent_check::{emulator, emulator_client};

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("not an object"),
    }
}

#[tokio::test]
async fn variables_are_priced_by_the_agent_s_rules() {
    let server = emulator().await;
    let client = emulator_client(&server);
    let (preview, meta) = preview_cost(
        &client,
        "agent:wizard",
        &object(json!({"topic": "tea", "sections": 4, "rush": true})),
    )
    .await
    .expect("a preview");
    assert_eq!(
        preview,
        CostPreview {
            credits: 11.0,
            base_cost: 2.0,
            rules: vec![
                CostRule {
                    name: "per_section".into(),
                    description: Some(
                        "1 credit per outline section (`sections`, 1-10, default 3)".into()
                    ),
                    credits: 4.0,
                },
                CostRule {
                    name: "rush".into(),
                    description: Some("5 credits for `rush: true`".into()),
                    credits: 5.0,
                },
            ],
        }
    );
    assert!(meta.credits_remaining.is_some());
    let json = serde_json::to_value(&preview).unwrap();
    assert_eq!(json["baseCost"], 2.0);
    assert_eq!(json["rules"][1]["name"], "rush");

    let err = preview_cost(&client, "agent:no-such-agent", &Map::new())
        .await
        .expect_err("no such agent");
    assert!(
        matches!(
            err,
            CoreError::Request(ExecutionError::Http { status: 404, .. })
        ),
        "{err:?}"
    );

    // Over the API's 16 KiB: refused before anything is sent.
    let big = object(json!({"topic": "x".repeat(17_000)}));
    let err = preview_cost(&client, "agent:wizard", &big)
        .await
        .expect_err("too large");
    assert!(
        matches!(&err, CoreError::Validation(v) if v.field == "variables" && v.rule == ValidationRule::TooLarge),
        "{err:?}"
    );
}

#[tokio::test]
async fn credits_spent_on_the_server_show_as_a_change() {
    let server = emulator().await;
    let client = emulator_client(&server);
    let status = AccountStatus::new();
    let (_, meta) = preview_cost(&client, "agent:wizard", &Map::new())
        .await
        .expect("a preview");
    let first = status.observe("ws", &meta);
    assert!(first.credits_changed);
    assert!(first.app_version_learned);
    assert_eq!(first.app_version_changed, None);
    let before = status.get("ws").credits_remaining.expect("credits");

    let run = client
        .execute("agent:wizard", &ExecuteRequest::message("go"), None)
        .await
        .expect("the wizard runs");
    let change = status.observe("ws", &run.meta);
    assert!(change.credits_changed, "{change:?}");
    assert_eq!(change.app_version_changed, None);
    assert!(status.get("ws").credits_remaining < Some(before));
}

fn meta(credits: Option<i64>, version: Option<&str>) -> ResponseMeta {
    ResponseMeta {
        credits_remaining: credits,
        app_version: version.map(str::to_owned),
        workspace_id: None,
    }
}

#[test]
fn account_status_reports_only_real_changes() {
    let status = AccountStatus::new();
    assert_eq!(status.get("a"), WorkspaceStatus::default());

    // Seeded from storage: the same values again change nothing.
    status.seed(
        "a",
        WorkspaceStatus {
            credits_remaining: Some(100),
            app_version: Some("appversion:1".into()),
        },
    );
    let same = status.observe("a", &meta(Some(100), Some("appversion:1")));
    assert_eq!(same, StatusChange::default());
    assert!(!same.needs_saving());

    // Missing headers are normal (workspace keys): nothing changes, nothing is lost.
    assert_eq!(
        status.observe("a", &meta(None, None)),
        StatusChange::default()
    );
    assert_eq!(status.get("a").credits_remaining, Some(100));

    let spent = status.observe("a", &meta(Some(93), None));
    assert!(spent.credits_changed && spent.needs_saving());
    assert_eq!(spent.app_version_changed, None);

    let published = status.observe("a", &meta(None, Some("appversion:2")));
    assert_eq!(
        published.app_version_changed,
        Some((Some("appversion:1".into()), "appversion:2".into()))
    );
    assert!(!published.credits_changed && !published.app_version_learned);
    assert_eq!(
        status.get("a"),
        WorkspaceStatus {
            credits_remaining: Some(93),
            app_version: Some("appversion:2".into()),
        }
    );

    // A workspace with no version stored learns its first one: not a change.
    let learned = status.observe("b", &meta(None, Some("appversion:9")));
    assert_eq!(learned.app_version_changed, None);
    assert!(learned.app_version_learned && learned.needs_saving());
    assert!(!learned.credits_changed);
    // Workspaces are kept apart.
    assert_eq!(status.get("a").app_version.as_deref(), Some("appversion:2"));

    status.forget("b");
    assert_eq!(status.get("b"), WorkspaceStatus::default());
}

#[test]
fn account_status_is_shared_across_threads() {
    let status = Arc::new(AccountStatus::new());
    let threads: Vec<_> = (0..4i64)
        .map(|i| {
            let status = status.clone();
            std::thread::spawn(move || {
                for n in 0..100 {
                    status.observe(&format!("ws{i}"), &meta(Some(n), None));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    for i in 0..4 {
        assert_eq!(status.get(&format!("ws{i}")).credits_remaining, Some(99));
    }
}
