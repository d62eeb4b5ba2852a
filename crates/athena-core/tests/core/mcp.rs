//! The user's MCP servers against a real MCP server process (the tiny one in
//! tests/fixtures/mcp, Python standard library only) and, for calls, a real emulator's
//! Tool user agent: tools listed and mapped, a call approved through the gate, a crash
//! restarted, a changed tool asked again while an unchanged one keeps its rule, a
//! command line with shell metacharacters never run by a shell, servers stopped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use athena_core::approvals::ClientTools;
use athena_core::approvals::broker::{ALLOW_ONCE, ALWAYS_ALLOW, DENY};
use athena_core::tools::mcp::{Backoff, McpServerSpec, McpServerState, McpServers, McpStatus};
use athena_core::tools::{ToolRegistry, ToolSource};
use athena_core::{ApprovedBy, ClientToolState, ExecutionChange, ExecutionStatus, Part};
use athena_emulator::{CLIENT_TOOLS_ID, EmulatorConfig};
use serde_json::json;

use crate::client_tools::Answers;
use crate::conversations::Bench;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mcp/tiny_mcp_server.py")
}

/// The tiny server's command line, with `extra` arguments appended as they are.
fn command_line(extra: &str) -> String {
    format!(
        "python3 {} {extra}",
        shell_quote(&fixture().to_string_lossy())
    )
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn spec(name: &str, command_line: String) -> McpServerSpec {
    McpServerSpec {
        id: format!("id-{name}"),
        name: name.to_owned(),
        command_line,
        enabled: true,
    }
}

/// Fast restarts for tests: 50 ms, 100 ms, then failed.
fn quick() -> Backoff {
    Backoff {
        first: Duration::from_millis(50),
        cap: Duration::from_millis(200),
        attempts: 2,
        stable_after: Duration::from_secs(60),
    }
}

async fn servers(specs: &[McpServerSpec]) -> McpServers {
    let servers = McpServers::with_limits(quick(), Duration::from_secs(2));
    servers.set_servers(specs).await;
    servers
}

/// Waits (up to 20 s) until the first server's state satisfies `done`.
async fn wait_for(servers: &McpServers, done: impl Fn(&McpServerState) -> bool) -> McpServerState {
    let mut changes = servers.changes();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let state = servers.states().remove(0);
        if done(&state) {
            return state;
        }
        let timeout = tokio::time::timeout_at(deadline, changes.changed()).await;
        assert!(timeout.is_ok(), "timed out; last state: {state:?}");
    }
}

async fn pid_of(servers: &McpServers, id: &str) -> u64 {
    let argv = servers.sample_call(id, "argv", &json!({})).await.unwrap();
    argv["pid"].as_u64().unwrap()
}

