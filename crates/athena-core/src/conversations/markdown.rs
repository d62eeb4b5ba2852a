//! A conversation as Markdown, for reading in any viewer.
//!
//! Model output and user text are untrusted, and many Markdown viewers render raw
//! HTML: every `<` outside code is written as `\<` (a CommonMark escape that shows
//! `<`), so no tag, comment or tracking pixel survives; code spans and fenced blocks
//! are left as they are (viewers show them as text). What the app generates is only
//! Markdown: headings, emphasis, and fenced blocks whose fence is longer than any
//! backtick run inside them, so their content cannot close them early.

use std::fmt::Write as _;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::history::{ConversationRecord, StoredMessage};
use crate::{ExecutionStatus, MediaState, Part};

/// The conversation `conversation` with `messages` (oldest first) as Markdown.
pub(super) fn render(conversation: &ConversationRecord, messages: &[StoredMessage]) -> String {
    let mut out = String::new();
    let title = if conversation.title.is_empty() {
        "Untitled conversation"
    } else {
        conversation.title.as_str()
    };
    let _ = writeln!(out, "# {}\n", escape_html(&one_line(title)));
    let _ = write!(
        out,
        "*Agent: {} · started {}",
        escape_html(&one_line(&conversation.agent_name)),
        date(conversation.created_at_ms)
    );
    if conversation.archived {
        out.push_str(" · archived");
    }
    out.push_str("*\n");
    for message in messages {
        let s = &message.snapshot;
        let _ = writeln!(out, "\n---\n\n## You · {}\n", date(message.sent_at_ms));
        if !s.request.message.trim().is_empty() {
            let _ = writeln!(out, "{}\n", escape_html(s.request.message.trim_end()));
        }
        if let Some(variables) = &s.request.variables {
            let json = serde_json::to_string_pretty(variables).unwrap_or_default();
            fenced(&mut out, "Variables", "json", &json);
        }
        let _ = writeln!(
            out,
            "## {}\n",
            escape_html(&one_line(&conversation.agent_name))
        );
        for part in &s.parts {
            write_part(&mut out, part);
        }
        match s.status {
            ExecutionStatus::Completed | ExecutionStatus::Running => {}
            ExecutionStatus::Stopped => out.push_str("*Stopped.*\n\n"),
            ExecutionStatus::Failed => {
                let code = s
                    .error
                    .as_ref()
                    .and_then(|e| serde_json::to_value(e).ok())
                    .and_then(|v| v.get("code").and_then(|c| c.as_str()).map(str::to_owned))
                    .unwrap_or_else(|| "unknown".into());
                let _ = writeln!(out, "*Failed ({}).*\n", code.replace('_', " "));
            }
            other => {
                let status = serde_json::to_value(other)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let _ = writeln!(out, "*{}.*\n", status.replace('_', " "));
            }
        }
    }
    out
}

fn write_part(out: &mut String, part: &Part) {
    match part {
        Part::Text { text } => {
            if !text.trim().is_empty() {
                let _ = writeln!(out, "{}\n", escape_html(text.trim_end()));
            }
        }
        Part::ServerTool {
            name,
            arguments,
            result,
            ..
        } => {
            let mut body = format!("arguments: {arguments}");
            if let Some(result) = result {
                let _ = write!(body, "\nresult: {result}");
            }
            fenced(out, &format!("Tool `{}`", code_name(name)), "text", &body);
        }
        Part::ClientToolCall {
            name,
            arguments,
            state,
            result,
            ..
        } => {
            let state = serde_json::to_value(state)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let mut body = format!("arguments: {arguments}");
            if let Some(result) = result {
                let _ = write!(body, "\nresult: {result}");
            }
            fenced(
                out,
                &format!(
                    "Tool on this computer `{}` ({})",
                    code_name(name),
                    state.replace('_', " ")
                ),
                "text",
                &body,
            );
        }
        Part::StructuredOutput { json, .. } => fenced(out, "Structured output", "json", json),
        Part::MediaJob {
            kind,
            prompt,
            state,
            media,
            ..
        } => {
            let mut body = String::new();
            if let Some(prompt) = prompt {
                let _ = writeln!(body, "prompt: {prompt}");
            }
            match state {
                MediaState::Generating => body.push_str("not finished"),
                MediaState::Ready => {
                    let urls: Vec<&str> = media.iter().map(|m| m.url.as_str()).collect();
                    body.push_str(&urls.join("\n"));
                }
            }
            fenced(
                out,
                &format!("Generated {}", escape_html(&one_line(kind))),
                "text",
                body.trim_end(),
            );
        }
        // Reasoning, workflow steps, waiting notices and unknown events are how the
        // answer was made, not the answer: the JSON export keeps them.
        Part::Reasoning { .. }
        | Part::WorkflowStep { .. }
        | Part::Waiting { .. }
        | Part::Unknown { .. } => {}
    }
}

