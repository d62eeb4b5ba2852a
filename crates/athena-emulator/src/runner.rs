//! Plays an agent's script: into a stream (SSE sink) or silently (sync and batch),
//! with pacing, heartbeats, charging, conversation persistence and suspension.
//!
//! [assumed] Credits are charged when `final` is produced with a terminal status; a
//! suspended execution is charged once, at the real `final` after it resumes; an
//! `error` end or an abandoned stream is not charged.

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};

use crate::agents::Agent;
use crate::billing::{MICRODOLLARS_PER_CREDIT, PROMPT_TOKENS, Usage};
use crate::request::ExecuteInput;
use crate::script::{End, HistoryEntry, PendingCall, Script, Step, ToolOutcome, Turn};
use crate::sse::{Closed, SseSink};
use crate::state::{AppState, lock};

/// Where a script's events go.
#[derive(Debug)]
pub enum Sink {
    /// An SSE response (with its faults).
    Sse(SseSink),
    /// Nowhere: sync answers and batch items only need the terminal event.
    Null,
}

impl Sink {
    async fn emit(&mut self, event: &Value) -> Result<(), Closed> {
        match self {
            Sink::Sse(s) => s.event(event).await,
            Sink::Null => Ok(()),
        }
    }
}

/// One execution across its legs (a leg ends in a terminal event or a suspension).
#[derive(Debug, Clone)]
pub struct Exec {
    /// The agent running.
    pub agent: Agent,
    /// The validated request.
    pub input: ExecuteInput,
    /// History of the conversation scope at the time of the request.
    pub history: Vec<HistoryEntry>,
    /// `execution:<uuid>`.
    pub execution_id: String,
    /// When the request arrived, for `latency_ms`.
    pub started: Instant,
    /// Text sent by earlier legs.
    pub text: String,
    /// Output tokens of earlier legs.
    pub output_tokens: u64,
    /// Input tokens added by tool results.
    pub extra_input_tokens: u64,
    /// Tool exchanges to persist with the conversation.
    pub tool_entries: Vec<HistoryEntry>,
}

/// An execution waiting for client tool results.
#[derive(Debug, Clone)]
pub struct Suspended {
    /// The execution so far.
    pub exec: Exec,
    /// The pending calls, in order.
    pub calls: Vec<PendingCall>,
    /// The posted outcomes, by call position.
    pub outcomes: Vec<Option<ToolOutcome>>,
}

impl Exec {
    /// A new execution with a fresh id.
    pub fn new(
        agent: Agent,
        input: ExecuteInput,
        history: Vec<HistoryEntry>,
        started: Instant,
    ) -> Self {
        Self {
            agent,
            input,
            history,
            execution_id: format!("execution:{}", uuid::Uuid::new_v4()),
            started,
            text: String::new(),
            output_tokens: 0,
            extra_input_tokens: 0,
            tool_entries: Vec::new(),
        }
    }

    /// What the agent reads.
    pub fn turn<'a>(&'a self, state: &'a AppState) -> Turn<'a> {
        Turn {
            message: &self.input.message,
            history: &self.history,
            variables: &self.input.variables,
            client_tools: if self.agent.accepts_client_tools {
                &self.input.client_tools
            } else {
                &[]
            },
            external_user_id: self.input.external_user_id.as_deref(),
            attachments: self.input.attachments.len(),
            base_url: &state.base_url,
            media_generation_time: state.media_generation_time,
        }
    }

    /// The first leg's script.
    pub fn first_script(&self, state: &AppState) -> Script {
        self.agent.script(&self.turn(state))
    }

    fn latency_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// The delta of a text step; a stamped one gets the time it is sent after its word.
fn stamped(step: Step) -> String {
    match step {
        Step::StampedText(delta) => {
            let word = delta.trim_end();
            let micros = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_micros());
            format!("{word}⟦{micros}⟧{}", &delta[word.len()..])
        }
        Step::Text(delta) => delta,
        _ => String::new(),
    }
}

