//! `current_datetime`: the user's local date and time, from the context's clock.

use serde_json::{Value, json};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use crate::tools::context::ToolContext;
use crate::tools::definition::ToolDefinition;
use crate::tools::tool::{Tool, ToolFailure};

const ISO_8601: &[BorrowedFormatItem<'_>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
);
const DATE: &[BorrowedFormatItem<'_>] = format_description!("[year]-[month]-[day]");
const TIME: &[BorrowedFormatItem<'_>] = format_description!("[hour]:[minute]:[second]");
const OFFSET: &[BorrowedFormatItem<'_>] =
    format_description!("[offset_hour sign:mandatory]:[offset_minute]");

/// Tells the local date and time (see the description).
#[derive(Debug)]
pub(super) struct CurrentDatetime {
    definition: ToolDefinition,
}

impl CurrentDatetime {
    pub(super) fn new() -> Self {
        Self {
            definition: ToolDefinition::new(
                "current_datetime",
                "Get the current date and time on the user's computer, in the user's local time \
                 zone: ISO 8601 timestamp, date (YYYY-MM-DD), time (HH:MM:SS), UTC offset \
                 (+HH:MM) and weekday. Use it whenever the answer depends on today's date or the \
                 time, e.g. to turn \"last week\" into dates. Takes no arguments.",
                json!({
                    "type": "object",
                    "properties": {},
                    "additionalProperties": false
                }),
            ),
        }
    }
}

impl Tool for CurrentDatetime {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn run(&self, _arguments: &Value, context: &ToolContext) -> Result<Value, ToolFailure> {
        let now = context.now;
        let format = |items| {
            now.format(items).map_err(|error| {
                ToolFailure(format!(
                    "The current date and time cannot be written out: {error}."
                ))
            })
        };
        Ok(json!({
            "iso8601": format(ISO_8601)?,
            "date": format(DATE)?,
            "time": format(TIME)?,
            "utc_offset": format(OFFSET)?,
            "weekday": now.weekday().to_string(),
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use time::macros::datetime;

    use super::*;
    use crate::tools::builtin::test_support::context_with;

    fn run_at(now: time::OffsetDateTime) -> Value {
        let mut context = context_with(Vec::new(), None);
        context.now = now;
        CurrentDatetime::new().run(&json!({}), &context).unwrap()
    }

    #[test]
    fn the_local_date_and_time_are_given_in_every_form() {
        assert_eq!(
            run_at(datetime!(2024-03-05 09:07:03.5 +01:00)),
            json!({
                "iso8601": "2024-03-05T09:07:03+01:00",
                "date": "2024-03-05",
                "time": "09:07:03",
                "utc_offset": "+01:00",
                "weekday": "Tuesday"
            })
        );
    }

    #[test]
    fn negative_and_half_hour_offsets_are_signed() {
        let result = run_at(datetime!(2023-12-31 23:59:59 -03:30));
        assert_eq!(result["utc_offset"], "-03:30");
        assert_eq!(result["iso8601"], "2023-12-31T23:59:59-03:30");
        assert_eq!(result["weekday"], "Sunday");
        assert_eq!(
            run_at(datetime!(2024-01-01 00:00 UTC))["utc_offset"],
            "+00:00"
        );
    }
}
