//! Batch sources: lines, CSV and JSON Lines read into rows, the format and separator
//! detection, the limits, and the flags that keep a run from starting.

use athena_core::batch::{
    BatchRow, Format, InputError, MAX_INPUT_BYTES, MAX_ROWS, ParseOptions, ParsedInput, RowFlag,
    all_clear, flag, parse,
};

fn auto(text: &str, name: Option<&str>) -> ParsedInput {
    parse(text.as_bytes(), name, &ParseOptions::default()).unwrap()
}

fn with(format: Format) -> ParseOptions {
    ParseOptions {
        format,
        ..ParseOptions::default()
    }
}

fn row(line: usize, key: &str, message: &str) -> BatchRow {
    BatchRow {
        line,
        key: key.into(),
        message: message.into(),
    }
}

/// `(line, key, message)` of every row.
fn rows(parsed: &ParsedInput) -> Vec<(usize, &str, &str)> {
    parsed
        .rows
        .iter()
        .map(|r| (r.line, r.key.as_str(), r.message.as_str()))
        .collect()
}

// ---- lines ----

#[test]
fn lines_are_one_message_each_blank_ones_skipped() {
    let parsed = auto(
        "\u{feff}first\r\n\n   \nsecond, with a comma\nthird\n",
        None,
    );
    assert_eq!(parsed.format, Format::Lines);
    assert_eq!(
        rows(&parsed),
        vec![
            (1, "item-1", "first"),
            (4, "item-2", "second, with a comma"),
            (5, "item-3", "third")
        ]
    );
    assert!(parsed.columns.is_empty());
    assert_eq!(parsed.delimiter, None);
    assert!(parsed.problems.is_empty());
}

#[test]
fn an_empty_source_has_no_rows() {
    for format in [Format::Auto, Format::Lines, Format::Csv, Format::Jsonl] {
        let parsed = parse(b"", None, &with(format)).unwrap();
        assert!(parsed.rows.is_empty(), "{format:?}");
        assert!(parsed.problems.is_empty(), "{format:?}");
    }
}

// ---- format detection ----

