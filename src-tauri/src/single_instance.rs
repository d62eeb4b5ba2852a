//! One running app per data folder. A second launch (a desktop icon clicked again, or
//! the OS starting the app for an `athena-desktop://` link) hands its arguments to the
//! running app and exits; the running app shows its window and reads the links among
//! them.
//!
//! Why per data folder: two apps on the same history would fight over it, while apps on
//! different folders (`--data-dir`, which the test bench gives every app) share nothing
//! and may run side by side. The default folder gives the plugin's default name, so an
//! installed app is one instance per user session. On Linux the instances meet on the
//! session bus (a D-Bus name); without a bus each launch runs on its own.

use std::path::Path;

use tauri::{AppHandle, Manager, Runtime};

/// The plugin, keyed on `data_dir` when one is given.
pub(crate) fn plugin<R: Runtime>(data_dir: Option<&Path>) -> tauri::plugin::TauriPlugin<R> {
    let builder = tauri_plugin_single_instance::Builder::new().callback(another_launch::<R>);
    match data_dir {
        Some(dir) => builder.dbus_id(dbus_id(dir)).build(),
        None => builder.build(),
    }
}

/// A second launch's arguments (program name first) reach the running app here.
fn another_launch<R: Runtime>(app: &AppHandle<R>, args: Vec<String>, _cwd: String) {
    tracing::info!("another launch handed over its arguments");
    if let Some(window) = app.get_webview_window("main") {
        // Best effort: without a window manager (tests) there is nothing to raise.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    for link in crate::deep_link::links_in(&args) {
        crate::deep_link::receive(app, link);
    }
}

/// `app.athena.desktop.d<hash>`: a valid D-Bus name element (letters and digits, not
/// starting with a digit) that differs per folder. FNV-1a, so that every build of the
/// app computes the same name for the same folder.
fn dbus_id(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in absolute.as_os_str().as_encoded_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("app.athena.desktop.d{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_data_folder_has_its_own_valid_bus_name() {
        let a = dbus_id(Path::new("/tmp/athena-a"));
        let b = dbus_id(Path::new("/tmp/athena-b"));
        assert_ne!(a, b);
        assert_eq!(a, dbus_id(Path::new("/tmp/athena-a")));
        for element in a.split('.') {
            assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()));
            assert!(element.chars().all(|c| c.is_ascii_alphanumeric()));
        }
    }
}
