//! Saved workspaces ("profiles"), their agents and what runs cost, as the settings
//! screen, the wizard form and the status bar see them. A key never crosses: only
//! where it is kept, its kind and its last four characters.

use serde::{Deserialize, Serialize};
use specta::Type;

use super::workspace::WorkspaceOverview;

/// Where a workspace comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ProfileKind {
    /// The built-in demo workspace.
    Demo,
    /// Given on the command line for this run only.
    Run,
    /// Saved by the user.
    Profile,
}

/// Where a workspace's key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum KeyState {
    /// In the OS keychain.
    Keychain,
    /// In memory for this session only.
    Session,
    /// Not found: the user must enter it again.
    Missing,
    /// Given for this run.
    RunOnly,
    /// Made by the app for the demo server.
    Demo,
}

/// What the key is, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum KeyKind {
    /// `eak_`.
    EndUser,
    /// `wak_`.
    Workspace,
}

/// A workspace's key as the user is shown it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    /// Where it is kept.
    pub state: KeyState,
    /// Its kind, when known.
    pub kind: Option<KeyKind>,
    /// `…` and its last four characters, when there is one.
    pub hint: Option<String>,
}

/// A custom certificate authority a profile trusts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CaCertificateView {
    /// The file.
    pub path: String,
    /// Whom it names.
    pub subject: String,
}

/// One workspace in the settings screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    /// The app's id for it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its server.
    pub base_url: String,
    /// `workspace:...`.
    pub workspace_id: String,
    /// Where it comes from.
    pub kind: ProfileKind,
    /// Its key, without the key.
    pub key: KeyView,
    /// Sent as `external_user_id`, when set.
    pub external_user_id: Option<String>,
    /// Its extra certificate authority, when set.
    pub ca_certificate: Option<CaCertificateView>,
    /// Credits left, as last seen.
    pub credits_remaining: Option<f64>,
    /// The workspace's app version, as last seen.
    pub app_version: Option<String>,
    /// How many agents it offers.
    pub agent_count: u32,
}

/// Whether keys can be kept in the OS keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeychainStatus {
    /// Whether there is one.
    pub available: bool,
    /// Why not, when not (technical).
    pub reason: Option<String>,
}

/// Every workspace for the settings screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileList {
    /// The active workspace's id.
    pub active_id: String,
    /// Every workspace, the demo first.
    pub profiles: Vec<ProfileView>,
    /// Whether keys can be kept in the keychain.
    pub keychain: KeychainStatus,
}

/// The profile form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    /// None for a new profile.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its server (blank: the documented one).
    pub base_url: String,
    /// `workspace:...`.
    pub workspace_id: String,
    /// A new key, or None to keep the stored one.
    pub api_key: Option<String>,
    /// Sent as `external_user_id`.
    pub external_user_id: Option<String>,
    /// A certificate authority file to trust.
    pub ca_certificate_path: Option<String>,
    /// Keep the key in memory for this session only (no keychain).
    pub keep_key_in_memory: bool,
}

/// A problem with one field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// The field, as the form names it.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with a field. The UI owns the words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "code", rename_all = "camelCase")]
pub enum Problem {
    /// Empty.
    Required,
    /// Too long.
    TooLong {
        /// Characters allowed.
        limit: u32,
    },
    /// Not a URL.
    NotAUrl,
    /// http to a host other than this computer.
    HttpsRequired,
    /// A user name or password in the URL.
    HasCredentials,
    /// A query or fragment in the URL.
    HasQueryOrFragment,
    /// Does not start as it must.
    BadPrefix {
        /// The prefix.
        expected: String,
    },
    /// A key that is neither `eak_` nor `wak_`.
    BadKeyPrefix,
    /// Spaces inside.
    HasWhitespace,
    /// Characters a header cannot carry (only visible ASCII).
    BadCharacters,
    /// Given twice.
    Duplicate,
    /// Not a number.
    NotANumber,
    /// Not a whole number.
    NotAnInteger,
    /// Below the minimum.
    BelowMinimum {
        /// The minimum.
        minimum: f64,
    },
    /// Above the maximum.
    AboveMaximum {
        /// The maximum.
        maximum: f64,
    },
    /// Not one of the choices.
    NotAChoice {
        /// The choices.
        choices: Vec<String>,
    },
    /// Not true or false.
    NotABoolean,
    /// Too many bytes.
    TooLarge {
        /// Bytes allowed.
        limit: u32,
        /// Bytes given.
        actual: u32,
    },
    /// A choice variable without choices.
    NoChoices,
    /// A minimum above the maximum.
    MinimumAboveMaximum,
    /// A default that does not fit the variable.
    BadDefault,
    /// A variable the agent does not have.
    UnknownVariable,
    /// A certificate file that cannot be used.
    BadCertificate {
        /// Why (technical).
        reason: String,
    },
}

/// A run's cost before it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CostPreview {
    /// The total.
    pub credits: f64,
    /// The agent's base cost.
    pub base_cost: f64,
    /// Each rule's share.
    pub rules: Vec<CostRule>,
}

