//! The app's settings: UI preferences kept in one JSON file, versioned and validated
//! on load.
//!
//! Why validation lives here and not in the store that writes the file: the file is
//! the user's to edit, and an app of another version may have written it. Reading it
//! must never crash the app nor quietly keep half of it, and must never destroy what a
//! newer app wrote. [`load`] therefore says, for any bytes, which settings to use and
//! what was wrong; the shell backs the file up and tells the user before it replaces
//! anything.
//!
//! Invariants:
//! - **Settings never hold a secret.** Every field is a preference (a theme, a flag,
//!   an id); API keys live in the OS keychain. [`Settings::validate`] refuses any text
//!   that looks like a key (`eak_…`, `wak_…`, `api_key=…`), so a careless or hostile
//!   caller cannot smuggle one into the file through an id.
//! - The file is one JSON object: [`Settings::to_json`] gives its entries, each one a
//!   key of the shell's store; nothing else is ever written.
//! - [`load`] accepts exactly what [`Settings::validate`] accepts, after migrating an
//!   older version: a file it accepts round-trips through [`Settings::to_json`].
//! - No [`SettingsProblem`] quotes the file: its reasons are fixed words, so a problem
//!   may be logged or shown without leaking what the file held.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::redact::redact_secrets;
use crate::tools::command::{CommandToolSpec, check_all};
use crate::tools::mcp::{McpServerSpec, check_servers};

/// The version of the settings file this app writes. A file without a version is
/// taken as version 1 (the first), a file of an older version is migrated step by
/// step ([`MIGRATIONS`]), a file of a newer version is left alone.
pub const SETTINGS_VERSION: u32 = 1;

/// The largest settings file read, in bytes. Preferences take a few kilobytes; a
/// larger file is not ours (or is damaged) and is not parsed.
pub const MAX_SETTINGS_BYTES: usize = 1024 * 1024;

/// The longest id kept (a workspace key holds its server's URL), in characters.
pub const MAX_ID_CHARS: usize = 4_096;

/// The app's settings. Every field has a default, so a file may omit any of them.
///
/// Holds UI preferences only: no field is, or may ever become, a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// The version of this shape: [`SETTINGS_VERSION`].
    pub version: u32,
    /// Show what a message would cost before sending it.
    pub always_preview_cost: bool,
    /// Tell the user, with an OS notification, when an answer arrives, fails or needs
    /// their approval while the window is not focused ([`crate::attention`]). On by
    /// default.
    pub notifications: bool,
    /// Light, dark, or as the system says.
    pub theme: Theme,
    /// The workspace to open at start, by its app id, when it still exists.
    pub active_workspace: Option<String>,
    /// Per-workspace preferences, by workspace id.
    pub workspaces: BTreeMap<String, WorkspacePreferences>,
    /// Where the app asks for updates (an `https` address serving the updater's
    /// `latest.json`). `None`, the default, means the app never asks: updates are off
    /// until someone who runs a release server sets it.
    pub update_endpoint: Option<String>,
    /// The user's command tools ([`crate::tools::command`]), in the order added.
    pub command_tools: Vec<CommandToolSpec>,
    /// The user's MCP servers ([`crate::tools::mcp`]), in the order added.
    pub mcp_servers: Vec<McpServerSpec>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: SETTINGS_VERSION,
            always_preview_cost: false,
            notifications: true,
            theme: Theme::default(),
            active_workspace: None,
            workspaces: BTreeMap::new(),
            update_endpoint: None,
            command_tools: Vec::new(),
            mcp_servers: Vec::new(),
        }
    }
}

/// The colour scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    /// Follow the operating system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The name used in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [Self::System, Self::Light, Self::Dark]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

/// What the app remembers about one workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkspacePreferences {
    /// The agent picked last in that workspace.
    pub last_agent_id: Option<String>,
}

