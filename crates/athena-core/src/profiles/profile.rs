//! A profile as the user types it, and the rules it must meet before it is kept.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use super::FieldProblem;
use super::problem::{Problem, Problems, limit_u32};

/// The base URL of the hosted development service, used when the field is left
/// blank. [doc]
pub const DEFAULT_BASE_URL: &str = "https://athena-dev-api.leanscale.com";

/// The most characters of a profile's name (after trimming).
pub const MAX_NAME_CHARS: usize = 100;

/// The most characters of an `external_user_id` (after trimming).
pub const MAX_EXTERNAL_USER_ID_CHARS: usize = 256;

/// What every workspace id starts with. [doc]
pub const WORKSPACE_ID_PREFIX: &str = "workspace:";

/// A profile as entered in the form: one real Athena workspace.
///
/// `Debug` never prints the key.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    /// The name the user gives it. Field `name`.
    pub name: String,
    /// The server; blank means [`DEFAULT_BASE_URL`]. Field `baseUrl`.
    pub base_url: String,
    /// `workspace:…`. Field `workspaceId`.
    pub workspace_id: String,
    /// The API key; `None` (or blank, for an existing profile) keeps the stored one.
    /// Required for a new profile. Field `apiKey`.
    #[serde(default)]
    pub api_key: Option<String>,
    /// The app's user id sent as `external_user_id`; blank means none. Field
    /// `externalUserId`.
    #[serde(default)]
    pub external_user_id: Option<String>,
    /// A CA certificate file (PEM) to trust for this server, besides the system's. Its
    /// contents are checked elsewhere; here it is only carried (an empty path is none).
    #[serde(default)]
    pub ca_certificate: Option<PathBuf>,
}

impl fmt::Debug for ProfileInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileInput")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("workspace_id", &self.workspace_id)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("external_user_id", &self.external_user_id)
            .field("ca_certificate", &self.ca_certificate)
            .finish()
    }
}

/// A profile that passed [`validate_profile`]: trimmed, the base URL normalized
/// (scheme and host lower-case, no trailing `/`), blanks turned into `None`.
///
/// `Debug` never prints the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ValidProfile {
    /// The name, trimmed, 1 to [`MAX_NAME_CHARS`] characters.
    pub name: String,
    /// `http(s)://host[:port][/path]`, no trailing `/`, no credentials, query or
    /// fragment; `http` only for a loopback host.
    pub base_url: String,
    /// `workspace:…`, visible ASCII without spaces.
    pub workspace_id: String,
    /// The new key (`eak_…`/`wak_…`), or `None` to keep the stored one (never `None`
    /// for a new profile).
    pub api_key: Option<String>,
    /// The new key's kind, when there is a new key.
    pub key_kind: Option<KeyKind>,
    /// At most [`MAX_EXTERNAL_USER_ID_CHARS`] characters, `None` when blank.
    pub external_user_id: Option<String>,
    /// The CA certificate file, `None` when not given.
    pub ca_certificate: Option<PathBuf>,
}

impl fmt::Debug for ValidProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidProfile")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("workspace_id", &self.workspace_id)
            .field("api_key", &self.api_key.as_ref().map(|_| "***"))
            .field("key_kind", &self.key_kind)
            .field("external_user_id", &self.external_user_id)
            .field("ca_certificate", &self.ca_certificate)
            .finish()
    }
}

/// Which kind of key a profile uses, read from its prefix. [assumed] `eak_` is an
/// end-user key and `wak_` a workspace key (the Authentication page is not
/// available). Only end-user keys' answers carry `X-Credits-Remaining`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyKind {
    /// `eak_…`.
    EndUser,
    /// `wak_…`.
    Workspace,
}

impl KeyKind {
    /// The kind of `key` (leading and trailing whitespace ignored), or `None` when it
    /// starts with neither `eak_` nor `wak_`.
    pub fn of(key: &str) -> Option<KeyKind> {
        let key = key.trim();
        if key.starts_with("eak_") {
            Some(Self::EndUser)
        } else if key.starts_with("wak_") {
            Some(Self::Workspace)
        } else {
            None
        }
    }
}

/// How a key is shown once stored: `…` and its last 4 characters (fewer if the key
/// is shorter), never more. Leading and trailing whitespace is ignored.
pub fn key_hint(key: &str) -> String {
    let key = key.trim();
    let count = key.chars().count();
    let tail: String = key.chars().skip(count.saturating_sub(4)).collect();
    format!("…{tail}")
}

