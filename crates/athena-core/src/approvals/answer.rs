//! Answering an execution that the server suspended for client tool calls: each
//! call is checked, decided, run and stored in turn; then the answers are posted,
//! the last one asking for the resumed stream, which continues the same message.
//!
//! Every step is stored before the next (a call before the user is asked, its answer
//! before it is posted), so a restart asks again or posts what was not posted. A post
//! is never retried: when the server refuses one or cannot be reached, the call is
//! marked not taken (reported once on its card) and the execution fails with why.

use std::time::{Duration, Instant};

use athena_api::tool_results::ToolResultResponse;
use athena_api::{AthenaClient, ExecutionEvent, FinalEvent, ToolResultRequest};
use futures_util::FutureExt;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::executions::{EventStream, Publisher, events_of};
use crate::history::{CallOutcome, CallProgress, StoredToolCall};
use crate::runner::pretty_json;
use crate::{ApprovedBy, ClientToolState, ExecutionChange, ExecutionError, ExecutionHandle, Part};

use super::ClientTools;
use super::audit::Verdict;
use super::broker::{Caller, Decision, decide};
use super::gate::GateError;
use crate::history::DecidedBy;

/// An execution waiting for client tool results, and what answering it needs.
#[derive(Debug, Clone)]
pub(crate) struct Suspension {
    /// Whose calls they are.
    pub(crate) caller: Caller,
    /// The workspace's client, to post the answers.
    pub(crate) client: AthenaClient,
    /// The execution.
    pub(crate) handle: ExecutionHandle,
}

/// Why the user's stop ended the phase.
struct Stopped;

impl ClientTools {
    /// Answers every open call of a suspended execution and posts the answers.
    /// Returns the resumed stream, or `None` when the execution ended here (its last
    /// change is published: failed or stopped).
    pub(crate) async fn answer(
        &self,
        suspension: &Suspension,
        publisher: &Publisher,
        stop: &Notify,
        calls: Vec<StoredToolCall>,
    ) -> Option<EventStream> {
        let stopped = stop.notified();
        tokio::pin!(stopped);
        let mut calls = calls;
        for call in &mut calls {
            if call.progress != CallProgress::Pending {
                continue;
            }
            let answered = tokio::select! {
                biased;
                () = &mut stopped => Err(Stopped),
                outcome = self.answer_one(suspension, publisher, call) => Ok(outcome),
            };
            match answered {
                Ok(outcome) => {
                    tracing::info!(
                        tool = %call.tool_name,
                        call_id = %call.call_id,
                        success = outcome.success,
                        "a client tool call was answered"
                    );
                    call.outcome = Some(outcome);
                    call.progress = CallProgress::Answered;
                    self.store(call).await;
                }
                Err(Stopped) => {
                    self.not_taken(
                        &suspension.caller,
                        DecidedBy::You,
                        publisher,
                        &mut calls,
                        "You stopped the execution.",
                    )
                    .await;
                    publisher.publish(ExecutionChange::Stopped);
                    return None;
                }
            }
        }
        let resumed = self.post(suspension, publisher, calls).await;
        // A stop pressed while the answers were being posted woke `stopped` (it was
        // registered): honoured here, before the resumed stream is read.
        if resumed.is_some() && stopped.as_mut().now_or_never().is_some() {
            publisher.publish(ExecutionChange::Stopped);
            return None;
        }
        resumed
    }

    /// Checks, decides and runs one call; returns its answer, written to the audit
    /// log first.
    async fn answer_one(
        &self,
        suspension: &Suspension,
        publisher: &Publisher,
        call: &StoredToolCall,
    ) -> CallOutcome {
        let (outcome, verdict) = self.decide_and_run(suspension, publisher, call).await;
        self.audit(&suspension.caller, call, verdict, Some(&outcome))
            .await;
        outcome
    }

