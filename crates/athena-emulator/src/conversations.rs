//! Server-side conversations: one active per agent, history replayed into executions
//! that pass `conversation_scope`, feedback on assistant messages.

use std::collections::HashMap;

use serde::Serialize;
use uuid::Uuid;

use crate::error::ApiError;
use crate::script::HistoryEntry;

/// [assumed] `data` of a conversation answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConversationInfo {
    /// `conversation:<uuid>`.
    pub conversation_id: String,
    /// The agent it talks to.
    pub agent_id: String,
    /// `active` or `archived`.
    pub status: &'static str,
    /// RFC 3339 UTC.
    pub created_at: String,
}

/// One stored message.
#[derive(Debug, Clone)]
struct Message {
    id: Option<String>,
    role: String,
    text: String,
    feedback: Option<i8>,
}

#[derive(Debug, Clone)]
struct Conversation {
    info: ConversationInfo,
    messages: Vec<Message>,
}

/// Every conversation of the instance.
#[derive(Debug, Default)]
pub struct Conversations {
    by_id: HashMap<String, Conversation>,
}

impl Conversations {
    /// The active conversation with `agent_id` (`false`), or a new one (`true`).
    pub fn create(&mut self, agent_id: &str, created_at: String) -> (ConversationInfo, bool) {
        if let Some(c) = self
            .by_id
            .values()
            .find(|c| c.info.agent_id == agent_id && c.info.status == "active")
        {
            return (c.info.clone(), false);
        }
        let info = ConversationInfo {
            conversation_id: format!("conversation:{}", Uuid::new_v4()),
            agent_id: agent_id.to_owned(),
            status: "active",
            created_at,
        };
        self.by_id.insert(
            info.conversation_id.clone(),
            Conversation {
                info: info.clone(),
                messages: Vec::new(),
            },
        );
        (info, true)
    }

    /// Archives a conversation (idempotent); 404 when unknown.
    pub fn archive(&mut self, id: &str) -> Result<ConversationInfo, ApiError> {
        let c = self
            .by_id
            .get_mut(id)
            .ok_or_else(|| ApiError::unknown_id("conversation_id", id))?;
        c.info.status = "archived";
        Ok(c.info.clone())
    }

    /// The history of a scope: empty for a scope never used. 422 when archived
    /// ([assumed]: an archived conversation is read-only).
    pub fn history(&self, scope: &str) -> Result<Vec<HistoryEntry>, ApiError> {
        let Some(c) = self.by_id.get(scope) else {
            return Ok(Vec::new());
        };
        if c.info.status == "archived" {
            return Err(ApiError::unprocessable(format!(
                "conversation_scope: {scope} is archived; create a new conversation"
            ))
            .with_code("conversation_archived"));
        }
        Ok(c.messages
            .iter()
            .map(|m| HistoryEntry {
                role: m.role.clone(),
                text: m.text.clone(),
            })
            .collect())
    }

    /// Persists an exchange under `scope` (a scope never created becomes a
    /// conversation of `agent_id`); returns the assistant message's id.
    pub fn persist(
        &mut self,
        scope: &str,
        agent_id: &str,
        created_at: String,
        exchange: Vec<HistoryEntry>,
    ) -> String {
        let c = self
            .by_id
            .entry(scope.to_owned())
            .or_insert_with(|| Conversation {
                info: ConversationInfo {
                    conversation_id: scope.to_owned(),
                    agent_id: agent_id.to_owned(),
                    status: "active",
                    created_at,
                },
                messages: Vec::new(),
            });
        let message_id = format!("message:{}", Uuid::new_v4());
        let last = exchange.len().saturating_sub(1);
        for (i, e) in exchange.into_iter().enumerate() {
            c.messages.push(Message {
                id: (i == last).then(|| message_id.clone()),
                role: e.role,
                text: e.text,
                feedback: None,
            });
        }
        message_id
    }

    /// Records feedback `value` (1 or -1) on an assistant message.
    pub fn feedback(&mut self, cid: &str, mid: &str, value: i8) -> Result<(), ApiError> {
        let c = self
            .by_id
            .get_mut(cid)
            .ok_or_else(|| ApiError::unknown_id("conversation_id", cid))?;
        let m = c
            .messages
            .iter_mut()
            .find(|m| m.id.as_deref() == Some(mid))
            .ok_or_else(|| ApiError::unknown_id("message_id", mid))?;
        m.feedback = Some(value);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(role: &str, text: &str) -> HistoryEntry {
        HistoryEntry {
            role: role.into(),
            text: text.into(),
        }
    }

    #[test]
    fn one_active_per_agent() {
        let mut c = Conversations::default();
        let (a, new) = c.create("agent:x", "t".into());
        assert!(new);
        let (b, new) = c.create("agent:x", "t".into());
        assert!(!new);
        assert_eq!(a, b);
        c.archive(&a.conversation_id).expect("archived");
        let (d, new) = c.create("agent:x", "t".into());
        assert!(new && d.conversation_id != a.conversation_id);
        assert!(c.history(&a.conversation_id).is_err());
    }

    #[test]
    fn persists_and_takes_feedback() {
        let mut c = Conversations::default();
        let mid = c.persist(
            "conversation:abc",
            "agent:x",
            "t".into(),
            vec![entry("user", "hi"), entry("assistant", "hello")],
        );
        assert_eq!(c.history("conversation:abc").expect("active").len(), 2);
        assert!(c.feedback("conversation:abc", &mid, 1).is_ok());
        assert!(c.feedback("conversation:abc", "message:nope", 1).is_err());
        assert!(c.feedback("conversation:nope", &mid, 1).is_err());
    }
}
