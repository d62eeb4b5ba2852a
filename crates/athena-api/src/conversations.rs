//! Conversations: `POST /my/conversations` (create or resume the active one),
//! `POST /my/conversations/{id}/archive`, and message feedback.
//! [assumed] `{"data":{"conversation_id","agent_id","status","created_at"}}`.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use crate::client::{CallOptions, PathPart};
use crate::execute::json_body;
use crate::{ApiError, ApiResponse, AthenaClient, ResponseMeta};

/// A server conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Conversation {
    /// Its id, passed as `conversation_scope` on execute.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub conversation_id: String,
    /// The agent it belongs to.
    #[serde(default)]
    pub agent_id: Option<String>,
    /// `active` or `archived` (others kept as text).
    #[serde(default)]
    pub status: Option<String>,
    /// When it was created, as the server wrote it.
    #[serde(default)]
    pub created_at: Option<String>,
}

/// Feedback on an assistant message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feedback {
    /// Thumbs up: `1`.
    Up,
    /// Thumbs down: `-1`.
    Down,
}

impl ApiResponse<Conversation> {
    /// Whether the server created a new conversation (201) rather than returning the
    /// agent's active one (200).
    pub fn created(&self) -> bool {
        self.status == 201
    }
}

impl AthenaClient {
    /// Creates a conversation with an agent, or returns the active one (there is one
    /// active conversation per agent: archive it first for a fresh one). Retried:
    /// asking twice gives the same conversation.
    ///
    /// # Errors
    /// Any [`ApiError`] but validation.
    pub async fn create_conversation(
        &self,
        agent_id: &str,
    ) -> Result<ApiResponse<Conversation>, ApiError> {
        #[derive(Serialize)]
        struct Body<'a> {
            agent_id: &'a str,
        }
        let url = self.url(&[PathPart::Lit("/my/conversations")])?;
        let body = json_body(&Body { agent_id })?;
        self.send_json(CallOptions::RETRY, || {
            self.request(Method::POST, &url)
                .header("content-type", "application/json")
                .body(body.clone())
        })
        .await
    }

    /// Archives a conversation: the next create starts a fresh one. Retried (archiving
    /// twice is harmless).
    ///
    /// # Errors
    /// Any [`ApiError`] but validation.
    pub async fn archive_conversation(
        &self,
        conversation_id: &str,
    ) -> Result<ResponseMeta, ApiError> {
        let url = self.url(&[
            PathPart::Lit("/my/conversations/"),
            PathPart::Id("conversation_id", conversation_id),
            PathPart::Lit("/archive"),
        ])?;
        let response = self
            .send(CallOptions::RETRY, || self.request(Method::POST, &url))
            .await?;
        Ok(ResponseMeta::from_headers(response.headers()))
    }

    /// Sends feedback on an assistant message (`message_id` of `final`):
    /// `POST /my/conversations/{cid}/messages/{mid}/feedback {"value":1|-1}`.
    /// Retried (the value is set, not added).
    ///
    /// # Errors
    /// Any [`ApiError`] but validation.
    pub async fn message_feedback(
        &self,
        conversation_id: &str,
        message_id: &str,
        feedback: Feedback,
    ) -> Result<ResponseMeta, ApiError> {
        let url = self.url(&[
            PathPart::Lit("/my/conversations/"),
            PathPart::Id("conversation_id", conversation_id),
            PathPart::Lit("/messages/"),
            PathPart::Id("message_id", message_id),
            PathPart::Lit("/feedback"),
        ])?;
        let value = match feedback {
            Feedback::Up => 1,
            Feedback::Down => -1,
        };
        let body = json_body(&serde_json::json!({ "value": value }))?;
        let response = self
            .send(CallOptions::RETRY, || {
                self.request(Method::POST, &url)
                    .header("content-type", "application/json")
                    .body(body.clone())
            })
            .await?;
        Ok(ResponseMeta::from_headers(response.headers()))
    }
}
