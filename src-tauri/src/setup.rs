//! Everything the app does once at start, in order.

use std::path::PathBuf;
use std::sync::Arc;

use athena_core::Conversations;
use athena_core::approvals::ClientTools;
use athena_core::dialogs::{Dialogs, LinkQuestion};
use athena_core::history::{History, HistoryOpened};
use athena_core::links::{LinkConfirmer, LinkOpener};
use tauri::{App, Manager, Runtime};

use crate::commands::appearance::NativeTheme;
use crate::commands::profiles::AppDialogs;
use crate::dialogs::NativeDialogs;
use crate::folders::AppFolders;
use crate::ipc::HistoryStatus;
use crate::launch::RunWorkspace;
use crate::links::{LinkQuestionGate, SystemBrowser};
use crate::readiness::Readiness;
use crate::settings::AppSettings;
use crate::sink::TauriSink;
use crate::state::AppState;
use crate::{FRAME_INTERVAL, demo, logging, run_workspace, window};

/// The history store's file in the app's data folder.
const HISTORY_FILE: &str = "history.sqlite3";

/// How the app starts.
#[derive(Clone, Default)]
pub struct LaunchOptions {
    /// Keep data, media and logs under this folder instead of the OS's per-user
    /// folders (tests).
    pub data_dir: Option<PathBuf>,
    /// Install the file logger (the app does; a test that installs its own does not).
    pub install_logging: bool,
    /// Who answers "open this link?" and who opens it; `None` = a native dialog and
    /// the system browser. Tests answer with fakes.
    pub links: Option<LinkHandlers>,
    /// Do not create the main window (tests of the IPC path make their own).
    pub headless: bool,
    /// A workspace for this run beside the demo one (command line or environment).
    pub run_workspace: Option<RunWorkspace>,
    /// Where profiles' keys are kept; `None` = the OS keychain. Tests pass a memory
    /// store (which can be told to fail).
    pub secrets: Option<Arc<dyn athena_core::secrets::SecretStore>>,
    /// Who shows native dialogs; `None` = the OS's (or, in a test-support build run
    /// with a data folder, the test bench's script). Tests of the IPC path pass a fake.
    pub dialogs: Option<Arc<dyn Dialogs>>,
    /// The tools on this computer; `None` = the built-in ones. Tests add tools that
    /// count their runs.
    pub tools: Option<athena_core::tools::ToolRegistry>,
    /// The `athena-desktop://` link the app was started for, unread.
    pub deep_link: Option<String>,
}

impl std::fmt::Debug for LaunchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LaunchOptions")
            .field("data_dir", &self.data_dir)
            .field("install_logging", &self.install_logging)
            .field("headless", &self.headless)
            .field("run_workspace", &self.run_workspace)
            .field("secrets", &self.secrets)
            .field("tools", &self.tools)
            .field("deep_link", &self.deep_link.is_some())
            .finish_non_exhaustive()
    }
}

/// The link policy's two outside parts.
#[derive(Clone)]
pub struct LinkHandlers {
    /// Asks the user.
    pub confirmer: Arc<dyn LinkConfirmer + Send + Sync>,
    /// Opens the browser.
    pub opener: Arc<dyn LinkOpener + Send + Sync>,
}

impl std::fmt::Debug for LinkHandlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkHandlers")
    }
}

/// Keeps the log writer's flush guard alive as long as the app.
struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);

