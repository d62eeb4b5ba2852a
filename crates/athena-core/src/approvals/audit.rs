//! Writing every answered (or abandoned) client tool call to the audit log, and
//! reading the log back for settings: a page with filters, or an export.

use crate::ApprovedBy;
use crate::history::{
    AuditDecision, AuditEntry, AuditFilter, AuditOutcome, AuditPage, CallOutcome, DecidedBy,
    StoredToolCall,
};
use crate::tools::ToolSource;
use crate::{CoreError, history};

use super::broker::Caller;
use super::{ClientTools, storage};

/// How a call was decided, for its audit row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Verdict {
    decision: AuditDecision,
    by: DecidedBy,
    duration_ms: Option<u64>,
}

impl Verdict {
    /// Allowed by the user or a rule, and run for `duration_ms`.
    pub(super) fn approved(by: ApprovedBy, duration_ms: Option<u64>) -> Self {
        Self {
            decision: AuditDecision::Approved,
            by: match by {
                ApprovedBy::You => DecidedBy::You,
                ApprovedBy::Rule => DecidedBy::Rule,
            },
            duration_ms,
        }
    }

    /// Denied in the dialog (or the dialog was closed).
    pub(super) fn denied() -> Self {
        Self {
            decision: AuditDecision::Denied,
            by: DecidedBy::You,
            duration_ms: None,
        }
    }

    /// Refused by the app before anyone was asked.
    pub(super) fn refused() -> Self {
        Self {
            decision: AuditDecision::Refused,
            by: DecidedBy::App,
            duration_ms: None,
        }
    }

    /// Never decided: the user stopped the execution, or the server moved on.
    pub(super) fn not_taken(by: DecidedBy) -> Self {
        Self {
            decision: AuditDecision::NotTaken,
            by,
            duration_ms: None,
        }
    }
}

/// The export formats of the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl ClientTools {
    /// Writes a call's audit row. A failure is logged: the call's answer matters more
    /// than its row.
    pub(super) async fn audit(
        &self,
        caller: &Caller,
        call: &StoredToolCall,
        verdict: Verdict,
        outcome: Option<&CallOutcome>,
    ) {
        let source = self
            .registry()
            .source(&call.tool_name)
            .unwrap_or(ToolSource::BuiltIn);
        let entry = AuditEntry {
            id: 0,
            at_ms: crate::conversations::now_ms(),
            workspace_id: caller.workspace_id.clone(),
            conversation_id: None,
            message_handle: call.handle.as_str().to_owned(),
            call_id: call.call_id.clone(),
            agent_id: caller.agent_id.clone(),
            agent_name: caller.agent_name.clone(),
            tool_name: call.tool_name.clone(),
            tool_source: if self.registry().definition(&call.tool_name).is_some() {
                source.label()
            } else {
                "unknown".to_owned()
            },
            arguments_hash: call.arguments_hash.clone(),
            arguments_preview: history::preview(&call.arguments.to_string()),
            decision: verdict.decision,
            decided_by: verdict.by,
            outcome: outcome.map(|o| {
                if o.success {
                    AuditOutcome::Success
                } else {
                    AuditOutcome::Failure
                }
            }),
            result_preview: outcome.map(|o| history::preview(&preview_of(&o.result))),
            duration_ms: verdict
                .duration_ms
                .map(|ms| i64::try_from(ms).unwrap_or(i64::MAX)),
        };
        if let Err(err) = self.inner.history.record_audit(entry).await {
            tracing::error!(error = %err, "a tool call was not written to the audit log");
        }
    }

    /// A page of the audit log, newest first.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn audit_page(
        &self,
        filter: &AuditFilter,
        offset: u64,
        limit: u32,
    ) -> Result<AuditPage, CoreError> {
        self.inner
            .history
            .audit_page(filter, offset, limit)
            .map_err(storage)
    }

    /// Every row matching `filter`, newest first, as the text of an export file.
    ///
    /// # Errors
    /// [`CoreError::Storage`].
    pub fn audit_export(
        &self,
        filter: &AuditFilter,
        format: AuditFormat,
    ) -> Result<String, CoreError> {
        let entries = self.inner.history.audit_entries(filter).map_err(storage)?;
        Ok(match format {
            AuditFormat::Csv => history::audit_csv(&entries),
            AuditFormat::Jsonl => history::audit_jsonl(&entries),
        })
    }
}

/// A result as one line: an error's reason, or the compact JSON.
fn preview_of(result: &serde_json::Value) -> String {
    match result.get("error").and_then(serde_json::Value::as_str) {
        Some(why) if result.as_object().is_some_and(|o| o.len() == 1) => why.to_owned(),
        _ => result.to_string(),
    }
}