/// What was wrong with the settings file. Serialized for the UI with its `code`
/// (`corrupt`, `invalid`, `newer`, `unreadable`); the reasons are fixed words, never
/// text from the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum SettingsProblem {
    /// Not a JSON object (not JSON, empty, too large, or another JSON value): the file
    /// is replaced by the defaults.
    #[error("the settings file is not a settings object: {reason}")]
    Corrupt {
        /// What is wrong, in fixed words.
        reason: String,
    },
    /// A field has the wrong type or value: the whole file is replaced by the
    /// defaults.
    #[error("the setting {field} is not valid: {reason}")]
    Invalid {
        /// The field, as named in the file (`theme`, `workspaces`...).
        field: String,
        /// What it should be, in fixed words.
        reason: String,
    },
    /// The file was written by a newer app: this run uses the defaults and leaves the
    /// file as it is.
    #[error("the settings file is of version {version}, newer than this app's")]
    Newer {
        /// The file's version.
        version: u32,
    },
    /// The file exists but could not be read (permissions, a folder in its place...):
    /// this run uses the defaults and leaves it as it is. Reported by the shell, which
    /// reads the file; never by [`load`].
    #[error("the settings file could not be read: {reason}")]
    Unreadable {
        /// The kind of I/O error.
        reason: String,
    },
}

impl SettingsProblem {
    fn corrupt(reason: &str) -> Self {
        Self::Corrupt {
            reason: reason.to_owned(),
        }
    }

    fn invalid(field: &str, reason: &str) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }
}

/// The outcome of reading the settings file: what to use, and what to do with the
/// file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsLoad {
    /// The settings to use: the file's when it was valid, else the defaults.
    pub settings: Settings,
    /// What was wrong with the file, if anything (a missing file is not a problem).
    pub problem: Option<SettingsProblem>,
    /// The file must not be written this run: a newer app wrote it.
    pub read_only: bool,
    /// The file should be replaced by [`settings`](Self::settings): it was migrated or
    /// had no version, or (with a problem) it is being replaced by the defaults. Back
    /// it up first when there is a problem.
    pub rewrite: bool,
}

impl SettingsLoad {
    fn fine(settings: Settings, rewrite: bool) -> Self {
        Self {
            settings,
            problem: None,
            read_only: false,
            rewrite,
        }
    }

    fn replaced(problem: SettingsProblem) -> Self {
        Self {
            settings: Settings::default(),
            problem: Some(problem),
            read_only: false,
            rewrite: true,
        }
    }

    /// The defaults for this run, the file left as it is (a newer app's, or one that
    /// could not be read).
    pub fn kept_aside(problem: SettingsProblem) -> Self {
        Self {
            settings: Settings::default(),
            problem: Some(problem),
            read_only: true,
            rewrite: false,
        }
    }
}

/// One migration step: turns the object of version `n` into that of version `n + 1`,
/// in place, or says why it cannot.
type Migration = fn(&mut Map<String, Value>) -> Result<(), SettingsProblem>;

/// `MIGRATIONS[n - 1]` migrates version `n` to `n + 1`; its length is always
/// `SETTINGS_VERSION - 1` (a unit test checks). Version 1 is the first: none yet.
/// To add version 2: write `fn v1_to_v2(object)` here, bump [`SETTINGS_VERSION`], and
/// change [`Settings`] and [`from_object`] to the new shape.
const MIGRATIONS: &[Migration] = &[];

