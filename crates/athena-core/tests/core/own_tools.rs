//! The user's own tools through the whole path, against a real emulator's Tool user
//! agent: a command tool runs only after the dialog allowed it (a denied call runs
//! nothing), every call lands in the audit log with its decision, who made it, its
//! outcome and duration; the log's filters and paging; a tool added at run time is
//! offered on the next execution; a changed tool makes "always allow" ask again; an
//! agent is never offered more than 32 tools.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::Arc;

use athena_core::CoreError;
use athena_core::approvals::ClientTools;
use athena_core::approvals::broker::{ALLOW_ONCE, ALWAYS_ALLOW, DENY};
use athena_core::history::{AuditDecision, AuditFilter, AuditOutcome, DecidedBy};
use athena_core::tools::command::CommandToolSpec;
use athena_core::tools::{ToolRegistry, ToolSource, arguments_hash};
use athena_emulator::{CLIENT_TOOLS_ID, EmulatorConfig};
use serde_json::json;

use crate::client_tools::Answers;
use crate::conversations::Bench;

struct Own {
    bench: Bench,
    answers: Arc<Answers>,
    tools: ClientTools,
    log: PathBuf,
}

impl Own {
    async fn start() -> Self {
        let bench = Bench::start(EmulatorConfig::default()).await;
        let answers = Answers::new(&[]);
        let tools = ClientTools::new(
            ToolRegistry::builtin(),
            bench.history.clone(),
            answers.clone(),
        );
        bench.conversations.offer_tools(tools.clone());
        let log = bench.dir.path().join("notes.log");
        Self {
            bench,
            answers,
            tools,
            log,
        }
    }

