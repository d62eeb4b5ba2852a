//! How the window looks, as the page sees it.

use athena_core::settings::Theme as CoreTheme;
use serde::{Deserialize, Serialize};
use specta::Type;

/// The colour scheme the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ThemeChoice {
    /// Follow the operating system's light or dark setting.
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl From<CoreTheme> for ThemeChoice {
    fn from(theme: CoreTheme) -> Self {
        match theme {
            CoreTheme::System => Self::System,
            CoreTheme::Light => Self::Light,
            CoreTheme::Dark => Self::Dark,
        }
    }
}

impl From<ThemeChoice> for CoreTheme {
    fn from(choice: ThemeChoice) -> Self {
        match choice {
            ThemeChoice::System => Self::System,
            ThemeChoice::Light => Self::Light,
            ThemeChoice::Dark => Self::Dark,
        }
    }
}

/// The appearance settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppearanceView {
    /// The chosen colour scheme.
    pub theme: ThemeChoice,
}