/// Reads the settings file's bytes (`None` when there is no file).
///
/// - no file: the defaults, no problem;
/// - not a JSON object (or larger than [`MAX_SETTINGS_BYTES`], or empty):
///   [`SettingsProblem::Corrupt`], the defaults, `rewrite`;
/// - a version newer than [`SETTINGS_VERSION`]: [`SettingsProblem::Newer`], the
///   defaults, `read_only`;
/// - a field of the wrong type or value (after migrating an older version):
///   [`SettingsProblem::Invalid`] naming the first such field, the defaults, `rewrite`;
/// - else the file's settings; unknown fields are ignored (a later app of the same
///   version may add some); `rewrite` when it was migrated or had no version.
///
/// A UTF-8 byte order mark (which some editors add) is skipped.
pub fn load(raw: Option<&[u8]>) -> SettingsLoad {
    let Some(raw) = raw else {
        return SettingsLoad::fine(Settings::default(), false);
    };
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    if raw.len() > MAX_SETTINGS_BYTES {
        return SettingsLoad::replaced(SettingsProblem::corrupt("the file is larger than 1 MiB"));
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return SettingsLoad::replaced(SettingsProblem::corrupt("the file is empty"));
    }
    let mut object = match serde_json::from_slice::<Value>(raw) {
        Ok(Value::Object(object)) => object,
        Ok(_) => {
            return SettingsLoad::replaced(SettingsProblem::corrupt(
                "the file is JSON but not an object",
            ));
        }
        Err(_) => return SettingsLoad::replaced(SettingsProblem::corrupt("the file is not JSON")),
    };
    let version = match object.get("version") {
        None => None,
        Some(value) => match value.as_u64().and_then(|v| u32::try_from(v).ok()) {
            Some(v) if v >= 1 => Some(v),
            _ => {
                return SettingsLoad::replaced(SettingsProblem::invalid(
                    "version",
                    "must be a whole number from 1",
                ));
            }
        },
    };
    let from = version.unwrap_or(1);
    if from > SETTINGS_VERSION {
        return SettingsLoad::kept_aside(SettingsProblem::Newer { version: from });
    }
    for step in MIGRATIONS.iter().skip((from - 1) as usize) {
        if let Err(problem) = step(&mut object) {
            return SettingsLoad::replaced(problem);
        }
    }
    match from_object(&object) {
        Ok(settings) => SettingsLoad::fine(settings, version != Some(SETTINGS_VERSION)),
        Err(problem) => SettingsLoad::replaced(problem),
    }
}

/// The settings in a current-version object, each field checked for its type and
/// then the whole for [`Settings::validate`].
fn from_object(object: &Map<String, Value>) -> Result<Settings, SettingsProblem> {
    let mut settings = Settings::default();
    if let Some(value) = present(object, "alwaysPreviewCost") {
        settings.always_preview_cost = value.as_bool().ok_or_else(|| {
            SettingsProblem::invalid("alwaysPreviewCost", "must be true or false")
        })?;
    }
    if let Some(value) = present(object, "notifications") {
        settings.notifications = value
            .as_bool()
            .ok_or_else(|| SettingsProblem::invalid("notifications", "must be true or false"))?;
    }
    if let Some(value) = present(object, "theme") {
        settings.theme = value.as_str().and_then(Theme::parse).ok_or_else(|| {
            SettingsProblem::invalid("theme", "must be \"system\", \"light\" or \"dark\"")
        })?;
    }
    if let Some(value) = present(object, "activeWorkspace") {
        settings.active_workspace = Some(text(value, "activeWorkspace")?);
    }
    if let Some(value) = present(object, "workspaces") {
        let Value::Object(workspaces) = value else {
            return Err(SettingsProblem::invalid(
                "workspaces",
                "must be an object of workspace preferences",
            ));
        };
        for (id, preferences) in workspaces {
            let Value::Object(preferences) = preferences else {
                return Err(SettingsProblem::invalid(
                    "workspaces",
                    "each workspace's preferences must be an object",
                ));
            };
            let mut kept = WorkspacePreferences::default();
            if let Some(value) = present(preferences, "lastAgentId") {
                kept.last_agent_id = Some(text(value, "workspaces.lastAgentId")?);
            }
            settings.workspaces.insert(id.clone(), kept);
        }
    }
    if let Some(value) = present(object, "updateEndpoint") {
        settings.update_endpoint = Some(text(value, "updateEndpoint")?);
    }
    if let Some(value) = present(object, "commandTools") {
        settings.command_tools = serde_json::from_value(value.clone()).map_err(|_| {
            SettingsProblem::invalid(
                "commandTools",
                "must be a list of command tools (name, description, parameters, executable...)",
            )
        })?;
    }
    if let Some(value) = present(object, "mcpServers") {
        settings.mcp_servers = serde_json::from_value(value.clone()).map_err(|_| {
            SettingsProblem::invalid(
                "mcpServers",
                "must be a list of MCP servers (id, name, commandLine, enabled)",
            )
        })?;
    }
    settings.validate()?;
    Ok(settings)
}

