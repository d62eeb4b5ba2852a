//! OS notifications behind core's attention policy ([`athena_core::attention`]): core
//! decides when (an execution answered, failed or needs an approval while the window is
//! not focused) and makes the text safe; this module shows it with
//! tauri-plugin-notification, tells core whether the main window has the focus, and
//! brings the window and the conversation to the front when the user clicks one.
//!
//! Clicks: on Linux the plugin offers the freedesktop `default` action and reports its
//! `ActionInvoked` signal as `tap` (servers that show no actions, or that the user
//! dismisses, report nothing); on macOS and Windows it waits for the response of each
//! notification. The conversation travels in the notification's own payload, and opens
//! through the same path as an `athena-desktop://conversation/...` link (core's parser
//! judges it again), so a click can do nothing a link could not.
//!
//! The page is granted none of the plugin's commands: notifications start in Rust only.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use athena_core::attention::{Attention, FocusSource, Notification, Notifier};
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_notification::NotificationExt;

/// The key of the conversation's id in a notification's payload.
const CONVERSATION: &str = "conversationId";

/// The OS's notifications, through the plugin.
pub(crate) struct SystemNotifier<R: Runtime>(pub(crate) AppHandle<R>);

impl<R: Runtime> Notifier for SystemNotifier<R> {
    fn show(&self, notification: Notification) {
        // The plugin sends it from a blocking task: this returns at once.
        let shown = self
            .0
            .notification()
            .builder()
            .title(notification.title())
            .body(notification.body())
            .extra(CONVERSATION, notification.conversation_id())
            .show();
        match shown {
            Ok(()) => tracing::info!("a notification was sent"),
            Err(err) => tracing::warn!(error = %err, "a notification could not be sent"),
        }
    }
}

/// The user's on/off switch over core's policy, as managed state for the setting's
/// command.
#[derive(Debug, Clone)]
pub(crate) struct NotificationSwitch(pub(crate) Arc<Attention>);

impl NotificationSwitch {
    /// Turns notifications on or off.
    pub(crate) fn set(&self, on: bool) {
        self.0.set_enabled(on);
    }
}

/// Whether the main window has the keyboard focus, as its focus events last said.
#[derive(Debug)]
pub(crate) struct WindowFocus(AtomicBool);

impl Default for WindowFocus {
    /// Focused: a window that was just opened is in front of the user until it says
    /// otherwise, so nothing notifies during start-up (a resumed approval, say).
    fn default() -> Self {
        Self(AtomicBool::new(true))
    }
}

impl FocusSource for WindowFocus {
    fn is_focused(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Keeps `focus` up to date from the window's focus events.
pub(crate) fn track_focus<R: Runtime>(window: &WebviewWindow<R>, focus: Arc<WindowFocus>) {
    window.on_window_event(move |event| {
        if let WindowEvent::Focused(focused) = event {
            tracing::debug!(focused, "the main window's focus changed");
            focus.0.store(*focused, Ordering::Release);
        }
    });
}

/// A click on one of the app's notifications brings the main window to the front and
/// opens the notification's conversation.
pub(crate) fn open_on_click<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    let registered = app.notification().on_action(move |performed| {
        if performed.action_id() != "tap" {
            return;
        }
        let conversation = performed
            .notification()
            .and_then(|n| n.extra().get(CONVERSATION))
            .and_then(serde_json::Value::as_str);
        tracing::info!("a notification was clicked");
        if let Some(window) = handle.get_webview_window("main") {
            // Best effort: without a window manager there is nothing to raise.
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
        if let Some(conversation) = conversation {
            let link = format!(
                "{}://conversation/{conversation}",
                athena_core::deep_link::SCHEME
            );
            crate::deep_link::receive(&handle, &link);
        }
    });
    if let Err(err) = registered {
        tracing::warn!(error = %err, "clicks on notifications will not be followed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_counts_as_focused_until_it_says_otherwise() {
        let focus = WindowFocus::default();
        assert!(focus.is_focused());
        focus.0.store(false, Ordering::Release);
        assert!(!focus.is_focused());
    }
}
