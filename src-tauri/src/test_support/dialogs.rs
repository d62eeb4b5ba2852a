//! Dialogs answered from a script, and a link opener that only records.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use athena_core::dialogs::{Dialogs, FileDialog, MessageDialog};
use athena_core::links::LinkOpener;
use serde::Deserialize;
use serde_json::{Value, json};

/// How long a dialog waits for the test to script its answer.
const WAIT_FOR_ANSWER: Duration = Duration::from_secs(30);

/// One scripted answer, as the test writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Answer {
    /// Press the button with this label.
    Button(String),
    /// Close the message dialog without a choice.
    Close,
    /// Choose these files in an open dialog.
    Files(Vec<PathBuf>),
    /// Choose this path in a save dialog.
    Save(PathBuf),
    /// Cancel a file dialog.
    Cancel,
}

#[derive(Default)]
struct Script {
    answers: VecDeque<Answer>,
    shown: Vec<Value>,
}

/// Answers each dialog with the next scripted answer, waiting for one when none is
/// queued yet, and records every dialog shown with the answer it got.
#[derive(Default)]
pub(crate) struct ScriptedDialogs {
    script: Mutex<Script>,
    answered: Condvar,
}

impl ScriptedDialogs {
    /// Queues answers for the next dialogs.
    pub(crate) fn push(&self, answers: Vec<Answer>) {
        self.lock().answers.extend(answers);
        self.answered.notify_all();
    }

    /// Every dialog shown so far.
    pub(crate) fn shown(&self) -> Vec<Value> {
        self.lock().shown.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the next answer (waiting for one), records the dialog, and returns what
    /// `decide` makes of the answer.
    fn answer<T>(
        &self,
        mut record: Value,
        decide: impl FnOnce(Option<&Answer>) -> (T, Value),
    ) -> T {
        let deadline = Instant::now() + WAIT_FOR_ANSWER;
        let mut script = self.lock();
        while script.answers.is_empty() && Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            script = self
                .answered
                .wait_timeout(script, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let answer = script.answers.pop_front();
        let (result, shown_answer) = decide(answer.as_ref());
        record["answer"] = shown_answer;
        tracing::info!(dialog = %record, "test seam answered a dialog");
        script.shown.push(record);
        result
    }
}

impl Dialogs for ScriptedDialogs {
    fn ask(&self, dialog: &MessageDialog) -> Option<String> {
        let record = json!({
            "kind": "message",
            "title": dialog.title,
            "message": dialog.message,
            "buttons": dialog.buttons,
        });
        self.answer(record, |answer| match answer {
            Some(Answer::Button(label)) if dialog.buttons.contains(label) => {
                (Some(label.clone()), json!(label))
            }
            Some(Answer::Close) => (None, json!(null)),
            other => (None, json!({ "mismatch": format!("{other:?}") })),
        })
    }

    fn pick_files(&self, dialog: &FileDialog) -> Vec<PathBuf> {
        let record = json!({ "kind": "open", "title": dialog.title, "multiple": dialog.multiple });
        self.answer(record, |answer| match answer {
            Some(Answer::Files(files)) => (files.clone(), json!(files)),
            Some(Answer::Cancel) => (Vec::new(), json!(null)),
            other => (Vec::new(), json!({ "mismatch": format!("{other:?}") })),
        })
    }

    fn save_file(&self, dialog: &FileDialog) -> Option<PathBuf> {
        let record = json!({
            "kind": "save",
            "title": dialog.title,
            "suggestedName": dialog.suggested_name,
        });
        self.answer(record, |answer| match answer {
            Some(Answer::Save(path)) => (Some(path.clone()), json!(path)),
            Some(Answer::Cancel) => (None, json!(null)),
            other => (None, json!({ "mismatch": format!("{other:?}") })),
        })
    }

    fn pick_folder(&self, dialog: &FileDialog) -> Option<PathBuf> {
        let record = json!({ "kind": "folder", "title": dialog.title });
        self.answer(record, |answer| match answer {
            Some(Answer::Files(files)) if files.len() == 1 => {
                (Some(files[0].clone()), json!(files))
            }
            Some(Answer::Cancel) => (None, json!(null)),
            other => (None, json!({ "mismatch": format!("{other:?}") })),
        })
    }
}

/// Records the links it is asked to open instead of starting a browser.
#[derive(Default)]
pub(crate) struct RecordingOpener(Mutex<Vec<String>>);

impl RecordingOpener {
    /// Every link opened so far.
    pub(crate) fn opened(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl LinkOpener for RecordingOpener {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(url.to_owned());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use athena_core::dialogs::DialogKind;

    use super::*;

    fn question() -> MessageDialog {
        MessageDialog {
            title: "Q".into(),
            message: "Go?".into(),
            kind: DialogKind::Warning,
            buttons: vec!["Go".into(), "Stop".into()],
        }
    }

    #[test]
    fn answers_in_order_and_records_each_dialog() {
        let dialogs = ScriptedDialogs::default();
        dialogs.push(vec![
            Answer::Button("Go".into()),
            Answer::Button("Nope".into()),
            Answer::Close,
        ]);
        assert_eq!(dialogs.ask(&question()).as_deref(), Some("Go"));
        assert_eq!(
            dialogs.ask(&question()),
            None,
            "an unknown label is no answer"
        );
        assert_eq!(dialogs.ask(&question()), None);
        let shown = dialogs.shown();
        assert_eq!(shown[0]["answer"], "Go");
        assert!(shown[1]["answer"]["mismatch"].is_string());
        assert_eq!(shown[2]["answer"], Value::Null);
    }

    #[test]
    fn a_dialog_waits_for_an_answer_scripted_after_it_opened() {
        let dialogs = Arc::new(ScriptedDialogs::default());
        let asker = {
            let dialogs = dialogs.clone();
            std::thread::spawn(move || dialogs.ask(&question()))
        };
        std::thread::sleep(Duration::from_millis(50));
        dialogs.push(vec![Answer::Button("Stop".into())]);
        assert_eq!(asker.join().expect("thread").as_deref(), Some("Stop"));
    }

    #[test]
    fn file_dialogs_take_file_answers() {
        let dialogs = ScriptedDialogs::default();
        dialogs.push(vec![
            Answer::Files(vec!["/a".into(), "/b".into()]),
            Answer::Save("/out.md".into()),
            Answer::Cancel,
        ]);
        let open = FileDialog {
            multiple: true,
            ..FileDialog::default()
        };
        assert_eq!(dialogs.pick_files(&open).len(), 2);
        assert_eq!(
            dialogs.save_file(&FileDialog::default()),
            Some(PathBuf::from("/out.md"))
        );
        assert!(dialogs.pick_files(&open).is_empty());
    }
}
