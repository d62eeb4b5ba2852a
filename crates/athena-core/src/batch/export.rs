//! A run's items as CSV or JSON Lines, one row per item in run order, with the same
//! fields: `key, message, status, output_text, parsed_output, input_tokens,
//! output_tokens, total_tokens, cost_microdollars, error`. A missing value is an
//! empty CSV field and a JSON `null`; `parsed_output` is compact JSON text in CSV
//! and a JSON value in JSON Lines.

use serde::Serialize;
use serde_json::Value;

use super::{BatchItem, BatchRun};

/// The CSV header.
const HEADER: [&str; 10] = [
    "key",
    "message",
    "status",
    "output_text",
    "parsed_output",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cost_microdollars",
    "error",
];

/// The columns of [`HEADER`] that hold text (which a spreadsheet could take for a
/// formula).
const TEXT_COLUMNS: [usize; 5] = [0, 1, 3, 4, 9];

fn csv_fields(item: &BatchItem) -> [String; 10] {
    let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    let usage = item.usage;
    [
        item.key.clone(),
        item.message.clone(),
        item.status.as_str().to_owned(),
        item.output_text.clone().unwrap_or_default(),
        item.parsed_output
            .as_ref()
            .map(Value::to_string)
            .unwrap_or_default(),
        number(usage.map(|u| u.input_tokens)),
        number(usage.map(|u| u.output_tokens)),
        number(usage.map(|u| u.total_tokens)),
        number(item.cost_microdollars),
        item.error.clone().unwrap_or_default(),
    ]
}

fn write_csv(run: &BatchRun, guard: bool) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing into memory cannot fail: the only errors are the sink's.
    writer
        .write_record(HEADER)
        .expect("writing CSV into memory");
    for item in &run.items {
        let mut fields = csv_fields(item);
        if guard {
            for column in TEXT_COLUMNS {
                if fields[column].starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    fields[column].insert(0, '\'');
                }
            }
        }
        writer
            .write_record(&fields)
            .expect("writing CSV into memory");
    }
    let bytes = writer.into_inner().expect("writing CSV into memory");
    // Every field is a `String`: the output is UTF-8.
    String::from_utf8(bytes)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// The run as CSV (RFC 4180: `,`, fields quoted when needed, `\n` line ends), with
/// a header, every value exactly as stored.
pub fn to_csv(run: &BatchRun) -> String {
    write_csv(run, false)
}

/// [`to_csv`] for opening in a spreadsheet: a text field that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'`, so that model output
/// cannot run as a formula (CSV injection). Not for re-reading by programs.
pub fn to_csv_for_spreadsheets(run: &BatchRun) -> String {
    write_csv(run, true)
}

/// One JSON Lines object, fields in the CSV's order.
#[derive(Serialize)]
struct JsonlItem<'a> {
    key: &'a str,
    message: &'a str,
    status: &'static str,
    output_text: Option<&'a str>,
    parsed_output: Option<&'a Value>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    total_tokens: Option<u64>,
    cost_microdollars: Option<u64>,
    error: Option<&'a str>,
}

/// The run as JSON Lines: one object per item, each line ending in `\n`.
pub fn to_jsonl(run: &BatchRun) -> String {
    let mut out = String::new();
    for item in &run.items {
        let line = JsonlItem {
            key: &item.key,
            message: &item.message,
            status: item.status.as_str(),
            output_text: item.output_text.as_deref(),
            parsed_output: item.parsed_output.as_ref(),
            input_tokens: item.usage.map(|u| u.input_tokens),
            output_tokens: item.usage.map(|u| u.output_tokens),
            total_tokens: item.usage.map(|u| u.total_tokens),
            cost_microdollars: item.cost_microdollars,
            error: item.error.as_deref(),
        };
        // Strings, numbers and JSON values always serialize.
        out.push_str(&serde_json::to_string(&line).unwrap_or_default());
        out.push('\n');
    }
    out
}
