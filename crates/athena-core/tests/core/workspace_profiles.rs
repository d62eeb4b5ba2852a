//! Saved workspaces end to end in core: against a real emulator over loopback, a real
//! SQLite history and a secret store that can be told to fail. The key goes to the
//! secret store and nowhere else; no keychain means an answer, never a silent fallback.

use std::path::Path;
use std::sync::{Arc, Mutex};

use athena_api::ApiKey;
use athena_core::history::History;
use athena_core::profiles::{Problem, ProfileInput};
use athena_core::secrets::{MemorySecretStore, SecretStore, SecretStoreError};
use athena_core::{
    AgentCheck, AgentSummary, CoreError, KeyStorage, Profiles, WorkspaceRegistry,
    WorkspaceStatusReport, WorkspaceStatusSink,
};
use athena_emulator::{Emulator, EmulatorConfig, EmulatorHandle};

#[derive(Default)]
struct Reports(Mutex<Vec<WorkspaceStatusReport>>);

impl WorkspaceStatusSink for Reports {
    fn status_changed(&self, report: WorkspaceStatusReport) {
        self.0.lock().expect("lock").push(report);
    }
}

struct Bench {
    server: EmulatorHandle,
    dir: tempfile::TempDir,
    history: History,
    secrets: Arc<MemorySecretStore>,
    reports: Arc<Reports>,
    profiles: Profiles,
    registry: Arc<WorkspaceRegistry>,
}

