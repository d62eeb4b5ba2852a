//! The scripted agents of the emulator's workspace and what each one answers.

use serde::Serialize;

use crate::error::ApiError;

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

/// What the app shows about an agent: id, display name, one-line description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentInfo {
    /// Agent id as used in URLs, e.g. `"agent:demo-chat"`.
    pub id: String,
    /// Short display name.
    pub name: String,
    /// One sentence on what the agent does.
    pub description: String,
}

/// The behaviours the emulator can script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentKind {
    /// Quotes the message, then a fixed paragraph, paced by the configured delay.
    DemoChat,
    /// Repeats the message word by word, paced by the configured delay.
    Echo,
    /// Streams N timestamped text events with no pause.
    Bench,
}

impl AgentKind {
    /// Every kind, in listing order.
    pub const ALL: [AgentKind; 3] = [AgentKind::DemoChat, AgentKind::Echo, AgentKind::Bench];

    /// The agent id.
    pub fn id(self) -> &'static str {
        match self {
            AgentKind::DemoChat => DEMO_CHAT_ID,
            AgentKind::Echo => DEMO_ECHO_ID,
            AgentKind::Bench => BENCH_ID,
        }
    }

    /// Id, name and description.
    pub fn info(self) -> AgentInfo {
        let (name, description) = match self {
            AgentKind::DemoChat => ("Demo chat", "Answers in streamed text, token by token."),
            AgentKind::Echo => ("Echo", "Repeats your message back, word by word."),
            AgentKind::Bench => (
                "Benchmark stream",
                "Streams N small text events as fast as possible (for benchmarks).",
            ),
        };
        AgentInfo {
            id: self.id().to_owned(),
            name: name.to_owned(),
            description: description.to_owned(),
        }
    }
}

/// The agents one emulator instance offers.
#[derive(Debug, Clone)]
pub struct Catalog {
    kinds: Vec<AgentKind>,
}

impl Catalog {
    /// The demo agents, plus the benchmark agent when `with_bench`.
    pub fn new(with_bench: bool) -> Self {
        let kinds = AgentKind::ALL
            .into_iter()
            .filter(|k| with_bench || *k != AgentKind::Bench)
            .collect();
        Self { kinds }
    }

    /// The agent with this id, if offered.
    pub fn find(&self, agent_id: &str) -> Option<AgentKind> {
        self.kinds.iter().copied().find(|k| k.id() == agent_id)
    }

    /// Id, name and description of every offered agent.
    pub fn infos(&self) -> Vec<AgentInfo> {
        self.kinds.iter().map(|k| k.info()).collect()
    }
}

/// The full reply of a scripted text agent (demo chat or echo) to `message`.
///
/// Deterministic for a given message. The benchmark agent has no stored reply.
pub fn scripted_reply(kind: AgentKind, message: &str) -> String {
    match kind {
        AgentKind::Echo => message.to_owned(),
        AgentKind::DemoChat | AgentKind::Bench => {
            format!("You said: \"{}\". {DEMO_PARAGRAPH}", quote(message))
        }
    }
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

/// Splits text into stream deltas at word boundaries: each delta is one word plus the
/// whitespace after it (leading whitespace forms its own first delta). Concatenating
/// the deltas gives back `text` exactly; empty text gives none.
pub fn split_deltas(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let space_len = rest[word_end..]
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len() - word_end);
        let (delta, tail) = rest.split_at(word_end + space_len);
        rest = tail;
        Some(delta)
    })
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
    fn catalog_hides_bench_when_asked() {
        let strict = Catalog::new(false);
        assert_eq!(strict.find(BENCH_ID), None);
        assert_eq!(strict.infos().len(), 2);
        let open = Catalog::new(true);
        assert_eq!(open.find(BENCH_ID), Some(AgentKind::Bench));
        let ids: Vec<String> = open.infos().into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["agent:demo-chat", "agent:demo-echo", "agent:bench"]);
        assert_eq!(open.find("agent:other"), None);
    }

    #[test]
    fn deltas_concatenate_to_the_text() {
        for text in [
            "",
            "one",
            "one two",
            "  lead and trail  ",
            "a\n\nb\tc é ü",
            "x ",
        ] {
            let joined: String = split_deltas(text).collect();
            assert_eq!(joined, text);
            assert!(split_deltas(text).all(|d| !d.is_empty()));
        }
        let d: Vec<&str> = split_deltas("hello big  world").collect();
        assert_eq!(d, ["hello ", "big  ", "world"]);
    }

    #[test]
    fn demo_reply_quotes_and_explains() {
        let r = scripted_reply(AgentKind::DemoChat, "hi");
        assert!(r.starts_with("You said: \"hi\". This is the built-in demo workspace"));
        let words = DEMO_PARAGRAPH.split_whitespace().count();
        assert!((50..=70).contains(&words), "{words} words");
        assert_eq!(r, scripted_reply(AgentKind::DemoChat, "hi"));
    }

    #[test]
    fn demo_reply_truncates_long_messages() {
        let long = "é".repeat(500);
        let r = scripted_reply(AgentKind::DemoChat, &long);
        let quoted = format!("You said: \"{}…\". ", "é".repeat(199));
        assert!(r.starts_with(&quoted));
        let exact = "a".repeat(200);
        assert!(scripted_reply(AgentKind::DemoChat, &exact).contains(&format!("\"{exact}\"")));
    }

    #[test]
    fn echo_repeats() {
        assert_eq!(scripted_reply(AgentKind::Echo, "say  this"), "say  this");
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
