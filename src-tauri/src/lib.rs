//! The Tauri shell of Athena Desktop: wiring, thin commands, typed events.
//!
//! Logic lives in `athena-core`; a command here parses, calls core and maps the
//! error. Commands and events are registered once, in [`specta_builder`], which both
//! [`run`] and the bindings test use.

mod commands;
mod deep_link;
mod demo;
mod dialogs;
mod drops;
mod folders;
pub mod ipc;
pub mod launch;
mod links;
pub mod logging;
mod mcp;
mod media;
mod media_server;
mod navigation;
mod notifications;
mod quit;
mod readiness;
mod run_workspace;
pub mod settings;
mod setup;
mod single_instance;
mod sink;
mod state;
#[cfg(all(feature = "test-support", unix))]
mod test_support;
mod updater;
mod window;
mod window_state;

pub use setup::{LaunchOptions, LinkHandlers};

use std::sync::Arc;

use std::time::Duration;
use tauri::Manager;

/// The app's commands as listed for the build's permission manifest. The app crate's
/// tests check that this list and [`specta_builder`]'s commands are the same.
pub const COMMAND_NAMES: &[&str] = include!("command_names.rs");

/// How often at most one execution's text reaches the page: once per frame.
const FRAME_INTERVAL: Duration = Duration::from_millis(16);

/// Every command and event the UI may use, registered once.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    specta_builder_for()
}

/// [`specta_builder`] for any Tauri runtime, for benchmarks and tests: they mount its
/// events on an app of Tauri's mock runtime.
pub fn specta_builder_for<R: tauri::Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            commands::workspace_overview,
            commands::select_workspace,
            commands::conversations::history_status,
            commands::conversations::list_conversations,
            commands::conversations::start_conversation,
            commands::conversations::open_conversation,
            commands::conversations::save_draft,
            commands::conversations::send_message,
            commands::attachments::attach_dragged,
            commands::attachments::attach_picked,
            commands::attachments::attach_pasted,
            commands::attachments::draft_attachments,
            commands::attachments::remove_attachment,
            commands::attachments::cancel_attachment_upload,
            commands::attachments::retry_attachment,
            commands::attachments::attachment_full_view,
            commands::attachments::attachment_thumbnail,
            commands::conversations::resend_message,
            commands::conversations::regenerate_message,
            commands::conversations::give_feedback,
            commands::conversation_actions::search_conversations,
            commands::conversation_actions::rename_conversation,
            commands::conversation_actions::archive_conversation,
            commands::conversation_actions::delete_conversation,
            commands::conversation_actions::export_conversation,
            commands::conversation_actions::import_conversation,
            commands::stop_execution,
            commands::inspect_execution,
            commands::execution_snapshot,
            commands::media::media_files,
            commands::media::retry_media_download,
            commands::media::save_media_as,
            commands::media::copy_media_image,
            commands::report_ready,
            commands::deep_link::take_deep_links,
            commands::open_link,
            commands::profiles::list_profiles,
            commands::profiles::save_profile,
            commands::profiles::delete_profile,
            commands::profiles::choose_ca_certificate,
            commands::profiles::add_agent,
            commands::profiles::remove_agent,
            commands::profiles::import_agents,
            commands::profiles::export_agents,
            commands::profiles::preview_cost,
            commands::profiles::get_settings,
            commands::profiles::set_always_preview_cost,
            commands::appearance::get_appearance,
            commands::appearance::set_theme,
            commands::notifications::get_notifications,
            commands::notifications::set_notifications,
            commands::batch::batch_open_file,
            commands::batch::batch_open_dragged_file,
            commands::batch::batch_parse,
            commands::batch::batch_preview_cost,
            commands::batch::batch_start,
            commands::batch::batch_cancel,
            commands::batch::batch_retry_failed,
            commands::batch::batch_runs,
            commands::batch::batch_run,
            commands::batch::batch_export,
            commands::tools::agent_tools,
            commands::tools::set_tool_enabled,
            commands::tools::revoke_tool_rule,
            commands::tools::tool_grants,
            commands::tools::grant_folder,
            commands::tools::remove_granted_folder,
            commands::tools::choose_ledger_file,
            commands::tools::forget_ledger_file,
            commands::command_tools::command_tools,
            commands::command_tools::save_command_tool,
            commands::command_tools::remove_command_tool,
            commands::command_tools::try_command_tool,
            commands::command_tools::tool_audit,
            commands::command_tools::export_tool_audit,
            commands::mcp::mcp_servers,
            commands::mcp::save_mcp_server,
            commands::mcp::remove_mcp_server,
            commands::mcp::restart_mcp_server,
            commands::mcp::probe_mcp_server,
            commands::mcp::call_mcp_tool,
        ])
        .events(tauri_specta::collect_events![
            ipc::ExecutionUpdate,
            ipc::DeepLinkReceived,
            ipc::ConversationChanged,
            ipc::MediaFileChanged,
            ipc::McpServersChanged,
            ipc::WorkspaceStatusChanged,
            ipc::BatchRunChanged,
            ipc::FilesDropped,
            ipc::AttachmentChanged,
            ipc::AttachmentRemoved,
            ipc::DragHover
        ])
        // Our IPC types serialize and deserialize alike: one TypeScript type each.
        .disable_serde_phases()
}

