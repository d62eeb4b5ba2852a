//! Where the app keeps its files: data, generated media and logs, each readable only
//! by the user.

use std::path::{Path, PathBuf};

use tauri::{Manager, Runtime};

/// The app's folders, created 0700 on Unix.
#[derive(Debug, Clone)]
pub(crate) struct AppFolders {
    /// The app's data.
    pub(crate) data: PathBuf,
    /// Generated images and videos, downloaded by the backend.
    pub(crate) media: PathBuf,
    /// Log files.
    pub(crate) logs: PathBuf,
}

impl AppFolders {
    /// Under `base` when given (tests), else the OS's per-user folders, which Tauri
    /// names after the bundle identifier `app.athena.desktop`.
    pub(crate) fn create<R: Runtime, M: Manager<R>>(
        manager: &M,
        base: Option<&Path>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let (data, logs) = match base {
            Some(base) => (base.join("data"), base.join("logs")),
            None => (
                manager.path().app_data_dir()?,
                manager.path().app_log_dir()?,
            ),
        };
        let folders = Self {
            media: data.join("media"),
            data,
            logs,
        };
        for dir in [&folders.data, &folders.media, &folders.logs] {
            athena_core::create_private_dir(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        Ok(folders)
    }
}