#[test]
fn auto_picks_the_format_from_the_name_then_the_content() {
    assert_eq!(
        auto(r#"{"message":"a"}"#, Some("x.JSONL")).format,
        Format::Jsonl
    );
    assert_eq!(auto("a\nb", Some("data.ndjson")).format, Format::Jsonl);
    assert_eq!(
        auto("{\"message\":\"a\"}\n\n  {\"message\":\"b\"}\n", None).format,
        Format::Jsonl
    );
    assert_eq!(auto("one\ntwo\n", Some("list.csv")).format, Format::Csv);
    assert_eq!(auto("message;key\nhi;a\n", None).format, Format::Csv);
    assert_eq!(auto("a\tb\nc\td\n", Some("notes.txt")).format, Format::Csv);
    assert_eq!(
        auto("Hello, how are you?\nWhat is 2+2?\n", None).format,
        Format::Lines
    );
    assert_eq!(auto("{not json\nplain\n", None).format, Format::Lines);
}

// ---- CSV ----

#[test]
fn csv_takes_the_message_and_key_columns_from_the_header() {
    let text = "id,Prompt,notes\nq1,What is 2+2?,easy\nq2,\"Name a colour, please\",\n";
    let parsed = auto(text, Some("questions.csv"));
    assert_eq!(parsed.format, Format::Csv);
    assert_eq!(parsed.columns, vec!["id", "Prompt", "notes"]);
    assert_eq!(parsed.message_column, Some(1));
    assert_eq!(parsed.key_column, Some(0));
    assert_eq!(parsed.delimiter, Some(b','));
    assert_eq!(
        rows(&parsed),
        vec![
            (2, "q1", "What is 2+2?"),
            (3, "q2", "Name a colour, please")
        ]
    );
}

#[test]
fn csv_without_a_known_header_uses_the_first_column_and_generates_keys() {
    let parsed = auto("question,topic\nWhy?,x\nHow?,y\n", Some("a.csv"));
    assert_eq!(parsed.message_column, Some(0));
    assert_eq!(parsed.key_column, None);
    assert_eq!(
        rows(&parsed),
        vec![(2, "item-1", "Why?"), (3, "item-2", "How?")]
    );
}

#[test]
fn csv_quotes_embedded_newlines_and_line_numbers() {
    let text = "key,message\r\na,\"line one\r\nline two\"\r\nb,\"she said \"\"hi\"\"\"\r\n";
    let parsed = auto(text, None);
    assert_eq!(parsed.format, Format::Csv);
    assert_eq!(
        rows(&parsed),
        vec![
            (2, "a", "line one\r\nline two"),
            (4, "b", "she said \"hi\"")
        ]
    );
}

#[test]
fn csv_separators_are_detected() {
    let semicolons = auto("\u{feff}message;key\nBonjour, ça va ?;a\nSalut;b\n", None);
    assert_eq!(semicolons.delimiter, Some(b';'));
    assert_eq!(
        rows(&semicolons),
        vec![(2, "a", "Bonjour, ça va ?"), (3, "b", "Salut")]
    );
    let tabs = auto("text\tid\nHello, world\t1\nBye; now\t2\n", Some("x.tsv"));
    assert_eq!(tabs.delimiter, Some(b'\t'));
    assert_eq!(
        rows(&tabs),
        vec![(2, "1", "Hello, world"), (3, "2", "Bye; now")]
    );
    // A one-column .tsv falls back to its extension's separator.
    assert_eq!(auto("message\nhi\n", Some("x.tsv")).delimiter, Some(b'\t'));
    assert_eq!(auto("message\nhi\n", Some("x.csv")).delimiter, Some(b','));
}

#[test]
fn a_short_record_is_a_problem_on_its_line_and_the_rest_is_kept() {
    let text = "message,key\nhello,a\nlonely\n,\n\nbye,b\n";
    let parsed = auto(text, Some("x.csv"));
    assert_eq!(rows(&parsed), vec![(2, "a", "hello"), (6, "b", "bye")]);
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!(parsed.problems[0].line, 3);
    assert!(
        parsed.problems[0].reason.contains("at least 2 fields"),
        "{}",
        parsed.problems[0].reason
    );
}

#[test]
fn csv_columns_can_be_chosen_and_named_without_a_header() {
    let text = "1;hello;x\n2;bye\n";
    let options = ParseOptions {
        format: Format::Csv,
        message_column: Some(1),
        key_column: Some(0),
        delimiter: Some(b';'),
        has_header: false,
        ..ParseOptions::default()
    };
    let parsed = parse(text.as_bytes(), None, &options).unwrap();
    assert_eq!(parsed.columns, vec!["Column 1", "Column 2", "Column 3"]);
    assert_eq!(rows(&parsed), vec![(1, "1", "hello"), (2, "2", "bye")]);

    let beyond = ParseOptions {
        message_column: Some(3),
        ..options.clone()
    };
    assert_eq!(
        parse(text.as_bytes(), None, &beyond).unwrap_err(),
        InputError::NoSuchColumn {
            column: 3,
            columns: 3
        }
    );
    let generated = ParseOptions {
        generate_keys: true,
        ..options
    };
    let parsed = parse(text.as_bytes(), None, &generated).unwrap();
    assert_eq!(parsed.key_column, None);
    assert_eq!(
        rows(&parsed),
        vec![(1, "item-1", "hello"), (2, "item-2", "bye")]
    );
}

#[test]
fn csv_keys_are_trimmed_and_an_id_header_can_be_ignored() {
    let text = "id,message\n  a  ,hi\n";
    assert_eq!(rows(&auto(text, Some("x.csv"))), vec![(2, "a", "hi")]);
    let options = ParseOptions {
        generate_keys: true,
        ..ParseOptions::default()
    };
    let parsed = parse(text.as_bytes(), Some("x.csv"), &options).unwrap();
    assert_eq!(rows(&parsed), vec![(2, "item-1", "hi")]);
}

// ---- JSON Lines ----

#[test]
fn jsonl_keeps_good_lines_and_names_bad_ones() {
    let text = concat!(
        "{\"key\":\"a\",\"message\":\"first\",\"extra\":1}\n",
        "{\"message\":\"no key\"}\n",
        "\n",
        "{\"key\":\"b\"}\n",
        "[1,2]\n",
        "{\"key\":7,\"message\":\"number key\"}\n",
        "{\"key\":null,\"message\":\"null key\"}\n",
        "{\"message\":\"cut\n",
    );
    let parsed = parse(text.as_bytes(), Some("in.jsonl"), &ParseOptions::default()).unwrap();
    assert_eq!(parsed.format, Format::Jsonl);
    assert_eq!(
        rows(&parsed),
        vec![
            (1, "a", "first"),
            (2, "item-1", "no key"),
            (7, "item-2", "null key")
        ]
    );
    let lines: Vec<usize> = parsed.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, vec![4, 5, 6, 8]);
    assert!(
        parsed.problems[0]
            .reason
            .contains("missing field `message`"),
        "{}",
        parsed.problems[0].reason
    );
    assert!(
        !parsed.problems[0].reason.contains("line 1"),
        "the reason must not name another line: {}",
        parsed.problems[0].reason
    );
}

#[test]
fn generated_keys_skip_explicit_ones() {
    let text = concat!(
        "{\"message\":\"one\"}\n",
        "{\"key\":\"item-2\",\"message\":\"two\"}\n",
        "{\"message\":\"three\"}\n",
        "{\"key\":\"item-1\",\"message\":\"four\"}\n",
    );
    let parsed = parse(text.as_bytes(), None, &with(Format::Jsonl)).unwrap();
    assert_eq!(
        rows(&parsed),
        vec![
            (1, "item-3", "one"),
            (2, "item-2", "two"),
            (3, "item-4", "three"),
            (4, "item-1", "four")
        ]
    );
}

