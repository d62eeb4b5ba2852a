//! A push parser for `text/event-stream`, following the WHATWG HTML "Server-sent
//! events" parsing rules.
//!
//! Why this crate owns its parser instead of using eventsource-client's (which is not
//! public and can only be driven through its client): eventsource-client 0.18.0 ends
//! the stream with an error on lines the standard says to ignore (a field with no colon
//! that is not a known field, `foo\n\n`, a second BOM) and on invalid UTF-8 (the
//! standard decodes with replacement characters), and it allocates per line and per
//! event. `cargo bench -p athena-api --bench decode` measures both on the same bytes.
//!
//! Invariants:
//! - Feeding a stream in any chunking yields the same events as feeding it whole.
//! - Memory is bounded: one event (its lines, including a line not yet terminated)
//!   may hold at most `max_event_bytes` bytes, else [`EventTooLarge`] is returned and the
//!   parser refuses further input.
//! - An event not terminated by a blank line is never dispatched (dropped at end of
//!   file, as the standard says).

use std::borrow::Cow;

use memchr::memchr2;

/// The error returned once one event exceeds the size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an event exceeded {limit} bytes")]
pub struct EventTooLarge {
    /// The configured limit, in bytes.
    pub limit: usize,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Incremental SSE parser. Feed it byte chunks with [`SseParser::feed`]; it calls back
/// once per dispatched event with the event type (`message` when none was given) and
/// the data.
#[derive(Debug)]
pub struct SseParser {
    max_event_bytes: usize,
    /// Bytes of a line not terminated yet.
    line: Vec<u8>,
    /// Bytes seen at the stream start while deciding whether they are a BOM.
    bom_pending: Vec<u8>,
    bom_done: bool,
    /// The previous chunk ended with CR: a leading LF belongs to that line end.
    after_cr: bool,
    data: String,
    has_data: bool,
    event_type: String,
    last_event_id: String,
    /// Bytes of the current event's complete lines.
    event_bytes: usize,
    failed: bool,
}

impl SseParser {
    /// A parser refusing any event larger than `max_event_bytes`.
    pub fn new(max_event_bytes: usize) -> Self {
        Self {
            max_event_bytes,
            line: Vec::new(),
            bom_pending: Vec::new(),
            bom_done: false,
            after_cr: false,
            data: String::new(),
            has_data: false,
            event_type: String::new(),
            last_event_id: String::new(),
            event_bytes: 0,
            failed: false,
        }
    }

    /// The last event id the stream set (`id:` field), empty when none.
    pub fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    /// Whether a partial event or line is buffered (data that end-of-file would drop).
    pub fn has_partial_event(&self) -> bool {
        !self.line.is_empty() || self.event_bytes > 0
    }

    /// Parses one chunk, calling `on_event(event_type, data)` for each complete event.
    ///
    /// # Errors
    /// [`EventTooLarge`] when the current event grows past the limit; after that every
    /// call fails the same way and no event is dispatched.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        mut on_event: impl FnMut(&str, &str),
    ) -> Result<(), EventTooLarge> {
        if self.failed {
            return Err(self.too_large());
        }
        let mut chunk = chunk;
        if !self.bom_done {
            self.bom_pending.extend_from_slice(chunk);
            if self.bom_pending.len() < BOM.len() && BOM.starts_with(&self.bom_pending) {
                return Ok(());
            }
            self.bom_done = true;
            let pending = std::mem::take(&mut self.bom_pending);
            let rest = pending.strip_prefix(BOM).unwrap_or(&pending);
            return self.feed_lines(rest, &mut on_event);
        }
        // An empty chunk says nothing about the byte after a CR: keep waiting for it.
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        self.feed_lines(chunk, &mut on_event)
    }

