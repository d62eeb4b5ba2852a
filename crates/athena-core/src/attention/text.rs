//! The words of a notification, and what makes them safe to hand to the OS.
//!
//! A notification carries model output (the first line of an answer, an agent's name,
//! a server's sentence about a failure), which is untrusted. Freedesktop notification
//! servers that advertise `body-markup` (GNOME, KDE, dunst, mako, ...) read the body as
//! a small HTML subset: an answer holding `<a href=...>` or `<img src=...>` would become
//! a link or make the server load a file. So, in every notification:
//! - the body has `&`, `<` and `>` escaped (no markup survives);
//! - the title (plain text by the specification, though some servers format it with
//!   the body) has `<`, `>` and `&` replaced by look-alikes, so it reads the same on
//!   every server and carries no markup anywhere;
//! - control characters (line breaks, escape sequences) and invisible bidirectional and
//!   zero-width characters (which can reorder or hide what is shown) are removed, and
//!   runs of whitespace become one space;
//! - both are cut at a fixed length, with an ellipsis, before escaping (so an escape is
//!   never cut in half).

use crate::ExecutionError;

/// The longest title shown, in characters (before escaping).
pub const MAX_TITLE_CHARS: usize = 80;

/// The longest body shown, in characters (before escaping).
pub const MAX_BODY_CHARS: usize = 200;

/// What is added where text was cut.
const ELLIPSIS: char = '…';

/// `title` as plain text safe on every notification server: one line, no control or
/// invisible characters, no markup characters, at most [`MAX_TITLE_CHARS`].
pub fn clean_title(title: &str) -> String {
    one_line(title, MAX_TITLE_CHARS)
        .chars()
        .map(|c| match c {
            '<' => '‹',
            '>' => '›',
            '&' => '＆',
            other => other,
        })
        .collect()
}

/// `body` as markup-escaped text: one line, no control or invisible characters, at
/// most [`MAX_BODY_CHARS`] before `&`, `<` and `>` are escaped.
pub fn clean_body(body: &str) -> String {
    escape_markup(&one_line(body, MAX_BODY_CHARS))
}

/// `&`, `<` and `>` as entities: what a server that reads markup shows as text.
fn escape_markup(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// `text` on one line: control and invisible characters dropped (a line break or tab
/// becomes a space), whitespace runs made one space, trimmed, cut at `limit` characters.
fn one_line(text: &str, limit: usize) -> String {
    let mut line = String::new();
    let mut count = 0;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        // Other control characters (escape sequences, bells) and invisible ones are
        // dropped without leaving a gap.
        if c.is_control() || invisible(c) {
            continue;
        }
        let gap = usize::from(space && count > 0);
        if count + gap + 1 > limit {
            return cut(line);
        }
        if gap == 1 {
            line.push(' ');
            count += 1;
        }
        space = false;
        line.push(c);
        count += 1;
    }
    line
}

/// `line` with its last character replaced by an ellipsis (it was full).
fn cut(mut line: String) -> String {
    line.pop();
    let trimmed = line.trim_end().len();
    line.truncate(trimmed);
    line.push(ELLIPSIS);
    line
}

/// Characters that change how text is laid out or hide in it without being seen:
/// bidirectional embeddings, overrides and isolates, marks, zero-width characters and
/// the byte order mark.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}'
    )
}

/// The first line of an answer that holds some text (headings and quote marks of the
/// markdown dropped), read from its text parts without copying the whole answer.
pub(crate) fn first_line<'a>(texts: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut line = String::new();
    for text in texts {
        for c in text.chars() {
            if c == '\n' {
                if line.trim().is_empty() {
                    line.clear();
                    continue;
                }
                return Some(strip_markdown_lead(&line));
            }
            line.push(c);
            // Enough for any notification; the rest of a long first line is not read.
            if line.len() > MAX_BODY_CHARS * 8 {
                return Some(strip_markdown_lead(&line));
            }
        }
    }
    (!line.trim().is_empty()).then(|| strip_markdown_lead(&line))
}

fn strip_markdown_lead(line: &str) -> String {
    line.trim()
        .trim_start_matches(['#', '>'])
        .trim_start()
        .to_owned()
}

