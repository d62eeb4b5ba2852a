//! Batch execution: `POST /agents/{agent_id}/execute/batch`, answered as SSE.
//!
//! [doc] events `batch_started`, `batch_progress` per item, `batch_completed`;
//! [assumed] their payloads as in the contract, the type in the JSON `type` field or
//! an SSE `event:` line; an item may carry the other execute fields; keys are unique.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::PathPart;
use crate::events::{ExecutionOutput, Usage, event_type, parse};
use crate::execute::{json_body, new_idempotency_key};
use crate::lenient;
use crate::stream::{EventSource, Step};
use crate::validation::{self, ValidationError, ValidationRule};
use crate::{ApiError, AthenaClient, ExecuteRequest, ResponseMeta};

/// One item of a batch: a unique key and the execute fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchItem {
    /// Unique, non-empty; progress events name the item by it.
    pub key: String,
    /// The execute fields (message, variables, ...), validated like a single execute.
    #[serde(flatten)]
    pub request: ExecuteRequest,
}

/// The body of `POST /agents/{id}/execute/batch`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchRequest {
    /// At least one item.
    pub items: Vec<BatchItem>,
}

impl BatchRequest {
    /// Checks that there is an item, that keys are unique and non-empty, and each
    /// item's execute limits.
    ///
    /// # Errors
    /// The first broken limit.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.items.is_empty() {
            return Err(ValidationError {
                field: "items",
                rule: ValidationRule::Required,
                limit: 1,
                actual: 0,
            });
        }
        validation::validate_batch_keys(self.items.iter().map(|i| i.key.as_str()))?;
        self.items.iter().try_for_each(|i| i.request.validate())
    }
}

/// One item's outcome (`batch_progress`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BatchProgress {
    /// The item's key.
    #[serde(deserialize_with = "lenient::text")]
    pub key: String,
    /// `completed` or `failed` (other values kept as text).
    pub status: String,
    /// The item's output, when it completed.
    #[serde(default)]
    pub output: Option<ExecutionOutput>,
    /// Why it failed, in whatever shape the server sent.
    #[serde(default)]
    pub error: Option<Value>,
    /// Items completed so far.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
    pub completed: u64,
    /// Items failed so far.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
    pub failed: u64,
    /// Items in the batch.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
    pub total: u64,
}

/// The batch's summary (`batch_completed`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BatchSummary {
    /// The batch id.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub batch_id: Option<String>,
    /// Items in the batch.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
    pub total: u64,
    /// Items that completed.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
    pub succeeded: u64,
    /// Items that failed.
    #[serde(default, deserialize_with = "lenient::count_or_zero")]
    pub failed: u64,
    /// Token counts of all items.
    #[serde(default)]
    pub usage: Option<Usage>,
    /// Total cost in millionths of a dollar.
    #[serde(default, deserialize_with = "lenient::opt_count")]
    pub cost_microdollars: Option<u64>,
}

/// One event of a batch stream.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchEvent {
    /// The batch was accepted.
    Started {
        /// The batch id.
        batch_id: String,
        /// Items in the batch.
        total: u64,
    },
    /// One item finished.
    Progress(BatchProgress),
    /// All items finished; the stream ends.
    Completed(BatchSummary),
    /// Keep-alive.
    Heartbeat,
    /// An event type this client does not know, kept as received.
    Unknown {
        /// Its type name.
        event_type: String,
        /// The raw `data:` payload.
        raw: String,
    },
}

/// Decodes one SSE event of a batch stream; an unknown type is kept raw.
///
/// # Errors
/// [`ApiError::Decode`] for a known type with a malformed payload, or no type.
pub fn decode_batch_event(sse_event_type: &str, data: &str) -> Result<BatchEvent, ApiError> {
    #[derive(Deserialize)]
    struct Started {
        #[serde(deserialize_with = "lenient::text")]
        batch_id: String,
        #[serde(default, deserialize_with = "lenient::count_or_zero")]
        total: u64,
    }
    let name = event_type(sse_event_type, data)?;
    Ok(match name.as_ref() {
        "batch_started" => {
            let Started { batch_id, total } = parse(data)?;
            BatchEvent::Started { batch_id, total }
        }
        "batch_progress" => BatchEvent::Progress(parse(data)?),
        "batch_completed" => BatchEvent::Completed(parse(data)?),
        "heartbeat" => {
            parse::<serde::de::IgnoredAny>(data)?;
            BatchEvent::Heartbeat
        }
        other => {
            parse::<serde::de::IgnoredAny>(data)?;
            BatchEvent::Unknown {
                event_type: other.to_owned(),
                raw: data.to_owned(),
            }
        }
    })
}