fn words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// Plays one leg: `start`, the steps, then the end. Returns the terminal event
/// (`final` or `error`); `Err` when the sink closed first.
pub async fn play(
    state: &Arc<AppState>,
    mut exec: Exec,
    script: Script,
    sink: &mut Sink,
) -> Result<Value, Closed> {
    sink.emit(&json!({"type": "start", "execution_id": exec.execution_id}))
        .await?;
    let mut texts_in_leg = 0u32;
    let mut leg_text_start: Option<tokio::time::Instant> = None;
    for step in script.steps {
        match step {
            Step::Event(event) => {
                // Reasoning streams like text, a few words at a time: paced by the
                // token delay, so a reader sees it arrive (not for the steady rate).
                if event.get("type").and_then(Value::as_str) == Some("reasoning")
                    && state.token_rate.is_none()
                    && !state.token_delay.is_zero()
                {
                    tokio::time::sleep(state.token_delay.mul_f64(state.jitter())).await;
                }
                if event.get("type").and_then(Value::as_str) == Some("text") {
                    if let Some(d) = event.get("delta").and_then(Value::as_str) {
                        exec.text.push_str(d);
                    }
                    exec.output_tokens += 1;
                }
                sink.emit(&event).await?;
            }
            step @ (Step::Text(_) | Step::StampedText(_)) => {
                if let Some(rate) = state.token_rate {
                    let start = *leg_text_start.get_or_insert_with(tokio::time::Instant::now);
                    let due = std::time::Duration::from_secs_f64(
                        f64::from(texts_in_leg) / f64::from(rate),
                    );
                    tokio::time::sleep_until(start + due).await;
                } else if texts_in_leg > 0 && !state.token_delay.is_zero() {
                    tokio::time::sleep(state.token_delay.mul_f64(state.jitter())).await;
                }
                texts_in_leg += 1;
                // Stamped after the pause: the time the delta leaves.
                let delta = stamped(step);
                sink.emit(&json!({"type": "text", "delta": delta})).await?;
                exec.text.push_str(&delta);
                exec.output_tokens += 1;
            }
            Step::Sleep(d) => tokio::time::sleep(d).await,
            Step::Heartbeats(total) => {
                let interval = state.heartbeat_interval;
                let deadline = tokio::time::Instant::now() + total;
                if !interval.is_zero() {
                    let mut next = tokio::time::Instant::now() + interval;
                    while next <= deadline {
                        tokio::time::sleep_until(next).await;
                        sink.emit(&json!({"type": "heartbeat"})).await?;
                        next += interval;
                    }
                }
                tokio::time::sleep_until(deadline).await;
            }
        }
    }
    match script.end {
        End::Complete {
            parsed_output,
            credits,
            status,
        } => {
            let fin = finish(state, &exec, parsed_output, credits, &status);
            sink.emit(&fin).await?;
            Ok(fin)
        }
        End::Suspend(calls) => {
            let latency_ms = exec.latency_ms();
            let execution_id = exec.execution_id.clone();
            let outcomes = vec![None; calls.len()];
            lock(&state.suspended).insert(
                execution_id.clone(),
                Suspended {
                    exec,
                    calls: calls.clone(),
                    outcomes,
                },
            );
            for call in &calls {
                sink.emit(&json!({"type": "tool_call_awaiting_client",
                    "execution_id": execution_id, "tool_call_id": call.tool_call_id,
                    "name": call.name, "arguments": call.arguments}))
                    .await?;
            }
            let fin = json!({"type": "final", "status": "awaiting_client_tool",
                "latency_ms": latency_ms});
            sink.emit(&fin).await?;
            Ok(fin)
        }
        End::Error { code, message } => {
            let e = json!({"type": "error", "error": {"code": code, "message": message}});
            sink.emit(&e).await?;
            Ok(e)
        }
    }
}

/// Sends only a `completed` `final` for work done outside a script (the benchmark's
/// fast path).
pub async fn play_end_only(
    state: &Arc<AppState>,
    exec: Exec,
    sink: &mut Sink,
) -> Result<Value, Closed> {
    let fin = finish(state, &exec, None, None, "completed");
    sink.emit(&fin).await?;
    Ok(fin)
}

/// Charges the execution, persists the exchange when scoped, builds `final`.
fn finish(
    state: &AppState,
    exec: &Exec,
    parsed_output: Option<Value>,
    credits: Option<u64>,
    status: &str,
) -> Value {
    let history_words: u64 = exec.history.iter().map(|h| words(&h.text)).sum();
    let input_tokens =
        words(&exec.input.message) + history_words + exec.extra_input_tokens + PROMPT_TOKENS;
    let usage = Usage {
        input_tokens,
        output_tokens: exec.output_tokens,
        total_tokens: input_tokens + exec.output_tokens,
    };
    let cost = credits.map_or_else(
        || usage.cost_microdollars(),
        |c| c * MICRODOLLARS_PER_CREDIT,
    );
    state.ledger.charge(cost);
    let mut output = json!({"text": exec.text, "usage": usage, "cost_microdollars": cost});
    if let Some(p) = parsed_output {
        output["parsed_output"] = p;
    }
    let mut fin = json!({"type": "final", "status": status, "output": output,
        "latency_ms": exec.latency_ms()});
    if let Some(scope) = &exec.input.conversation_scope {
        let mut exchange = Vec::new();
        if !exec.input.message.trim().is_empty() {
            exchange.push(HistoryEntry {
                role: "user".into(),
                text: exec.input.message.clone(),
            });
        }
        exchange.extend(exec.tool_entries.iter().cloned());
        exchange.push(HistoryEntry {
            role: "assistant".into(),
            text: exec.text.clone(),
        });
        let created_at = state.now_rfc3339();
        let mid =
            lock(&state.conversations).persist(scope, &exec.agent.info.id, created_at, exchange);
        fin["message_id"] = Value::String(mid);
    }
    fin
}

/// The execution resumed with every outcome: its next leg's exec and script.
pub fn resume(state: &AppState, suspended: Suspended) -> (Exec, Script) {
    let Suspended {
        mut exec, outcomes, ..
    } = suspended;
    let outcomes: Vec<ToolOutcome> = outcomes.into_iter().flatten().collect();
    for o in &outcomes {
        let result = serde_json::to_string(&o.result).unwrap_or_default();
        exec.extra_input_tokens += words(&result) + 1;
        exec.tool_entries.push(HistoryEntry {
            role: "tool".into(),
            text: format!("{}: {result}", o.call.name),
        });
    }
    let script = exec.agent.resume(&exec.turn(state), &outcomes);
    (exec, script)
}

/// The sync answer for a terminal event: `{"data":{execution_id, status, output,
/// latency_ms[, message_id]}}`; an `error` end is [assumed] `status: "failed"` with
/// its `error` object.
pub fn sync_body(execution_id: &str, terminal: &Value) -> Value {
    let mut data = json!({"execution_id": execution_id});
    if terminal["type"] == "error" {
        data["status"] = json!("failed");
        data["error"] = terminal["error"].clone();
        return json!({"data": data});
    }
    for key in ["status", "output", "latency_ms", "message_id"] {
        if let Some(v) = terminal.get(key) {
            data[key] = v.clone();
        }
    }
    json!({"data": data})
}