/// The sink the app gives core: every execution update emitted on `app` as the typed
/// `ExecutionUpdate` event, for benchmarks and tests (the app builds the same in
/// [`run`]). Mount [`specta_builder_for`]'s events on `app` first.
pub fn update_sink<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> Arc<dyn athena_core::UpdateSink> {
    Arc::new(sink::TauriSink::new(app))
}

/// Writes the TypeScript bindings for [`specta_builder`] to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    let typescript = specta_typescript::Typescript::default()
        .header("// Generated by tauri-specta from the Rust commands and events. Do not edit:\n// run `cargo xtask bindings` to regenerate.\n");
    specta_builder()
        .export(typescript, path)
        .map_err(|e| e.to_string())
}

/// The app on any Tauri runtime: plugins, commands, events and start-up. [`run`] uses
/// it with the real runtime; the IPC tests with the mock runtime and the app's real
/// capabilities.
pub fn app_builder<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    options: LaunchOptions,
) -> tauri::Builder<R> {
    let specta = specta_builder_for::<R>();
    builder
        // Used from Rust only (link confirmation, opening the browser); no window is
        // granted their commands.
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        // The settings file (settings.rs), from Rust only: no window is granted its
        // commands; the page reads settings through the app's commands.
        .plugin(tauri_plugin_store::Builder::default().build())
        // OS notifications (notifications.rs), from Rust only: no window is granted
        // its commands.
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| setup::setup(app, &specta, &options))
}

/// Starts the app on the built-in demo workspace, plus the workspace and data folder
/// the command line or environment name ([`launch`]).
pub fn run() {
    logging::install_panic_hook();
    let line = match launch::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
        Ok(line) => line,
        Err(reason) => {
            eprintln!("athena-desktop: {reason}\n\n{}", launch::USAGE);
            std::process::exit(2);
        }
    };
    if let Some(dir) = &line.data_dir {
        // The log folder `setup` makes there (folders.rs): a panic before logging is set
        // up still leaves its report with this run's logs.
        logging::report_panics_to(dir.join("logs"));
    }
    #[cfg(feature = "test-support")]
    logging::panic_if_asked_before_logging();
    // The installed app's plugins, for the real app only (the IPC tests build
    // app_builder on the mock runtime, where a second test app must not find the first
    // on the session bus). Single instance first: a second launch hands over its
    // arguments and exits before anything else starts.
    let builder = tauri::Builder::default()
        .plugin(single_instance::plugin(line.data_dir.as_deref()))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_updater::Builder::new().build());
    let options = LaunchOptions {
        install_logging: true,
        data_dir: line.data_dir,
        run_workspace: line.workspace,
        deep_link: line.deep_link,
        ..LaunchOptions::default()
    };
    let app = match app_builder(builder, options).build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(err) => {
            tracing::error!(error = %err, "the app could not start");
            eprintln!("Athena Desktop could not start: {err}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            // The process ends right after this event, without dropping the state:
            // commit the draft typed last and the last frame of streamed text first.
            if let Some(state) = app.try_state::<state::AppState>() {
                tauri::async_runtime::block_on(state.conversations.history().flush());
            }
            // No MCP server is left running behind the app.
            if let Some(servers) = app.try_state::<mcp::AppMcp>() {
                mcp::stop_all(&servers);
            }
        }
    });
}