pub(crate) fn setup<R: Runtime>(
    app: &mut App<R>,
    specta: &tauri_specta::Builder<R>,
    options: &LaunchOptions,
) -> Result<(), Box<dyn std::error::Error>> {
    let folders = AppFolders::create(app, options.data_dir.as_deref())?;
    if options.install_logging {
        let guard = logging::init(&folders.logs, None)?;
        app.manage(LogGuard(guard));
    }
    specta.mount_events(app);

    let demo = tauri::async_runtime::block_on(demo::start())?;
    let run = options
        .run_workspace
        .as_ref()
        .map(run_workspace::connect)
        .transpose()?;
    let history_path = folders.data.join(HISTORY_FILE);
    let (history, opened) = History::open(&history_path);
    log_history_opening(&opened, &history_path);
    let mut workspaces = vec![demo.workspace.clone()];
    workspaces.extend(run);
    let runtime = tauri::async_runtime::handle().inner().clone();
    let sink = Arc::new(TauriSink::new(app.handle().clone()));
    let executions = athena_core::Executions::with_history(
        sink.clone(),
        history.clone(),
        FRAME_INTERVAL,
        runtime,
    );
    let registry = Arc::new(athena_core::WorkspaceRegistry::new(workspaces));
    let conversations =
        Conversations::new(executions, history.clone(), registry.clone(), sink.clone());
    // Files staged in drafts: pasted copies and thumbnails under the data folder.
    let attachments = athena_core::attachments::Attachments::new(
        conversations.clone(),
        folders.data.join("attachments"),
        sink.clone(),
    );
    // Files of conversations deleted in an earlier run go, in the background (only
    // folders older than this start: one staged meanwhile stays).
    let started = std::time::SystemTime::now();
    let cleaner = attachments.clone();
    tauri::async_runtime::spawn(async move {
        match cleaner.remove_unused(started).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "unused attachment folders removed"),
            Err(err) => tracing::error!(error = %err, "unused attachment folders not removed"),
        }
    });
    app.manage(attachments);
    // OS notifications when an execution ends or needs the user while the window is
    // not focused (notifications.rs).
    let focus = Arc::new(crate::notifications::WindowFocus::default());
    let attention = Arc::new(athena_core::attention::Attention::new(
        Arc::new(crate::notifications::SystemNotifier(app.handle().clone())),
        focus.clone(),
        registry.clone(),
    ));
    conversations.executions().notify_with(attention.clone());
    // Before any execution runs: completed media jobs download into the data folder.
    let media = crate::media::AppMedia::start(app.handle(), &folders.data, &history)?;
    conversations
        .executions()
        .keep_media_with(media.library.clone());
    app.manage(media);
    let secrets = options.secrets.clone().unwrap_or_else(|| {
        Arc::new(athena_core::secrets::KeychainSecretStore::new(
            athena_core::secrets::KEYCHAIN_SERVICE,
        ))
    });
    let batches = athena_core::BatchRuns::new(
        history.clone(),
        registry.clone(),
        sink.clone(),
        FRAME_INTERVAL,
    );
    let outside = outside_services(app, options)?;
    let dialogs = options
        .dialogs
        .clone()
        .unwrap_or_else(|| outside.dialogs.clone());
    conversations.offer_tools(ClientTools::new(
        options
            .tools
            .clone()
            .unwrap_or_else(athena_core::tools::ToolRegistry::builtin),
        history.clone(),
        dialogs.clone(),
    ));
    let profiles = athena_core::Profiles::new(history, registry, secrets, sink);
    // Off the async workers: the keychain may take a moment to answer.
    let loading = profiles.clone();
    match tauri::async_runtime::block_on(tauri::async_runtime::spawn_blocking(move || {
        loading.load()
    })) {
        Ok(Ok(found)) => tracing::info!(profiles = found, "saved workspaces connected"),
        Ok(Err(err)) => tracing::error!(error = %err, "saved workspaces could not be read"),
        Err(err) => tracing::error!(error = %err, "saved workspaces could not be read"),
    }
    conversations.observe_accounts(Arc::new(profiles.clone()));
    let settings = AppSettings::open(app, &folders.data);
    // The user's command tools join the built-ins; what cannot (a name taken...) is
    // shown in Settings → Tools.
    if let Some(tools) = conversations.client_tools() {
        tools.set_command_tools(&settings.get().command_tools);
    }
    // The user's MCP servers: their tools join too, as soon as each has started.
    app.manage(crate::mcp::install(
        app.handle(),
        &settings.get().mcp_servers,
        conversations.client_tools().cloned(),
    ));
    let remembered = settings.get().active_workspace;
    let update_endpoint = settings.get().update_endpoint;
    attention.set_enabled(settings.get().notifications);
    app.manage(crate::notifications::NotificationSwitch(attention));
    app.manage(settings);
    app.manage(AppState::new(
        demo,
        conversations,
        profiles,
        batches,
        HistoryStatus::new(&opened, &history_path),
        remembered,
    ));
    app.manage(Readiness::default());
    app.manage(NativeTheme::new(app.handle().clone()));
    app.manage(crate::drops::DroppedFiles::default());
    app.manage(crate::commands::batch::BatchFiles::default());
    app.manage(LinkQuestionGate::default());
    app.manage(AppDialogs(dialogs.clone()));
    app.manage(options.links.clone().unwrap_or_else(|| LinkHandlers {
        confirmer: Arc::new(LinkQuestion(dialogs.clone())),
        opener: outside.opener.clone(),
    }));
    if !options.headless {
        // Before the window exists, so that it opens where it was left.
        crate::window_state::remember(app.handle(), &folders.data)?;
        crate::quit::install_menu(app.handle())?;
        window::create_main_window(app)?;
        if let Some(window) = app.get_webview_window("main") {
            crate::notifications::track_focus(&window, focus);
        }
        crate::notifications::open_on_click(app.handle());
        // At once, while the page loads: its first frame has the chosen scheme.
        let theme = app.state::<AppSettings>().get().theme;
        app.state::<NativeTheme>().apply(theme);
        crate::window_state::save_on_change(app.handle());
        crate::deep_link::listen_for_os_links(app.handle());
        crate::updater::check_in_background(app.handle(), update_endpoint);
    }
    // After the window exists: the approval dialogs open over it.
    match app.state::<AppState>().conversations.resume_tool_calls() {
        Ok(0) => {}
        Ok(resumed) => tracing::info!(resumed, "executions waiting for tools resumed"),
        Err(err) => tracing::error!(error = %err, "executions waiting for tools not resumed"),
    }
    app.manage(crate::deep_link::DeepLinks::default());
    if let Some(link) = &options.deep_link {
        crate::deep_link::receive(app.handle(), link);
    }
    tracing::info!("app started");
    Ok(())
}