/// A labelled fenced block whose fence no run of backticks in `body` can close.
fn fenced(out: &mut String, label: &str, info: &str, body: &str) {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "*{label}:*\n\n{fence}{info}\n{body}\n{fence}\n");
}

/// A name shown inside a code span: backticks would end it early.
fn code_name(name: &str) -> String {
    one_line(name).replace('`', "'")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn date(ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "unknown date".into())
}

/// Escapes every `<` outside code (fenced blocks and code spans on one line) as
/// `\<`, so a Markdown viewer renders no raw HTML.
pub(super) fn escape_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    // The open fence's character and length, while inside a fenced block.
    let mut fence: Option<(char, usize)> = None;
    for (i, line) in markdown.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let trimmed = line.trim_start();
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| trimmed.chars().take_while(|c| *c == m).count());
        match (fence, marker) {
            (Some((open, len)), Some(m))
                if m == open && run >= len && trimmed[run..].trim().is_empty() =>
            {
                fence = None;
                out.push_str(line);
                continue;
            }
            (Some(_), _) => {
                out.push_str(line);
                continue;
            }
            (None, Some(m)) if run >= 3 && !(m == '`' && trimmed[run..].contains('`')) => {
                fence = Some((m, run));
                out.push_str(line);
                continue;
            }
            _ => {}
        }
        escape_line(line, &mut out);
    }
    out
}

/// One line outside a fenced block: code spans (a backtick run closed by a run of the
/// same length on the line) are copied as they are, `<` elsewhere escaped.
fn escape_line(line: &str, out: &mut String) {
    let mut rest = line;
    while let Some(at) = rest.find(['<', '`']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            out.push_str("\\<");
            rest = &rest[1..];
            continue;
        }
        let run = rest.chars().take_while(|c| *c == '`').count();
        let after = &rest[run..];
        match find_run(after, run) {
            Some(close) => {
                let end = run + close + run;
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            None => {
                out.push_str(&rest[..run]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Where a run of exactly `len` backticks starts in `text`.
fn find_run(text: &str, len: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            if i - start == len {
                return Some(start);
            }
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_outside_code_is_escaped() {
        assert_eq!(
            escape_html("a <img src=x onerror=alert(1)> b"),
            "a \\<img src=x onerror=alert(1)> b"
        );
        assert_eq!(escape_html("keep `<b>` as code"), "keep `<b>` as code");
        assert_eq!(escape_html("``a ` <b>`` <i>"), "``a ` <b>`` \\<i>");
        assert_eq!(escape_html("lone ` then <i>"), "lone ` then \\<i>");
        assert_eq!(
            escape_html("```html\n<script>x</script>\n```\n<script>"),
            "```html\n<script>x</script>\n```\n\\<script>"
        );
        assert_eq!(
            escape_html("~~~~\n<a>\n~~~\n<b>\n~~~~\n<c>"),
            "~~~~\n<a>\n~~~\n<b>\n~~~~\n\\<c>"
        );
        assert_eq!(escape_html("<!-- hidden -->"), "\\<!-- hidden -->");
    }

    #[test]
    fn fences_outlast_the_backticks_inside() {
        let mut out = String::new();
        fenced(&mut out, "Tool", "text", "a ```` b");
        assert!(out.contains("`````text\na ```` b\n`````"), "{out}");
    }
}
