//! `query_transactions`: the rows of the user's CSV ledger between two dates.
//!
//! The ledger is a CSV file with a header row naming (in any case, in any order, among
//! other columns) `date` (YYYY-MM-DD), `description` and `amount` (a decimal number
//! such as `-12.50`). Amounts are returned exactly as written, and summed exactly as
//! decimals (`0.10 + 0.20 = 0.30`), never through floating point. Every row is checked,
//! not only the matching ones, so a malformed ledger is reported the same way
//! whatever the dates asked.

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::{Value, json};
use time::Date;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use crate::tools::context::ToolContext;
use crate::tools::definition::ToolDefinition;
use crate::tools::tool::{Tool, ToolFailure};

/// At most this many transactions are listed; `count` and `total` cover all matches.
const MAX_TRANSACTIONS: usize = 1_000;

/// The failure when the user chose no ledger file.
const NO_LEDGER: &str = "No ledger file was chosen: choose one in Settings → Tools";

const ISO_DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");

/// Queries the CSV ledger (see the module doc and the description).
#[derive(Debug)]
pub(super) struct QueryTransactions {
    definition: ToolDefinition,
}

impl QueryTransactions {
    pub(super) fn new() -> Self {
        let date = |what: &str| {
            json!({
                "type": "string",
                "format": "date",
                "description": format!("{what}, as YYYY-MM-DD (included).")
            })
        };
        Self {
            definition: ToolDefinition::new(
                "query_transactions",
                "Query the user's local transaction ledger (a CSV file the user chose) for the \
                 transactions dated from start_date to end_date, both included. Returns them in \
                 ledger order, each with its date, description and amount (a decimal string, \
                 exactly as in the ledger; negative amounts are usually spending), then `count` \
                 (how many matched) and `total` (their exact sum, as a decimal string). At most \
                 1,000 transactions are listed: `truncated` says whether some were left out; \
                 `count` and `total` always cover every match.",
                json!({
                    "type": "object",
                    "properties": {
                        "start_date": date("The first day"),
                        "end_date": date("The last day")
                    },
                    "required": ["start_date", "end_date"],
                    "additionalProperties": false
                }),
            ),
        }
    }
}

impl Tool for QueryTransactions {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn run(&self, arguments: &Value, context: &ToolContext) -> Result<Value, ToolFailure> {
        let Some(ledger) = context.ledger_file.as_deref() else {
            return Err(ToolFailure::new(NO_LEDGER));
        };
        let start = argument_date(arguments, "start_date")?;
        let end = argument_date(arguments, "end_date")?;
        if start > end {
            return Err(ToolFailure(format!(
                "start_date {start} is after end_date {end}: give a start_date on or before the end_date."
            )));
        }
        let mut transactions = Vec::new();
        let mut count = 0_usize;
        let mut total = Decimal::ZERO;
        for row in read_ledger(ledger)? {
            let row = row?;
            if row.date < start || row.date > end {
                continue;
            }
            count += 1;
            total = total.checked_add(row.amount).ok_or_else(|| {
                ToolFailure::new("The total of these transactions is too large to compute exactly.")
            })?;
            if transactions.len() < MAX_TRANSACTIONS {
                transactions.push(json!({
                    "date": row.date_text,
                    "description": row.description,
                    "amount": row.amount_text,
                }));
            }
        }
        Ok(json!({
            "transactions": transactions,
            "count": count,
            "total": total.to_string(),
            "truncated": count > MAX_TRANSACTIONS,
        }))
    }
}

fn argument_date(arguments: &Value, field: &str) -> Result<Date, ToolFailure> {
    let text = arguments.get(field).and_then(Value::as_str).unwrap_or("");
    Date::parse(text, ISO_DATE).map_err(|_| {
        ToolFailure(format!(
            "{field} {text:?} is not a date: write it as YYYY-MM-DD."
        ))
    })
}

/// One checked ledger row.
struct Row {
    date: Date,
    date_text: String,
    description: String,
    amount: Decimal,
    amount_text: String,
}