/// What went wrong, in one sentence for a notification (server sentences included,
/// already redacted of secrets where they were read).
pub(crate) fn failure(error: Option<&ExecutionError>) -> String {
    let with_server = |lead: &str, message: &Option<String>| match message {
        Some(message) if !message.trim().is_empty() => format!("{lead}: {message}"),
        _ => format!("{lead}."),
    };
    match error {
        None => "The execution failed on the server.".to_owned(),
        Some(ExecutionError::Validation(problem)) => format!("The message was refused: {problem}"),
        Some(ExecutionError::Unreachable) => "The server could not be reached.".to_owned(),
        Some(ExecutionError::Timeout) => "The server did not answer in time.".to_owned(),
        Some(ExecutionError::Http {
            status,
            server_message,
            ..
        }) => with_server(
            &format!("The server refused the request ({status})"),
            server_message,
        ),
        Some(ExecutionError::StreamEndedEarly { .. }) => {
            "The answer stopped arriving before it was complete.".to_owned()
        }
        Some(ExecutionError::ExecutionFailed { server_message, .. }) => {
            with_server("The execution failed", server_message)
        }
        Some(ExecutionError::Interrupted) => {
            "The app stopped following the execution before it ended.".to_owned()
        }
        Some(ExecutionError::Redirected { .. }) => {
            "The server redirected the request: check the workspace's address.".to_owned()
        }
        Some(ExecutionError::AlreadyReceived) => {
            "The server already had this message and its answer cannot be fetched.".to_owned()
        }
        Some(ExecutionError::Internal) => {
            "Something went wrong in the app; the log has the details.".to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_the_body_is_escaped_and_never_survives() {
        let body = clean_body(r#"<b>bold</b> & <a href="file:///etc/passwd">x</a> <img src=x>"#);
        assert_eq!(
            body,
            "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a href=\"file:///etc/passwd\"&gt;x&lt;/a&gt; \
             &lt;img src=x&gt;"
        );
        assert!(!body.contains('<') && !body.contains('>'));
        // An entity already in the text is shown as written, not decoded.
        assert_eq!(clean_body("&lt;script&gt;"), "&amp;lt;script&amp;gt;");
    }

    #[test]
    fn the_title_carries_no_markup_character() {
        let title = clean_title("R&D <b>bot</b> answered");
        assert_eq!(title, "R＆D ‹b›bot‹/b› answered");
        assert!(!title.contains(['<', '>', '&']));
    }

    #[test]
    fn control_and_invisible_characters_are_removed_and_lines_joined() {
        assert_eq!(
            clean_body("one\ntwo\r\n\tthree\u{1b}[31m red\u{7}  four"),
            "one two three[31m red four"
        );
        // Right-to-left override and zero-width characters cannot disguise the text.
        assert_eq!(
            clean_title("invoice\u{202E}fdp.exe\u{200B}\u{2066}x\u{2069}"),
            "invoicefdp.exex"
        );
        assert_eq!(clean_body("\u{0}\u{85}  \n "), "");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_before_escaping() {
        let body = clean_body(&"a".repeat(10_000));
        assert_eq!(body.chars().count(), MAX_BODY_CHARS);
        assert!(body.ends_with(ELLIPSIS));
        let title = clean_title(&"é".repeat(500));
        assert_eq!(title.chars().count(), MAX_TITLE_CHARS);
        // Cut before escaping: no half entity at the end, and at most the limit of
        // characters of the text itself.
        let body = clean_body(&"<".repeat(1_000));
        assert!(body.ends_with(&format!("&lt;{ELLIPSIS}")), "{body}");
        assert_eq!(body.matches("&lt;").count(), MAX_BODY_CHARS - 1);
        // Text within the limit is kept whole.
        let exact = "b".repeat(MAX_BODY_CHARS);
        assert_eq!(clean_body(&exact), exact);
        assert_eq!(clean_body("a  b"), "a b");
    }

    #[test]
    fn the_first_line_of_an_answer_skips_blank_lines_and_markdown_leads() {
        let parts = ["\n\n## Sum", "mary of it\nsecond line"];
        assert_eq!(
            first_line(parts.into_iter()).as_deref(),
            Some("Summary of it")
        );
        assert_eq!(
            first_line(["> quoted"].into_iter()).as_deref(),
            Some("quoted")
        );
        assert_eq!(first_line(["  \n \n"].into_iter()), None);
        assert_eq!(first_line(std::iter::empty()), None);
        let long = "x".repeat(100_000);
        let line = first_line([long.as_str()].into_iter()).expect("a line");
        assert!(line.len() < 100_000, "a long line is not copied whole");
    }

    #[test]
    fn failures_say_what_failed() {
        let server = ExecutionError::ExecutionFailed {
            server_code: Some("boom".into()),
            server_message: Some("The model crashed".into()),
        };
        assert_eq!(
            failure(Some(&server)),
            "The execution failed: The model crashed"
        );
        assert_eq!(
            failure(Some(&ExecutionError::Http {
                status: 503,
                server_code: None,
                server_message: None
            })),
            "The server refused the request (503)."
        );
        assert_eq!(
            failure(Some(&ExecutionError::Unreachable)),
            "The server could not be reached."
        );
        assert_eq!(failure(None), "The execution failed on the server.");
    }
}