/// A field's value, `None` when it is absent or `null` (the default then applies).
fn present<'a>(object: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    object.get(field).filter(|v| !v.is_null())
}

fn text(value: &Value, field: &str) -> Result<String, SettingsProblem> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| SettingsProblem::invalid(field, "must be text"))
}

impl Settings {
    /// Checks what types cannot: the version is [`SETTINGS_VERSION`], and every id is
    /// non-empty, at most [`MAX_ID_CHARS`] characters and nothing like a secret.
    ///
    /// # Errors
    /// [`SettingsProblem::Invalid`] naming the first field that breaks a rule.
    pub fn validate(&self) -> Result<(), SettingsProblem> {
        if self.version != SETTINGS_VERSION {
            return Err(SettingsProblem::invalid(
                "version",
                "must be this app's settings version",
            ));
        }
        if let Some(id) = &self.active_workspace {
            check_id(id, "activeWorkspace")?;
        }
        for (id, preferences) in &self.workspaces {
            check_id(id, "workspaces")?;
            if let Some(agent) = &preferences.last_agent_id {
                check_id(agent, "workspaces.lastAgentId")?;
            }
        }
        if let Some(endpoint) = &self.update_endpoint {
            check_update_endpoint(endpoint)?;
        }
        check_all(&self.command_tools).map_err(|problem| {
            // A schema's compile error may quote the schema: fixed words instead.
            let reason = if problem.field.ends_with(".parameters") {
                "must be a usable JSON Schema of an object"
            } else {
                &problem.reason
            };
            SettingsProblem::invalid(&problem.field, reason)
        })?;
        check_servers(&self.mcp_servers)
            .map_err(|problem| SettingsProblem::invalid(&problem.field, &problem.reason))?;
        Ok(())
    }

    /// The settings as the file's JSON object: one entry per field, every field
    /// present (`null` for an unset id).
    pub fn to_json(&self) -> Map<String, Value> {
        let workspaces: Map<String, Value> = self
            .workspaces
            .iter()
            .map(|(id, preferences)| {
                (
                    id.clone(),
                    json!({ "lastAgentId": preferences.last_agent_id }),
                )
            })
            .collect();
        let mut object = Map::new();
        object.insert("version".into(), json!(self.version));
        object.insert(
            "alwaysPreviewCost".into(),
            Value::Bool(self.always_preview_cost),
        );
        object.insert("notifications".into(), Value::Bool(self.notifications));
        object.insert("theme".into(), Value::from(self.theme.as_str()));
        object.insert("activeWorkspace".into(), json!(self.active_workspace));
        object.insert("workspaces".into(), Value::Object(workspaces));
        object.insert("updateEndpoint".into(), json!(self.update_endpoint));
        object.insert("commandTools".into(), json!(self.command_tools));
        object.insert("mcpServers".into(), json!(self.mcp_servers));
        object
    }
}

/// The longest update address kept, in characters.
const MAX_UPDATE_ENDPOINT_CHARS: usize = 2_048;

