//! The native dialog and the system browser behind core's link policy.

use athena_core::links::{CheckedLink, LinkConfirmer, LinkOpener, confirmation_text};
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use tauri_plugin_opener::OpenerExt;

/// Asks in a native dialog raised from Rust: a page cannot click it.
pub struct NativeDialog<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> LinkConfirmer for NativeDialog<R> {
    fn confirm(&self, link: &CheckedLink) -> bool {
        self.0
            .dialog()
            .message(confirmation_text(link))
            .title("Open link?")
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                "Open in browser".into(),
                "Cancel".into(),
            ))
            .blocking_show()
    }
}

/// The system's default browser.
pub struct SystemBrowser<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> LinkOpener for SystemBrowser<R> {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0
            .opener()
            .open_url(url, None::<&str>)
            .map_err(|e| e.to_string())
    }
}