/// Whether process `pid` is gone (or a zombie waiting to be reaped).
#[cfg(target_os = "linux")]
fn gone(pid: u64) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_tools_are_listed_mapped_and_callable() {
    let servers = servers(&[spec("Tiny", command_line(""))]).await;
    assert_eq!(
        servers.states()[0].status,
        McpStatus::Stopped,
        "not started before needed"
    );

    let tools = servers.tools().await;
    let mut names: Vec<String> = tools.iter().map(|t| t.definition().name.clone()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "tiny_add",
            "tiny_argv",
            "tiny_change_tools",
            "tiny_crash",
            "tiny_echo",
            "tiny_fail",
            "tiny_shout_out_loud",
            "tiny_slow"
        ],
        "bad_schema is left out"
    );
    let echo = tools
        .iter()
        .find(|t| t.definition().name == "tiny_echo")
        .unwrap();
    assert_eq!(echo.definition().description, "Echoes the text back.");
    assert_eq!(echo.definition().parameters["required"], json!(["text"]));
    assert_eq!(
        echo.source(),
        ToolSource::Mcp {
            server: "Tiny".into()
        }
    );
    // The registry accepts every one of them.
    let mut registry = ToolRegistry::builtin();
    for tool in tools {
        registry = registry.with_tool(tool).unwrap();
    }

    let state = &servers.states()[0];
    assert_eq!(state.status, McpStatus::Running { tools: 9 });
    let shout = state
        .tools
        .iter()
        .find(|t| t.remote_name == "Shout.Out-Loud")
        .unwrap();
    assert_eq!(shout.name, "tiny_shout_out_loud");
    let bad = state
        .tools
        .iter()
        .find(|t| t.remote_name == "bad_schema")
        .unwrap();
    assert!(
        bad.problem
            .as_deref()
            .unwrap()
            .starts_with("its input schema is not usable"),
        "{bad:?}"
    );

    let id = "id-Tiny";
    assert_eq!(
        servers
            .sample_call(id, "echo", &json!({"text": "hi"}))
            .await,
        Ok(json!({"echo": "hi"}))
    );
    assert_eq!(
        servers
            .sample_call(id, "Shout.Out-Loud", &json!({"text": "hi"}))
            .await,
        Ok(json!({"text": "HI!"}))
    );
    assert_eq!(
        servers.sample_call(id, "fail", &json!({})).await,
        Err("the tiny server was asked to fail".to_owned()),
        "an MCP tool error is the failure's text"
    );
    let wrong = servers
        .sample_call(id, "echo", &json!({"text": 5}))
        .await
        .unwrap_err();
    assert!(wrong.contains("/text"), "{wrong}");
    let slow = servers
        .sample_call(id, "slow", &json!({"seconds": 5}))
        .await
        .unwrap_err();
    assert!(slow.contains("did not answer within 2 s"), "{slow}");

    let pid = pid_of(&servers, id).await;
    servers.stop_all().await;
    assert_eq!(servers.states()[0].status, McpStatus::Stopped);
    #[cfg(target_os = "linux")]
    assert!(gone(pid), "the server process {pid} was stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_program_or_a_server_that_is_not_mcp_fails_with_the_reason() {
    let servers = servers(&[
        spec("missing", "no-such-program-athena --x".to_owned()),
        spec(
            "silent",
            "python3 -c 'import sys; sys.stderr.write(\"bad config\\n\")'".to_owned(),
        ),
    ])
    .await;
    assert!(servers.tools().await.is_empty());
    let states = servers.states();
    let McpStatus::Failed { reason } = &states[0].status else {
        panic!("{:?}", states[0]);
    };
    assert!(
        reason.contains("\"no-such-program-athena\" was not found"),
        "{reason}"
    );
    let McpStatus::Failed { reason } = &states[1].status else {
        panic!("{:?}", states[1]);
    };
    assert!(
        reason.contains("did not start as an MCP server"),
        "{reason}"
    );
    assert!(
        reason.ends_with("bad config"),
        "the last line of stderr is shown: {reason}"
    );
    let probe = servers.probe("x", "'unclosed").await.unwrap_err();
    assert!(probe.contains("quote that is not closed"), "{probe}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashed_server_is_restarted_and_gives_up_after_the_last_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let crash_marker = dir.path().join("crash-at-start");
    let line = command_line(&format!(
        "--crash-at-start {} --stderr 'out of cheese'",
        shell_quote(&crash_marker.to_string_lossy())
    ));
    let servers = servers(&[spec("tiny", line)]).await;
    let id = "id-tiny";
    let first = pid_of(&servers, id).await;

    let crashed = servers
        .sample_call(id, "crash", &json!({}))
        .await
        .unwrap_err();
    assert!(crashed.contains("did not complete"), "{crashed}");
    // Restarted by itself: a new process answers (a call in between may find it
    // still restarting).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let second = loop {
        match servers.sample_call(id, "argv", &json!({})).await {
            Ok(argv) => break argv["pid"].as_u64().unwrap(),
            Err(why) => assert!(
                why.contains("restarting") && tokio::time::Instant::now() < deadline,
                "{why}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_ne!(first, second, "a new process");
    assert!(matches!(
        servers.states()[0].status,
        McpStatus::Running { tools: 9 }
    ));

    // Now every start fails: two restarts, then failed with the server's last words.
    std::fs::write(&crash_marker, "yes").unwrap();
    let _ = servers.sample_call(id, "crash", &json!({})).await;
    let state = wait_for(&servers, |s| matches!(s.status, McpStatus::Failed { .. })).await;
    let McpStatus::Failed { reason } = state.status else {
        unreachable!()
    };
    assert!(reason.contains("out of cheese"), "{reason}");
    assert!(reason.contains("gave up after 2 restarts"), "{reason}");
    let refused = servers
        .sample_call(id, "echo", &json!({"text": "x"}))
        .await
        .unwrap_err();
    assert!(
        refused.starts_with("failed: "),
        "no restart until asked: {refused}"
    );

    // The user's Restart, once the cause is gone.
    std::fs::remove_file(&crash_marker).unwrap();
    servers.restart(id).await.unwrap();
    assert!(matches!(
        servers.states()[0].status,
        McpStatus::Running { tools: 9 }
    ));
    servers.stop_all().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shell_metacharacters_are_arguments_never_run_by_a_shell() {
    let dir = tempfile::tempdir().unwrap();
    let touched = |name: &str| dir.path().join(name);
    let p = |name: &str| shell_quote(&touched(name).to_string_lossy());
    let extra = format!(
        "; touch {a} | touch {b} && touch {c} '$(touch {d})' `touch {e}` > {f}",
        a = p("a"),
        b = p("b"),
        c = p("c"),
        d = touched("d").display(),
        e = p("e"),
        f = p("f"),
    );
    let servers = servers(&[spec("tiny", command_line(&extra))]).await;
    let argv = servers.sample_call("id-tiny", "argv", &json!({})).await;
    // Stopped first: a shell would run what follows `;` once the server exits.
    servers.stop_all().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    for name in ["a", "b", "c", "d", "e", "f"] {
        assert!(
            !touched(name).exists(),
            "{name} was created: a shell ran the line"
        );
    }
    let argv = argv.expect("the server started with the metacharacters as arguments");
    let argv: Vec<String> = serde_json::from_value(argv["argv"].clone()).unwrap();
    let a = touched("a").to_string_lossy().into_owned();
    assert_eq!(argv[0], ";");
    assert_eq!(argv[1..3], ["touch".to_owned(), a]);
    assert!(argv.contains(&"|".to_owned()) && argv.contains(&"&&".to_owned()));
    assert!(argv.contains(&format!("$(touch {})", touched("d").display())));
    assert!(argv.contains(&"`touch".to_owned()) && argv.contains(&">".to_owned()));
}

struct McpBench {
    bench: Bench,
    answers: Arc<Answers>,
    tools: ClientTools,
    servers: McpServers,
}

impl McpBench {
    async fn start(line: String, enabled: &[&str]) -> Self {
        let bench = Bench::start(EmulatorConfig::default()).await;
        let answers = Answers::new(&[]);
        let tools = ClientTools::new(
            ToolRegistry::builtin(),
            bench.history.clone(),
            answers.clone(),
        );
        bench.conversations.offer_tools(tools.clone());
        let servers = servers(&[spec("tiny", line)]).await;
        let t = Self {
            bench,
            answers,
            tools,
            servers,
        };
        t.rebuild().await;
        for name in enabled {
            t.tools
                .set_enabled("ws", CLIENT_TOOLS_ID, name, true)
                .await
                .unwrap();
        }
        t
    }

    /// What the shell does on every change: the registry rebuilt with the servers' tools.
    async fn rebuild(&self) {
        let problems = self.tools.set_extra_tools(self.servers.tools().await);
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// Sends `message` to the Tool user; the answer's text and its tool call card.
    async fn ask(&self, message: &str) -> (String, Part) {
        let chat = self.bench.chat_with(CLIENT_TOOLS_ID).await;
        let handle = self.bench.send(&chat, message).await;
        let (text, last) = self.bench.answer(&handle).await;
        assert!(
            matches!(
                last,
                ExecutionChange::Finished {
                    status: ExecutionStatus::Completed,
                    ..
                }
            ),
            "{last:?}"
        );
        let snapshot = self
            .bench
            .conversations
            .executions()
            .snapshot(&handle)
            .unwrap();
        let call = snapshot
            .parts
            .into_iter()
            .find(|p| matches!(p, Part::ClientToolCall { .. }))
            .unwrap();
        (text, call)
    }
}

fn card(part: &Part) -> (ClientToolState, Option<ApprovedBy>) {
    match part {
        Part::ClientToolCall {
            state, approved_by, ..
        } => (*state, *approved_by),
        other => panic!("not a client tool call: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_call_runs_on_the_server_and_the_answer_uses_its_result() {
    let t = McpBench::start(command_line(""), &["tiny_echo"]).await;
    t.answers.push(Some(ALLOW_ONCE));
    let (text, call) = t.ask(r#"tiny_echo {"text": "hello mcp"}"#).await;
    assert_eq!(card(&call), (ClientToolState::Done, Some(ApprovedBy::You)));
    assert!(
        text.contains("hello mcp"),
        "the answer quotes the result: {text}"
    );
    assert_eq!(t.answers.asked().len(), 1);
    let asked = t.answers.asked()[0].message.clone();
    assert!(asked.contains("tiny_echo"), "{asked}");

    // Denied: the server is never called (the tool would have said "echo: ...").
    t.answers.push(Some(DENY));
    let (text, call) = t.ask(r#"tiny_echo {"text": "nope"}"#).await;
    assert_eq!(card(&call).0, ClientToolState::Denied);
    assert!(!text.contains("echo: nope"), "{text}");
    t.servers.stop_all().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_tool_is_asked_again_while_an_unchanged_one_keeps_its_rule() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("changed");
    let line = command_line(&format!(
        "--marker {}",
        shell_quote(&marker.to_string_lossy())
    ));
    let t = McpBench::start(line, &["tiny_echo", "tiny_add"]).await;

    for message in [
        r#"tiny_echo {"text": "one"}"#,
        r#"tiny_add {"a": 1, "b": 2}"#,
    ] {
        t.answers.push(Some(ALWAYS_ALLOW));
        let (_, call) = t.ask(message).await;
        assert_eq!(card(&call), (ClientToolState::Done, Some(ApprovedBy::You)));
    }
    assert_eq!(t.answers.asked().len(), 2);

    // The server changes echo's description and says so (tools/list_changed).
    let mut changes = t.servers.changes();
    changes.mark_unchanged();
    std::fs::write(&marker, "changed").unwrap();
    wait_for(&t.servers, |s| {
        s.tools
            .iter()
            .any(|tool| tool.remote_name == "echo" && tool.description.contains("capitals"))
    })
    .await;
    t.rebuild().await;

    let settings = t.tools.agent_tools("ws", CLIENT_TOOLS_ID).unwrap();
    let rule = |name: &str| {
        let tool = settings.iter().find(|s| s.definition.name == name).unwrap();
        (tool.always_allowed, tool.rule_outdated)
    };
    assert_eq!(
        rule("tiny_echo"),
        (false, true),
        "echo changed: its rule no longer applies"
    );
    assert_eq!(
        rule("tiny_add"),
        (true, false),
        "add did not change: its rule holds"
    );

    let (_, call) = t.ask(r#"tiny_add {"a": 2, "b": 3}"#).await;
    assert_eq!(card(&call), (ClientToolState::Done, Some(ApprovedBy::Rule)));
    assert_eq!(t.answers.asked().len(), 2, "add ran on its rule, unasked");

    t.answers.push(Some(ALLOW_ONCE));
    let (text, call) = t.ask(r#"tiny_echo {"text": "two"}"#).await;
    assert_eq!(card(&call), (ClientToolState::Done, Some(ApprovedBy::You)));
    assert_eq!(t.answers.asked().len(), 3, "echo was asked again");
    assert!(text.contains("TWO"), "the changed tool ran: {text}");
    t.servers.stop_all().await;
}