/// One credit rule's share of a cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CostRule {
    /// Its name.
    pub name: String,
    /// What it charges for.
    pub description: Option<String>,
    /// Its credits.
    pub credits: f64,
}

/// What checking an agent found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum AgentCheck {
    /// It answers; a run costs at least this.
    Ok {
        /// Its cost with no inputs.
        preview: CostPreview,
    },
    /// 404.
    UnknownAgent,
    /// 401.
    BadKey,
    /// 403.
    WrongWorkspace,
    /// No connection.
    Unreachable,
    /// The certificate is not trusted.
    Tls {
        /// Why (technical).
        reason: String,
    },
    /// A redirect, not followed.
    Redirect {
        /// The 3xx status.
        status: u32,
        /// Where to, when it said.
        location: Option<String>,
    },
    /// No answer in time.
    Timeout,
    /// Another refusal.
    #[serde(rename_all = "camelCase")]
    Refused {
        /// HTTP status.
        status: u32,
        /// The server's code.
        server_code: Option<String>,
        /// The server's sentence.
        server_message: Option<String>,
    },
    /// An answer of unexpected shape.
    Unexpected {
        /// What was wrong (technical).
        reason: String,
    },
}

/// An agent added after its check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentAdded {
    /// The active workspace, as now.
    pub overview: WorkspaceOverview,
    /// What a run of it costs at least.
    pub preview: CostPreview,
}

/// What an import of agents did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentsImported {
    /// New agents.
    pub added: u32,
    /// Agents replaced by the file's.
    pub replaced: u32,
    /// The active workspace, as now.
    pub overview: WorkspaceOverview,
}

/// One agent's check after the workspace changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AgentCheckReport {
    /// The agent.
    pub agent_id: String,
    /// Its name.
    pub agent_name: String,
    /// What the check found.
    pub check: AgentCheck,
}

/// A workspace's credits or app version changed (event).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceStatusChanged {
    /// The workspace.
    pub workspace_id: String,
    /// Credits left.
    pub credits_remaining: Option<f64>,
    /// Its app version.
    pub app_version: Option<String>,
    /// Whether the app version changed.
    pub app_version_changed: bool,
    /// Its agents checked again, after an app version change.
    pub agent_checks: Option<Vec<AgentCheckReport>>,
}

/// Core's type as the IPC type of the same shape. Both are serde types with the same
/// field names and tags (the IPC one is a subset where core says more, e.g. the kind
/// of a TLS failure); a test keeps them in step.
pub(crate) fn same_shape<T: Serialize, U: for<'de> Deserialize<'de>>(core: &T) -> Option<U> {
    serde_json::to_value(core)
        .and_then(serde_json::from_value)
        .map_err(|err| tracing::error!(error = %err, "an IPC type is out of step with core"))
        .ok()
}

impl From<&athena_core::profiles::FieldProblem> for FieldProblem {
    fn from(problem: &athena_core::profiles::FieldProblem) -> Self {
        same_shape(problem).unwrap_or(FieldProblem {
            field: problem.field.clone(),
            problem: Problem::Required,
        })
    }
}

impl From<&athena_core::AgentCheck> for AgentCheck {
    fn from(check: &athena_core::AgentCheck) -> Self {
        same_shape(check).unwrap_or(AgentCheck::Unexpected {
            reason: "the check's outcome could not be shown".into(),
        })
    }
}

impl From<&athena_core::CostPreview> for CostPreview {
    fn from(preview: &athena_core::CostPreview) -> Self {
        Self {
            credits: preview.credits,
            base_cost: preview.base_cost,
            rules: preview
                .rules
                .iter()
                .map(|r| CostRule {
                    name: r.name.clone(),
                    description: r.description.clone(),
                    credits: r.credits,
                })
                .collect(),
        }
    }
}

impl From<athena_core::WorkspaceStatusReport> for WorkspaceStatusChanged {
    fn from(report: athena_core::WorkspaceStatusReport) -> Self {
        Self {
            workspace_id: report.workspace_id,
            credits_remaining: credits(report.status.credits_remaining),
            app_version: report.status.app_version,
            app_version_changed: report.app_version_changed,
            agent_checks: report.agent_checks.map(|checks| {
                checks
                    .iter()
                    .map(|(agent, check)| AgentCheckReport {
                        agent_id: agent.id.clone(),
                        agent_name: agent.name.clone(),
                        check: check.into(),
                    })
                    .collect()
            }),
        }
    }
}

/// Credits as the page gets them: exact in an f64 far beyond any balance.
#[allow(clippy::cast_precision_loss)]
pub(crate) fn credits(value: Option<i64>) -> Option<f64> {
    value.map(|c| c as f64)
}

