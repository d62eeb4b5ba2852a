//! The conversation commands: list, start, open, send, resend, regenerate, feedback
//! and drafts.

use tauri::State;

use athena_core::history::ConversationPage;

use crate::ipc::{
    AppError, ConversationCursor, ConversationSummary, ConversationView, ExecutionSnapshot,
    HistoryStatus, SendRequest,
};
use crate::settings::AppSettings;
use crate::state::AppState;

/// The most rows one page of a list may ask for.
const MAX_PAGE: u32 = 200;

/// How the history opened at start (a notice when it was not the usual).
#[tauri::command]
#[specta::specta]
pub fn history_status(state: State<'_, AppState>) -> HistoryStatus {
    state.history_status.clone()
}

/// A page of a workspace's conversations, most recent activity first: active ones,
/// or archived ones.
// Off the main thread: it reads the history store.
#[tauri::command(async)]
#[specta::specta]
pub fn list_conversations(
    state: State<'_, AppState>,
    workspace_id: String,
    archived: bool,
    after: Option<ConversationCursor>,
    limit: u32,
) -> Result<Vec<ConversationSummary>, AppError> {
    let page = ConversationPage {
        archived,
        #[allow(clippy::cast_possible_truncation)] // Unix ms, sent by us as whole numbers.
        before: after.map(|c| (c.last_activity_ms as i64, c.id)),
        limit: limit.clamp(1, MAX_PAGE) as usize,
    };
    Ok(state
        .conversations
        .list(&workspace_id, page)?
        .into_iter()
        .map(ConversationSummary::from)
        .collect())
}

/// Starts a new, empty conversation with an agent of a workspace.
#[tauri::command]
#[specta::specta]
pub async fn start_conversation(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
    workspace_id: String,
    agent_id: String,
) -> Result<ConversationSummary, AppError> {
    let record = state.conversations.start(&workspace_id, &agent_id).await?;
    // The next new chat in this workspace starts with the same agent.
    let remembered = settings.update(|s| {
        s.workspaces
            .entry(workspace_id.clone())
            .or_default()
            .last_agent_id = Some(agent_id.clone());
    });
    if let Err(err) = remembered {
        tracing::warn!(?err, "the agent last used was not remembered");
    }
    Ok(ConversationSummary::new(record, false))
}

/// A conversation with its draft and a page of its messages (the newest, or those
/// before `before`).
// Off the main thread: it reads the history store and takes execution locks.
#[tauri::command(async)]
#[specta::specta]
pub fn open_conversation(
    state: State<'_, AppState>,
    conversation_id: String,
    before: Option<f64>,
    limit: u32,
) -> Result<ConversationView, AppError> {
    #[allow(clippy::cast_possible_truncation)] // a position we sent as a whole number
    let before = before.map(|b| b as i64);
    let page = state.conversations.messages(
        &conversation_id,
        before,
        limit.clamp(1, MAX_PAGE) as usize,
    )?;
    #[allow(clippy::cast_precision_loss)] // positions count messages: far below 2^53
    let before = page.before.map(|b| b as f64);
    Ok(ConversationView {
        conversation: ConversationSummary::new(page.conversation, page.running),
        draft: page.draft,
        messages: page
            .messages
            .into_iter()
            .map(ExecutionSnapshot::from)
            .collect(),
        more_before: page.more_before,
        before,
    })
}

/// Keeps a conversation's draft as typed (the page calls it debounced).
#[tauri::command]
#[specta::specta]
pub fn save_draft(state: State<'_, AppState>, conversation_id: String, text: String) {
    state.conversations.save_draft(&conversation_id, text);
}

/// Sends a message in a conversation; returns the execution handle once the message
/// is stored. Everything after that arrives as `ExecutionUpdate` events.
#[tauri::command]
#[specta::specta]
pub async fn send_message(
    attachments: State<'_, athena_core::attachments::Attachments>,
    request: SendRequest,
) -> Result<String, AppError> {
    let ids = request.attachment_ids.unwrap_or_default();
    let handle = attachments
        .send(
            &request.conversation_id,
            request.message,
            request.variables.as_ref(),
            &ids,
        )
        .await?;
    Ok(handle.to_string())
}

/// Sends a message that failed before any answer again, with the same idempotency
/// key.
#[tauri::command]
#[specta::specta]
pub async fn resend_message(state: State<'_, AppState>, handle: String) -> Result<(), AppError> {
    state.conversations.resend(&handle.into())?;
    Ok(())
}

/// Sends an earlier message again as a new one (a new idempotency key); returns the
/// new execution's handle.
#[tauri::command]
#[specta::specta]
pub async fn regenerate_message(
    state: State<'_, AppState>,
    handle: String,
) -> Result<String, AppError> {
    let handle = state.conversations.regenerate(&handle.into()).await?;
    Ok(handle.to_string())
}

/// Thumbs up (`up`) or down on an answer; the outcome arrives as updates.
#[tauri::command]
#[specta::specta]
pub async fn give_feedback(
    state: State<'_, AppState>,
    handle: String,
    up: bool,
) -> Result<(), AppError> {
    state.conversations.feedback(&handle.into(), up)?;
    Ok(())
}
