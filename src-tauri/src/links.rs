//! The system browser behind core's link policy (the question is core's
//! [`athena_core::dialogs::LinkQuestion`] over the app's dialogs).

use athena_core::links::LinkOpener;
use tauri::{AppHandle, Runtime};
use tauri_plugin_opener::OpenerExt;

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
