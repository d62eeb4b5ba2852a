//! The scripted agents of the emulator's workspace: who they are and what each answers.

mod demo;
mod media;
mod rich;
mod tools;
mod wizard;

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::scenario::ScenarioAgent;
use crate::script::{Script, ToolOutcome, Turn};

pub use demo::{BENCH_ID, DEMO_CHAT_ID, DEMO_ECHO_ID, parse_bench_count};
pub use media::{MEDIA_ID, media_script};
pub use rich::{MARKDOWN_ID, MEMORY_ID, STRUCTURED_ID, WORKFLOW_ID};
pub use tools::CLIENT_TOOLS_ID;
pub use wizard::{Preview, WIZARD_ID};

/// What the app shows about an agent: id, display name, one-line description, whether
/// it needs a message and the variables it reads. Serialized as one entry of an agents
/// file (`--agents-out`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentInfo {
    /// Agent id as used in URLs, e.g. `"agent:demo-chat"`.
    pub id: String,
    /// Short display name.
    pub name: String,
    /// One sentence on what the agent does.
    pub description: String,
    /// [doc] `requires_user_message`.
    pub requires_user_message: bool,
    /// The `variables` it reads (the wizard's).
    pub variables: Vec<VariableInfo>,
}

/// One variable an agent reads from `variables`, as an agents file describes it:
/// `{"name", "description", "required", "type", ...the type's fields, "default"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableInfo {
    /// Its key.
    pub name: String,
    /// What to fill in.
    pub description: String,
    /// Whether the agent needs it.
    pub required: bool,
    /// What kind of value it takes (`type` and that type's fields).
    #[serde(flatten)]
    pub kind: VariableKind,
    /// The value a form starts with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
}

/// What kind of value a variable takes: the `type` of an agents file's variable.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum VariableKind {
    /// Any text (a JSON string).
    Text,
    /// A JSON number within optional bounds, whole when `integer`.
    Number {
        /// The smallest allowed value.
        #[serde(skip_serializing_if = "Option::is_none")]
        minimum: Option<f64>,
        /// The largest allowed value.
        #[serde(skip_serializing_if = "Option::is_none")]
        maximum: Option<f64>,
        /// Whether only whole numbers are allowed.
        integer: bool,
    },
    /// One of `choices` (a JSON string).
    Choice {
        /// The allowed values.
        choices: Vec<String>,
    },
    /// A JSON boolean.
    Boolean,
}

/// The agents file listing `agents`: `{"agents": [...]}`, the format the app reads
/// with `--agents`.
pub fn agents_file(agents: &[AgentInfo]) -> String {
    serde_json::to_string_pretty(&serde_json::json!({ "agents": agents }))
        .unwrap_or_else(|_| "{\"agents\":[]}".into())
}

/// The behaviours the emulator can script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentKind {
    /// Quotes the message, then a fixed paragraph.
    DemoChat,
    /// Repeats the message word by word.
    Echo,
    /// Streams N timestamped text events with no pause.
    Bench,
    /// Reasoning, then a markdown answer.
    Markdown,
    /// Workflow nodes and a server tool call.
    Workflow,
    /// Calls the client's tools and uses their results.
    ClientTools,
    /// Generates an image and a video.
    Media,
    /// Returns `parsed_output`.
    Structured,
    /// No message needed; reads `variables`; priced by credit rules.
    Wizard,
    /// Answers from the conversation's history.
    Memory,
    /// Defined by a scenario file.
    Scenario,
}

/// One agent on offer.
#[derive(Debug, Clone)]
pub struct Agent {
    /// What it does.
    pub kind: AgentKind,
    /// Id, name, description.
    pub info: AgentInfo,
    /// [doc] `requires_user_message`.
    pub requires_user_message: bool,
    /// [doc] `accepts_client_tools` of its AI node.
    pub accepts_client_tools: bool,
    /// Names of its server tools (client tools must not collide with them).
    pub server_tools: Vec<String>,
    /// Faults applied to every request to it (open mode only).
    pub fault: Option<String>,
    /// The scenario definition of a [`AgentKind::Scenario`] agent.
    pub scenario: Option<Arc<ScenarioAgent>>,
}

impl Agent {
    fn builtin(kind: AgentKind, id: &str, name: &str, description: &str) -> Self {
        Self {
            kind,
            info: AgentInfo {
                id: id.to_owned(),
                name: name.to_owned(),
                description: description.to_owned(),
                requires_user_message: kind != AgentKind::Wizard,
                variables: if kind == AgentKind::Wizard {
                    wizard::variables()
                } else {
                    Vec::new()
                },
            },
            requires_user_message: kind != AgentKind::Wizard,
            accepts_client_tools: kind == AgentKind::ClientTools,
            server_tools: match kind {
                AgentKind::Workflow => vec!["web_search".into(), "calculator".into()],
                AgentKind::ClientTools => vec!["search_docs".into()],
                _ => Vec::new(),
            },
            fault: None,
            scenario: None,
        }
    }

    /// An agent from a scenario file.
    pub fn from_scenario(def: ScenarioAgent) -> Self {
        Self {
            kind: AgentKind::Scenario,
            info: AgentInfo {
                id: def.id.clone(),
                name: def.name.clone().unwrap_or_else(|| def.id.clone()),
                description: def
                    .description
                    .clone()
                    .unwrap_or_else(|| "Scripted by a scenario file.".to_owned()),
                requires_user_message: def.requires_user_message,
                variables: Vec::new(),
            },
            requires_user_message: def.requires_user_message,
            accepts_client_tools: false,
            server_tools: Vec::new(),
            fault: def.fault.clone(),
            scenario: Some(Arc::new(def)),
        }
    }

