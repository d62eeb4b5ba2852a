//! The user's command tools (list, save, remove, test) and the audit log of tool
//! calls (a page, an export). Thin: core checks, runs and formats; these map.
//!
//! Saving a tool runs nothing: its calls go through the approval dialog like any
//! tool's. Saving a new or changed program, and Test (one run with the sample the
//! user typed), first ask in a native dialog that names the exact program and
//! arguments ([`ProgramQuestion`]): the page alone can neither give the app a
//! program nor run one.

use athena_core::approvals::{AuditFormat, ClientTools};
use athena_core::dialogs::{FileDialog, FileFilter};
use athena_core::tools::command::{
    CommandToolSpec, MAX_COMMAND_TOOLS, MAX_OUTPUT_LIMIT_BYTES, MAX_TIMEOUT_SECS, SpecProblem,
    check_in_list, program_changed, save_in_list,
};
use athena_core::tools::{ProgramQuestion, ToolSource};
use tauri::State;

use crate::commands::conversation_actions::files::write_whole;
use crate::commands::profiles::AppDialogs;
use crate::ipc::{
    AppError, AuditFilterInput, AuditPageView, CommandTestView, CommandToolInput, CommandToolsView,
    ToolProblemView,
};
use crate::settings::{AppSettings, SettingsError};
use crate::state::AppState;

fn tools(state: &AppState) -> Result<&ClientTools, AppError> {
    state.conversations.client_tools().ok_or(AppError::Internal)
}

fn invalid(problem: SpecProblem) -> AppError {
    AppError::InvalidCommandTool {
        field: problem.field,
        reason: problem.reason,
    }
}

fn view(state: &AppState, settings: &AppSettings) -> Result<CommandToolsView, AppError> {
    Ok(CommandToolsView {
        tools: settings
            .get()
            .command_tools
            .iter()
            .map(CommandToolInput::from_spec)
            .collect(),
        problems: tools(state)?
            .tool_problems()
            .into_iter()
            .map(|p| ToolProblemView {
                tool_name: p.tool_name,
                source: p.source.label(),
                reason: p.reason,
            })
            .collect(),
        max_tools: u32::try_from(MAX_COMMAND_TOOLS).unwrap_or(u32::MAX),
        max_timeout_secs: MAX_TIMEOUT_SECS,
        max_output_limit_bytes: MAX_OUTPUT_LIMIT_BYTES,
        read_only: settings.read_only(),
    })
}

/// Saves the change to the settings file, then offers the tools from the next
/// execution on.
fn change(
    state: &AppState,
    settings: &AppSettings,
    edit: impl FnOnce(&mut Vec<CommandToolSpec>),
) -> Result<CommandToolsView, AppError> {
    let saved = settings
        .update(|s| edit(&mut s.command_tools))
        .map_err(|err| match err {
            SettingsError::Invalid(athena_core::settings::SettingsProblem::Invalid {
                field,
                reason,
            }) => AppError::InvalidCommandTool { field, reason },
            other => {
                tracing::warn!(error = %other, "the command tools were not saved");
                AppError::Storage
            }
        })?;
    tools(state)?.set_command_tools(&saved.command_tools);
    view(state, settings)
}

/// The user's command tools.
#[tauri::command(async)]
#[specta::specta]
pub fn command_tools(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
) -> Result<CommandToolsView, AppError> {
    view(&state, &settings)
}

/// Adds a command tool (`original` = `None`) or replaces the one named `original`.
/// Nothing runs; a changed tool's "always allow" rules no longer apply (its
/// fingerprint changed).
// Off the main thread: it writes the settings file.
#[tauri::command(async)]
#[specta::specta]
pub fn save_command_tool(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
    dialogs: State<'_, AppDialogs>,
    original: Option<String>,
    tool: CommandToolInput,
) -> Result<CommandToolsView, AppError> {
    let spec = tool.to_spec().map_err(invalid)?;
    let saved = settings.get().command_tools;
    let original = original.as_deref();
    let held_elsewhere = tools(&state)?
        .registry()
        .source(&spec.name)
        .is_some_and(|source| source != ToolSource::Command);
    check_in_list(&saved, original, &spec, held_elsewhere).map_err(invalid)?;
    // Asked last, so a form that breaks a rule is told so without a dialog first.
    let question = ProgramQuestion::CommandTool {
        tool: &spec.name,
        program: &spec.executable,
        args: &spec.args,
    };
    if program_changed(&saved, original, &spec) && !question.ask(dialogs.0.as_ref()) {
        return Err(AppError::ProgramNotAllowed);
    }
    change(&state, &settings, |list| save_in_list(list, original, spec))
}