    /// Checks, decides and runs one call; returns its answer and how it was decided.
    async fn decide_and_run(
        &self,
        suspension: &Suspension,
        publisher: &Publisher,
        call: &StoredToolCall,
    ) -> (CallOutcome, Verdict) {
        let caller = &suspension.caller;
        let inner = &self.inner;
        let refuse = |state: ClientToolState, why: String, verdict: Verdict| {
            show(publisher, call, state, None, Some(why.clone()), None);
            let outcome = CallOutcome {
                success: false,
                result: json!({ "error": why }),
            };
            (outcome, verdict)
        };
        let enabled = self
            .enabled_for(&caller.workspace_id, &caller.agent_id)
            .unwrap_or_default();
        let registry = self.registry();
        let Some(definition) = registry
            .definition(&call.tool_name)
            .filter(|_| enabled.contains(&call.tool_name))
            .cloned()
        else {
            return refuse(
                ClientToolState::Failed,
                format!(
                    "The tool `{}` is not enabled for this agent in Athena Desktop.",
                    call.tool_name
                ),
                Verdict::refused(),
            );
        };
        // Arguments that do not fit the schema never reach the user or a tool.
        if let Err(problem) = registry.validate(&call.tool_name, &call.arguments) {
            return refuse(
                ClientToolState::Failed,
                format!("The arguments do not fit the tool's parameters: {problem}"),
                Verdict::refused(),
            );
        }
        let decision = decide(
            &inner.history,
            &inner.dialogs,
            &inner.gate,
            caller,
            call,
            &definition,
            || {
                show(
                    publisher,
                    call,
                    ClientToolState::WaitingForYou,
                    None,
                    None,
                    None,
                )
            },
        )
        .await;
        let by = match decision {
            Ok(Decision::Allowed(by)) => by,
            Ok(Decision::Denied) => {
                return refuse(
                    ClientToolState::Denied,
                    "The user denied this call.".to_owned(),
                    Verdict::denied(),
                );
            }
            Err(err) => {
                tracing::error!(error = %err, "the approval could not be decided; denied");
                return refuse(
                    ClientToolState::Failed,
                    "Athena Desktop could not record the decision; nothing ran.".to_owned(),
                    Verdict::refused(),
                );
            }
        };
        show(
            publisher,
            call,
            ClientToolState::Running,
            Some(by),
            None,
            None,
        );
        let started = Instant::now();
        let ran = self.run_approved(call, &definition.fingerprint()).await;
        let duration = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        let verdict = Verdict::approved(by, duration);
        let outcome = match ran {
            Ok(result) => {
                show(
                    publisher,
                    call,
                    ClientToolState::Done,
                    Some(by),
                    Some(pretty_json(&result)),
                    duration,
                );
                CallOutcome {
                    success: true,
                    result,
                }
            }
            Err(why) => {
                show(
                    publisher,
                    call,
                    ClientToolState::Failed,
                    Some(by),
                    Some(why.clone()),
                    duration,
                );
                CallOutcome {
                    success: false,
                    result: json!({ "error": why }),
                }
            }
        };
        (outcome, verdict)
    }

