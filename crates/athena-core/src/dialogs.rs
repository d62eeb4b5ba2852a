//! Native dialogs as core sees them: a question with labelled buttons, a file to open,
//! a place to save. The shell shows them with tauri-plugin-dialog; tests answer them
//! from a script. A page can never answer one: they are raised and read in Rust.

use std::path::PathBuf;
use std::sync::Arc;

use crate::links::{CheckedLink, LinkConfirmer, confirmation_text};

/// How a message dialog looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    /// Information.
    Info,
    /// A choice with consequences.
    Warning,
    /// Something failed.
    Error,
}

/// A question with one to three labelled buttons. The first button is the one that
/// goes ahead; closing the dialog is the same as the last (declining) button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageDialog {
    /// The window title.
    pub title: String,
    /// The question, in full.
    pub message: String,
    /// How it looks.
    pub kind: DialogKind,
    /// Button labels, one to three, the one that goes ahead first.
    pub buttons: Vec<String>,
}

/// A file type offered in an open or save dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFilter {
    /// What the user sees ("Images").
    pub name: String,
    /// Extensions without the dot.
    pub extensions: Vec<String>,
}

/// An open-file or save-file dialog.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDialog {
    /// The window title.
    pub title: String,
    /// The types offered (none: any file).
    pub filters: Vec<FileFilter>,
    /// Open: whether several files may be chosen.
    pub multiple: bool,
    /// Save: the suggested file name.
    pub suggested_name: Option<String>,
}

/// Shows native dialogs and waits for the answer. Called on a blocking thread, never
/// on the main thread or an async worker.
pub trait Dialogs: Send + Sync {
    /// Asks; returns the label of the button pressed, or `None` when the dialog was
    /// closed without a choice.
    fn ask(&self, dialog: &MessageDialog) -> Option<String>;
    /// Lets the user choose files to open; empty when cancelled.
    fn pick_files(&self, dialog: &FileDialog) -> Vec<PathBuf>;
    /// Lets the user choose where to save; `None` when cancelled.
    fn save_file(&self, dialog: &FileDialog) -> Option<PathBuf>;
    /// Lets the user choose a folder; `None` when cancelled (and where folders
    /// cannot be chosen).
    fn pick_folder(&self, dialog: &FileDialog) -> Option<PathBuf> {
        let _ = dialog;
        None
    }
}

/// The label of the button that opens a link.
pub const OPEN_LINK_BUTTON: &str = "Open in browser";
/// The label of the button that declines.
pub const CANCEL_BUTTON: &str = "Cancel";

/// Asks "open this link?" in a native dialog; only the "Open in browser" button says yes.
#[derive(Clone)]
pub struct LinkQuestion(pub Arc<dyn Dialogs>);

impl std::fmt::Debug for LinkQuestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkQuestion")
    }
}

impl LinkConfirmer for LinkQuestion {
    fn confirm(&self, link: &CheckedLink) -> bool {
        let answer = self.0.ask(&MessageDialog {
            title: "Open link?".into(),
            message: confirmation_text(link),
            kind: DialogKind::Warning,
            buttons: vec![OPEN_LINK_BUTTON.into(), CANCEL_BUTTON.into()],
        });
        answer.as_deref() == Some(OPEN_LINK_BUTTON)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::links::check_link;

    struct Answer(Option<&'static str>, Mutex<Vec<MessageDialog>>);

    impl Dialogs for Answer {
        fn ask(&self, dialog: &MessageDialog) -> Option<String> {
            self.1.lock().expect("lock").push(dialog.clone());
            self.0.map(str::to_owned)
        }
        fn pick_files(&self, _: &FileDialog) -> Vec<PathBuf> {
            Vec::new()
        }
        fn save_file(&self, _: &FileDialog) -> Option<PathBuf> {
            None
        }
    }

    #[test]
    fn only_the_open_button_opens_a_link() {
        let link = check_link("https://example.com/a").expect("allowed");
        for (answer, opens) in [
            (Some(OPEN_LINK_BUTTON), true),
            (Some(CANCEL_BUTTON), false),
            (None, false),
            (Some("OK"), false),
        ] {
            let dialogs = Arc::new(Answer(answer, Mutex::default()));
            assert_eq!(
                LinkQuestion(dialogs.clone()).confirm(&link),
                opens,
                "{answer:?}"
            );
            let asked = dialogs.1.lock().expect("lock");
            assert!(asked[0].message.contains("https://example.com/a"));
            assert_eq!(asked[0].buttons, [OPEN_LINK_BUTTON, CANCEL_BUTTON]);
        }
    }
}
