//! `athena-desktop://` links reaching the running app: from its own command line (the
//! OS started it for a link), from a second launch (handed over by the single-instance
//! plugin), or from the OS's "open URL" event (macOS).
//!
//! Core's parser decides what a link may do ([`athena_core::deep_link`]); this module
//! only carries the result to the page. Until the page first asks
//! ([`DeepLinks::take`], called once its first screen is up), links wait here: an event
//! sent earlier would reach no listener. After that each link is sent as the typed
//! [`DeepLinkReceived`] event.

use std::sync::{Mutex, PoisonError};

use athena_core::deep_link;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

use crate::ipc::{DeepLinkAction, DeepLinkReceived};

/// The most links kept while the page is not up yet; older ones are dropped (a burst of
/// links at start is not something a person does).
const MAX_WAITING: usize = 8;

/// Links not yet taken by the page, and whether the page takes them by event now.
#[derive(Debug, Default)]
pub(crate) struct DeepLinks(Mutex<Waiting>);

#[derive(Debug, Default)]
struct Waiting {
    links: Vec<DeepLinkAction>,
    page_listens: bool,
}

impl DeepLinks {
    /// Every link that waited, oldest first; from now on links go out as events.
    pub(crate) fn take(&self) -> Vec<DeepLinkAction> {
        let mut waiting = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        waiting.page_listens = true;
        std::mem::take(&mut waiting.links)
    }

    /// Keeps `action` for the page, or says to send it now (`Some`).
    fn hold_or_pass(&self, action: DeepLinkAction) -> Option<DeepLinkAction> {
        let mut waiting = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if waiting.page_listens {
            return Some(action);
        }
        if waiting.links.len() == MAX_WAITING {
            waiting.links.remove(0);
        }
        waiting.links.push(action);
        None
    }
}

/// Reads `link` with core's parser and hands the result to the page (a refusal too:
/// the page tells the user). Logs the outcome by kind only, never the link's text.
pub(crate) fn receive<R: Runtime>(app: &AppHandle<R>, link: &str) {
    let action = DeepLinkAction::from(deep_link::parse(link));
    match &action {
        DeepLinkAction::Refused { reason } => {
            tracing::warn!(?reason, "refused a deep link");
        }
        DeepLinkAction::OpenConversation { .. } => tracing::info!("deep link: open a chat"),
        DeepLinkAction::NewChat { .. } => tracing::info!("deep link: prefill a new chat"),
    }
    let Some(links) = app.try_state::<DeepLinks>() else {
        return;
    };
    if let Some(action) = links.hold_or_pass(action)
        && let Err(err) = (DeepLinkReceived { action }).emit(app)
    {
        tracing::warn!(error = %err, "a deep link could not reach the page");
    }
}

/// On macOS the OS hands links to the running app as an event (not as arguments), which
/// the deep-link plugin passes on; elsewhere links come as arguments ([`receive`] from
/// the command line and the single-instance hand-over), so listening there too would
/// read each link twice.
pub(crate) fn listen_for_os_links<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(target_os = "macos")]
    if let Some(plugin) = app.try_state::<tauri_plugin_deep_link::DeepLink<R>>() {
        let handle = app.clone();
        plugin.on_open_url(move |event| {
            for url in event.urls() {
                receive(&handle, url.as_str());
            }
        });
    }
    #[cfg(not(target_os = "macos"))]
    let _ = app;
}

/// The links among a launch's arguments (the program name first, as `std::env::args`).
pub(crate) fn links_in(args: &[String]) -> impl Iterator<Item = &str> {
    args.iter()
        .skip(1)
        .map(String::as_str)
        .filter(|a| deep_link::is_deep_link(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_wait_until_the_page_takes_them_then_pass() {
        let links = DeepLinks::default();
        let open = DeepLinkAction::NewChat {
            agent_id: None,
            text: Some("hi".into()),
        };
        for _ in 0..MAX_WAITING + 2 {
            assert_eq!(links.hold_or_pass(open.clone()), None);
        }
        assert_eq!(links.take().len(), MAX_WAITING);
        assert_eq!(links.hold_or_pass(open.clone()), Some(open));
        assert!(links.take().is_empty());
    }

    #[test]
    fn finds_links_among_a_launch_s_arguments() {
        let args: Vec<String> = [
            "/usr/bin/athena-desktop",
            "--data-dir",
            "/d",
            "athena-desktop://new",
        ]
        .map(String::from)
        .into();
        assert_eq!(
            links_in(&args).collect::<Vec<_>>(),
            ["athena-desktop://new"]
        );
    }
}
