//! What the search, export and import of conversations return to the page.

use athena_core::history::{HIGHLIGHT_END, HIGHLIGHT_START, SearchHit};
use serde::{Deserialize, Serialize};
use specta::Type;

/// One message a search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    /// The conversation it is in.
    pub conversation_id: String,
    /// That conversation's title (empty until its first message).
    pub conversation_title: String,
    /// Whether that conversation is archived (read-only).
    pub archived: bool,
    /// The message's execution handle: the chat view scrolls to it.
    pub handle: String,
    /// The message's position in its conversation.
    pub position: f64,
    /// When the message was sent, in Unix milliseconds.
    pub sent_at_ms: f64,
    /// A short excerpt, cut into plain runs and matched (highlighted) runs, so the
    /// page never parses markup.
    pub snippet: Vec<SnippetSegment>,
}

/// A run of a search excerpt: plain text, or text that matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SnippetSegment {
    /// The text, as written (never markup).
    pub text: String,
    /// Whether it matched the query.
    pub highlighted: bool,
}

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    /// Lossless, importable again.
    Json,
    /// For reading.
    Markdown,
}

/// What became of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportOutcome {
    /// False when the user cancelled the save dialog (nothing was written).
    pub saved: bool,
    /// The name of the file written (its name only, not the folder).
    pub file_name: Option<String>,
}

impl From<SearchHit> for SearchResult {
    fn from(hit: SearchHit) -> Self {
        #[allow(clippy::cast_precision_loss)] // positions and Unix ms stay far below 2^53
        let number = |v: i64| v as f64;
        Self {
            conversation_id: hit.conversation_id,
            conversation_title: hit.conversation_title,
            archived: hit.archived,
            handle: hit.handle.to_string(),
            position: number(hit.position),
            sent_at_ms: number(hit.sent_at_ms),
            snippet: snippet_segments(&hit.snippet),
        }
    }
}

/// Cuts a snippet marked with [`HIGHLIGHT_START`] / [`HIGHLIGHT_END`] into runs. The
/// markers never reach the page; a stray or repeated marker only switches the state
/// it names (the indexed text cannot contain them, so this is only a safeguard).
/// Empty runs are dropped and neighbours of one kind joined.
pub(crate) fn snippet_segments(snippet: &str) -> Vec<SnippetSegment> {
    let mut segments: Vec<SnippetSegment> = Vec::new();
    let mut current = String::new();
    let mut highlighted = false;
    let mut flush = |text: &mut String, highlighted: bool| {
        if text.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some(last) if last.highlighted == highlighted => last.text.push_str(text),
            _ => segments.push(SnippetSegment {
                text: text.clone(),
                highlighted,
            }),
        }
        text.clear();
    };
    for c in snippet.chars() {
        match c {
            HIGHLIGHT_START | HIGHLIGHT_END => {
                flush(&mut current, highlighted);
                highlighted = c == HIGHLIGHT_START;
            }
            _ => current.push(c),
        }
    }
    flush(&mut current, highlighted);
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(snippet: &str) -> Vec<(String, bool)> {
        snippet_segments(snippet)
            .into_iter()
            .map(|s| (s.text, s.highlighted))
            .collect()
    }

    #[test]
    fn splits_marked_terms_into_highlighted_runs() {
        let s = format!(
            "… the {HIGHLIGHT_START}cat{HIGHLIGHT_END} sat on {HIGHLIGHT_START}mats{HIGHLIGHT_END}"
        );
        assert_eq!(
            runs(&s),
            [
                ("… the ".to_owned(), false),
                ("cat".to_owned(), true),
                (" sat on ".to_owned(), false),
                ("mats".to_owned(), true),
            ]
        );
    }

    #[test]
    fn plain_and_empty_snippets() {
        assert_eq!(
            runs("no match shown"),
            [("no match shown".to_owned(), false)]
        );
        assert!(runs("").is_empty());
        assert!(runs(&format!("{HIGHLIGHT_START}{HIGHLIGHT_END}")).is_empty());
    }

    #[test]
    fn stray_markers_never_reach_the_page_and_runs_are_joined() {
        let s = format!("a{HIGHLIGHT_END}b{HIGHLIGHT_START}c{HIGHLIGHT_START}d");
        let segments = snippet_segments(&s);
        assert!(
            segments
                .iter()
                .all(|s| !s.text.contains(HIGHLIGHT_START) && !s.text.contains(HIGHLIGHT_END))
        );
        assert_eq!(
            runs(&s),
            [("ab".to_owned(), false), ("cd".to_owned(), true)]
        );
        // Markup in a message stays text.
        assert_eq!(runs("<b>x</b>"), [("<b>x</b>".to_owned(), false)]);
    }
}
