//! The approval broker: for a call whose arguments fit its tool, either a rule the
//! user set earlier allows it, or the user is asked in a native dialog raised from
//! Rust (a page can neither see nor click it). Closing the dialog denies. Whatever
//! allows a call is recorded in the [`Gate`] for exactly that execution, call and
//! arguments; a denial records nothing.

use std::sync::Arc;

use crate::ApprovedBy;
use crate::dialogs::{DialogKind, Dialogs, MessageDialog};
use crate::history::{History, HistoryError, StoredToolCall, ToolRule};
use crate::tools::{ToolDefinition, approval_question};

use super::gate::{Approval, Gate};

/// The button that lets this one call run.
pub const ALLOW_ONCE: &str = "Allow once";
/// The button that lets the call run and stores a rule for this agent and tool.
pub const ALWAYS_ALLOW: &str = "Always allow";
/// The button that refuses (as does closing the dialog).
pub const DENY: &str = "Deny";

/// What the broker decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Allowed, by the user or a rule: an approval waits in the gate.
    Allowed(ApprovedBy),
    /// Refused by the user, or the dialog was closed.
    Denied,
}

/// Whose call it is, for the rule lookup and the dialog's words.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) workspace_id: String,
    pub(crate) agent_id: String,
    pub(crate) agent_name: String,
}

