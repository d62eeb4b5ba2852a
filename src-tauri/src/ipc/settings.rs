//! The app's settings as the page sees them, and what went wrong reading them.

use serde::{Deserialize, Serialize};
use specta::Type;

/// The settings the page shows and changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Show a run's cost before each send.
    pub always_preview_cost: bool,
    /// What went wrong reading the settings file at start, if anything.
    pub notice: Option<SettingsNotice>,
}

/// The settings file could not be used as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsNotice {
    /// What was wrong.
    pub problem: SettingsProblem,
    /// Where the file was copied before the defaults replaced it.
    pub backup: Option<String>,
}

/// What was wrong with the settings file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum SettingsProblem {
    /// Not a settings object.
    Corrupt {
        /// Why (technical).
        reason: String,
    },
    /// A setting of the wrong type or value.
    Invalid {
        /// Which.
        field: String,
        /// Why.
        reason: String,
    },
    /// Written by a newer version of the app; left untouched.
    Newer {
        /// Its version.
        version: u32,
    },
    /// There but unreadable; left untouched.
    Unreadable {
        /// Why (technical).
        reason: String,
    },
}

impl SettingsView {
    /// The settings as now, with the start-up notice.
    pub(crate) fn new(settings: &crate::settings::AppSettings) -> Self {
        use athena_core::settings::SettingsProblem as P;
        Self {
            always_preview_cost: settings.get().always_preview_cost,
            notice: settings.notice().map(|n| SettingsNotice {
                problem: match n.problem {
                    P::Corrupt { reason } => SettingsProblem::Corrupt { reason },
                    P::Invalid { field, reason } => SettingsProblem::Invalid { field, reason },
                    P::Newer { version } => SettingsProblem::Newer { version },
                    P::Unreadable { reason } => SettingsProblem::Unreadable { reason },
                },
                backup: n.backup.map(|p| p.display().to_string()),
            }),
        }
    }
}
