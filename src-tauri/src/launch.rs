//! The command line and environment of a scripted run: a data folder of its own, and a
//! workspace for this run beside the demo one (how the real-window suite reaches a
//! standalone emulator, and how a person tries the app against their own server).
//!
//! ```text
//! athena-desktop [--data-dir DIR] [--base-url URL --workspace-id ID --api-key-file FILE]
//!                [--workspace-name NAME] [--agents FILE]
//! ```
//! `ATHENA_BASE_URL`, `ATHENA_WORKSPACE_ID` and `ATHENA_API_KEY` stand in for the three
//! workspace flags. The key is never taken from the command line itself, where every
//! other user of the computer can read it (`ps`): it comes from a file or the
//! environment, and is held in memory only.

use std::path::PathBuf;

use athena_api::ApiKey;

/// A workspace given for this run only.
#[derive(Clone)]
pub struct RunWorkspace {
    /// The server, e.g. `https://api.athena.example` or `http://127.0.0.1:8787`.
    pub base_url: String,
    /// `workspace:...`.
    pub workspace_id: String,
    /// The key, in memory only.
    pub api_key: ApiKey,
    /// The name shown; defaults to the workspace id.
    pub name: Option<String>,
    /// The agents file to offer its agents from.
    pub agents_file: Option<PathBuf>,
}

impl std::fmt::Debug for RunWorkspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunWorkspace")
            .field("base_url", &self.base_url)
            .field("workspace_id", &self.workspace_id)
            .field("api_key", &self.api_key)
            .field("name", &self.name)
            .field("agents_file", &self.agents_file)
            .finish()
    }
}

/// What the command line and environment ask for.
#[derive(Debug, Default)]
pub struct CommandLine {
    /// `--data-dir`: keep data, media and logs here.
    pub data_dir: Option<PathBuf>,
    /// The run's workspace, when given.
    pub workspace: Option<RunWorkspace>,
    /// An `athena-desktop://` link the app was started for (the OS passes it as the
    /// only argument), unread: core's parser judges it once the app is up, so that a
    /// refused link is shown to the user rather than ending the start.
    pub deep_link: Option<String>,
}

/// The usage text printed after a bad option.
pub const USAGE: &str = "\
usage: athena-desktop [--data-dir DIR]
                      [--base-url URL --workspace-id workspace:NAME --api-key-file FILE]
                      [--workspace-name NAME] [--agents FILE] [athena-desktop://LINK]

  --data-dir DIR          keep this run's data, media and logs in DIR
  --base-url URL          the Athena server of a workspace for this run (env ATHENA_BASE_URL);
                          https, or http to a loopback address
  --workspace-id ID       its workspace id (env ATHENA_WORKSPACE_ID)
  --api-key-file FILE     a file holding its API key (or env ATHENA_API_KEY); the key is
                          kept in memory only
  --workspace-name NAME   the name to show for it (default: the workspace id)
  --agents FILE           its agents, as an agents file (see the README)
  athena-desktop://LINK   open a chat or prefill a new one (see the README)";

/// Reads `args` (without the program name) and the environment through `env`.
/// The error is one sentence naming the option and what is wrong.
pub fn parse(
    args: impl IntoIterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<CommandLine, String> {
    let mut data_dir = None;
    let mut base_url = None;
    let mut workspace_id = None;
    let mut key_file: Option<PathBuf> = None;
    let mut name = None;
    let mut agents_file = None;
    let mut deep_link = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if athena_core::deep_link::is_deep_link(&arg) {
            if deep_link.replace(arg).is_some() {
                return Err("give at most one athena-desktop:// link".into());
            }
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--data-dir" => data_dir = Some(PathBuf::from(value()?)),
            "--base-url" => base_url = Some(value()?),
            "--workspace-id" => workspace_id = Some(value()?),
            "--api-key-file" => key_file = Some(PathBuf::from(value()?)),
            "--workspace-name" => name = Some(value()?),
            "--agents" => agents_file = Some(PathBuf::from(value()?)),
            "--api-key" => {
                return Err(
                    "--api-key is not accepted: a key on the command line can be read \
                            by every user of this computer. Use --api-key-file FILE or the \
                            ATHENA_API_KEY environment variable"
                        .into(),
                );
            }
            _ => return Err(format!("unknown option \"{arg}\"")),
        }
    }
    let nonempty = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let base_url = base_url.or_else(|| nonempty(env("ATHENA_BASE_URL")));
    let workspace_id = workspace_id.or_else(|| nonempty(env("ATHENA_WORKSPACE_ID")));
    let api_key = match key_file {
        Some(path) => Some(read_key_file(&path)?),
        None => nonempty(env("ATHENA_API_KEY")),
    };
    let workspace = match (base_url, workspace_id, api_key) {
        (None, None, None) => {
            if agents_file.is_some() || name.is_some() {
                return Err(
                    "--agents and --workspace-name need a workspace: give --base-url, \
                     --workspace-id and --api-key-file too"
                        .into(),
                );
            }
            None
        }
        (Some(base_url), Some(workspace_id), Some(api_key)) => Some(RunWorkspace {
            base_url: check_base_url(&base_url)?,
            workspace_id: check_workspace_id(&workspace_id)?,
            api_key: ApiKey::new(api_key),
            name,
            agents_file,
        }),
        (base_url, workspace_id, api_key) => {
            let mut missing = Vec::new();
            if base_url.is_none() {
                missing.push("--base-url (or ATHENA_BASE_URL)");
            }
            if workspace_id.is_none() {
                missing.push("--workspace-id (or ATHENA_WORKSPACE_ID)");
            }
            if api_key.is_none() {
                missing.push("--api-key-file (or ATHENA_API_KEY)");
            }
            return Err(format!(
                "a workspace for this run needs all three of its settings; missing: {}",
                missing.join(", ")
            ));
        }
    };
    Ok(CommandLine {
        data_dir,
        workspace,
        deep_link,
    })
}

fn read_key_file(path: &std::path::Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("--api-key-file: cannot read {}: {e}", path.display()))?;
    let key = text.trim();
    if key.is_empty() {
        return Err(format!("--api-key-file: {} is empty", path.display()));
    }
    Ok(key.to_owned())
}