    fn feed_lines(
        &mut self,
        mut chunk: &[u8],
        on_event: &mut impl FnMut(&str, &str),
    ) -> Result<(), EventTooLarge> {
        while let Some(end) = memchr2(b'\n', b'\r', chunk) {
            let terminator = chunk[end];
            let mut next = end + 1;
            if terminator == b'\r' {
                match chunk.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            if self.line.is_empty() {
                self.process_line(&chunk[..end], on_event)?;
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(&chunk[..end]);
                let result = self.process_line(&line, on_event);
                line.clear();
                self.line = line;
                result?;
            }
            chunk = &chunk[next..];
        }
        if !chunk.is_empty() {
            self.line.extend_from_slice(chunk);
            if self.event_bytes + self.line.len() > self.max_event_bytes {
                return Err(self.fail());
            }
        }
        Ok(())
    }

    fn process_line(
        &mut self,
        line: &[u8],
        on_event: &mut impl FnMut(&str, &str),
    ) -> Result<(), EventTooLarge> {
        if line.is_empty() {
            self.dispatch(on_event);
            return Ok(());
        }
        self.event_bytes += line.len() + 1;
        if self.event_bytes > self.max_event_bytes {
            return Err(self.fail());
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(0) => return Ok(()), // a comment
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.has_data = true;
                self.data.push_str(&text(value));
            }
            b"event" => {
                self.event_type.clear();
                self.event_type.push_str(&text(value));
            }
            b"id" if !value.contains(&0) => {
                self.last_event_id.clear();
                self.last_event_id.push_str(&text(value));
            }
            // `retry` only matters to a reconnecting client: this one never reconnects.
            // Any other field is ignored, as the standard says.
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, on_event: &mut impl FnMut(&str, &str)) {
        self.event_bytes = 0;
        if self.has_data {
            let event_type = if self.event_type.is_empty() {
                "message"
            } else {
                &self.event_type
            };
            on_event(event_type, &self.data);
        }
        self.data.clear();
        self.has_data = false;
        self.event_type.clear();
    }

    fn fail(&mut self) -> EventTooLarge {
        self.failed = true;
        self.line = Vec::new();
        self.data = String::new();
        self.too_large()
    }

    fn too_large(&self) -> EventTooLarge {
        EventTooLarge {
            limit: self.max_event_bytes,
        }
    }
}

/// UTF-8 with replacement characters for invalid sequences, as the standard decodes.
/// Line terminators are ASCII, so decoding line by line equals decoding the stream.
fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> Vec<(String, String)> {
        let mut parser = SseParser::new(1 << 20);
        let mut out = Vec::new();
        for chunk in chunks {
            parser
                .feed(chunk, |t, d| out.push((t.to_owned(), d.to_owned())))
                .expect("within limit");
        }
        out
    }

    fn ev(t: &str, d: &str) -> (String, String) {
        (t.to_owned(), d.to_owned())
    }

    #[test]
    fn every_line_ending_and_mixed() {
        for stream in [
            &b"data: a\n\ndata: b\n\n"[..],
            b"data: a\r\rdata: b\r\r",
            b"data: a\r\n\r\ndata: b\r\n\r\n",
            b"data: a\r\n\rdata: b\n\r\n",
        ] {
            assert_eq!(
                parse(&[stream]),
                vec![ev("message", "a"), ev("message", "b")]
            );
        }
    }

    /// A transport may hand over an empty chunk between a CR and its LF: the pair is
    /// still one line end (proptest found an `event:` line lost this way).
    #[test]
    fn an_empty_chunk_between_cr_and_lf_keeps_one_line_end() {
        assert_eq!(
            parse(&[b"event: text\r", b"", b"\ndata: a\r\n", b"", b"", b"\r\n"]),
            vec![ev("text", "a")]
        );
    }

    #[test]
    fn bom_comments_multiline_and_fields_without_colon() {
        let stream = b"\xEF\xBB\xBF: hello\nevent: text\ndata: one\ndata:two\nfoo\nid\n\ndata\n\n";
        assert_eq!(
            parse(&[stream]),
            vec![ev("text", "one\ntwo"), ev("message", "")]
        );
        // Only the first BOM is stripped; a later one makes an unknown field.
        assert_eq!(
            parse(&[b"\xEF\xBB", b"\xBFdata: a\n\n\xEF\xBB\xBFdata: b\n\n"]),
            vec![ev("message", "a")]
        );
    }

    #[test]
    fn limit_counts_unterminated_lines() {
        let mut parser = SseParser::new(16);
        assert_eq!(parser.feed(b"data: 0123456789", |_, _| {}), Ok(()));
        assert_eq!(
            parser.feed(b"abcdef", |_, _| {}),
            Err(EventTooLarge { limit: 16 })
        );
        assert!(parser.feed(b"\n\n", |_, _| {}).is_err());
    }
}
