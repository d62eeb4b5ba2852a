//! The gate between a decision and a run: a tool runs only for a call that the
//! broker approved for exactly that execution, call id and hash of the canonical
//! arguments, and each approval lets it run once.
//!
//! Approvals are recorded only by [`super::broker`] (the user's answer in the native
//! dialog, or a stored rule); nothing outside this module can add one, and the
//! registry's `run` is visible only inside the crate. A forged or replayed call (other
//! arguments under the same id, another execution, a second run) finds no approval.

use std::collections::HashSet;
use std::sync::Mutex;

use serde_json::Value;

use crate::executions::lock;
use crate::tools::{ToolContext, ToolFailure, ToolRegistry, arguments_hash};

/// One call the broker approved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Approval {
    pub(super) execution_id: String,
    pub(super) call_id: String,
    pub(super) arguments_hash: String,
}

/// Why the gate did not run a tool.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum GateError {
    /// No approval matches this execution, call and arguments.
    #[error("this call was not approved; nothing ran")]
    NotApproved,
    /// The tool ran and failed.
    #[error("{0}")]
    Failed(String),
}

/// The approvals not used yet.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    approved: Mutex<HashSet<Approval>>,
}

impl Gate {
    /// Records an approval. Only the broker calls this.
    pub(super) fn approve(&self, approval: Approval) {
        lock(&self.approved).insert(approval);
    }

    /// Forgets an approval that will not be used (the execution was stopped).
    pub(super) fn forget(&self, execution_id: &str, call_id: &str) {
        lock(&self.approved).retain(|a| !(a.execution_id == execution_id && a.call_id == call_id));
    }

    /// How many approvals wait to be used.
    pub(crate) fn waiting(&self) -> usize {
        lock(&self.approved).len()
    }

    /// Runs the tool for an approved call, using up its approval. The hash is
    /// computed here from the arguments that will run, never taken from the caller.
    /// Blocking: call it on a blocking thread.
    pub(crate) fn run(
        &self,
        registry: &ToolRegistry,
        execution_id: &str,
        call_id: &str,
        tool_name: &str,
        arguments: &Value,
        context: &ToolContext,
    ) -> Result<Value, GateError> {
        let approval = Approval {
            execution_id: execution_id.to_owned(),
            call_id: call_id.to_owned(),
            arguments_hash: arguments_hash(arguments),
        };
        if !lock(&self.approved).remove(&approval) {
            tracing::warn!(
                call_id,
                tool_name,
                "a tool call without an approval was refused"
            );
            return Err(GateError::NotApproved);
        }
        registry
            .run(tool_name, arguments, context)
            .map_err(|ToolFailure(why)| GateError::Failed(why))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;

    use super::*;
    use crate::tools::{Tool, ToolDefinition};

    #[derive(Debug)]
    struct Counter(ToolDefinition, Arc<AtomicUsize>);

    impl Tool for Counter {
        fn definition(&self) -> &ToolDefinition {
            &self.0
        }
        fn run(&self, _: &Value, _: &ToolContext) -> Result<Value, ToolFailure> {
            self.1.fetch_add(1, Ordering::SeqCst);
            Ok(json!("ran"))
        }
    }

    fn registry() -> (ToolRegistry, Arc<AtomicUsize>) {
        let runs = Arc::new(AtomicUsize::new(0));
        let tool = Counter(
            ToolDefinition::new("counter", "Counts", json!({"type": "object"})),
            runs.clone(),
        );
        let registry = ToolRegistry::empty()
            .with_tool(Arc::new(tool))
            .expect("registered");
        (registry, runs)
    }

    fn context() -> ToolContext {
        ToolContext {
            granted_folders: Vec::new(),
            ledger_file: None,
            now: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn approval(arguments: &Value) -> Approval {
        Approval {
            execution_id: "execution:1".into(),
            call_id: "tc_1".into(),
            arguments_hash: arguments_hash(arguments),
        }
    }

    #[test]
    fn no_approval_no_run() {
        let (registry, runs) = registry();
        let gate = Gate::default();
        let args = json!({"a": 1});
        let ran = gate.run(
            &registry,
            "execution:1",
            "tc_1",
            "counter",
            &args,
            &context(),
        );
        assert_eq!(ran, Err(GateError::NotApproved));
        assert_eq!(runs.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn an_approval_runs_exactly_its_call_once() {
        let (registry, runs) = registry();
        let gate = Gate::default();
        let args = json!({"a": 1, "b": [true]});
        gate.approve(approval(&args));
        // Other arguments, another call, another execution: refused.
        for (execution, call, other) in [
            ("execution:1", "tc_1", json!({"a": 2, "b": [true]})),
            ("execution:1", "tc_2", args.clone()),
            ("execution:2", "tc_1", args.clone()),
        ] {
            let ran = gate.run(&registry, execution, call, "counter", &other, &context());
            assert_eq!(
                ran,
                Err(GateError::NotApproved),
                "{execution} {call} {other}"
            );
        }
        assert_eq!(runs.load(Ordering::SeqCst), 0);
        // The same arguments written in another order are the same call.
        let reordered: Value = serde_json::from_str(r#"{"b":[true],"a":1}"#).expect("json");
        let ran = gate.run(
            &registry,
            "execution:1",
            "tc_1",
            "counter",
            &reordered,
            &context(),
        );
        assert_eq!(ran, Ok(json!("ran")));
        // Used up: a replay is refused.
        let again = gate.run(
            &registry,
            "execution:1",
            "tc_1",
            "counter",
            &args,
            &context(),
        );
        assert_eq!(again, Err(GateError::NotApproved));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}
