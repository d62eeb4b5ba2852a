//! The audit log as a file: CSV (a header row, then one row per call) or JSON Lines
//! (one object per call), newest first, with the same fields under the same names.
//!
//! Times are RFC 3339 in UTC. In CSV, a text cell that a spreadsheet would run as a
//! formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written
//! with a leading `'`: the arguments and results are the model's and the tools'
//! words, and opening an export must not run them.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::audit::AuditEntry;

/// The columns, in order (also the JSON Lines keys).
pub const AUDIT_COLUMNS: [&str; 14] = [
    "time",
    "workspace",
    "conversation",
    "agent",
    "agent_id",
    "tool",
    "source",
    "arguments_hash",
    "arguments",
    "decision",
    "decided_by",
    "outcome",
    "result",
    "duration_ms",
];

fn time_text(at_ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn fields(entry: &AuditEntry) -> [Value; 14] {
    [
        json!(time_text(entry.at_ms)),
        json!(entry.workspace_id),
        json!(entry.conversation_id),
        json!(entry.agent_name),
        json!(entry.agent_id),
        json!(entry.tool_name),
        json!(entry.tool_source),
        json!(entry.arguments_hash),
        json!(entry.arguments_preview),
        json!(entry.decision.as_str()),
        json!(entry.decided_by.as_str()),
        json!(entry.outcome.map(|o| o.as_str())),
        json!(entry.result_preview),
        json!(entry.duration_ms),
    ]
}

/// The rows as CSV, with a header row; every line ends with `\n`.
pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(AUDIT_COLUMNS);
    for entry in entries {
        let cells = fields(entry).map(|value| match value {
            Value::Null => String::new(),
            Value::String(text) => defused(text),
            other => other.to_string(),
        });
        let _ = writer.write_record(&cells);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The rows as JSON Lines: one object per line, keys as [`AUDIT_COLUMNS`].
pub fn audit_jsonl(entries: &[AuditEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        // Written by hand to keep the columns' order (a JSON map sorts its keys).
        let members: Vec<String> = AUDIT_COLUMNS
            .iter()
            .zip(fields(entry))
            .map(|(key, value)| format!("{}:{value}", Value::from(*key)))
            .collect();
        out.push('{');
        out.push_str(&members.join(","));
        out.push_str("}\n");
    }
    out
}

fn defused(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{AuditDecision, AuditOutcome, DecidedBy};

    fn entries() -> Vec<AuditEntry> {
        let ran = AuditEntry {
            id: 2,
            at_ms: 1_767_225_600_250,
            workspace_id: "ws".into(),
            conversation_id: Some("c1".into()),
            message_handle: "h1".into(),
            call_id: "tc_2".into(),
            agent_id: "agent:a".into(),
            agent_name: "Ann, \"the\" agent".into(),
            tool_name: "note".into(),
            tool_source: "command".into(),
            arguments_hash: "ab12".into(),
            arguments_preview: "{\"text\":\"=1+1\"}".into(),
            decision: AuditDecision::Approved,
            decided_by: DecidedBy::Rule,
            outcome: Some(AuditOutcome::Success),
            result_preview: Some("=HYPERLINK(\"x\")".into()),
            duration_ms: Some(42),
        };
        let denied = AuditEntry {
            id: 1,
            at_ms: 0,
            conversation_id: None,
            call_id: "tc_1".into(),
            arguments_preview: "{}".into(),
            decision: AuditDecision::Denied,
            decided_by: DecidedBy::You,
            outcome: None,
            result_preview: None,
            duration_ms: None,
            tool_source: "mcp:files".into(),
            ..ran.clone()
        };
        vec![ran, denied]
    }

    #[test]
    fn csv_has_a_header_quotes_what_needs_it_and_defuses_formulas() {
        assert_eq!(
            audit_csv(&entries()),
            "time,workspace,conversation,agent,agent_id,tool,source,arguments_hash,arguments,decision,decided_by,outcome,result,duration_ms\n\
             2026-01-01T00:00:00.25Z,ws,c1,\"Ann, \"\"the\"\" agent\",agent:a,note,command,ab12,\"{\"\"text\"\":\"\"=1+1\"\"}\",approved,rule,success,\"'=HYPERLINK(\"\"x\"\")\",42\n\
             1970-01-01T00:00:00Z,ws,,\"Ann, \"\"the\"\" agent\",agent:a,note,mcp:files,ab12,{},denied,you,,,\n"
        );
        assert_eq!(audit_csv(&[]), format!("{}\n", AUDIT_COLUMNS.join(",")));
    }

    #[test]
    fn jsonl_is_one_object_per_line_with_the_same_fields() {
        assert_eq!(
            audit_jsonl(&entries()),
            "{\"time\":\"2026-01-01T00:00:00.25Z\",\"workspace\":\"ws\",\"conversation\":\"c1\",\"agent\":\"Ann, \\\"the\\\" agent\",\"agent_id\":\"agent:a\",\"tool\":\"note\",\"source\":\"command\",\"arguments_hash\":\"ab12\",\"arguments\":\"{\\\"text\\\":\\\"=1+1\\\"}\",\"decision\":\"approved\",\"decided_by\":\"rule\",\"outcome\":\"success\",\"result\":\"=HYPERLINK(\\\"x\\\")\",\"duration_ms\":42}\n\
             {\"time\":\"1970-01-01T00:00:00Z\",\"workspace\":\"ws\",\"conversation\":null,\"agent\":\"Ann, \\\"the\\\" agent\",\"agent_id\":\"agent:a\",\"tool\":\"note\",\"source\":\"mcp:files\",\"arguments_hash\":\"ab12\",\"arguments\":\"{}\",\"decision\":\"denied\",\"decided_by\":\"you\",\"outcome\":null,\"result\":null,\"duration_ms\":null}\n"
        );
        assert_eq!(audit_jsonl(&[]), "");
    }
}
