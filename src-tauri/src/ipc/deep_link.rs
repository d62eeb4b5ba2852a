//! What an `athena-desktop://` link asks of the page, as the page sees it.

use athena_core::deep_link::{DeepLink, DeepLinkRefusal};
use serde::{Deserialize, Serialize};
use specta::Type;

/// One link, read by core: open a chat, prefill a new one, or refused (the page says
/// so). Never anything that sends, approves or adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum DeepLinkAction {
    /// Open this conversation (the page says so when it does not exist).
    OpenConversation {
        /// The conversation's id.
        conversation_id: String,
    },
    /// A new chat: pick this agent when the workspace has it, put this text in the
    /// composer, unsent.
    NewChat {
        /// `agent:...`, when the link named one.
        agent_id: Option<String>,
        /// The composer's text, when the link carried some.
        text: Option<String>,
    },
    /// The link asked for something the app does not do, or was malformed.
    Refused {
        /// Why, for the page's words.
        reason: DeepLinkRefusalReason,
    },
}

/// Why a link was refused (core's [`DeepLinkRefusal`], one for one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DeepLinkRefusalReason {
    /// Longer than 2 KiB.
    TooLong,
    /// A raw space, control or non-ASCII character.
    UnsafeCharacter,
    /// Not an `athena-desktop://` link of the plain form.
    NotAnAppLink,
    /// A verb other than `conversation` or `new`.
    UnknownVerb,
    /// A parameter the verb does not take, or one given twice.
    UnknownParameter,
    /// A broken `%` escape or text that is not UTF-8.
    BadEncoding,
    /// Encoded twice.
    DoubleEncoded,
    /// A control or text-reordering character.
    ControlCharacter,
    /// A link to another scheme inside the text.
    NestedScheme,
    /// Not a conversation id.
    BadConversationId,
    /// Not an agent id.
    BadAgentId,
}

impl From<DeepLinkRefusal> for DeepLinkRefusalReason {
    fn from(refusal: DeepLinkRefusal) -> Self {
        match refusal {
            DeepLinkRefusal::TooLong => Self::TooLong,
            DeepLinkRefusal::UnsafeCharacter => Self::UnsafeCharacter,
            DeepLinkRefusal::NotAnAppLink => Self::NotAnAppLink,
            DeepLinkRefusal::UnknownVerb => Self::UnknownVerb,
            DeepLinkRefusal::UnknownParameter => Self::UnknownParameter,
            DeepLinkRefusal::BadEncoding => Self::BadEncoding,
            DeepLinkRefusal::DoubleEncoded => Self::DoubleEncoded,
            DeepLinkRefusal::ControlCharacter => Self::ControlCharacter,
            DeepLinkRefusal::NestedScheme => Self::NestedScheme,
            DeepLinkRefusal::BadConversationId => Self::BadConversationId,
            DeepLinkRefusal::BadAgentId => Self::BadAgentId,
        }
    }
}

impl From<Result<DeepLink, DeepLinkRefusal>> for DeepLinkAction {
    fn from(parsed: Result<DeepLink, DeepLinkRefusal>) -> Self {
        match parsed {
            Ok(DeepLink::OpenConversation { conversation_id }) => {
                Self::OpenConversation { conversation_id }
            }
            Ok(DeepLink::NewChat { agent_id, text }) => Self::NewChat { agent_id, text },
            Err(refusal) => Self::Refused {
                reason: refusal.into(),
            },
        }
    }
}

/// A link arrived while the page was up (event). Links that arrive before the page
/// first asks (`take_deep_links`) wait in Rust instead: events are not buffered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct DeepLinkReceived {
    /// What the link asks.
    pub action: DeepLinkAction,
}
