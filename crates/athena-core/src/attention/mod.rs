//! Telling the user, while they look elsewhere, that an execution needs their
//! attention: it answered, it failed, or a tool call waits for their approval.
//!
//! Core decides when; the shell shows the notification ([`Notifier`], an OS
//! notification) and says whether the app's window has the focus ([`FocusSource`]);
//! tests use fakes of both.
//!
//! The policy ([`Attention`]):
//! - exactly one notification per event: an execution of a conversation that stops
//!   running because it completed or failed, or a call of a tool on this computer that
//!   starts waiting for the user's answer in the approval dialog;
//! - none while the app's window has the focus (the user sees it happen), none when
//!   the user turned notifications off;
//! - none for an execution the user stopped, one that is merely waiting on the server
//!   (an approval or an event outside the app), and none for executions outside a
//!   conversation (benchmarks, tests);
//! - none for executions of an earlier run found interrupted at start: the history
//!   marks them without running them, so no event of theirs reaches the policy.
//!
//! The event is read under the execution's lock (cheap: ids and the first line of the
//! answer); the notification is written and shown after the lock is released.
//! Its text is untrusted model output, made safe in [`text`].

pub mod text;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::{
    ClientToolState, ExecutionChange, ExecutionError, ExecutionSnapshot, ExecutionStatus, Part,
    WorkspaceRegistry,
};

/// A notification ready for the OS: its title and body made safe ([`text`]), and the
/// conversation it belongs to (where a click on it leads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    title: String,
    body: String,
    workspace_id: String,
    conversation_id: String,
}

impl Notification {
    /// A notification about `conversation_id` (of `workspace_id`). The title is made
    /// plain text and the body markup-escaped, both one line and capped in length
    /// ([`text::clean_title`], [`text::clean_body`]).
    pub fn new(title: &str, body: &str, workspace_id: &str, conversation_id: &str) -> Self {
        Self {
            title: text::clean_title(title),
            body: text::clean_body(body),
            workspace_id: workspace_id.to_owned(),
            conversation_id: conversation_id.to_owned(),
        }
    }

    /// The title (the summary, in freedesktop terms): plain text.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The body: markup-escaped text.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The app's id of the conversation's workspace.
    pub fn workspace_id(&self) -> &str {
        &self.workspace_id
    }

    /// The app's id of the conversation.
    pub fn conversation_id(&self) -> &str {
        &self.conversation_id
    }
}

/// Shows a notification outside the app (the OS's notification centre). Must return
/// quickly: it is called from an execution's task.
pub trait Notifier: Send + Sync {
    /// Shows `notification`; a failure is the notifier's to log.
    fn show(&self, notification: Notification);
}

/// Says whether the app's window has the keyboard focus now.
pub trait FocusSource: Send + Sync {
    /// True while the user works in the app's window.
    fn is_focused(&self) -> bool;
}

/// The policy: which events of an execution become a notification, through which
/// notifier. Shared by every execution of the app ([`crate::Executions::notify_with`]).
pub struct Attention {
    notifier: Arc<dyn Notifier>,
    focus: Arc<dyn FocusSource>,
    /// The agents' names, for the title ("Echo answered"); the agent's id otherwise.
    workspaces: Arc<WorkspaceRegistry>,
    enabled: AtomicBool,
}

impl std::fmt::Debug for Attention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attention")
            .field("enabled", &self.is_enabled())
            .finish_non_exhaustive()
    }
}

impl Attention {
    /// Notifies through `notifier` while `focus` says the window is not focused,
    /// naming agents as `workspaces` knows them. On until [`Self::set_enabled`].
    pub fn new(
        notifier: Arc<dyn Notifier>,
        focus: Arc<dyn FocusSource>,
        workspaces: Arc<WorkspaceRegistry>,
    ) -> Self {
        Self {
            notifier,
            focus,
            workspaces,
            enabled: AtomicBool::new(true),
        }
    }

    /// Turns notifications on or off (the user's setting).
    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }

    /// Whether notifications are on.
    pub fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Shows the notification for `event`, unless notifications are off or the
    /// window has the focus. Called with no lock held.
    pub(crate) fn consider(&self, event: Noticed) {
        if !self.is_enabled() || self.focus.is_focused() {
            return;
        }
        let agent = self
            .workspaces
            .get(&event.workspace_id)
            .and_then(|w| {
                w.agents
                    .iter()
                    .find(|a| a.id == event.agent_id)
                    .map(|a| a.name.clone())
            })
            .filter(|name| !name.trim().is_empty())
            .unwrap_or(event.agent_id);
        let (title, body) = match &event.kind {
            Kind::Answered { first_line } => (
                format!("{agent} answered"),
                first_line
                    .clone()
                    .unwrap_or_else(|| "The answer is ready.".to_owned()),
            ),
            Kind::Failed { error } => (
                format!("{agent} could not answer"),
                text::failure(error.as_ref()),
            ),
            Kind::NeedsYou { tool } => (
                format!("{agent} needs your approval"),
                format!("It asks to run the tool {tool} on this computer."),
            ),
        };
        self.notifier.show(Notification::new(
            &title,
            &body,
            &event.workspace_id,
            &event.conversation_id,
        ));
    }
}

/// An event of an execution that may deserve a notification, read under its lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Noticed {
    kind: Kind,
    workspace_id: String,
    conversation_id: String,
    agent_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Answered { first_line: Option<String> },
    Failed { error: Option<ExecutionError> },
    NeedsYou { tool: String },
}

impl Noticed {
    /// The event `change` makes of the execution as it stands just before `change` is
    /// folded in, if it is one the user may want to hear of.
    pub(crate) fn of(before: &ExecutionSnapshot, change: &ExecutionChange) -> Option<Self> {
        if before.request.conversation_id.is_empty() {
            return None;
        }
        let running = before.status.is_running();
        let kind = match change {
            ExecutionChange::Finished {
                status: ExecutionStatus::Completed,
                ..
            } if running => Kind::Answered {
                first_line: text::first_line(before.parts.iter().filter_map(|p| match p {
                    Part::Text { text } => Some(text.as_str()),
                    _ => None,
                })),
            },
            ExecutionChange::Finished {
                status: ExecutionStatus::Failed,
                ..
            } if running => Kind::Failed { error: None },
            ExecutionChange::Failed { error } if running => Kind::Failed {
                error: Some(error.clone()),
            },
            ExecutionChange::PartUpdated {
                index,
                part:
                    Part::ClientToolCall {
                        name,
                        state: ClientToolState::WaitingForYou,
                        ..
                    },
            } => {
                let already = matches!(
                    before.parts.get(*index as usize),
                    Some(Part::ClientToolCall {
                        state: ClientToolState::WaitingForYou,
                        ..
                    })
                );
                if already {
                    return None;
                }
                Kind::NeedsYou { tool: name.clone() }
            }
            _ => return None,
        };
        Some(Self {
            kind,
            workspace_id: before.request.workspace_id.clone(),
            conversation_id: before.request.conversation_id.clone(),
            agent_id: before.request.agent_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests;
