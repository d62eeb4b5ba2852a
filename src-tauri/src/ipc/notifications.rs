//! The notification setting, as the page sees it.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Whether the app notifies when an answer arrives, fails or needs an approval while
/// its window is not focused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NotificationsView {
    /// On or off.
    pub enabled: bool,
}
