//! Generated media in the app: core's downloads, the loopback server that shows them,
//! the event that tells the page of each change, and the clipboard "Copy image" uses.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use athena_core::history::History;
use athena_core::media::{GeneratedMedia, MediaFileStatus, MediaSink};
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

use crate::ipc;
use crate::media_server::MediaServer;

/// The media folder under the app's data folder.
pub(crate) const MEDIA_FOLDER: &str = "media";

/// What the media commands share.
pub(crate) struct AppMedia {
    pub(crate) library: GeneratedMedia,
    pub(crate) server: Arc<MediaServer>,
    /// Kept for the app's life: on X11 the app serves what it copied, and arboard
    /// stops serving when its last clipboard is dropped.
    clipboard: Mutex<Option<arboard::Clipboard>>,
}

impl std::fmt::Debug for AppMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppMedia")
            .field("server", &self.server.addr())
            .finish_non_exhaustive()
    }
}

impl AppMedia {
    /// Starts the loopback server over `<data>/media` and the downloads behind it,
    /// and downloads again what a previous run left pending.
    pub(crate) fn start<R: Runtime>(
        app: &AppHandle<R>,
        data: &std::path::Path,
        history: &History,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let folder: PathBuf = data.join(MEDIA_FOLDER);
        athena_core::create_private_dir(&folder)?;
        let server = Arc::new(tauri::async_runtime::block_on(MediaServer::start(
            folder.clone(),
        ))?);
        let sink = Arc::new(TauriMediaSink {
            app: app.clone(),
            server: server.clone(),
        });
        let library = GeneratedMedia::new(
            folder,
            athena_api::MediaDownloader::new(&[])?,
            Some(history.clone()),
            sink,
            tauri::async_runtime::handle().inner().clone(),
        )?;
        match library.resume() {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "media downloads resumed"),
            Err(err) => tracing::error!(error = %err, "media downloads not resumed"),
        }
        Ok(Self {
            library,
            server,
            clipboard: Mutex::new(None),
        })
    }

    /// `status` as the page sees it.
    pub(crate) fn view(&self, status: MediaFileStatus) -> ipc::MediaFileView {
        ipc::MediaFileView::new(status, |id| self.server.url_of(id))
    }

    /// Puts an RGBA image on the system clipboard.
    pub(crate) fn copy_image(&self, image: athena_core::media::RgbaImage) -> Result<(), String> {
        let mut slot = self
            .clipboard
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
        }
        let Some(clipboard) = slot.as_mut() else {
            return Err("no clipboard".into());
        };
        clipboard
            .set_image(arboard::ImageData {
                width: image.width as usize,
                height: image.height as usize,
                bytes: image.pixels.into(),
            })
            .map_err(|e| e.to_string())
    }
}

/// Emits each change of a file's state as `MediaFileChanged`.
struct TauriMediaSink<R: Runtime> {
    app: AppHandle<R>,
    server: Arc<MediaServer>,
}

impl<R: Runtime> MediaSink for TauriMediaSink<R> {
    fn media_changed(&self, status: &MediaFileStatus) {
        let file = ipc::MediaFileView::new(status.clone(), |id| self.server.url_of(id));
        if let Err(err) = (ipc::MediaFileChanged { file }).emit(&self.app) {
            tracing::warn!(error = %err, "could not emit a media file's change");
        }
    }
}
