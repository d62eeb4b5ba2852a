//! Agents that show off event types: markdown, workflow, structured output, memory.

use std::time::Duration;

use serde_json::{Value, json};

use super::first_words;
use crate::script::{End, Script, Turn};

/// Id of the markdown agent.
pub const MARKDOWN_ID: &str = "agent:markdown";
/// Id of the workflow agent.
pub const WORKFLOW_ID: &str = "agent:workflow";
/// Id of the structured-output agent.
pub const STRUCTURED_ID: &str = "agent:structured";
/// Id of the conversation-memory agent.
pub const MEMORY_ID: &str = "agent:memory";

/// Reasoning, then a markdown answer with headings, lists, a table, code and a formula.
pub fn markdown(turn: &Turn<'_>) -> Script {
    let topic = first_words(turn.message, 8);
    let mut s = Script::new();
    s.reasoning(&format!(
        "The user asked about \"{topic}\". I will answer with a short overview, a \
         comparison table, an example in code and the formula behind it."
    ));
    s.text(&format!(
        "## Overview\n\nYou asked about *{topic}*. Here is a structured answer.\n\n\
         ### Key points\n\n\
         1. **Streaming** sends the answer as it is written.\n\
         2. **Events** carry text, reasoning, tools and media.\n\
         3. **Costs** are reported when the execution ends.\n\n\
         - fast feedback\n- honest progress\n- exact usage\n\n\
         ### Comparison\n\n\
         | mode | latency | best for |\n\
         |---|---|---|\n\
         | sync | whole answer | scripts |\n\
         | stream | first token | chat |\n\
         | batch | per item | bulk jobs |\n\n\
         ### Example\n\n\
         ```rust\nfn cost(input: u64, output: u64) -> u64 {{\n    3 * input + 15 * output\n}}\n```\n\n\
         ### Formula\n\n\
         The cost in microdollars is $c = 3 t_{{in}} + 15 t_{{out}}$, or in display form:\n\n\
         $$\ncredits = \\left\\lceil \\frac{{c}}{{1000}} \\right\\rceil\n$$\n\n\
         > That is all: ask a follow-up question any time.\n"
    ));
    if turn.attachments > 0 {
        s.text(&format!(
            "\nI also received {} attachment(s).\n",
            turn.attachments
        ));
    }
    s
}

/// Three workflow nodes, the middle one running the server tool `web_search`.
pub fn workflow(turn: &Turn<'_>) -> Script {
    let query = first_words(turn.message, 12);
    let node = |kind: &str, id: &str, node_type: &str, label: &str| json!({"type": kind, "node_id": id, "node_type": node_type, "label": label});
    let mut s = Script::new();
    s.event(node("node_start", "node_plan", "llm", "Plan the research"));
    s.reasoning("I should search the web first, then summarise what I find.");
    s.event(node(
        "node_complete",
        "node_plan",
        "llm",
        "Plan the research",
    ));
    s.event(node("node_start", "node_search", "tool", "Search the web"));
    s.event(
        json!({"type": "tool_call", "tool_call_id": "tc_web_search_1",
        "name": "web_search", "arguments": {"query": query}}),
    );
    s.sleep(Duration::from_millis(5));
    s.event(
        json!({"type": "tool_result", "tool_call_id": "tc_web_search_1",
        "name": "web_search", "is_error": false,
        "result": {"results": [
            {"title": "Athena docs: streaming", "url": "https://example.com/streaming",
             "snippet": "Executions stream their events as server-sent events."},
            {"title": "Athena docs: workflows", "url": "https://example.com/workflows",
             "snippet": "Workflows are graphs of LLM, tool and logic nodes."}
        ]}}),
    );
    s.event(node(
        "node_complete",
        "node_search",
        "tool",
        "Search the web",
    ));
    s.event(node("node_start", "node_answer", "llm", "Write the answer"));
    s.text(&format!(
        "I searched the web for \"{query}\" and found 2 results. Executions stream their \
         events as server-sent events, and workflows are graphs of LLM, tool and logic nodes."
    ));
    s.event(node(
        "node_complete",
        "node_answer",
        "llm",
        "Write the answer",
    ));
    s
}

/// Words that make the structured agent call a message positive.
const POSITIVE: &[&str] = &[
    "good",
    "great",
    "love",
    "happy",
    "excellent",
    "thanks",
    "nice",
];
/// Words that make it call a message negative.
const NEGATIVE: &[&str] = &["bad", "hate", "sad", "terrible", "awful", "broken", "angry"];