/// Decides one call. `asking` runs just before the dialog is shown (the call's card
/// then says it waits for the user).
///
/// # Errors
/// The store's, when the rules cannot be read or a new rule cannot be saved (the
/// call is then not approved).
pub(crate) async fn decide(
    history: &History,
    dialogs: &Arc<dyn Dialogs>,
    gate: &Gate,
    caller: &Caller,
    call: &StoredToolCall,
    definition: &ToolDefinition,
    asking: impl FnOnce(),
) -> Result<Decision, HistoryError> {
    let fingerprint = definition.fingerprint();
    let approval = Approval {
        execution_id: call.execution_id.clone(),
        call_id: call.call_id.clone(),
        arguments_hash: call.arguments_hash.clone(),
    };
    let ruled = history
        .tool_rules(&caller.workspace_id)?
        .into_iter()
        .any(|rule| {
            rule.agent_id == caller.agent_id
                && rule.tool_name == definition.name
                && rule.fingerprint == fingerprint
        });
    if ruled {
        gate.approve(approval);
        return Ok(Decision::Allowed(ApprovedBy::Rule));
    }
    asking();
    let question = approval_question(&caller.agent_name, definition, &call.arguments);
    let dialog = MessageDialog {
        title: question.title,
        message: question.message,
        kind: DialogKind::Warning,
        buttons: vec![ALLOW_ONCE.into(), ALWAYS_ALLOW.into(), DENY.into()],
    };
    let dialogs = dialogs.clone();
    let answer = tokio::task::spawn_blocking(move || dialogs.ask(&dialog))
        .await
        .unwrap_or_else(|err| {
            tracing::error!(error = %err, "the approval dialog's thread failed; denied");
            None
        });
    match answer.as_deref() {
        Some(ALLOW_ONCE) => {
            gate.approve(approval);
            Ok(Decision::Allowed(ApprovedBy::You))
        }
        Some(ALWAYS_ALLOW) => {
            history
                .save_tool_rule(ToolRule {
                    workspace_id: caller.workspace_id.clone(),
                    agent_id: caller.agent_id.clone(),
                    tool_name: definition.name.clone(),
                    fingerprint,
                    created_at_ms: crate::conversations::now_ms(),
                })
                .await?;
            gate.approve(approval);
            Ok(Decision::Allowed(ApprovedBy::You))
        }
        // Deny, closing the dialog, or anything else.
        _ => Ok(Decision::Denied),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Mutex;

    use serde_json::json;

    use super::*;
    use crate::ExecutionHandle;
    use crate::dialogs::FileDialog;
    use crate::history::CallProgress;
    use crate::tools::arguments_hash;

    /// Answers with one label (or closes), and counts the dialogs.
    struct Answer(Option<&'static str>, Mutex<usize>);

    impl Dialogs for Answer {
        fn ask(&self, _: &MessageDialog) -> Option<String> {
            *self.1.lock().expect("lock") += 1;
            self.0.map(str::to_owned)
        }
        fn pick_files(&self, _: &FileDialog) -> Vec<PathBuf> {
            Vec::new()
        }
        fn save_file(&self, _: &FileDialog) -> Option<PathBuf> {
            None
        }
    }

    fn definition(description: &str) -> ToolDefinition {
        ToolDefinition::new(
            "note_taker",
            description,
            json!({"type": "object", "properties": {"text": {"type": "string"}}}),
        )
    }

    fn call(id: &str) -> StoredToolCall {
        let arguments = json!({"text": "hi"});
        StoredToolCall {
            handle: ExecutionHandle::from("h".to_owned()),
            call_id: id.into(),
            execution_id: "execution:1".into(),
            part_index: 0,
            tool_name: "note_taker".into(),
            arguments_hash: arguments_hash(&arguments),
            arguments,
            progress: CallProgress::Pending,
            outcome: None,
            updated_at_ms: 0,
        }
    }

    fn caller() -> Caller {
        Caller {
            workspace_id: "ws".into(),
            agent_id: "agent:a".into(),
            agent_name: "A".into(),
        }
    }

    async fn decide_with(
        history: &History,
        answer: Option<&'static str>,
        definition: &ToolDefinition,
        call_id: &str,
    ) -> (Decision, usize, Gate) {
        let dialogs = Arc::new(Answer(answer, Mutex::new(0)));
        let shared: Arc<dyn Dialogs> = dialogs.clone();
        let gate = Gate::default();
        let mut asked = false;
        let decision = decide(
            history,
            &shared,
            &gate,
            &caller(),
            &call(call_id),
            definition,
            || asked = true,
        )
        .await
        .expect("decided");
        let shown = *dialogs.1.lock().expect("lock");
        assert_eq!(
            asked,
            shown == 1,
            "the card says it waits exactly when asked"
        );
        (decision, shown, gate)
    }

    #[tokio::test]
    async fn each_answer_of_the_dialog_decides_and_only_a_yes_records_an_approval() {
        let cases = [
            (Some(ALLOW_ONCE), Decision::Allowed(ApprovedBy::You), 1),
            (Some(ALWAYS_ALLOW), Decision::Allowed(ApprovedBy::You), 1),
            (Some(DENY), Decision::Denied, 0),
            (None, Decision::Denied, 0),
            (Some("OK"), Decision::Denied, 0),
        ];
        for (answer, expected, approvals) in cases {
            let history = History::in_memory();
            let (decision, shown, gate) =
                decide_with(&history, answer, &definition("v1"), "tc_1").await;
            assert_eq!(decision, expected, "{answer:?}");
            assert_eq!(shown, 1);
            assert_eq!(gate.waiting(), approvals, "{answer:?}");
            let rules = history.tool_rules("ws").expect("rules");
            assert_eq!(rules.len(), usize::from(answer == Some(ALWAYS_ALLOW)));
        }
    }

    #[tokio::test]
    async fn a_rule_allows_without_asking_until_the_tool_changes() {
        let history = History::in_memory();
        let v1 = definition("v1");
        decide_with(&history, Some(ALWAYS_ALLOW), &v1, "tc_1").await;

        let (decision, shown, gate) = decide_with(&history, None, &v1, "tc_2").await;
        assert_eq!(decision, Decision::Allowed(ApprovedBy::Rule));
        assert_eq!((shown, gate.waiting()), (0, 1));

        // A changed description is a changed tool: the rule no longer applies.
        let (decision, shown, gate) = decide_with(&history, None, &definition("v2"), "tc_3").await;
        assert_eq!(decision, Decision::Denied);
        assert_eq!((shown, gate.waiting()), (1, 0));
    }

    #[tokio::test]
    async fn a_rule_is_per_agent() {
        let history = History::in_memory();
        let v1 = definition("v1");
        decide_with(&history, Some(ALWAYS_ALLOW), &v1, "tc_1").await;
        let other = Caller {
            agent_id: "agent:b".into(),
            ..caller()
        };
        let dialogs: Arc<dyn Dialogs> = Arc::new(Answer(None, Mutex::new(0)));
        let decision = decide(
            &history,
            &dialogs,
            &Gate::default(),
            &other,
            &call("tc_2"),
            &v1,
            || {},
        )
        .await
        .expect("decided");
        assert_eq!(decision, Decision::Denied);
    }
}
