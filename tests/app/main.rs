//! The app crate's integration tests: bindings freshness, the command registry, the
//! security walls (configuration, the IPC path, logs).

mod appearance;
mod attachments;
mod bindings;
mod commands;
mod conversation_actions;
mod fold_fixtures;
mod ipc;
mod logs;
mod panic_reports;
mod security_config;
mod settings;
mod tool_audit;
mod tool_gate;
mod updater;

/// The TypeScript bindings the Rust commands and events generate now.
fn generated_bindings() -> String {
    let dir = std::env::temp_dir().join(format!("athena-bindings-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bindings.ts");
    athena_desktop::export_bindings(&path).expect("export bindings");
    let text = std::fs::read_to_string(&path).expect("read generated bindings");
    std::fs::remove_dir_all(&dir).ok();
    text
}
