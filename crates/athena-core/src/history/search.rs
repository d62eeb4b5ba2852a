//! Full-text search over a workspace's messages (FTS5, schema version 5).
//!
//! What is indexed: one row per message, its rowid the message's `position`: the
//! user's message (kept in step by triggers on `messages`) and the answer's text parts
//! joined by line breaks, written by the writer once the execution stops streaming
//! (indexing every 50 ms commit of a streaming answer would rewrite its terms again
//! and again for a result nobody searches mid-stream). An execution left streaming by
//! a crash is indexed when it is marked interrupted at open.
//!
//! Queries: the user's input is never FTS5 syntax. Each whitespace-separated word
//! becomes a quoted phrase (`"` doubled inside), all of them must match, and the last
//! one matches as a prefix (the user is still typing it), so `"foo" OR bar*`, `NEAR(`
//! or a lone `*` are plain words, never an error. Results are ranked by bm25, best
//! first.
//!
//! Snippets mark each matched term with [`HIGHLIGHT_START`] and [`HIGHLIGHT_END`],
//! private-use characters that are stripped from the indexed text, so the view can
//! highlight without parsing HTML and a message cannot fake a highlight.

use rusqlite::Connection;

use super::{History, HistoryError};
use crate::ExecutionHandle;

/// Starts a highlighted (matched) run of a [`SearchHit::snippet`]: U+E000, a
/// private-use character that never occurs in the indexed text.
pub const HIGHLIGHT_START: char = '\u{E000}';

/// Ends a highlighted run of a [`SearchHit::snippet`]: U+E001.
pub const HIGHLIGHT_END: char = '\u{E001}';

/// Marks a snippet cut short at either end.
pub const SNIPPET_ELLIPSIS: &str = "…";

/// At most this many results per search, whatever the caller asks.
pub const MAX_SEARCH_RESULTS: usize = 200;

/// A search ranks (bm25) the workspace's newest matches, this many at most: every
/// match when there are fewer (a specific query), the most recent ones for a word
/// found nearly everywhere, which keeps a search within its budget at 100,000
/// messages.
pub const SEARCH_CANDIDATES: usize = 1_000;
const CANDIDATES: usize = SEARCH_CANDIDATES;

/// How many tokens a snippet shows around the matches (FTS5 allows 1 to 64).
const SNIPPET_TOKENS: i64 = 16;

/// One message that matched a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// The conversation it is in.
    pub conversation_id: String,
    /// That conversation's title (may be empty).
    pub conversation_title: String,
    /// Whether that conversation is archived (read-only): results include archived
    /// conversations, marked.
    pub archived: bool,
    /// The message's execution.
    pub handle: ExecutionHandle,
    /// The message's position: open the conversation at it with
    /// `messages(conversation_id, Some(position + 1), n)`, whose last message it is.
    pub position: i64,
    /// A short excerpt of the user's message or the answer, whichever matched best,
    /// with each matched term between [`HIGHLIGHT_START`] and [`HIGHLIGHT_END`] and
    /// [`SNIPPET_ELLIPSIS`] where the text was cut. Plain text, never HTML.
    pub snippet: String,
    /// When the message was sent, in unix ms.
    pub sent_at_ms: i64,
}

/// The FTS5 query for what the user typed, or `None` when it has no word at all.
/// Every word is a quoted phrase (so no operator, column filter or bracket is ever
/// interpreted), and the last is a prefix.
pub(super) fn fts_query(input: &str) -> Option<String> {
    // Markers are not in the index, so a pasted snippet still finds its message;
    // FTS5 reads a NUL as the end of its query string.
    let cleaned: String = input
        .chars()
        .map(|c| {
            if c == HIGHLIGHT_START || c == HIGHLIGHT_END || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let last = words.len().checked_sub(1)?;
    let phrases: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let quoted = format!("\"{}\"", word.replace('"', "\"\""));
            if i == last { quoted + " *" } else { quoted }
        })
        .collect();
    Some(phrases.join(" "))
}

/// The answer text of the message at `?1` as indexed: its text parts in order,
/// joined by line breaks, without the highlight markers.
const ANSWER_SQL: &str = "replace(replace((\
     SELECT coalesce(group_concat(json_extract(json, '$.text'), char(10) ORDER BY idx), '') \
     FROM parts WHERE message_position = ?1 AND json_extract(json, '$.part') = 'text'\
     ), char(57344), ''), char(57345), '')";

/// Indexes the message at `position` (stored just now, in this transaction) with
/// the answer text its stored parts hold so far (none for a message being sent).
pub(super) fn insert_row(conn: &Connection, position: i64) -> Result<(), HistoryError> {
    let sql = format!(
        "INSERT INTO message_search (rowid, message, answer) \
         SELECT position, replace(replace(message, char(57344), ''), char(57345), ''), \
         {ANSWER_SQL} FROM messages WHERE position = ?1"
    );
    conn.prepare_cached(&sql)
        .and_then(|mut stmt| stmt.execute([position]))
        .map_err(HistoryError::sqlite("indexing a message for search"))?;
    Ok(())
}

