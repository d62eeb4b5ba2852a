//! Reading a batch source into rows: one message per line, CSV, or JSON Lines.
//!
//! The source is what the user pasted or a file the backend read, never rows sent by
//! the UI. Parsing keeps going past a bad line: each one becomes a [`LineProblem`]
//! naming its line, and the other rows are kept, so one stray quote does not hide a
//! thousand good rows. What makes the whole source unusable (too big, not text, a
//! column that does not exist) is an [`InputError`].
//!
//! Invariants: rows keep the source's order; every row has a key (explicit, or
//! generated `item-N`, never equal to an explicit key of the same source); a row's
//! `line` is the 1-based line where its record starts.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The largest source accepted: 10 MiB.
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;

/// The most rows one source may hold.
pub const MAX_ROWS: usize = 100_000;

/// At most this many [`LineProblem`]s are kept; the rest are only counted
/// ([`ParsedInput::more_problems`]).
const MAX_PROBLEMS: usize = 1_000;

/// The separators a CSV source may use, in order of preference on a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// How many records the separator detection looks at.
const SNIFF_RECORDS: usize = 100;

/// Header names taken as the message column (compared case-insensitively).
const MESSAGE_HEADERS: [&str; 4] = ["message", "text", "prompt", "input"];

/// Header names taken as the key column (compared case-insensitively).
const KEY_HEADERS: [&str; 2] = ["key", "id"];

/// How to read a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Format {
    /// Decide from the name and the content: `.jsonl`/`.ndjson` or every non-blank
    /// line an object is JSON Lines; `.csv`/`.tsv` or a separator that splits every
    /// record into the same number (two or more) of fields is CSV; else lines.
    #[default]
    Auto,
    /// One message per non-blank line.
    Lines,
    /// Comma-, semicolon- or tab-separated values, quoted fields allowed.
    Csv,
    /// One JSON object per non-blank line: `{"key"?: string, "message": string}`.
    Jsonl,
}

/// What the user chose about a source; `None` leaves a choice to the parser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ParseOptions {
    /// The format; [`Format::Auto`] by default.
    pub format: Format,
    /// CSV: the 0-based column holding the message. `None`: the column whose header
    /// is `message`, `text`, `prompt` or `input`, else the first.
    pub message_column: Option<usize>,
    /// CSV: the 0-based column holding the key. `None`: the column whose header is
    /// `key` or `id`; when there is none, keys are generated.
    pub key_column: Option<usize>,
    /// Generate every key (`item-1`, `item-2`, ...), ignoring `key_column` and any
    /// `key`/`id` header or JSON `key`.
    pub generate_keys: bool,
    /// CSV: the separator byte. `None`: detected among `,` `;` and tab.
    pub delimiter: Option<u8>,
    /// CSV: whether the first record names the columns. `true` by default.
    pub has_header: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            format: Format::Auto,
            message_column: None,
            key_column: None,
            generate_keys: false,
            delimiter: None,
            has_header: true,
        }
    }
}

/// One message of a batch, as read from its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRow {
    /// The 1-based line (of the source text) where the row starts.
    pub line: usize,
    /// The item's key: explicit (trimmed, for CSV) or generated.
    pub key: String,
    /// The message, as written.
    pub message: String,
}

/// A line that could not be read; the other rows are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineProblem {
    /// The 1-based line.
    pub line: usize,
    /// What was wrong, in the parser's (English) words.
    pub reason: String,
}

/// A source read into rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParsedInput {
    /// The format used (never [`Format::Auto`]).
    pub format: Format,
    /// CSV: the header's names, or `Column 1`, `Column 2`, ... without a header (as
    /// many as the widest record). Empty for other formats.
    pub columns: Vec<String>,
    /// CSV: the column the messages came from.
    pub message_column: Option<usize>,
    /// CSV: the column the keys came from; `None` when they were generated.
    pub key_column: Option<usize>,
    /// CSV: the separator used.
    pub delimiter: Option<u8>,
    /// The rows, in source order.
    pub rows: Vec<BatchRow>,
    /// The lines that could not be read (at most 1,000), in source order.
    pub problems: Vec<LineProblem>,
    /// How many more problems there were beyond those listed.
    pub more_problems: usize,
}

