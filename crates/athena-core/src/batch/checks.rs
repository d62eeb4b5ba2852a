//! What is wrong with a row before a run starts: codes with their parameters, for
//! the UI to word. A run may start only when no row is flagged ([`all_clear`]).

use std::collections::HashMap;

use athena_api::validation::MESSAGE_MAX_CHARS;
use serde::Serialize;

use super::BatchRow;

/// One thing wrong with a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "code",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum RowFlag {
    /// An earlier row has the same key; `first_line` is that row's line.
    DuplicateKey {
        /// The line of the first row with this key.
        first_line: usize,
    },
    /// The key is empty or whitespace only.
    EmptyKey,
    /// The message is empty or whitespace only.
    EmptyMessage,
    /// The message has more than `limit` Unicode scalar values (the API's
    /// message limit); `length` is how many it has.
    TooLong {
        /// Its length, in Unicode scalar values.
        length: usize,
        /// The limit.
        limit: usize,
    },
}

/// The flags of each row, in the rows' order (an empty list for a good row).
/// Every row after the first with a given key is a [`RowFlag::DuplicateKey`]; empty
/// keys are [`RowFlag::EmptyKey`] only.
pub fn flag(rows: &[BatchRow]) -> Vec<Vec<RowFlag>> {
    let mut first_seen: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    rows.iter()
        .map(|row| {
            let mut flags = Vec::new();
            if row.key.trim().is_empty() {
                flags.push(RowFlag::EmptyKey);
            } else if let Some(&first_line) = first_seen.get(row.key.as_str()) {
                flags.push(RowFlag::DuplicateKey { first_line });
            } else {
                first_seen.insert(&row.key, row.line);
            }
            if row.message.trim().is_empty() {
                flags.push(RowFlag::EmptyMessage);
            } else {
                // Counting stops one past the limit unless it is too long.
                let counted = row.message.chars().take(MESSAGE_MAX_CHARS + 1).count();
                if counted > MESSAGE_MAX_CHARS {
                    flags.push(RowFlag::TooLong {
                        length: row.message.chars().count(),
                        limit: MESSAGE_MAX_CHARS,
                    });
                }
            }
            flags
        })
        .collect()
}

/// Whether no row is flagged: the condition for starting a run.
pub fn all_clear(flags: &[Vec<RowFlag>]) -> bool {
    flags.iter().all(Vec::is_empty)
}