impl ProfileView {
    /// How the settings screen shows `workspace`, with what the history keeps of it
    /// (`record`, for a saved profile).
    pub fn new(
        workspace: &athena_core::Workspace,
        record: Option<&athena_core::history::ProfileRecord>,
        status: athena_core::WorkspaceStatus,
    ) -> Self {
        use athena_core::{KeyStorage, WorkspaceKind};
        let config = workspace.client.config();
        let key = config.api_key.expose();
        let kind = athena_core::profiles::KeyKind::of(key).map(|k| match k {
            athena_core::profiles::KeyKind::EndUser => KeyKind::EndUser,
            athena_core::profiles::KeyKind::Workspace => KeyKind::Workspace,
        });
        let ca_certificate = record.and_then(|r| r.ca_certificate.as_ref()).map(|path| {
            let subject = athena_api::CaCertificate::from_file(path)
                .ok()
                .and_then(|ca| ca.certificates().first().map(|c| c.subject.clone()))
                .unwrap_or_default();
            CaCertificateView {
                path: path.display().to_string(),
                subject,
            }
        });
        Self {
            id: workspace.id.clone(),
            name: workspace.name.clone(),
            base_url: config.base_url.clone(),
            workspace_id: config.workspace_id.clone(),
            kind: match workspace.kind {
                WorkspaceKind::Demo => ProfileKind::Demo,
                WorkspaceKind::Run => ProfileKind::Run,
                WorkspaceKind::Profile => ProfileKind::Profile,
            },
            key: KeyView {
                state: match workspace.key_storage {
                    KeyStorage::Keychain => KeyState::Keychain,
                    KeyStorage::Session => KeyState::Session,
                    KeyStorage::Missing => KeyState::Missing,
                    KeyStorage::RunOnly => KeyState::RunOnly,
                    KeyStorage::Demo => KeyState::Demo,
                },
                kind,
                hint: (!workspace.key_hint.is_empty()).then(|| workspace.key_hint.clone()),
            },
            external_user_id: workspace.external_user_id.clone(),
            ca_certificate,
            credits_remaining: credits(status.credits_remaining),
            app_version: status.app_version,
            agent_count: u32::try_from(workspace.agents.len()).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use athena_core::profiles::{FieldProblem as CoreField, Problem as P};

    use super::*;

    /// Every problem code of core crosses as the same code: none falls back.
    #[test]
    fn every_core_problem_crosses_as_itself() {
        let all = [
            P::Required,
            P::TooLong { limit: 100 },
            P::NotAUrl,
            P::HttpsRequired,
            P::HasCredentials,
            P::HasQueryOrFragment,
            P::BadPrefix {
                expected: "workspace:".into(),
            },
            P::BadKeyPrefix,
            P::HasWhitespace,
            P::BadCharacters,
            P::Duplicate,
            P::NotANumber,
            P::NotAnInteger,
            P::BelowMinimum { minimum: 1.5 },
            P::AboveMaximum { maximum: 10.0 },
            P::NotAChoice {
                choices: vec!["a".into()],
            },
            P::NotABoolean,
            P::TooLarge {
                limit: 16_384,
                actual: 20_000,
            },
            P::NoChoices,
            P::MinimumAboveMaximum,
            P::BadDefault,
            P::UnknownVariable,
            P::BadCertificate {
                reason: "not PEM".into(),
            },
        ];
        for problem in all {
            let core = CoreField::new("field", problem.clone());
            let crossed: Option<FieldProblem> = same_shape(&core);
            let crossed = crossed.unwrap_or_else(|| panic!("{problem:?} does not cross"));
            assert_eq!(
                serde_json::to_value(&crossed.problem).expect("json"),
                serde_json::to_value(&problem).expect("json")
            );
        }
    }

    /// Every check outcome of core crosses as the same outcome.
    #[test]
    fn every_core_agent_check_crosses_as_itself() {
        use athena_core::AgentCheck as C;
        let preview = athena_core::CostPreview {
            credits: 5.0,
            base_cost: 2.0,
            rules: vec![athena_core::CostRule {
                name: "per_section".into(),
                description: None,
                credits: 3.0,
            }],
        };
        let all = [
            C::Ok { preview },
            C::UnknownAgent,
            C::BadKey,
            C::WrongWorkspace,
            C::Unreachable,
            C::Tls {
                kind: athena_api::TlsFailure::UnknownIssuer,
                reason: "unknown issuer".into(),
            },
            C::Redirect {
                status: 302,
                location: Some("https://sso.example/".into()),
            },
            C::Timeout,
            C::Refused {
                status: 500,
                server_code: Some("boom".into()),
                server_message: None,
            },
            C::Unexpected {
                reason: "no credits".into(),
            },
        ];
        for check in all {
            let crossed: Option<AgentCheck> = same_shape(&check);
            let crossed = crossed.unwrap_or_else(|| panic!("{check:?} does not cross"));
            let outcome = |v: serde_json::Value| v["outcome"].clone();
            assert_eq!(
                outcome(serde_json::to_value(&crossed).expect("json")),
                outcome(serde_json::to_value(&check).expect("json"))
            );
        }
    }
}
