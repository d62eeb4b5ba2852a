//! The window's appearance: the colour scheme, kept in the settings file. Thin: the
//! settings check and store it; these map it and tell the native window.

use std::sync::Arc;

use athena_core::settings::Theme;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::ipc::{AppError, AppearanceView, ThemeChoice};
use crate::settings::AppSettings;

/// The appearance settings as now.
#[tauri::command]
#[specta::specta]
pub fn get_appearance(settings: State<'_, AppSettings>) -> AppearanceView {
    view(&settings)
}

/// Chooses light, dark or the system's scheme; saved, then the native parts of the
/// window (GTK's menu bar, the title bar) follow. The page sets its own colours from
/// the answer.
// Off the main thread: it writes the settings file.
#[tauri::command(async)]
#[specta::specta]
pub fn set_theme(
    settings: State<'_, AppSettings>,
    native: State<'_, NativeTheme>,
    theme: ThemeChoice,
) -> Result<AppearanceView, AppError> {
    let saved = settings.update(|s| s.theme = theme.into()).map_err(|err| {
        tracing::warn!(?err, "the theme was not saved");
        AppError::Storage
    })?;
    native.apply(saved.theme);
    Ok(view(&settings))
}

fn view(settings: &AppSettings) -> AppearanceView {
    AppearanceView {
        theme: settings.get().theme.into(),
    }
}

/// Tells the OS which scheme the app's native parts use, as managed state so that
/// commands need not know the runtime.
#[derive(Clone)]
pub(crate) struct NativeTheme(Arc<dyn Fn(Theme) + Send + Sync>);

impl NativeTheme {
    pub(crate) fn new<R: Runtime>(app: AppHandle<R>) -> Self {
        Self(Arc::new(move |theme| {
            // `None` lets them follow the system. On Linux, GTK's dark-theme preference
            // is what WebKitGTK's `prefers-color-scheme` reports too.
            let native = match theme {
                Theme::System => None,
                Theme::Light => Some(tauri::Theme::Light),
                Theme::Dark => Some(tauri::Theme::Dark),
            };
            for (label, window) in app.webview_windows() {
                if let Err(err) = window.set_theme(native) {
                    tracing::warn!(%label, error = %err, "the window's theme was not set");
                }
            }
        }))
    }

    /// Applies `theme` to every window (and, on Windows, their menus). Called at start
    /// as soon as the window exists, before its page has loaded.
    pub(crate) fn apply(&self, theme: Theme) {
        (self.0)(theme);
    }
}

impl std::fmt::Debug for NativeTheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NativeTheme")
    }
}
