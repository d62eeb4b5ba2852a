//! Core's dialogs shown natively with tauri-plugin-dialog, raised from Rust so that a
//! page can neither see nor click them.

use std::path::PathBuf;

use athena_core::dialogs::{DialogKind, Dialogs, FileDialog, MessageDialog};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{
    DialogExt, FileDialogBuilder, MessageDialogButtons, MessageDialogKind, MessageDialogResult,
};

/// The OS's dialogs.
pub(crate) struct NativeDialogs<R: Runtime>(pub(crate) AppHandle<R>);

impl<R: Runtime> Dialogs for NativeDialogs<R> {
    fn ask(&self, dialog: &MessageDialog) -> Option<String> {
        let labels = &dialog.buttons;
        let buttons = match labels.as_slice() {
            [ok] => MessageDialogButtons::OkCustom(ok.clone()),
            [ok, cancel] => MessageDialogButtons::OkCancelCustom(ok.clone(), cancel.clone()),
            [yes, no, cancel, ..] => {
                MessageDialogButtons::YesNoCancelCustom(yes.clone(), no.clone(), cancel.clone())
            }
            [] => MessageDialogButtons::Ok,
        };
        let kind = match dialog.kind {
            DialogKind::Info => MessageDialogKind::Info,
            DialogKind::Warning => MessageDialogKind::Warning,
            DialogKind::Error => MessageDialogKind::Error,
        };
        let mut builder = self.0.dialog().message(dialog.message.clone());
        // Over the main window, so it is seen where the question arose.
        if let Some(window) = self.0.get_webview_window("main") {
            builder = builder.parent(&window);
        }
        let result = builder
            .title(dialog.title.clone())
            .kind(kind)
            .buttons(buttons)
            .blocking_show_with_result();
        match result {
            MessageDialogResult::Custom(label) => Some(label),
            MessageDialogResult::Ok | MessageDialogResult::Yes => labels.first().cloned(),
            MessageDialogResult::No => labels.get(1).cloned(),
            // Closing the dialog answers Cancel as well: both decline.
            MessageDialogResult::Cancel => None,
        }
    }

    fn pick_files(&self, dialog: &FileDialog) -> Vec<PathBuf> {
        let builder = file_dialog(&self.0, dialog);
        let picked = if dialog.multiple {
            builder.blocking_pick_files().unwrap_or_default()
        } else {
            builder.blocking_pick_file().into_iter().collect()
        };
        picked
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect()
    }

    fn pick_folder(&self, dialog: &FileDialog) -> Option<PathBuf> {
        file_dialog(&self.0, dialog)
            .blocking_pick_folder()?
            .into_path()
            .ok()
    }

    fn save_file(&self, dialog: &FileDialog) -> Option<PathBuf> {
        let mut builder = file_dialog(&self.0, dialog);
        if let Some(name) = &dialog.suggested_name {
            builder = builder.set_file_name(name);
        }
        builder.blocking_save_file()?.into_path().ok()
    }
}

fn file_dialog<R: Runtime>(app: &AppHandle<R>, dialog: &FileDialog) -> FileDialogBuilder<R> {
    let mut builder = app.dialog().file().set_title(dialog.title.clone());
    for filter in &dialog.filters {
        let extensions: Vec<&str> = filter.extensions.iter().map(String::as_str).collect();
        builder = builder.add_filter(filter.name.clone(), &extensions);
    }
    builder
}