/// The ledger's rows, each checked; the first failure names its line.
fn read_ledger(
    ledger: &Path,
) -> Result<impl Iterator<Item = Result<Row, ToolFailure>>, ToolFailure> {
    let unreadable = |error: &dyn std::fmt::Display| {
        ToolFailure(format!(
            "The ledger file {} cannot be read: {error}. Check it, or choose another in Settings → Tools.",
            ledger.display()
        ))
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(ledger)
        .map_err(|error| unreadable(&error))?;
    let headers = reader.headers().map_err(|error| unreadable(&error))?;
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                ToolFailure(format!(
                    "The ledger file {} has no {name:?} column: its first row must name the columns date, description and amount.",
                    ledger.display()
                ))
            })
    };
    let (date, description, amount) = (column("date")?, column("description")?, column("amount")?);
    Ok(reader.into_records().map(move |record| {
        let record = record.map_err(|error| {
            let line = error.position().map_or(0, csv::Position::line);
            ToolFailure(format!(
                "Line {line} of the ledger file cannot be read: {error}. Fix the ledger file."
            ))
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |index: usize| record.get(index).unwrap_or("").to_owned();
        let (date_text, amount_text) = (field(date), field(amount));
        let date = Date::parse(&date_text, ISO_DATE).map_err(|_| {
            ToolFailure(format!(
                "Line {line} of the ledger file has the date {date_text:?}, which is not a YYYY-MM-DD date. Fix the ledger file."
            ))
        })?;
        let amount = Decimal::from_str_exact(&amount_text).map_err(|_| {
                ToolFailure(format!(
                    "Line {line} of the ledger file has the amount {amount_text:?}, which is not a decimal number such as -12.50. Fix the ledger file."
                ))
            })?;
        Ok(Row {
            date,
            date_text,
            description: field(description),
            amount,
            amount_text,
        })
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::fs;

    use super::*;
    use crate::tools::builtin::test_support::{context_with, failure};

    const LEDGER: &str = "\
Date,Description,Amount,Category
2024-02-29,Before,-1.00,x
2024-03-01,Coffee,0.10,food
2024-03-15,\"Rent, March\",0.20,home
2024-03-31,Refund,-0.05,x
2024-04-01,After,100,x
";

    fn query(ledger: &str, start: &str, end: &str) -> Result<Value, ToolFailure> {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join("ledger.csv");
        fs::write(&path, ledger).unwrap();
        let context = context_with(Vec::new(), Some(path));
        QueryTransactions::new().run(&json!({"start_date": start, "end_date": end}), &context)
    }

    #[test]
    fn rows_between_the_dates_inclusive_are_returned_with_an_exact_total() {
        let result = query(LEDGER, "2024-03-01", "2024-03-31").unwrap();
        assert_eq!(
            result,
            json!({
                "transactions": [
                    {"date": "2024-03-01", "description": "Coffee", "amount": "0.10"},
                    {"date": "2024-03-15", "description": "Rent, March", "amount": "0.20"},
                    {"date": "2024-03-31", "description": "Refund", "amount": "-0.05"}
                ],
                "count": 3,
                "total": "0.25",
                "truncated": false
            })
        );
        let two = query(LEDGER, "2024-03-01", "2024-03-15").unwrap();
        assert_eq!(two["total"], "0.30");
        let one_day = query(LEDGER, "2024-04-01", "2024-04-01").unwrap();
        assert_eq!(one_day["count"], 1);
        assert_eq!(one_day["transactions"][0]["amount"], "100");
        let none = query(LEDGER, "2025-01-01", "2025-12-31").unwrap();
        assert_eq!(none["count"], 0);
        assert_eq!(none["total"], "0");
    }

    #[test]
    fn headers_are_found_in_any_case_and_order() {
        let ledger = "AMOUNT,date,DeScRiPtIoN\n1.5,2024-01-01,Tea\n";
        let result = query(ledger, "2024-01-01", "2024-01-01").unwrap();
        assert_eq!(
            result["transactions"][0],
            json!({"date": "2024-01-01", "description": "Tea", "amount": "1.5"})
        );
    }

    #[test]
    fn more_than_the_limit_is_cut_but_counted_and_summed() {
        let mut ledger = String::from("date,description,amount\n");
        for _ in 0..MAX_TRANSACTIONS + 5 {
            ledger.push_str("2024-01-01,x,0.01\n");
        }
        let result = query(&ledger, "2024-01-01", "2024-01-01").unwrap();
        assert_eq!(
            result["transactions"].as_array().unwrap().len(),
            MAX_TRANSACTIONS
        );
        assert_eq!(result["count"], MAX_TRANSACTIONS + 5);
        assert_eq!(result["total"], "10.05");
        assert_eq!(result["truncated"], true);
    }

    #[test]
    fn start_after_end_names_both() {
        let message = failure(query(LEDGER, "2024-03-10", "2024-03-01"));
        assert!(
            message.contains("2024-03-10") && message.contains("2024-03-01"),
            "{message}"
        );
        assert!(
            message.contains("start_date") && message.contains("end_date"),
            "{message}"
        );
    }

    #[test]
    fn no_ledger_says_where_to_choose_one() {
        let context = context_with(Vec::new(), None);
        let arguments = json!({"start_date": "2024-01-01", "end_date": "2024-01-02"});
        assert_eq!(
            failure(QueryTransactions::new().run(&arguments, &context)),
            NO_LEDGER
        );
    }

    #[test]
    fn a_malformed_row_is_named_by_its_line() {
        let bad_amount = "date,description,amount\n2024-01-01,a,1\n2024-01-02,b,12€\n";
        let message = failure(query(bad_amount, "2023-01-01", "2023-01-02"));
        assert!(message.starts_with("Line 3 "), "{message}");
        assert!(message.contains("\"12€\""), "{message}");

        let bad_date = "date,description,amount\n01/02/2024,a,1\n";
        let message = failure(query(bad_date, "2024-01-01", "2024-12-31"));
        assert!(
            message.starts_with("Line 2 ") && message.contains("01/02/2024"),
            "{message}"
        );

        let short = "date,description,amount\n2024-01-01,a,1\n2024-01-02,b\n";
        let message = failure(query(short, "2024-01-01", "2024-12-31"));
        assert!(message.starts_with("Line 3 "), "{message}");

        let no_amount = "date,description,value\n2024-01-01,a,1\n";
        let message = failure(query(no_amount, "2024-01-01", "2024-12-31"));
        assert!(message.contains("no \"amount\" column"), "{message}");
    }

    #[test]
    fn a_missing_ledger_file_says_to_choose_another() {
        let context = context_with(Vec::new(), Some("/nonexistent/ledger.csv".into()));
        let arguments = json!({"start_date": "2024-01-01", "end_date": "2024-01-02"});
        let message = failure(QueryTransactions::new().run(&arguments, &context));
        assert!(
            message.contains("cannot be read") && message.contains("Settings → Tools"),
            "{message}"
        );
    }
}