/// Says in the log how the history opened; the page shows the same as a notice.
fn log_history_opening(opened: &HistoryOpened, path: &std::path::Path) {
    match opened {
        HistoryOpened::Fresh | HistoryOpened::Existing { .. } => {
            tracing::info!(?opened, "history opened");
        }
        other => tracing::error!(path = %path.display(), ?other, "history not opened as usual"),
    }
}

/// What the app asks of the world outside: the OS's dialogs and browser, or, in a
/// test-support build run with a data folder, the test bench's scripted stand-ins.
struct Outside {
    dialogs: Arc<dyn Dialogs>,
    opener: Arc<dyn LinkOpener + Send + Sync>,
}

#[cfg(not(all(feature = "test-support", unix)))]
fn outside_services<R: Runtime>(
    app: &App<R>,
    _options: &LaunchOptions,
) -> Result<Outside, Box<dyn std::error::Error>> {
    Ok(Outside {
        dialogs: Arc::new(NativeDialogs(app.handle().clone())),
        opener: Arc::new(SystemBrowser(app.handle().clone())),
    })
}

#[cfg(all(feature = "test-support", unix))]
fn outside_services<R: Runtime>(
    app: &App<R>,
    options: &LaunchOptions,
) -> Result<Outside, Box<dyn std::error::Error>> {
    use crate::test_support::{self, CONTROL_SOCKET, RecordingOpener, ScriptedDialogs};
    let Some(dir) = &options.data_dir else {
        return Ok(Outside {
            dialogs: Arc::new(NativeDialogs(app.handle().clone())),
            opener: Arc::new(SystemBrowser(app.handle().clone())),
        });
    };
    let dialogs = Arc::new(ScriptedDialogs::default());
    let opener = Arc::new(RecordingOpener::default());
    test_support::start(
        &dir.join(CONTROL_SOCKET),
        dialogs.clone(),
        opener.clone(),
        {
            let app = app.handle().clone();
            Arc::new(move |paths: &[PathBuf]| crate::drops::files_dropped(&app, paths))
        },
    )?;
    Ok(Outside { dialogs, opener })
}