/// The structured agent's analysis of `message` (its `parsed_output`).
pub fn analyse(message: &str) -> Value {
    let words: Vec<String> = message
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let score = words
        .iter()
        .map(|w| {
            i32::from(POSITIVE.contains(&w.as_str())) - i32::from(NEGATIVE.contains(&w.as_str()))
        })
        .sum::<i32>();
    let sentiment = match score {
        s if s > 0 => "positive",
        s if s < 0 => "negative",
        _ => "neutral",
    };
    let mut keywords: Vec<&String> = words.iter().filter(|w| w.chars().count() > 3).collect();
    keywords.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    keywords.dedup();
    keywords.truncate(3);
    json!({
        "word_count": words.len(),
        "char_count": message.chars().count(),
        "sentiment": sentiment,
        "keywords": keywords,
        "is_question": message.trim_end().ends_with('?'),
    })
}

/// Streams its analysis as JSON text and returns it as `parsed_output`.
pub fn structured(turn: &Turn<'_>) -> Script {
    let parsed = analyse(turn.message);
    let mut s = Script::new();
    s.text(&serde_json::to_string_pretty(&parsed).unwrap_or_default());
    s.end = End::Complete {
        parsed_output: Some(parsed),
        credits: None,
        status: "completed".into(),
    };
    s
}

/// Answers from the replayed history: "what did I say first?" and the like.
pub fn memory(turn: &Turn<'_>) -> Script {
    let user_turns: Vec<&str> = turn
        .history
        .iter()
        .filter(|h| h.role == "user")
        .map(|h| h.text.as_str())
        .collect();
    let asked = turn.message.to_lowercase();
    let reply = match user_turns.first() {
        None => format!(
            "This is the first thing you told me in this conversation: \"{}\". Pass a \
             conversation_scope and ask me later what you said first.",
            first_words(turn.message, 30)
        ),
        Some(first) if asked.contains("first") => {
            format!("You first said: \"{first}\".")
        }
        Some(_) if asked.contains("last") || asked.contains("before") => format!(
            "Just before this you said: \"{}\".",
            user_turns.last().copied().unwrap_or_default()
        ),
        Some(_) => format!(
            "I remember {} earlier message(s) of yours in this conversation. Ask me what \
             you said first.",
            user_turns.len()
        ),
    };
    let mut s = Script::new();
    match turn.external_user_id {
        Some(user) => s.text(&format!("({user}) {reply}")),
        None => s.text(&reply),
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{HistoryEntry, Step};
    use serde_json::Map;

    fn turn<'a>(
        message: &'a str,
        history: &'a [HistoryEntry],
        vars: &'a Map<String, Value>,
    ) -> Turn<'a> {
        Turn {
            message,
            history,
            variables: vars,
            client_tools: &[],
            external_user_id: None,
            attachments: 0,
            base_url: "http://127.0.0.1:1",
            media_generation_time: Duration::ZERO,
        }
    }

    fn text_of(s: &Script) -> String {
        s.steps
            .iter()
            .filter_map(|st| match st {
                Step::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn markdown_has_every_construct() {
        let vars = Map::new();
        let s = markdown(&turn("tell me", &[], &vars));
        assert!(matches!(&s.steps[0], Step::Event(e) if e["type"] == "reasoning"));
        let t = text_of(&s);
        for needle in ["## ", "1. ", "- ", "|---|", "```rust", "$$"] {
            assert!(t.contains(needle), "{needle}");
        }
    }

    #[test]
    fn analysis_is_deterministic() {
        let a = analyse("I love this great library?");
        assert_eq!(a["sentiment"], "positive");
        assert_eq!(a["word_count"], 5);
        assert_eq!(a["is_question"], true);
        assert_eq!(analyse("bad")["sentiment"], "negative");
    }

    #[test]
    fn memory_recalls_the_first_message() {
        let vars = Map::new();
        let history = [
            HistoryEntry {
                role: "user".into(),
                text: "my cat is Tom".into(),
            },
            HistoryEntry {
                role: "assistant".into(),
                text: "ok".into(),
            },
        ];
        let s = memory(&turn("what did I say first?", &history, &vars));
        assert_eq!(text_of(&s), "You first said: \"my cat is Tom\".");
    }
}