impl Bench {
    async fn start() -> Self {
        let key = format!("eak_core_{}", uuid::Uuid::new_v4().simple());
        let server = Emulator::start(EmulatorConfig::demo(key))
            .await
            .expect("emulator starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let (history, _) = History::open(&dir.path().join("history.sqlite3"));
        let secrets = Arc::new(MemorySecretStore::new());
        let reports = Arc::new(Reports::default());
        let registry = Arc::new(WorkspaceRegistry::new(Vec::new()));
        let profiles = Profiles::new(
            history.clone(),
            registry.clone(),
            secrets.clone(),
            reports.clone(),
        );
        Self {
            server,
            dir,
            history,
            secrets,
            reports,
            profiles,
            registry,
        }
    }

    fn input(&self, key: Option<&str>) -> ProfileInput {
        ProfileInput {
            name: "Team".into(),
            base_url: self.server.base_url(),
            workspace_id: self.server.workspace_id().into(),
            api_key: key.map(str::to_owned),
            external_user_id: Some("user-7".into()),
            ca_certificate: None,
        }
    }

    fn key(&self) -> String {
        self.server.api_key().to_owned()
    }

    /// A second app start on the same history and secret store.
    fn restart(&self) -> (Profiles, Arc<WorkspaceRegistry>) {
        let registry = Arc::new(WorkspaceRegistry::new(Vec::new()));
        let profiles = Profiles::new(
            self.history.clone(),
            registry.clone(),
            self.secrets.clone(),
            self.reports.clone(),
        );
        profiles.load().expect("profiles load");
        (profiles, registry)
    }
}

fn agent(id: &str) -> AgentSummary {
    AgentSummary {
        id: id.into(),
        name: "Chat".into(),
        description: String::new(),
        requires_user_message: true,
        variables: Vec::new(),
    }
}

/// Whether any file in `dir` holds `needle`.
fn found_in_files(dir: &Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .filter(|e| {
            std::fs::read(e.path())
                .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
                .unwrap_or(false)
        })
        .map(|e| e.path().display().to_string())
        .collect()
}

#[tokio::test]
async fn a_profile_keeps_its_key_in_the_secret_store_only_and_comes_back_after_a_restart() {
    let bench = Bench::start().await;
    let key = bench.key();
    let saved = bench
        .profiles
        .save(None, bench.input(Some(&key)), false)
        .await
        .expect("saved");
    assert_eq!(saved.key_storage, KeyStorage::Keychain);
    assert_eq!(saved.key_hint, format!("…{}", &key[key.len() - 4..]));
    assert_eq!(saved.external_user_id.as_deref(), Some("user-7"));
    assert_eq!(
        bench
            .secrets
            .get(&saved.id)
            .expect("read")
            .map(|k| k.expose().to_owned()),
        Some(key.clone())
    );
    bench.history.flush().await;
    assert_eq!(found_in_files(bench.dir.path(), &key), Vec::<String>::new());

    let (_, registry) = bench.restart();
    let back = registry.get(&saved.id).expect("the profile is back");
    assert_eq!(back.key_storage, KeyStorage::Keychain);
    assert_eq!(back.client.config().api_key, ApiKey::new(key));
    assert_eq!(back.name, "Team");
}

#[tokio::test]
async fn no_keychain_is_an_answer_and_memory_only_on_request() {
    let bench = Bench::start().await;
    bench.secrets.fail_with(Some(SecretStoreError::Unavailable {
        reason: "no Secret Service on the bus".into(),
    }));
    let refused = bench
        .profiles
        .save(None, bench.input(Some(&bench.key())), false)
        .await;
    assert_eq!(
        refused.err(),
        Some(CoreError::KeychainUnavailable(
            "no Secret Service on the bus".into()
        ))
    );
    assert!(
        bench.profiles.records().expect("read").is_empty(),
        "nothing saved"
    );

    let kept = bench
        .profiles
        .save(None, bench.input(Some(&bench.key())), true)
        .await
        .expect("kept for this session");
    assert_eq!(kept.key_storage, KeyStorage::Session);
    bench.secrets.fail_with(None);
    assert_eq!(
        bench.secrets.get(&kept.id).expect("read"),
        None,
        "never in the keychain"
    );
    // The next start has no key for it: it says so.
    let (_, registry) = bench.restart();
    assert_eq!(
        registry.get(&kept.id).expect("listed").key_storage,
        KeyStorage::Missing
    );
}

#[tokio::test]
async fn every_bad_field_is_named_and_nothing_is_stored() {
    let bench = Bench::start().await;
    let mut input = bench.input(Some("sk_not_athena"));
    input.base_url = "http://api.example.com".into();
    input.workspace_id = "team".into();
    let Err(CoreError::InvalidInput(problems)) = bench.profiles.save(None, input, false).await
    else {
        panic!("refused")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["baseUrl", "workspaceId", "apiKey"], "{problems:?}");
    assert_eq!(problems[0].problem, Problem::HttpsRequired);
    assert!(bench.profiles.records().expect("read").is_empty());
}

#[tokio::test]
async fn an_edit_keeps_the_key_and_a_delete_removes_profile_conversations_and_key() {
    let bench = Bench::start().await;
    let saved = bench
        .profiles
        .save(None, bench.input(Some(&bench.key())), false)
        .await
        .expect("saved");
    let mut renamed = bench.input(None);
    renamed.name = "Renamed".into();
    let edited = bench
        .profiles
        .save(Some(&saved.id), renamed, false)
        .await
        .expect("edited");
    assert_eq!(edited.name, "Renamed");
    assert_eq!(edited.client.config().api_key, ApiKey::new(bench.key()));

    bench.profiles.delete(&saved.id).await.expect("deleted");
    assert!(bench.registry.get(&saved.id).is_none());
    assert!(bench.profiles.records().expect("read").is_empty());
    assert_eq!(bench.secrets.get(&saved.id).expect("read"), None);
}

#[tokio::test]
async fn an_agent_is_added_only_after_its_check_and_the_check_tells_the_credits() {
    let bench = Bench::start().await;
    let saved = bench
        .profiles
        .save(None, bench.input(Some(&bench.key())), false)
        .await
        .expect("saved");
    let refused = bench
        .profiles
        .add_agent(&saved.id, agent("agent:no-such-agent"))
        .await;
    assert_eq!(
        refused.err(),
        Some(CoreError::AgentCheckFailed(Box::new(
            AgentCheck::UnknownAgent
        )))
    );
    bench
        .profiles
        .add_agent(&saved.id, agent("agent:demo-chat"))
        .await
        .expect("added");
    let agents = bench.history.agents(&saved.id).expect("read");
    assert_eq!(
        agents.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["agent:demo-chat"]
    );
    assert_eq!(bench.registry.get(&saved.id).expect("there").agents, agents);
    // The check's response carried the balance: it is known, stored and reported.
    let credits = bench.profiles.status(&saved.id).credits_remaining;
    assert!(credits.is_some_and(|c| c > 0), "{credits:?}");
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while bench.reports.0.lock().expect("lock").is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the change is reported");
    let (restarted, _) = bench.restart();
    assert_eq!(restarted.status(&saved.id).credits_remaining, credits);
}

#[tokio::test]
async fn a_wrong_key_fails_the_agent_check_as_a_bad_key() {
    let bench = Bench::start().await;
    let saved = bench
        .profiles
        .save(None, bench.input(Some("eak_wrong")), false)
        .await
        .expect("saved");
    let refused = bench
        .profiles
        .add_agent(&saved.id, agent("agent:demo-chat"))
        .await;
    assert_eq!(
        refused.err(),
        Some(CoreError::AgentCheckFailed(Box::new(AgentCheck::BadKey)))
    );
}

#[tokio::test]
async fn a_new_app_version_is_reported_with_its_agents_checked_again() {
    let bench = Bench::start().await;
    let saved = bench
        .profiles
        .save(None, bench.input(Some(&bench.key())), false)
        .await
        .expect("saved");
    bench
        .profiles
        .add_agent(&saved.id, agent("agent:demo-chat"))
        .await
        .expect("added");
    let learned = bench.profiles.status(&saved.id).app_version;
    assert!(
        learned.is_some(),
        "the check's headers gave the app version"
    );
    // The workspace publishes a new version: the next response says so.
    bench.profiles.observe(
        &saved.id,
        &athena_api::ResponseMeta {
            app_version: Some("appversion:next".into()),
            ..athena_api::ResponseMeta::default()
        },
    );
    let report = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let found = bench
                .reports
                .0
                .lock()
                .expect("lock")
                .iter()
                .find(|r| r.agent_checks.is_some())
                .cloned();
            if let Some(report) = found {
                return report;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the agents were checked again");
    assert!(report.app_version_changed);
    let checks = report.agent_checks.expect("checks");
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].0.id, "agent:demo-chat");
    assert!(
        matches!(checks[0].1, AgentCheck::Ok { .. }),
        "{:?}",
        checks[0].1
    );
}

#[tokio::test]
async fn a_certificate_file_that_is_not_one_is_refused_by_name() {
    let bench = Bench::start().await;
    let not_a_certificate = bench.dir.path().join("ca.pem");
    std::fs::write(&not_a_certificate, "hello, I am not a certificate").expect("write");
    let mut input = bench.input(Some(&bench.key()));
    input.ca_certificate = Some(not_a_certificate);
    let Err(CoreError::InvalidInput(problems)) = bench.profiles.save(None, input, false).await
    else {
        panic!("refused")
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "caCertificate");
    assert!(
        matches!(&problems[0].problem, Problem::BadCertificate { reason } if !reason.is_empty()),
        "{problems:?}"
    );
    assert!(bench.profiles.records().expect("read").is_empty());
}
