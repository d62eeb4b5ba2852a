//! The notification setting. Thin: the settings check and store it; core's policy
//! reads the switch (notifications.rs holds it).

use tauri::State;

use crate::ipc::{AppError, NotificationsView};
use crate::notifications::NotificationSwitch;
use crate::settings::AppSettings;

/// Whether notifications are on.
#[tauri::command]
#[specta::specta]
pub fn get_notifications(settings: State<'_, AppSettings>) -> NotificationsView {
    NotificationsView {
        enabled: settings.get().notifications,
    }
}

/// Turns notifications on or off; saved, then followed from the next event on.
// Off the main thread: it writes the settings file.
#[tauri::command(async)]
#[specta::specta]
pub fn set_notifications(
    settings: State<'_, AppSettings>,
    switch: State<'_, NotificationSwitch>,
    on: bool,
) -> Result<NotificationsView, AppError> {
    let saved = settings.update(|s| s.notifications = on).map_err(|err| {
        tracing::warn!(?err, "the notification setting was not saved");
        AppError::Storage
    })?;
    switch.set(saved.notifications);
    Ok(NotificationsView {
        enabled: saved.notifications,
    })
}