/// An update address is `https` (an update is code the app will run: it must not be
/// swapped on the way, though its signature is checked too), has no user or password
/// in it, and holds nothing like a secret. `{{current_version}}`, `{{target}}` and
/// `{{arch}}` are the updater's placeholders and are allowed.
fn check_update_endpoint(endpoint: &str) -> Result<(), SettingsProblem> {
    const FIELD: &str = "updateEndpoint";
    if endpoint.chars().count() > MAX_UPDATE_ENDPOINT_CHARS {
        return Err(SettingsProblem::invalid(
            FIELD,
            "must be at most 2,048 characters",
        ));
    }
    let url = url::Url::parse(endpoint)
        .map_err(|_| SettingsProblem::invalid(FIELD, "must be an https address"))?;
    if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
        return Err(SettingsProblem::invalid(FIELD, "must be an https address"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(SettingsProblem::invalid(
            FIELD,
            "must not hold a user name or password",
        ));
    }
    if matches!(redact_secrets(endpoint), Cow::Owned(_)) {
        return Err(SettingsProblem::invalid(
            FIELD,
            "looks like a secret; settings never hold secrets",
        ));
    }
    Ok(())
}

fn check_id(id: &str, field: &str) -> Result<(), SettingsProblem> {
    if id.trim().is_empty() {
        return Err(SettingsProblem::invalid(field, "an id must not be empty"));
    }
    if id.chars().count() > MAX_ID_CHARS {
        return Err(SettingsProblem::invalid(
            field,
            "an id must be at most 4,096 characters",
        ));
    }
    if matches!(redact_secrets(id), Cow::Owned(_)) {
        return Err(SettingsProblem::invalid(
            field,
            "looks like a secret; settings never hold secrets",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_one_migration_step_per_older_version() {
        assert_eq!(MIGRATIONS.len(), (SETTINGS_VERSION - 1) as usize);
    }

    #[test]
    fn to_json_and_the_derived_serialization_agree() {
        let mut settings = Settings {
            always_preview_cost: true,
            notifications: false,
            theme: Theme::Dark,
            active_workspace: Some("demo".into()),
            update_endpoint: Some("https://releases.example.com/{{target}}/latest.json".into()),
            mcp_servers: vec![McpServerSpec {
                id: "m1".into(),
                name: "files".into(),
                command_line: "npx -y files-server '/home/ann/My Files'".into(),
                enabled: true,
            }],
            ..Settings::default()
        };
        settings.workspaces.insert(
            "demo".into(),
            WorkspacePreferences {
                last_agent_id: Some("agent:demo-chat".into()),
            },
        );
        settings
            .workspaces
            .insert("other".into(), WorkspacePreferences::default());
        let derived = serde_json::to_value(&settings).expect("serializes");
        assert_eq!(Value::Object(settings.to_json()), derived);
        let back: Settings = serde_json::from_value(derived).expect("deserializes");
        assert_eq!(back, settings);
    }

    #[test]
    fn notifications_are_on_unless_turned_off_and_must_be_a_flag() {
        assert!(Settings::default().notifications);
        assert!(load(Some(br#"{"version":1}"#)).settings.notifications);
        let off = load(Some(br#"{"version":1,"notifications":false}"#));
        assert_eq!(off.problem, None);
        assert!(!off.settings.notifications);
        let bad = load(Some(br#"{"version":1,"notifications":"no"}"#));
        assert!(
            matches!(bad.problem, Some(SettingsProblem::Invalid { ref field, .. }) if field == "notifications"),
            "{:?}",
            bad.problem
        );
        assert!(bad.settings.notifications, "the default replaces it");
    }

    #[test]
    fn updates_are_off_until_an_https_endpoint_is_set() {
        assert_eq!(Settings::default().update_endpoint, None);
        let loaded = load(Some(
            br#"{"version":1,"updateEndpoint":"https://releases.example.com/latest.json"}"#,
        ));
        assert_eq!(loaded.problem, None);
        assert_eq!(
            loaded.settings.update_endpoint.as_deref(),
            Some("https://releases.example.com/latest.json")
        );
        for endpoint in [
            "http://releases.example.com/latest.json",
            "file:///tmp/latest.json",
            "https://user:pw@releases.example.com/latest.json",
            "https://releases.example.com/latest.json?api_key=abcdefgh12345678",
            "not an address",
        ] {
            let settings = Settings {
                update_endpoint: Some(endpoint.into()),
                ..Settings::default()
            };
            assert!(
                matches!(settings.validate(), Err(SettingsProblem::Invalid { ref field, .. }) if field == "updateEndpoint"),
                "{endpoint}"
            );
        }
    }
}