    /// Runs an approved call through the gate on a blocking thread, within the
    /// time limit.
    async fn run_approved(&self, call: &StoredToolCall, approved: &str) -> Result<Value, String> {
        let inner = self.inner.clone();
        let context = self.context();
        let call = call.clone();
        // The registry as it is now: the user's tools may have changed while the
        // dialog was open. What was approved is what runs, or nothing does.
        let registry = self.registry();
        if registry
            .definition(&call.tool_name)
            .is_none_or(|now| now.fingerprint() != approved)
        {
            inner.gate.forget(&call.execution_id, &call.call_id);
            return Err(format!(
                "The tool `{}` was changed or removed after this call was approved; nothing ran.",
                call.tool_name
            ));
        }
        // A tool that keeps its own time limit (a command tool) kills its work then;
        // the wait here outlasts it a little so its reason is the one reported.
        let limit = registry
            .time_limit(&call.tool_name)
            .map_or(inner.run_limit, |own| own + Duration::from_secs(5));
        let run = tokio::task::spawn_blocking(move || {
            inner.gate.run(
                &registry,
                &call.execution_id,
                &call.call_id,
                &call.tool_name,
                &call.arguments,
                &context,
            )
        });
        match tokio::time::timeout(limit, run).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(GateError::Failed(why)))) => Err(why),
            Ok(Ok(Err(err @ GateError::NotApproved))) => Err(err.to_string()),
            Ok(Err(join)) => {
                tracing::error!(error = %join, "a tool's thread failed");
                Err("The tool stopped unexpectedly.".to_owned())
            }
            Err(_) => Err(format!(
                "The tool did not finish within {} s.",
                limit.as_secs()
            )),
        }
    }

    /// Posts the answered calls in order, the last asking for the resumed stream.
    async fn post(
        &self,
        suspension: &Suspension,
        publisher: &Publisher,
        mut calls: Vec<StoredToolCall>,
    ) -> Option<EventStream> {
        let to_post: Vec<usize> = (0..calls.len())
            .filter(|&i| calls[i].progress == CallProgress::Answered)
            .collect();
        let Some(&last) = to_post.last() else {
            publisher.publish(ExecutionChange::Failed {
                error: ExecutionError::StreamEndedEarly {
                    execution_id: publisher.execution_id(),
                },
            });
            return None;
        };
        for &i in &to_post {
            let call = &calls[i];
            let outcome = call.outcome.clone().unwrap_or(CallOutcome {
                success: false,
                result: json!({ "error": "no answer" }),
            });
            let request = if outcome.success {
                ToolResultRequest::success(call.call_id.clone(), outcome.result)
            } else {
                ToolResultRequest {
                    tool_call_id: call.call_id.clone(),
                    outcome: athena_api::tool_results::ToolOutcome::Error,
                    result: outcome.result,
                }
            };
            let client = &suspension.client;
            let sent = if i == last {
                client
                    .post_tool_result_stream(&call.execution_id, &request)
                    .await
            } else {
                client.post_tool_result(&call.execution_id, &request).await
            };
            match sent {
                Ok(answer) => {
                    tracing::info!(call_id = %call.call_id, last = i == last, "a tool result was posted");
                    calls[i].progress = CallProgress::Posted;
                    self.store(&calls[i]).await;
                    match answer {
                        ToolResultResponse::Pending(_) if i != last => {}
                        ToolResultResponse::Pending(_) => {
                            // The server waits for calls this app never saw.
                            publisher.publish(ExecutionChange::Failed {
                                error: ExecutionError::StreamEndedEarly {
                                    execution_id: publisher.execution_id(),
                                },
                            });
                            return None;
                        }
                        ToolResultResponse::Resumed(stream) => {
                            self.not_taken(
                                &suspension.caller,
                                DecidedBy::App,
                                publisher,
                                &mut calls,
                                "The server resumed before this answer was sent.",
                            )
                            .await;
                            return Some(events_of(*stream));
                        }
                        ToolResultResponse::Finished(result) => {
                            return Some(finished_stream(result.data));
                        }
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "a tool result was not taken");
                    let why = match &err {
                        athena_api::ApiError::Http { status, .. } => format!(
                            "The server no longer expected this answer (HTTP {status}); \
                             the agent did not get it."
                        ),
                        other => format!("The answer could not be sent: {other}."),
                    };
                    self.not_taken(
                        &suspension.caller,
                        DecidedBy::App,
                        publisher,
                        &mut calls,
                        &why,
                    )
                    .await;
                    publisher.publish(ExecutionChange::Failed {
                        error: ExecutionError::from(err),
                    });
                    return None;
                }
            }
        }
        None
    }

    /// Marks every call not yet posted as not taken, on its card and in the store;
    /// one never decided goes to the audit log as not taken (by `by`).
    async fn not_taken(
        &self,
        caller: &Caller,
        by: DecidedBy,
        publisher: &Publisher,
        calls: &mut [StoredToolCall],
        why: &str,
    ) {
        for call in calls.iter_mut() {
            if call.progress == CallProgress::Pending {
                self.audit(caller, call, Verdict::not_taken(by), None).await;
            }
            if matches!(
                call.progress,
                CallProgress::Pending | CallProgress::Answered
            ) {
                self.inner.gate.forget(&call.execution_id, &call.call_id);
                // The card keeps what it showed (a result, who allowed it) above why.
                let (shown, approved_by) = match publisher.part(call.part_index) {
                    Some(Part::ClientToolCall {
                        result,
                        approved_by,
                        ..
                    }) => (
                        result.map_or_else(|| why.to_owned(), |r| format!("{r}\n\n{why}")),
                        approved_by,
                    ),
                    _ => (why.to_owned(), None),
                };
                show(
                    publisher,
                    call,
                    ClientToolState::NotTaken,
                    approved_by,
                    Some(shown),
                    None,
                );
                call.progress = CallProgress::NotTaken;
                self.store(call).await;
            }
        }
    }

    async fn store(&self, call: &StoredToolCall) {
        let mut call = call.clone();
        call.updated_at_ms = crate::conversations::now_ms();
        if let Err(err) = self.inner.history.save_tool_call(call).await {
            tracing::error!(error = %err, "a tool call's progress was not stored");
        }
    }
}

/// Shows a call's card in a new state (its other fields kept).
fn show(
    publisher: &Publisher,
    call: &StoredToolCall,
    state: ClientToolState,
    approved_by: Option<ApprovedBy>,
    result: Option<String>,
    duration_ms: Option<u64>,
) {
    let Some(Part::ClientToolCall {
        call_id,
        name,
        arguments,
        ..
    }) = publisher.part(call.part_index)
    else {
        return;
    };
    publisher.publish(ExecutionChange::PartUpdated {
        index: call.part_index,
        part: Part::ClientToolCall {
            call_id,
            name,
            arguments,
            state,
            approved_by,
            result,
            duration_ms,
        },
    });
}

/// A server that answered the last result with the finished execution as JSON: its
/// `final`, as a one-event stream.
fn finished_stream(result: athena_api::ExecutionResult) -> EventStream {
    let event = ExecutionEvent::Final(FinalEvent {
        status: result.status,
        output: result.output,
        latency_ms: result.latency_ms,
        message_id: result.message_id,
        error: result.error,
        undecoded: None,
    });
    Box::pin(futures_util::stream::iter([Ok(event)]))
}

/// The longest a tool may run before its call fails.
pub(crate) const RUN_LIMIT: Duration = Duration::from_secs(60);