/// Removes a command tool (it only takes power away).
#[tauri::command(async)]
#[specta::specta]
pub fn remove_command_tool(
    state: State<'_, AppState>,
    settings: State<'_, AppSettings>,
    name: String,
) -> Result<CommandToolsView, AppError> {
    change(&state, &settings, |list| list.retain(|t| t.name != name))
}

/// Runs the tool in the form once with the sample the user typed, after the user
/// said yes to exactly this program, arguments and sample in a native dialog.
#[tauri::command]
#[specta::specta]
pub async fn try_command_tool(
    dialogs: State<'_, AppDialogs>,
    tool: CommandToolInput,
    sample: String,
) -> Result<CommandTestView, AppError> {
    let spec = tool.to_spec().map_err(invalid)?;
    let dialogs = dialogs.0.clone();
    let run = tauri::async_runtime::spawn_blocking(move || {
        athena_core::tools::command::test_run(&spec, &sample, || {
            ProgramQuestion::TestRun {
                tool: &spec.name,
                program: &spec.executable,
                args: &spec.args,
                sample: &sample,
            }
            .ask(dialogs.as_ref())
        })
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(invalid)?
    .ok_or(AppError::ProgramNotAllowed)?;
    let duration_ms = u32::try_from(run.duration_ms).unwrap_or(u32::MAX);
    Ok(match run.result {
        Ok(value) => CommandTestView {
            ok: true,
            output: serde_json::to_string_pretty(&value).unwrap_or_default(),
            duration_ms,
        },
        Err(why) => CommandTestView {
            ok: false,
            output: why,
            duration_ms,
        },
    })
}

/// A page of the audit log, newest first.
#[tauri::command(async)]
#[specta::specta]
pub fn tool_audit(
    state: State<'_, AppState>,
    filter: AuditFilterInput,
    offset: u32,
    limit: u32,
) -> Result<AuditPageView, AppError> {
    let page = tools(&state)?.audit_page(&filter.to_filter()?, u64::from(offset), limit)?;
    Ok(AuditPageView {
        total: u32::try_from(page.total).unwrap_or(u32::MAX),
        entries: page.entries.into_iter().map(Into::into).collect(),
    })
}

/// Exports the rows matching `filter` as CSV (`csv`) or JSON Lines (`jsonl`), to a
/// file chosen in the native save dialog. Returns where it was written; `None` when
/// the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_tool_audit(
    state: State<'_, AppState>,
    dialogs: State<'_, AppDialogs>,
    filter: AuditFilterInput,
    format: String,
) -> Result<Option<String>, AppError> {
    let (format, extension, kind) = match format.as_str() {
        "csv" => (AuditFormat::Csv, "csv", "CSV"),
        "jsonl" => (AuditFormat::Jsonl, "jsonl", "JSON Lines"),
        _ => return Err(AppError::Internal),
    };
    let filter = filter.to_filter()?;
    let chosen = dialogs
        .save_to(FileDialog {
            title: "Export the tool activity".into(),
            filters: vec![FileFilter {
                name: kind.into(),
                extensions: vec![extension.into()],
            }],
            multiple: false,
            suggested_name: Some(format!("tool-activity.{extension}")),
        })
        .await?;
    let Some(path) = chosen else {
        return Ok(None);
    };
    let text = tools(&state)?.audit_export(&filter, format)?;
    let target = path.clone();
    tauri::async_runtime::spawn_blocking(move || write_whole(&target, &text))
        .await
        .map_err(|_| AppError::Internal)??;
    Ok(Some(path.display().to_string()))
}