/// Why a source cannot be used at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(
    tag = "code",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum InputError {
    /// The source is larger than `limit` bytes ([`MAX_INPUT_BYTES`]).
    #[error("the source is {actual} bytes; at most {limit} are accepted")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
        /// The source's size, in bytes.
        actual: usize,
    },
    /// The source holds more than `limit` rows ([`MAX_ROWS`]).
    #[error("the source holds more than {limit} rows")]
    TooManyRows {
        /// The limit.
        limit: usize,
    },
    /// The source is not UTF-8 text.
    #[error("the source is not UTF-8 text")]
    NotText,
    /// A column chosen in [`ParseOptions`] does not exist.
    #[error("there is no column {column} (0-based); the source has {columns}")]
    NoSuchColumn {
        /// The 0-based column asked for.
        column: usize,
        /// How many columns the source has.
        columns: usize,
    },
}

/// A row before its key is settled.
struct Raw {
    line: usize,
    key: Option<String>,
    message: String,
}

/// Problems, kept up to [`MAX_PROBLEMS`].
#[derive(Default)]
struct Problems {
    kept: Vec<LineProblem>,
    more: usize,
}

impl Problems {
    fn push(&mut self, line: usize, reason: String) {
        if self.kept.len() < MAX_PROBLEMS {
            self.kept.push(LineProblem { line, reason });
        } else {
            self.more += 1;
        }
    }
}

/// Reads a source into rows. `name_hint` is the file's name, when it came from a
/// file (its extension guides [`Format::Auto`]). A UTF-8 byte order mark is skipped.
///
/// # Errors
/// [`InputError::TooLarge`] past [`MAX_INPUT_BYTES`], [`InputError::NotText`] when it is
/// not UTF-8, [`InputError::TooManyRows`] past [`MAX_ROWS`] rows,
/// [`InputError::NoSuchColumn`] for a CSV column chosen beyond the widest record.
pub fn parse(
    bytes: &[u8],
    name_hint: Option<&str>,
    options: &ParseOptions,
) -> Result<ParsedInput, InputError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            limit: MAX_INPUT_BYTES,
            actual: bytes.len(),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| InputError::NotText)?;
    let extension = name_hint
        .and_then(|name| Path::new(name).extension())
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase());
    let extension = extension.as_deref();
    let format = match options.format {
        Format::Auto => detect_format(text, extension),
        chosen => chosen,
    };
    let mut problems = Problems::default();
    let mut parsed = ParsedInput {
        format,
        columns: Vec::new(),
        message_column: None,
        key_column: None,
        delimiter: None,
        rows: Vec::new(),
        problems: Vec::new(),
        more_problems: 0,
    };
    let raws = match format {
        Format::Auto | Format::Lines => lines(text)?,
        Format::Jsonl => jsonl(text, &mut problems)?,
        Format::Csv => {
            let delimiter = options.delimiter.or_else(|| sniff(text, 1)).unwrap_or(
                if extension == Some("tsv") {
                    b'\t'
                } else {
                    b','
                },
            );
            let table = csv_rows(text, delimiter, options, &mut problems)?;
            parsed.columns = table.columns;
            parsed.message_column = table.message_column;
            parsed.key_column = table.key_column;
            parsed.delimiter = Some(delimiter);
            table.rows
        }
    };
    parsed.rows = assign_keys(raws, options.generate_keys);
    parsed.problems = problems.kept;
    parsed.more_problems = problems.more;
    Ok(parsed)
}

fn detect_format(text: &str, extension: Option<&str>) -> Format {
    match extension {
        Some("jsonl" | "ndjson") => return Format::Jsonl,
        Some("csv" | "tsv") => return Format::Csv,
        _ => {}
    }
    let mut non_blank = text.lines().filter(|l| !l.trim().is_empty()).peekable();
    if non_blank.peek().is_some() && non_blank.all(|l| l.trim_start().starts_with('{')) {
        return Format::Jsonl;
    }
    if sniff(text, 2).is_some() {
        return Format::Csv;
    }
    Format::Lines
}

fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|field| field.trim().is_empty())
}

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The separator that splits the first records (at least `min_records` non-blank
/// ones) into the same number of fields, two or more; the widest split wins.
fn sniff(text: &str, min_records: usize) -> Option<u8> {
    let mut best: Option<(u8, usize)> = None;
    for delimiter in DELIMITERS {
        let mut width = None;
        let mut count = 0;
        let mut consistent = true;
        for record in reader(text, delimiter).records().take(SNIFF_RECORDS) {
            let Ok(record) = record else {
                consistent = false;
                break;
            };
            if is_blank(&record) {
                continue;
            }
            match width {
                None => width = Some(record.len()),
                Some(w) if w != record.len() => {
                    consistent = false;
                    break;
                }
                Some(_) => {}
            }
            count += 1;
        }
        if let Some(width) = width
            && consistent
            && count >= min_records
            && width >= 2
            && best.is_none_or(|(_, w)| width > w)
        {
            best = Some((delimiter, width));
        }
    }
    best.map(|(delimiter, _)| delimiter)
}

fn push_raw(raws: &mut Vec<Raw>, raw: Raw) -> Result<(), InputError> {
    if raws.len() >= MAX_ROWS {
        return Err(InputError::TooManyRows { limit: MAX_ROWS });
    }
    raws.push(raw);
    Ok(())
}

fn lines(text: &str) -> Result<Vec<Raw>, InputError> {
    let mut raws = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        push_raw(
            &mut raws,
            Raw {
                line: index + 1,
                key: None,
                message: line.to_owned(),
            },
        )?;
    }
    Ok(raws)
}

/// One line of JSON Lines: other fields are ignored.
#[derive(Deserialize, Debug)]
struct JsonlRow {
    #[serde(default)]
    key: Option<String>,
    message: String,
}

/// serde_json's words without its position: each line is parsed alone, so its
/// "line 1" would contradict the line the problem names.
fn json_reason(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    match text.strip_suffix(&suffix) {
        Some(words) if err.column() > 0 => format!("{words} (column {})", err.column()),
        Some(words) => words.to_owned(),
        None => text,
    }
}

fn jsonl(text: &str, problems: &mut Problems) -> Result<Vec<Raw>, InputError> {
    let mut raws = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<JsonlRow>(line) {
            Ok(row) => push_raw(
                &mut raws,
                Raw {
                    line: index + 1,
                    key: row.key,
                    message: row.message,
                },
            )?,
            Err(err) => problems.push(index + 1, json_reason(&err)),
        }
    }
    Ok(raws)
}

/// A CSV source read into rows, with the columns it settled on.
struct Table {
    columns: Vec<String>,
    message_column: Option<usize>,
    key_column: Option<usize>,
    rows: Vec<Raw>,
}

/// Line numbers of records. The csv crate's `Position` is where its reader began
/// the record, before the line ends (of the last record, of blank lines) it skipped,
/// so its `line` is early after a `\r\n` or a blank line: the line is counted from
/// the first byte after those instead.
struct Lines<'a> {
    text: &'a [u8],
    /// The byte offset of every `\n`.
    newlines: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            newlines: newline_offsets(text),
        }
    }

    /// The 1-based line of the record at `position` (0 when unknown).
    fn of(&self, position: Option<&csv::Position>) -> usize {
        position.map_or(0, |p| {
            let mut byte = usize::try_from(p.byte()).unwrap_or(usize::MAX);
            while matches!(self.text.get(byte), Some(b'\r' | b'\n')) {
                byte += 1;
            }
            self.newlines.partition_point(|&nl| nl < byte) + 1
        })
    }
}

fn newline_offsets(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'\n').then_some(i))
        .collect()
}

fn find_header(header: Option<&csv::StringRecord>, names: &[&str]) -> Option<usize> {
    header?.iter().position(|field| {
        let field = field.trim();
        names.iter().any(|name| field.eq_ignore_ascii_case(name))
    })
}

