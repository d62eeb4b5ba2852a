//! Updates, off until the settings name an update endpoint (`updateEndpoint`, an https
//! address serving the updater's `latest.json`). Then, once per start, the app asks
//! that endpoint; when it offers a newer version, the user is asked in a native dialog,
//! and only a yes downloads it.
//!
//! Trust comes from the signature, not the server: the updater plugin checks every
//! download against the public key in `tauri.conf.json` (`plugins.updater.pubkey`) and
//! refuses one that does not match, whoever served it. The private key that signs
//! releases is never in the repository (README, "Signed releases").

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use tauri_plugin_updater::UpdaterExt;

/// Asks `endpoint` for an update in the background, when one is set.
pub(crate) fn check_in_background<R: Runtime>(app: &AppHandle<R>, endpoint: Option<String>) {
    let Some(endpoint) = endpoint else {
        tracing::debug!("updates are off: no update endpoint is set");
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(err) = check_and_offer(&app, &endpoint).await {
            tracing::warn!(error = %err, "the update check failed");
        }
    });
}

async fn check_and_offer<R: Runtime>(
    app: &AppHandle<R>,
    endpoint: &str,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let url = url::Url::parse(endpoint)?;
    let Some(update) = app
        .updater_builder()
        .endpoints(vec![url])?
        .build()?
        .check()
        .await?
    else {
        tracing::info!("no update offered");
        return Ok(());
    };
    tracing::info!(version = %update.version, "an update is offered");
    let question = app
        .dialog()
        .message(format!(
            "Athena Desktop {} is available (this is {}). Install it now? The app restarts \
             when it is done.",
            update.version, update.current_version
        ))
        .title("Update available")
        .kind(MessageDialogKind::Info)
        .buttons(MessageDialogButtons::OkCancelCustom(
            "Install and restart".into(),
            "Later".into(),
        ));
    // The dialog blocks until answered: not on an async worker.
    let yes = tauri::async_runtime::spawn_blocking(move || question.blocking_show()).await?;
    if !yes {
        tracing::info!("the user put the update off");
        return Ok(());
    }
    // Verified against the configured public key before anything is installed.
    update.download_and_install(|_, _| {}, || {}).await?;
    tracing::info!("update installed; restarting");
    app.restart();
}