/// Re-indexes the answer of the message at `position` from its stored text parts
/// (call after its parts are written, in the same transaction). An unchanged answer
/// is not rewritten (an FTS5 update deletes and re-inserts the whole row). A message
/// without a search row (deleted meanwhile) is left without one.
pub(super) fn index_answer(conn: &Connection, position: i64) -> Result<(), HistoryError> {
    let answer: String = conn
        .prepare_cached(&format!("SELECT {ANSWER_SQL}"))
        .and_then(|mut stmt| stmt.query_row([position], |row| row.get(0)))
        .map_err(HistoryError::sqlite("indexing an answer for search"))?;
    conn.prepare_cached(
        "UPDATE message_search SET answer = ?2 WHERE rowid = ?1 AND answer IS NOT ?2",
    )
    .and_then(|mut stmt| stmt.execute((position, answer)))
    .map_err(HistoryError::sqlite("indexing an answer for search"))?;
    Ok(())
}

fn search(
    conn: &Connection,
    workspace_id: &str,
    query: &str,
    limit: usize,
) -> Result<Vec<SearchHit>, HistoryError> {
    let Some(fts) = fts_query(query) else {
        return Ok(Vec::new());
    };
    let limit = i64::try_from(limit.min(MAX_SEARCH_RESULTS)).unwrap_or(0);
    // One pass of FTS5 over the matches, newest first (its natural order, so it stops
    // after CANDIDATES of the workspace), computing bm25 and the snippet for those
    // only; then the best of them. Ranking every match of a word found in most of
    // 100,000 messages, or running the MATCH again per hit for its snippet (a prefix
    // term rebuilds its merged doclist each time), costs several times the budget.
    let sql = format!(
        "WITH candidates AS MATERIALIZED ( \
             SELECT s.rowid AS position, bm25(message_search) AS score, \
                 snippet(message_search, -1, char(57344), char(57345), \
                     '{SNIPPET_ELLIPSIS}', {SNIPPET_TOKENS}) AS snippet \
             FROM message_search s \
             JOIN messages m ON m.position = s.rowid \
             JOIN conversations c ON c.id = m.conversation_id \
             WHERE message_search MATCH ?1 AND c.workspace_id = ?2 \
             ORDER BY s.rowid DESC LIMIT {CANDIDATES} \
         ), best AS MATERIALIZED ( \
             SELECT position, score, snippet FROM candidates ORDER BY score, position DESC \
             LIMIT ?3 \
         ) \
         SELECT c.id, c.title, c.archived, m.handle, m.position, m.sent_at_ms, b.snippet \
         FROM best b \
         JOIN messages m ON m.position = b.position \
         JOIN conversations c ON c.id = m.conversation_id \
         ORDER BY b.score, b.position DESC"
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(HistoryError::sqlite("searching"))?;
    stmt.query_map((fts, workspace_id, limit), |row| {
        Ok(SearchHit {
            conversation_id: row.get(0)?,
            conversation_title: row.get(1)?,
            archived: row.get(2)?,
            handle: ExecutionHandle::from(row.get::<_, String>(3)?),
            position: row.get(4)?,
            sent_at_ms: row.get(5)?,
            snippet: row.get::<_, Option<String>>(6)?.unwrap_or_default(),
        })
    })
    .and_then(Iterator::collect)
    .map_err(HistoryError::sqlite("searching"))
}

impl History {
    /// The messages of a workspace's conversations (archived ones included, marked)
    /// that contain every word of `query`, the last as a prefix, best match (bm25)
    /// first among the newest [`SEARCH_CANDIDATES`] matches, at most `limit` (and at
    /// most [`MAX_SEARCH_RESULTS`]). Case and
    /// diacritics are ignored (`cafe` finds `Café`). `query` is plain words: quotes,
    /// operators and brackets have no meaning and never cause an error; a query
    /// without words finds nothing. An answer is found once it stopped streaming.
    ///
    /// Errors: SQLite's.
    pub fn search(
        &self,
        workspace_id: &str,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchHit>, HistoryError> {
        self.read(|conn| search(conn, workspace_id, query, limit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_phrases_and_the_last_a_prefix() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query("teal"), Some("\"teal\" *".into()));
        assert_eq!(
            fts_query("\"foo\" OR bar*"),
            Some("\"\"\"foo\"\"\" \"OR\" \"bar*\" *".into())
        );
        assert_eq!(fts_query("NEAR("), Some("\"NEAR(\" *".into()));
        assert_eq!(
            fts_query("a\u{E000}b\u{E001}"),
            Some("\"a\" \"b\" *".into())
        );
    }

    #[test]
    fn odd_queries_never_error_against_fts5() {
        let conn = Connection::open_in_memory().expect("test setup");
        conn.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2');
             INSERT INTO t (x) VALUES ('Café au lait, NEAR the OR gate: \"quoted\" 😀');",
        )
        .expect("test setup");
        for input in [
            "\"foo\" OR bar*",
            "NEAR(",
            "NEAR(a b",
            "*",
            "\"",
            "\"\"\"",
            "a AND",
            "OR",
            "-x",
            "x:y",
            "col:",
            "^start",
            "(",
            ")",
            "{a b}",
            "😀",
            "😀 cafe",
            "\\",
            "'",
            "+",
            "a\u{0}b",
        ] {
            let query = fts_query(input).expect("a word");
            let found: rusqlite::Result<i64> =
                conn.query_row("SELECT count(*) FROM t WHERE t MATCH ?1", [&query], |r| {
                    r.get(0)
                });
            assert!(found.is_ok(), "{input:?} as {query:?}: {found:?}");
        }
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM t WHERE t MATCH ?1",
                [fts_query("cafe").expect("test setup")],
                |r| r.get(0),
            )
            .expect("test setup");
        assert_eq!(found, 1, "diacritics are ignored");
    }
}