/// Checks a profile form and returns it normalized, or every problem found (all
/// fields are checked, and a field may have more than one problem).
///
/// `is_new`: a new profile needs an API key; an existing one keeps its stored key
/// when `api_key` is `None` or blank.
///
/// Fields and rules:
/// - `name`: required, at most [`MAX_NAME_CHARS`] characters (trimmed).
/// - `baseUrl`: blank means [`DEFAULT_BASE_URL`]; an absolute URL with a host
///   ([`Problem::NotAUrl`]); `https`, or `http` to a loopback host
///   ([`Problem::HttpsRequired`]); no credentials ([`Problem::HasCredentials`]);
///   no query or fragment ([`Problem::HasQueryOrFragment`]). A trailing `/` is removed.
/// - `workspaceId`: required; `workspace:` and at least one more character
///   ([`Problem::BadPrefix`]); no whitespace; visible ASCII only (it is a header).
/// - `apiKey`: required when new; `eak_` or `wak_` and at least one more character
///   ([`Problem::BadKeyPrefix`]); no whitespace; visible ASCII only (it is a header).
/// - `externalUserId`: optional, at most [`MAX_EXTERNAL_USER_ID_CHARS`] characters.
pub fn validate_profile(
    input: &ProfileInput,
    is_new: bool,
) -> Result<ValidProfile, Vec<FieldProblem>> {
    let mut problems = Problems::default();

    let name = input.name.trim();
    if name.is_empty() {
        problems.add("name", Problem::Required);
    } else if name.chars().count() > MAX_NAME_CHARS {
        problems.add(
            "name",
            Problem::TooLong {
                limit: limit_u32(MAX_NAME_CHARS),
            },
        );
    }

    let base_url = check_base_url(&input.base_url, &mut problems);

    let workspace_id = input.workspace_id.trim();
    if workspace_id.is_empty() {
        problems.add("workspaceId", Problem::Required);
    } else {
        check_prefixed(
            "workspaceId",
            workspace_id,
            WORKSPACE_ID_PREFIX,
            &mut problems,
        );
        check_header_text("workspaceId", workspace_id, &mut problems);
    }

    let api_key = input
        .api_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let mut key_kind = None;
    match api_key {
        None if is_new => problems.add("apiKey", Problem::Required),
        None => {}
        Some(key) => {
            key_kind = KeyKind::of(key);
            if key_kind.is_none() || key.len() == 4 {
                problems.add("apiKey", Problem::BadKeyPrefix);
            }
            check_header_text("apiKey", key, &mut problems);
        }
    }

    let external_user_id = input
        .external_user_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty());
    if let Some(id) = external_user_id
        && id.chars().count() > MAX_EXTERNAL_USER_ID_CHARS
    {
        problems.add(
            "externalUserId",
            Problem::TooLong {
                limit: limit_u32(MAX_EXTERNAL_USER_ID_CHARS),
            },
        );
    }

    let ca_certificate = input
        .ca_certificate
        .clone()
        .filter(|p| !p.as_os_str().is_empty());

    problems.into_result(ValidProfile {
        name: name.to_owned(),
        base_url: base_url.unwrap_or_default(),
        workspace_id: workspace_id.to_owned(),
        api_key: api_key.map(str::to_owned),
        key_kind,
        external_user_id: external_user_id.map(str::to_owned),
        ca_certificate,
    })
}

/// The normalized base URL, or `None` after adding its problems.
fn check_base_url(text: &str, problems: &mut Problems) -> Option<String> {
    const FIELD: &str = "baseUrl";
    let text = text.trim();
    let text = if text.is_empty() {
        DEFAULT_BASE_URL
    } else {
        text
    };
    let Ok(url) = Url::parse(text) else {
        problems.add(FIELD, Problem::NotAUrl);
        return None;
    };
    let Some(host) = url.host() else {
        // `localhost:8080` parses with the scheme `localhost` and no host.
        problems.add(FIELD, Problem::NotAUrl);
        return None;
    };
    let before = problems.len();
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        _ => problems.add(FIELD, Problem::HttpsRequired),
    }
    if !url.username().is_empty() || url.password().is_some() {
        problems.add(FIELD, Problem::HasCredentials);
    }
    if url.query().is_some() || url.fragment().is_some() {
        problems.add(FIELD, Problem::HasQueryOrFragment);
    }
    (problems.len() == before).then(|| url.as_str().trim_end_matches('/').to_owned())
}

/// Whether `host` is this computer: `localhost`, `127.0.0.0/8` or `::1` (also as an
/// IPv4-mapped address).
fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => {
            *ip == Ipv6Addr::LOCALHOST
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4: Ipv4Addr| IpAddr::V4(v4).is_loopback())
        }
    }
}

/// Adds [`Problem::BadPrefix`] unless `value` is `prefix` and at least one more
/// character.
pub(super) fn check_prefixed(field: &str, value: &str, prefix: &str, problems: &mut Problems) {
    if !value.starts_with(prefix) || value.len() == prefix.len() {
        problems.add(
            field,
            Problem::BadPrefix {
                expected: prefix.to_owned(),
            },
        );
    }
}

/// Adds [`Problem::HasWhitespace`] for whitespace and [`Problem::BadCharacters`] for
/// any other character outside visible ASCII.
fn check_header_text(field: &str, value: &str, problems: &mut Problems) {
    if value.chars().any(char::is_whitespace) {
        problems.add(field, Problem::HasWhitespace);
    }
    if value
        .chars()
        .any(|c| !c.is_whitespace() && !c.is_ascii_graphic())
    {
        problems.add(field, Problem::BadCharacters);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_mapped_loopback_is_loopback() {
        let url = Url::parse("http://[::ffff:127.0.0.1]:8080").expect("url");
        assert!(is_loopback(&url.host().expect("host")));
        let url = Url::parse("http://[::ffff:10.0.0.1]:8080").expect("url");
        assert!(!is_loopback(&url.host().expect("host")));
    }

    #[test]
    fn debug_never_prints_the_key() {
        let input = ProfileInput {
            api_key: Some("eak_secret123".into()),
            ..ProfileInput::default()
        };
        assert!(!format!("{input:?}").contains("secret"));
        let valid = ValidProfile {
            name: "n".into(),
            base_url: DEFAULT_BASE_URL.into(),
            workspace_id: "workspace:w".into(),
            api_key: Some("eak_secret123".into()),
            key_kind: Some(KeyKind::EndUser),
            external_user_id: None,
            ca_certificate: None,
        };
        assert!(!format!("{valid:?}").contains("secret"));
    }
}
