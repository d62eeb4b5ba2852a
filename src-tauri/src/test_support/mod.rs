//! Test-only seams, compiled only with the `test-support` feature (on for `cargo
//! test`, clippy and the real-window build; off for release and installer builds).
//!
//! They are reachable only from outside the webview: a Unix socket in the run's data
//! folder ([`CONTROL_SOCKET`]) that the test writes to. No IPC command leads here, so
//! the page cannot use them and `ui/src/bindings.ts` never lists them.
//!
//! - a scripted answerer for native dialogs (message dialogs with any button label,
//!   open file, save file), set by the test before it triggers the dialog;
//! - a recording link opener in place of the system browser;
//! - a drop of file paths, handed to the same handler as the window's drag-and-drop
//!   event.

mod control;
mod dialogs;

pub(crate) use control::start;
pub(crate) use dialogs::{RecordingOpener, ScriptedDialogs};

/// The control socket's file name in the data folder. Also the marker the release
/// check looks for: a build that contains this text contains the seams.
pub(crate) const CONTROL_SOCKET: &str = "athena-test-control.sock";