    /// The `note` command tool: appends the call's text to `notes.log`.
    fn note(&self, description: &str) -> CommandToolSpec {
        let script = self.bench.dir.path().join("note.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\ncat >> {log}\necho >> {log}\necho '{{\"noted\": true}}'\n",
                log = self.log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        CommandToolSpec {
            name: "note".into(),
            description: description.into(),
            parameters: json!({
                "type": "object",
                "properties": {"text": {"type": "string"}},
                "required": ["text"]
            }),
            executable: script.display().to_string(),
            args: Vec::new(),
            timeout_secs: 10,
            output_limit_bytes: 4096,
        }
    }

    async fn ask(&self, message: &str) -> String {
        let chat = self.bench.chat_with(CLIENT_TOOLS_ID).await;
        let handle = self.bench.send(&chat, message).await;
        self.bench.answer(&handle).await.0
    }

    fn noted(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn offered(tools: &ClientTools) -> Vec<String> {
    tools
        .offered("ws", CLIENT_TOOLS_ID)
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_tool_runs_only_after_approval_and_every_call_is_audited() {
    let t = Own::start().await;
    assert!(
        t.tools
            .set_command_tools(&[t.note("Takes a note.")])
            .is_empty()
    );
    t.tools
        .set_enabled("ws", CLIENT_TOOLS_ID, "note", true)
        .await
        .unwrap();

    t.answers.push(Some(DENY));
    let text = t.ask(r#"note {"text": "one"}"#).await;
    assert!(text.contains("The user denied this call."), "{text}");
    assert_eq!(t.noted(), "", "a denied call ran nothing");

    t.answers.push(Some(ALLOW_ONCE));
    t.ask(r#"note {"text": "two"}"#).await;
    t.answers.push(Some(ALWAYS_ALLOW));
    t.ask(r#"note {"text": "three"}"#).await;
    let text = t.ask(r#"note {"text": "four"}"#).await;
    assert!(text.contains(r#"{"noted":true}"#), "{text}");
    assert_eq!(
        t.answers.asked().len(),
        3,
        "the rule let the fourth run unasked"
    );
    assert_eq!(
        t.noted(),
        "{\"text\":\"two\"}\n{\"text\":\"three\"}\n{\"text\":\"four\"}\n"
    );

    let page = t.tools.audit_page(&AuditFilter::default(), 0, 50).unwrap();
    assert_eq!(page.total, 4);
    let rows: Vec<_> = page
        .entries
        .iter()
        .map(|e| {
            (
                e.arguments_preview.as_str(),
                e.decision,
                e.decided_by,
                e.outcome,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                r#"{"text":"four"}"#,
                AuditDecision::Approved,
                DecidedBy::Rule,
                Some(AuditOutcome::Success)
            ),
            (
                r#"{"text":"three"}"#,
                AuditDecision::Approved,
                DecidedBy::You,
                Some(AuditOutcome::Success)
            ),
            (
                r#"{"text":"two"}"#,
                AuditDecision::Approved,
                DecidedBy::You,
                Some(AuditOutcome::Success)
            ),
            (
                r#"{"text":"one"}"#,
                AuditDecision::Denied,
                DecidedBy::You,
                Some(AuditOutcome::Failure)
            ),
        ]
    );
    for entry in &page.entries {
        assert_eq!(entry.tool_name, "note");
        assert_eq!(entry.tool_source, "command");
        assert_eq!(
            (entry.workspace_id.as_str(), entry.agent_id.as_str()),
            ("ws", CLIENT_TOOLS_ID)
        );
        assert_eq!(entry.agent_name, "Tool user");
        assert!(entry.conversation_id.is_some());
        let ran = entry.decision == AuditDecision::Approved;
        assert_eq!(entry.duration_ms.is_some(), ran, "{entry:?}");
        assert_eq!(
            entry.result_preview.as_deref(),
            Some(if ran {
                r#"{"noted":true}"#
            } else {
                "The user denied this call."
            })
        );
    }
    assert_eq!(
        page.entries[3].arguments_hash,
        arguments_hash(&json!({"text": "one"}))
    );

    // Filters and paging.
    let count = |filter: AuditFilter| t.tools.audit_page(&filter, 0, 50).unwrap().total;
    let denied = AuditFilter {
        decision: Some(AuditDecision::Denied),
        ..AuditFilter::default()
    };
    assert_eq!(count(denied), 1);
    let failures = AuditFilter {
        outcome: Some(AuditOutcome::Failure),
        ..AuditFilter::default()
    };
    assert_eq!(count(failures), 1);
    for (agent, tool, expected) in [
        (Some("tool USER"), None, 4),
        (Some("client-tools"), None, 4),
        (Some("nobody"), None, 0),
        (None, Some("NOT"), 4),
        (None, Some("%"), 0),
    ] {
        let filter = AuditFilter {
            agent: agent.map(str::to_owned),
            tool: tool.map(str::to_owned),
            ..AuditFilter::default()
        };
        assert_eq!(count(filter), expected, "{agent:?} {tool:?}");
    }
    let newest = page.entries[0].at_ms;
    let oldest = page.entries[3].at_ms;
    let later = AuditFilter {
        from_ms: Some(newest + 1),
        ..AuditFilter::default()
    };
    assert_eq!(count(later), 0);
    let window = AuditFilter {
        from_ms: Some(oldest),
        to_ms: Some(newest + 1),
        ..AuditFilter::default()
    };
    assert_eq!(count(window), 4);
    let second_page = t.tools.audit_page(&AuditFilter::default(), 1, 2).unwrap();
    assert_eq!(second_page.total, 4);
    assert_eq!(
        second_page.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        [page.entries[1].id, page.entries[2].id]
    );

    // A changed definition: the rule no longer applies, the next call asks.
    t.tools
        .set_command_tools(&[t.note("Takes a note, then shares it.")]);
    let settings = t.tools.agent_tools("ws", CLIENT_TOOLS_ID).unwrap();
    let note = settings
        .iter()
        .find(|s| s.definition.name == "note")
        .unwrap();
    assert!(note.rule_outdated && !note.always_allowed);
    assert_eq!(note.source, ToolSource::Command);
    t.answers.push(Some(DENY));
    t.ask(r#"note {"text": "five"}"#).await;
    assert_eq!(
        t.answers.asked().len(),
        4,
        "the changed tool was asked again"
    );
    assert!(!t.noted().contains("five"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_added_at_run_time_is_offered_on_the_next_execution() {
    let t = Own::start().await;
    let unknown = t
        .tools
        .set_enabled("ws", CLIENT_TOOLS_ID, "note", true)
        .await
        .unwrap_err();
    assert!(matches!(unknown, CoreError::UnknownTool(_)), "{unknown:?}");
    let text = t.ask(r#"note {"text": "early"}"#).await;
    assert!(text.contains("No client tools were offered"), "{text}");

    t.tools.set_command_tools(&[t.note("Takes a note.")]);
    t.tools
        .set_enabled("ws", CLIENT_TOOLS_ID, "note", true)
        .await
        .unwrap();
    assert_eq!(offered(&t.tools), ["note"]);
    t.answers.push(Some(ALLOW_ONCE));
    let text = t.ask(r#"note {"text": "now"}"#).await;
    assert!(text.contains(r#"{"noted":true}"#), "{text}");
    assert_eq!(t.noted(), "{\"text\":\"now\"}\n");

    // Removed: no longer offered, and a call to it (from a server that still
    // knows it) is refused unasked.
    t.tools.set_command_tools(&[]);
    assert!(offered(&t.tools).is_empty());
    let text = t.ask(r#"note {"text": "late"}"#).await;
    assert!(text.contains("No client tools were offered"), "{text}");
    assert_eq!(t.answers.asked().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_is_offered_at_most_32_tools() {
    let t = Own::start().await;
    let specs: Vec<CommandToolSpec> = (0..32)
        .map(|i| CommandToolSpec {
            name: format!("tool_{i:02}"),
            executable: "/bin/true".into(),
            ..t.note("A tool.")
        })
        .collect();
    assert!(t.tools.set_command_tools(&specs).is_empty());
    for spec in &specs {
        t.tools
            .set_enabled("ws", CLIENT_TOOLS_ID, &spec.name, true)
            .await
            .unwrap();
    }
    let refused = t
        .tools
        .set_enabled("ws", CLIENT_TOOLS_ID, "current_datetime", true)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, CoreError::TooManyTools { limit: 32 }),
        "{refused:?}"
    );
    assert_eq!(offered(&t.tools).len(), 32);
    // Disabling one makes room.
    t.tools
        .set_enabled("ws", CLIENT_TOOLS_ID, "tool_00", false)
        .await
        .unwrap();
    t.tools
        .set_enabled("ws", CLIENT_TOOLS_ID, "current_datetime", true)
        .await
        .unwrap();
    assert!(offered(&t.tools).contains(&"current_datetime".to_owned()));
}