    /// The first leg of an execution.
    pub fn script(&self, turn: &Turn<'_>) -> Script {
        match self.kind {
            AgentKind::DemoChat | AgentKind::Bench => demo::script(false, turn.message),
            AgentKind::Echo => demo::script(true, turn.message),
            AgentKind::Markdown => rich::markdown(turn),
            AgentKind::Workflow => rich::workflow(turn),
            AgentKind::ClientTools => tools::first_leg(turn),
            AgentKind::Media => media_script(turn),
            AgentKind::Structured => rich::structured(turn),
            AgentKind::Wizard => wizard::script(turn),
            AgentKind::Memory => rich::memory(turn),
            AgentKind::Scenario => match &self.scenario {
                Some(def) => def.script(),
                None => Script::new(),
            },
        }
    }

    /// The leg after every pending client tool call was answered.
    pub fn resume(&self, turn: &Turn<'_>, outcomes: &[ToolOutcome]) -> Script {
        tools::resumed_leg(turn, outcomes)
    }

    /// What `preview-credits` answers for these `inputs`.
    pub fn preview(&self, inputs: &Map<String, Value>) -> Preview {
        match self.kind {
            AgentKind::Wizard => wizard::preview(inputs),
            _ => Preview::token_priced(),
        }
    }
}

/// The agents one emulator instance offers.
#[derive(Debug, Clone)]
pub struct Catalog {
    agents: Vec<Agent>,
}

impl Catalog {
    /// The built-in agents, plus the benchmark agent when `with_bench`, plus `extra`.
    pub fn new(with_bench: bool, extra: Vec<Agent>) -> Self {
        use AgentKind as K;
        let mut agents = vec![
            Agent::builtin(
                K::DemoChat,
                DEMO_CHAT_ID,
                "Demo chat",
                "Answers in streamed text, token by token.",
            ),
            Agent::builtin(
                K::Echo,
                DEMO_ECHO_ID,
                "Echo",
                "Repeats your message back, word by word.",
            ),
            Agent::builtin(
                K::Markdown,
                MARKDOWN_ID,
                "Markdown writer",
                "Thinks first, then streams a markdown answer with a table, code and a formula.",
            ),
            Agent::builtin(
                K::Workflow,
                WORKFLOW_ID,
                "Research workflow",
                "Runs a three-step workflow with a server web search.",
            ),
            Agent::builtin(
                K::ClientTools,
                CLIENT_TOOLS_ID,
                "Tool user",
                "Calls the tools your computer offers when you name them, then uses the results.",
            ),
            Agent::builtin(
                K::Media,
                MEDIA_ID,
                "Media maker",
                "Generates an image and a short video clip.",
            ),
            Agent::builtin(
                K::Structured,
                STRUCTURED_ID,
                "Text analyser",
                "Returns a structured JSON analysis of your message.",
            ),
            Agent::builtin(
                K::Wizard,
                WIZARD_ID,
                "Outline wizard",
                "Needs no message: fill in topic and sections to get an outline.",
            ),
            Agent::builtin(
                K::Memory,
                MEMORY_ID,
                "Memory",
                "Remembers the conversation: ask it what you said first.",
            ),
        ];
        if with_bench {
            agents.push(Agent::builtin(
                K::Bench,
                BENCH_ID,
                "Benchmark stream",
                "Streams N small text events as fast as possible (for benchmarks).",
            ));
        }
        agents.extend(extra);
        Self { agents }
    }

    /// The agent with this id, if offered.
    pub fn find(&self, agent_id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.info.id == agent_id)
    }

    /// Mutable access for per-agent configuration.
    pub fn find_mut(&mut self, agent_id: &str) -> Option<&mut Agent> {
        self.agents.iter_mut().find(|a| a.info.id == agent_id)
    }

    /// Id, name and description of every offered agent.
    pub fn infos(&self) -> Vec<AgentInfo> {
        self.agents.iter().map(|a| a.info.clone()).collect()
    }
}

/// Words of `text`, at most `max`, joined by spaces, with `…` when cut.
pub fn first_words(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words[..words.len().min(max)].join(" ");
    if words.len() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_hides_bench_when_asked() {
        let strict = Catalog::new(false, Vec::new());
        assert!(strict.find(BENCH_ID).is_none());
        let open = Catalog::new(true, Vec::new());
        assert_eq!(open.find(BENCH_ID).map(|a| a.kind), Some(AgentKind::Bench));
        let ids: Vec<String> = open.infos().into_iter().map(|a| a.id).collect();
        assert_eq!(ids[..2], ["agent:demo-chat", "agent:demo-echo"]);
        assert_eq!(ids.last().map(String::as_str), Some("agent:bench"));
        assert!(open.find("agent:other").is_none());
        assert!(open.infos().iter().all(|a| !a.description.is_empty()));
    }

    #[test]
    fn first_words_cuts() {
        assert_eq!(first_words("a b  c", 2), "a b…");
        assert_eq!(first_words("a b", 2), "a b");
    }
}
