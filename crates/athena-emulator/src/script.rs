//! What an agent does in one leg of an execution: a list of steps and how it ends.
//!
//! Agents are pure functions from a [`Turn`] to a [`Script`]; the runner
//! (`runner.rs`) plays the script into a stream or a sync answer, paces it, charges it
//! and persists it.

use std::time::Duration;

use serde_json::{Map, Value, json};

/// One earlier exchange of a conversation, replayed to the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// `user`, `assistant` or `tool` ([doc] roles replayed to the LLM).
    pub role: String,
    /// What was said.
    pub text: String,
}

/// A tool the client offers ([doc] `client_tools` item).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientTool {
    /// Name matching `^[a-z][a-z0-9_]{0,63}$`.
    pub name: String,
    /// What it does.
    pub description: String,
    /// JSON Schema of its arguments.
    pub parameters: Value,
}

/// A call of a client tool the execution waits for.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCall {
    /// `tc_...`, unique within the execution.
    pub tool_call_id: String,
    /// The client tool's name.
    pub name: String,
    /// Arguments, matching the tool's `parameters` schema as far as the emulator can.
    pub arguments: Value,
}

/// A client's answer to a [`PendingCall`].
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOutcome {
    /// The call answered.
    pub call: PendingCall,
    /// `true` for `"outcome":"success"`.
    pub success: bool,
    /// The `result` object posted.
    pub result: Value,
}

/// Everything an agent may read to answer.
#[derive(Debug, Clone)]
pub struct Turn<'a> {
    /// The user's message (may be empty for agents that do not require one).
    pub message: &'a str,
    /// Earlier turns of the `conversation_scope`, oldest first.
    pub history: &'a [HistoryEntry],
    /// The request's `variables` object.
    pub variables: &'a Map<String, Value>,
    /// The request's `client_tools`.
    pub client_tools: &'a [ClientTool],
    /// [doc] `external_user_id`: the app's user id.
    pub external_user_id: Option<&'a str>,
    /// Number of attachments on the request.
    pub attachments: usize,
    /// `http://127.0.0.1:PORT`, for media URLs.
    pub base_url: &'a str,
    /// How long media generation takes.
    pub media_generation_time: Duration,
}

/// One step of a script.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Emit this event (a JSON object with `type`). The `delta` of a `text` event
    /// becomes part of `output.text` and counts as one output token.
    Event(Value),
    /// A `text` delta paced by the configured token delay.
    Text(String),
    /// A `text` delta like [`Step::Text`] whose word gets `⟦unix µs⟧` appended when
    /// it is sent (benchmarks measure delta-to-paint latency with it).
    StampedText(String),
    /// Wait this long, sending nothing.
    Sleep(Duration),
    /// Wait this long, sending a `heartbeat` every heartbeat interval.
    Heartbeats(Duration),
}

/// How a script ends.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// `final` with this status (normally `completed`) and the output.
    Complete {
        /// [doc] `output.parsed_output` for agents with an output schema.
        parsed_output: Option<Value>,
        /// Cost in credits fixed by the agent's credit rules, instead of token pricing.
        credits: Option<u64>,
        /// [doc] status; `completed` unless a scenario says otherwise.
        status: String,
    },
    /// Suspend: one `tool_call_awaiting_client` per call, then `final` with
    /// `awaiting_client_tool` and no output.
    Suspend(Vec<PendingCall>),
    /// An `error` event (no `final`, no charge).
    Error {
        /// Machine-readable code.
        code: String,
        /// Human sentence.
        message: String,
    },
}

impl End {
    /// `completed` with no parsed output and token pricing.
    pub fn completed() -> Self {
        End::Complete {
            parsed_output: None,
            credits: None,
            status: "completed".to_owned(),
        }
    }
}

/// Steps plus an end.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// What happens, in order.
    pub steps: Vec<Step>,
    /// How it ends.
    pub end: End,
}

impl Script {
    /// An empty script that completes.
    pub fn new() -> Self {
        Self {
            steps: Vec::new(),
            end: End::completed(),
        }
    }

    /// Adds an event.
    pub fn event(&mut self, event: Value) -> &mut Self {
        self.steps.push(Step::Event(event));
        self
    }

    /// Adds `text` as paced word deltas.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.steps
            .extend(split_deltas(text).map(|d| Step::Text(d.to_owned())));
        self
    }

    /// Adds `text` as `text` deltas like [`Script::text`], stamping a plain word
    /// (letters and digits only) about every `every` deltas.
    pub fn stamped_text(&mut self, text: &str, every: u32) -> &mut Self {
        let mut since = 0;
        for delta in split_deltas(text) {
            since += 1;
            let word = delta.trim_end();
            let plain = !word.is_empty() && word.chars().all(char::is_alphanumeric);
            if since >= every && plain {
                since = 0;
                self.steps.push(Step::StampedText(delta.to_owned()));
            } else {
                self.steps.push(Step::Text(delta.to_owned()));
            }
        }
        self
    }

    /// Adds `text` as `reasoning` deltas, a few words each.
    pub fn reasoning(&mut self, text: &str) -> &mut Self {
        let words: Vec<&str> = split_deltas(text).collect();
        for chunk in words.chunks(4) {
            self.steps.push(Step::Event(
                json!({"type": "reasoning", "delta": chunk.concat()}),
            ));
        }
        self
    }

    /// Adds a pause.
    pub fn sleep(&mut self, d: Duration) -> &mut Self {
        self.steps.push(Step::Sleep(d));
        self
    }
}

impl Default for Script {
    fn default() -> Self {
        Self::new()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn reasoning_groups_words() {
        let mut s = Script::new();
        s.reasoning("a b c d e");
        assert_eq!(s.steps.len(), 2);
        assert_eq!(
            s.steps[0],
            Step::Event(json!({"type":"reasoning","delta":"a b c d "}))
        );
    }
}