/// The events of one batch, in order. Ends after `batch_completed`; an end before it
/// is [`ApiError::StreamEndedEarly`] carrying the batch id. Never re-sent once started.
pub struct BatchStream {
    source: EventSource<BatchEvent>,
    idempotency_key: String,
    batch_id: Option<String>,
    done: bool,
}

impl std::fmt::Debug for BatchStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchStream")
            .field("batch_id", &self.batch_id)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl BatchStream {
    /// The `Idempotency-Key` this batch was sent with.
    pub fn idempotency_key(&self) -> &str {
        &self.idempotency_key
    }

    /// The response headers, once the server has answered.
    pub fn meta(&self) -> Option<&ResponseMeta> {
        self.source.meta.as_ref()
    }

    /// The batch id, once `batch_started` has arrived.
    pub fn batch_id(&self) -> Option<&str> {
        self.batch_id.as_deref()
    }

    /// The next event; `None` once the stream has ended.
    pub async fn next(&mut self) -> Option<Result<BatchEvent, ApiError>> {
        if self.done {
            return None;
        }
        match self.source.next().await {
            Step::Event(event) => {
                match &event {
                    Ok(BatchEvent::Started { batch_id, .. }) => {
                        self.batch_id = Some(batch_id.clone());
                    }
                    Ok(BatchEvent::Completed(_)) => self.done = true,
                    _ => {}
                }
                Some(event)
            }
            Step::NotStarted(err) | Step::TooLarge(err) => {
                self.done = true;
                Some(Err(err))
            }
            Step::Stopped(cause) => {
                self.done = true;
                Some(Err(ApiError::StreamEndedEarly {
                    execution_id: self.batch_id.clone(),
                    cause,
                }))
            }
        }
    }
}

impl AthenaClient {
    /// Starts a batch: `POST /agents/{agent_id}/execute/batch`. Validated first; the
    /// idempotency key works as for [`AthenaClient::execute_stream`]; nothing is sent
    /// until the first [`BatchStream::next`].
    ///
    /// # Errors
    /// [`ApiError::Validation`] here; the rest come out of the stream.
    pub fn execute_batch(
        &self,
        agent_id: &str,
        request: &BatchRequest,
        idempotency_key: Option<String>,
    ) -> Result<BatchStream, ApiError> {
        request.validate()?;
        let url = self.url(&[
            PathPart::Lit("/agents/"),
            PathPart::Id("agent_id", agent_id),
            PathPart::Lit("/execute/batch"),
        ])?;
        let key = idempotency_key.unwrap_or_else(new_idempotency_key);
        let connect = self.connect_stream(url, json_body(request)?, Some(key.clone()));
        Ok(BatchStream {
            source: EventSource::new(
                connect,
                decode_batch_event,
                self.config.silence_limit,
                self.config.max_event_bytes,
            ),
            idempotency_key: key,
            batch_id: None,
            done: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_three_batch_events_and_keeps_unknown_ones() {
        assert_eq!(
            decode_batch_event(
                "message",
                r#"{"type":"batch_started","batch_id":"batch:1","total":2}"#
            )
            .expect("started"),
            BatchEvent::Started {
                batch_id: "batch:1".into(),
                total: 2
            }
        );
        let BatchEvent::Progress(p) = decode_batch_event(
            "batch_progress",
            r#"{"key":"a","status":"failed","error":{"code":"x"},"completed":0,"failed":1,"total":2}"#,
        )
        .expect("progress") else {
            panic!("not progress")
        };
        assert_eq!((p.key.as_str(), p.failed), ("a", 1));
        assert!(matches!(
            decode_batch_event("message", r#"{"type":"batch_paused"}"#),
            Ok(BatchEvent::Unknown { .. })
        ));
    }

    #[test]
    fn keys_must_be_unique() {
        let item = |key: &str| BatchItem {
            key: key.into(),
            request: ExecuteRequest::message("hi"),
        };
        let request = BatchRequest {
            items: vec![item("a"), item("a")],
        };
        assert_eq!(
            request.validate().expect_err("dup").rule,
            ValidationRule::Duplicate
        );
        assert_eq!(
            BatchRequest::default().validate().expect_err("empty").rule,
            ValidationRule::Required
        );
    }
}
