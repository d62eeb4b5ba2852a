//! The built-in demo workspace: the emulator, started inside the app.

use athena_api::{ApiKey, AthenaClient, ClientConfig};
use athena_core::{AgentSummary, AgentVariable, DEMO_WORKSPACE_ID, VariableKind, Workspace};
use athena_emulator::{Emulator, EmulatorConfig, EmulatorHandle};

/// The demo workspace and the server behind it (stopped when dropped).
#[derive(Debug)]
pub(crate) struct DemoWorkspace {
    pub(crate) workspace: Workspace,
    _server: EmulatorHandle,
}

/// Starts the emulator on 127.0.0.1 with a free port and a key made for this run
/// only, strict about the Host header, and connects a workspace to it over HTTP.
pub(crate) async fn start() -> Result<DemoWorkspace, Box<dyn std::error::Error>> {
    let key = format!("eak_demo_{}", uuid::Uuid::new_v4().simple());
    let server = Emulator::start(EmulatorConfig::demo(key.clone())).await?;
    let client = AthenaClient::new(ClientConfig::new(
        server.base_url(),
        ApiKey::new(key),
        server.workspace_id(),
    ))?;
    let agents = server
        .agents()
        .into_iter()
        .map(|a| AgentSummary {
            id: a.id,
            name: a.name,
            description: a.description,
            requires_user_message: a.requires_user_message,
            variables: a
                .variables
                .into_iter()
                .map(|v| AgentVariable {
                    name: v.name,
                    description: v.description,
                    required: v.required,
                    kind: variable_kind(v.kind),
                    default: v.default,
                })
                .collect(),
        })
        .collect();
    tracing::info!(base_url = %server.base_url(), "demo workspace started");
    Ok(DemoWorkspace {
        workspace: Workspace {
            id: DEMO_WORKSPACE_ID.into(),
            name: "Demo workspace".into(),
            kind: athena_core::WorkspaceKind::Demo,
            external_user_id: None,
            key_storage: athena_core::KeyStorage::Demo,
            key_hint: String::new(),
            client,
            agents,
        },
        _server: server,
    })
}

/// The emulator's description of a variable's kind, in core's terms (the two crates
/// share no types: each implements the agents file on its own).
fn variable_kind(kind: athena_emulator::VariableKind) -> VariableKind {
    use athena_emulator::VariableKind as Emulated;
    match kind {
        Emulated::Text => VariableKind::Text,
        Emulated::Number {
            minimum,
            maximum,
            integer,
        } => VariableKind::Number {
            minimum,
            maximum,
            integer,
        },
        Emulated::Choice { choices } => VariableKind::Choice { choices },
        Emulated::Boolean => VariableKind::Boolean,
    }
}
