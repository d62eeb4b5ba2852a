//! The system browser behind core's link policy (the question is core's
//! [`athena_core::dialogs::LinkQuestion`] over the app's dialogs), and the app's one
//! link question at a time.

use std::sync::Arc;

use athena_core::links::{LinkOpener, OneQuestionAtATime};
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

/// The app's one link question at a time: managed state, so every `open_link` of an
/// app shares it and apps started side by side (the IPC tests) do not.
#[derive(Debug, Default, Clone)]
pub(crate) struct LinkQuestionGate(pub(crate) Arc<OneQuestionAtATime>);
