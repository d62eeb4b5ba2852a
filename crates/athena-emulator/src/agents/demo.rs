//! The original demo agents: demo chat (asserted by the e2e suite), echo, benchmark.

use crate::error::ApiError;

use crate::script::Script;

/// Id of the demo chat agent.
pub const DEMO_CHAT_ID: &str = "agent:demo-chat";
/// Id of the echo agent.
pub const DEMO_ECHO_ID: &str = "agent:demo-echo";
/// Id of the benchmark agent (offered only when the host is not checked).
pub const BENCH_ID: &str = "agent:bench";

/// Largest event count the benchmark agent accepts.
pub const BENCH_MAX_EVENTS: u64 = 10_000_000;

/// Longest part of the user's message quoted back by the demo chat agent, in chars.
const QUOTE_MAX_CHARS: usize = 200;

/// The fixed paragraph of the demo chat agent's reply.
const DEMO_PARAGRAPH: &str = "This is the built-in demo workspace, running on this computer \
with no account, no network and no API key needed. Every answer here is scripted and \
streamed to you one word at a time, so you can try the app, watch the text arrive, and see \
the usage and the cost once it ends. Add a profile with your own Athena key to talk to \
real agents.";

/// The full reply of a scripted text agent (demo chat or echo) to `message`.
///
/// Deterministic for a given message. The benchmark agent has no stored reply.
pub fn scripted_reply(echo: bool, message: &str) -> String {
    if echo {
        message.to_owned()
    } else {
        format!("You said: \"{}\". {DEMO_PARAGRAPH}", quote(message))
    }
}

/// The script of the demo chat agent (`echo == false`) or the echo agent.
pub fn script(echo: bool, message: &str) -> Script {
    let mut s = Script::new();
    s.text(&scripted_reply(echo, message));
    s
}

/// `message` cut to [`QUOTE_MAX_CHARS`] chars, ending in `…` when cut.
fn quote(message: &str) -> String {
    if message.chars().count() <= QUOTE_MAX_CHARS {
        return message.to_owned();
    }
    let mut cut: String = message.chars().take(QUOTE_MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The event count N asked of the benchmark agent: a decimal integer in
/// 1..=[`BENCH_MAX_EVENTS`], surrounding whitespace allowed.
pub fn parse_bench_count(message: &str) -> Result<u64, ApiError> {
    match message.trim().parse::<u64>() {
        Ok(n) if (1..=BENCH_MAX_EVENTS).contains(&n) => Ok(n),
        _ => Err(ApiError::unprocessable(
            "message: for agent:bench must be a decimal event count from 1 to 10,000,000",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_reply_quotes_and_explains() {
        let r = scripted_reply(false, "hi");
        assert!(r.starts_with("You said: \"hi\". This is the built-in demo workspace"));
        let words = DEMO_PARAGRAPH.split_whitespace().count();
        assert!((50..=70).contains(&words), "{words} words");
        assert_eq!(r, scripted_reply(false, "hi"));
    }

    #[test]
    fn demo_reply_truncates_long_messages() {
        let long = "é".repeat(500);
        let r = scripted_reply(false, &long);
        let quoted = format!("You said: \"{}…\". ", "é".repeat(199));
        assert!(r.starts_with(&quoted));
        let exact = "a".repeat(200);
        assert!(scripted_reply(false, &exact).contains(&format!("\"{exact}\"")));
    }

    #[test]
    fn echo_repeats() {
        assert_eq!(scripted_reply(true, "say  this"), "say  this");
    }

    #[test]
    fn bench_count_bounds() {
        assert_eq!(parse_bench_count(" 10 ").ok(), Some(10));
        assert_eq!(parse_bench_count("10000000").ok(), Some(BENCH_MAX_EVENTS));
        for bad in ["0", "10000001", "-1", "ten", "1.5", ""] {
            let e = parse_bench_count(bad).expect_err(bad);
            assert_eq!(e.status.as_u16(), 422);
        }
    }
}
