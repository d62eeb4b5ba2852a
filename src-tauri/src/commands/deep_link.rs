//! The page takes the `athena-desktop://` links that arrived before it was up.

use tauri::State;

use crate::deep_link::DeepLinks;
use crate::ipc::DeepLinkAction;

/// Every link that arrived before the page asked, oldest first (each already judged by
/// core: open, prefill, or refused). Later links come as `DeepLinkReceived` events.
#[tauri::command]
#[specta::specta]
pub fn take_deep_links(links: State<'_, DeepLinks>) -> Vec<DeepLinkAction> {
    links.take()
}