// ---- limits ----

#[test]
fn a_source_past_ten_mebibytes_is_refused() {
    let big = vec![b'a'; MAX_INPUT_BYTES + 1];
    assert_eq!(
        parse(&big, None, &ParseOptions::default()).unwrap_err(),
        InputError::TooLarge {
            limit: MAX_INPUT_BYTES,
            actual: MAX_INPUT_BYTES + 1
        }
    );
}

#[test]
fn more_than_the_row_limit_is_refused_in_every_format() {
    let lines = "x\n".repeat(MAX_ROWS + 1);
    let jsonl = "{\"message\":\"x\"}\n".repeat(MAX_ROWS + 1);
    let csv = format!("message\n{lines}");
    for (text, format) in [
        (&lines, Format::Lines),
        (&jsonl, Format::Jsonl),
        (&csv, Format::Csv),
    ] {
        assert_eq!(
            parse(text.as_bytes(), None, &with(format)).unwrap_err(),
            InputError::TooManyRows { limit: MAX_ROWS },
            "{format:?}"
        );
    }
    // Exactly the limit is fine.
    let parsed = parse(
        "x\n".repeat(MAX_ROWS).as_bytes(),
        None,
        &with(Format::Lines),
    )
    .unwrap();
    assert_eq!(parsed.rows.len(), MAX_ROWS);
}

#[test]
fn bytes_that_are_not_utf8_are_not_text() {
    assert_eq!(
        parse(b"hello\n\xff\xfe\n", None, &ParseOptions::default()).unwrap_err(),
        InputError::NotText
    );
}

#[test]
fn problems_past_a_thousand_are_counted() {
    let text = "nope\n".repeat(1_500);
    let parsed = parse(text.as_bytes(), None, &with(Format::Jsonl)).unwrap();
    assert_eq!(parsed.problems.len(), 1_000);
    assert_eq!(parsed.more_problems, 500);
    assert_eq!(parsed.problems[999].line, 1_000);
}

// ---- options and errors across the boundary ----

#[test]
fn options_read_camel_case_with_defaults() {
    let options: ParseOptions =
        serde_json::from_str(r#"{"format":"csv","messageColumn":2,"delimiter":59}"#).unwrap();
    assert_eq!(
        options,
        ParseOptions {
            format: Format::Csv,
            message_column: Some(2),
            delimiter: Some(b';'),
            ..ParseOptions::default()
        }
    );
    assert!(options.has_header);
    let empty: ParseOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, ParseOptions::default());
    assert_eq!(
        serde_json::to_value(InputError::TooLarge {
            limit: 1,
            actual: 2
        })
        .unwrap(),
        serde_json::json!({"code": "tooLarge", "limit": 1, "actual": 2})
    );
}

// ---- flags ----

#[test]
fn rows_are_flagged_with_codes_and_parameters() {
    let limit = athena_api::validation::MESSAGE_MAX_CHARS;
    let long = "é".repeat(limit + 1);
    let exact = "é".repeat(limit);
    let rows = vec![
        row(1, "a", "fine"),
        row(2, "a", "again"),
        row(3, " ", "no key"),
        row(4, "b", "  \n "),
        row(5, "c", &long),
        row(6, "d", &exact),
        row(7, "a", ""),
        row(8, "", "also no key"),
    ];
    let flags = flag(&rows);
    assert_eq!(
        flags,
        vec![
            vec![],
            vec![RowFlag::DuplicateKey { first_line: 1 }],
            vec![RowFlag::EmptyKey],
            vec![RowFlag::EmptyMessage],
            vec![RowFlag::TooLong {
                length: limit + 1,
                limit
            }],
            vec![],
            vec![
                RowFlag::DuplicateKey { first_line: 1 },
                RowFlag::EmptyMessage
            ],
            vec![RowFlag::EmptyKey],
        ]
    );
    assert!(!all_clear(&flags));
    assert!(all_clear(&flag(&rows[..1])));
    assert!(all_clear(&flag(&[])));
    assert_eq!(
        serde_json::to_value(&flags[1][0]).unwrap(),
        serde_json::json!({"code": "duplicateKey", "firstLine": 1})
    );
    assert_eq!(
        serde_json::to_value(&flags[4][0]).unwrap(),
        serde_json::json!({"code": "tooLong", "length": limit + 1, "limit": limit})
    );
    assert_eq!(
        serde_json::to_value(&flags[2][0]).unwrap(),
        serde_json::json!({"code": "emptyKey"})
    );
}

#[test]
fn parsed_rows_flow_into_the_flags() {
    let parsed = auto("key,message\na,hi\na,there\n", None);
    let flags = flag(&parsed.rows);
    assert_eq!(
        flags[1],
        vec![RowFlag::DuplicateKey { first_line: 2 }],
        "lines are the source's"
    );
}
