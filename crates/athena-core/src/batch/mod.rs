//! Batch runs: many messages to one agent, from a pasted text or a file.
//!
//! The UI never sends rows: it names a source (text it pasted, a file the backend
//! read) and [`ParseOptions`]; the backend [`parse`]s it into [`BatchRow`]s, and
//! [`flag`]s each row. A run may start only when no row is flagged
//! ([`all_clear`]). The run itself is a [`BatchRun`]: a list of [`BatchItem`]s folded
//! from the events of its calls by a pure reducer ([`BatchRun::apply`] and friends),
//! stored in the history (`History::create_batch_run`, ...), and exported as CSV or
//! JSON Lines ([`to_csv`], [`to_jsonl`]).
//!
//! Words are the UI's: problems are codes with parameters ([`RowFlag`],
//! [`InputError`]); only a parse problem carries a `reason` (the parser's words, about
//! a line the UI names). Errors an item got from the server are kept in the server's
//! words, with secrets redacted.

mod checks;
mod export;
mod input;
mod model;
mod records;

pub use checks::{RowFlag, all_clear, flag};
pub use export::{to_csv, to_csv_for_spreadsheets, to_jsonl};
pub use input::{
    BatchRow, Format, InputError, LineProblem, MAX_INPUT_BYTES, MAX_ROWS, ParseOptions,
    ParsedInput, parse,
};
pub use model::{
    BatchItem, BatchRun, Counts, INTERRUPTED_ERROR, ItemRef, ItemStatus, NO_RESULT_ERROR,
    RunStatus, TokenUsage,
};
pub use records::{BatchCallRecord, BatchRunSummary, CallStatus};