/// `https`, or `http` to a loopback host (a local server); no credentials, no query.
fn check_base_url(raw: &str) -> Result<String, String> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| format!("--base-url: \"{raw}\" is not an address ({e})"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(format!(
                "--base-url: \"{raw}\" must use https (plain http is allowed only to this computer)"
            ));
        }
        other => return Err(format!("--base-url: the scheme \"{other}\" is not http(s)")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("--base-url: put no user name or password in the address".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("--base-url: \"{raw}\" must not have a ? or # part"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn check_workspace_id(raw: &str) -> Result<String, String> {
    let id = raw.trim();
    if id.len() > "workspace:".len() && id.starts_with("workspace:") {
        Ok(id.to_owned())
    } else {
        Err(format!(
            "--workspace-id: \"{raw}\" must look like workspace:NAME"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_with(args: &[&str], env: &[(&str, &str)]) -> Result<CommandLine, String> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        parse(args.iter().map(|a| (*a).to_owned()), move |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    fn key_file(content: &str) -> (tempdir::Dir, String) {
        let dir = tempdir::Dir::new();
        let path = dir.0.join("key");
        std::fs::write(&path, content).expect("write key");
        let shown = path.display().to_string();
        (dir, shown)
    }

    mod tempdir {
        pub struct Dir(pub std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                let p =
                    std::env::temp_dir().join(format!("athena-launch-{}", uuid::Uuid::new_v4()));
                std::fs::create_dir_all(&p).expect("temp dir");
                Self(p)
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                std::fs::remove_dir_all(&self.0).ok();
            }
        }
    }

    #[test]
    fn nothing_given_means_the_demo_workspace_only() {
        let line = parse_with(&[], &[]).expect("ok");
        assert!(line.workspace.is_none() && line.data_dir.is_none());
    }

    #[test]
    fn flags_and_a_key_file_make_a_run_workspace() {
        let (_dir, key) = key_file("eak_test_123\n");
        let line = parse_with(
            &[
                "--data-dir",
                "/tmp/run",
                "--base-url=http://127.0.0.1:8787/",
                "--workspace-id",
                "workspace:e2e",
                "--api-key-file",
                &key,
                "--agents",
                "agents.json",
            ],
            &[],
        )
        .expect("ok");
        let ws = line.workspace.expect("workspace");
        assert_eq!(line.data_dir, Some(PathBuf::from("/tmp/run")));
        assert_eq!(ws.base_url, "http://127.0.0.1:8787");
        assert_eq!(ws.workspace_id, "workspace:e2e");
        assert_eq!(ws.api_key.expose(), "eak_test_123");
        assert_eq!(ws.agents_file, Some(PathBuf::from("agents.json")));
        assert!(!format!("{ws:?}").contains("eak_test_123"));
    }

    #[test]
    fn the_environment_stands_in_for_the_flags() {
        let line = parse_with(
            &[],
            &[
                ("ATHENA_BASE_URL", "https://api.example.com"),
                ("ATHENA_WORKSPACE_ID", "workspace:w"),
                ("ATHENA_API_KEY", "wak_x"),
            ],
        )
        .expect("ok");
        assert_eq!(
            line.workspace.expect("ws").base_url,
            "https://api.example.com"
        );
    }

    #[test]
    fn a_deep_link_is_kept_unread_for_the_app() {
        let line =
            parse_with(&["athena-desktop://new?text=hi", "--data-dir", "/d"], &[]).expect("ok");
        assert_eq!(
            line.deep_link.as_deref(),
            Some("athena-desktop://new?text=hi")
        );
        // A hostile link still starts the app, which then refuses it with a notice.
        let line = parse_with(&["athena-desktop://steal?everything"], &[]).expect("ok");
        assert!(line.deep_link.is_some());
        let err = parse_with(&["athena-desktop://new", "athena-desktop://new"], &[])
            .expect_err("two links");
        assert!(err.contains("at most one"), "{err}");
    }

    #[test]
    fn bad_input_is_named() {
        for (args, env, needle) in [
            (
                &["--base-url", "https://a.example"][..],
                &[][..],
                "missing: --workspace-id",
            ),
            (&["--api-key", "eak_x"][..], &[][..], "--api-key-file"),
            (&["--bogus"][..], &[][..], "unknown option"),
            (&["--data-dir"][..], &[][..], "--data-dir needs a value"),
            (&["--agents", "a.json"][..], &[][..], "need a workspace"),
            (
                &[][..],
                &[
                    ("ATHENA_BASE_URL", "http://api.example.com"),
                    ("ATHENA_WORKSPACE_ID", "workspace:w"),
                    ("ATHENA_API_KEY", "k"),
                ][..],
                "must use https",
            ),
            (
                &[][..],
                &[
                    ("ATHENA_BASE_URL", "https://api.example.com"),
                    ("ATHENA_WORKSPACE_ID", "w"),
                    ("ATHENA_API_KEY", "k"),
                ][..],
                "workspace:NAME",
            ),
            (
                &["--api-key-file", "/no/such/key"][..],
                &[][..],
                "cannot read /no/such/key",
            ),
        ] {
            let err = parse_with(args, env).expect_err(needle);
            assert!(err.contains(needle), "{err:?} should contain {needle:?}");
        }
    }
}