fn csv_rows(
    text: &str,
    delimiter: u8,
    options: &ParseOptions,
    problems: &mut Problems,
) -> Result<Table, InputError> {
    let lines = Lines::new(text);
    let mut header = None;
    let mut records = Vec::new();
    for record in reader(text, delimiter).into_records() {
        match record {
            Ok(record) if is_blank(&record) => {}
            Ok(record) if options.has_header && header.is_none() => header = Some(record),
            Ok(record) => {
                // One over the limit is enough to know it is too many.
                if records.len() >= MAX_ROWS {
                    return Err(InputError::TooManyRows { limit: MAX_ROWS });
                }
                records.push(record);
            }
            Err(err) => problems.push(lines.of(err.position()), err.to_string()),
        }
    }
    let width = header.as_ref().map_or_else(
        || {
            records
                .iter()
                .map(csv::StringRecord::len)
                .max()
                .unwrap_or(0)
        },
        csv::StringRecord::len,
    );
    let columns: Vec<String> = (0..width)
        .map(|i| {
            header
                .as_ref()
                .and_then(|h| h.get(i))
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map_or_else(|| format!("Column {}", i + 1), str::to_owned)
        })
        .collect();
    let check = |column: usize| {
        if column < width {
            Ok(column)
        } else {
            Err(InputError::NoSuchColumn {
                column,
                columns: width,
            })
        }
    };
    let message_column = match options.message_column {
        Some(column) => check(column)?,
        None => find_header(header.as_ref(), &MESSAGE_HEADERS).unwrap_or(0),
    };
    let key_column = if options.generate_keys {
        None
    } else {
        match options.key_column {
            Some(column) => Some(check(column)?),
            None => find_header(header.as_ref(), &KEY_HEADERS).filter(|&k| k != message_column),
        }
    };
    let needed = message_column.max(key_column.unwrap_or(0)) + 1;
    let mut rows = Vec::with_capacity(records.len());
    for record in &records {
        let line = lines.of(record.position());
        let key = match key_column {
            Some(k) => record.get(k).map(Some),
            None => Some(None),
        };
        let (Some(message), Some(key)) = (record.get(message_column), key) else {
            problems.push(
                line,
                format!("expected at least {needed} fields, found {}", record.len()),
            );
            continue;
        };
        rows.push(Raw {
            line,
            key: key.map(|k| k.trim().to_owned()),
            message: message.to_owned(),
        });
    }
    Ok(Table {
        columns,
        message_column: Some(message_column),
        key_column,
        rows,
    })
}

/// Settles every row's key: explicit keys are kept; the others get `item-1`,
/// `item-2`, ... in row order, skipping any an explicit key already uses.
fn assign_keys(raws: Vec<Raw>, generate_all: bool) -> Vec<BatchRow> {
    let explicit: HashSet<String> = if generate_all {
        HashSet::new()
    } else {
        raws.iter().filter_map(|r| r.key.clone()).collect()
    };
    let mut next = 0_usize;
    raws.into_iter()
        .map(|raw| {
            let key = match raw.key.filter(|_| !generate_all) {
                Some(key) => key,
                None => loop {
                    next += 1;
                    let candidate = format!("item-{next}");
                    if !explicit.contains(&candidate) {
                        break candidate;
                    }
                },
            };
            BatchRow {
                line: raw.line,
                key,
                message: raw.message,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reasons_drop_the_one_line_position() {
        let err = serde_json::from_str::<JsonlRow>(r#"{"key": "a"}"#).expect_err("no message");
        assert_eq!(json_reason(&err), "missing field `message` (column 12)");
    }

    #[test]
    fn sniffing_needs_the_same_width_everywhere() {
        assert_eq!(sniff("a;b\nc;d\n", 2), Some(b';'));
        assert_eq!(sniff("a,b;c\nd,e;f\n", 2), Some(b','));
        assert_eq!(sniff("a\tb\tc\nd\te\tf\n", 2), Some(b'\t'));
        assert_eq!(sniff("Hello, world\nHow are you?\n", 2), None);
        assert_eq!(sniff("one, two\n", 2), None);
        assert_eq!(sniff("one, two\n", 1), Some(b','));
    }
}
