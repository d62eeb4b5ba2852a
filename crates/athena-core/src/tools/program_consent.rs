//! The user's yes, asked in a native dialog raised by Rust, before the app is given
//! a new program to run: a command tool's program (when it is saved, and before a
//! test run from settings) and an MCP server's command line (when it is saved); and
//! before a sample call of an MCP server's tool from settings, which no approval
//! dialog of an agent's call covers.
//!
//! Why: the page can ask to save a tool or a server, and a compromised page could
//! otherwise hand the app any program. The approval dialog of each call names the
//! tool, not its program, so the program is approved here, once per change, in a
//! dialog the page cannot draw or answer. What is in the settings file got there
//! through this question (or was written by the user by hand).

use crate::dialogs::{CANCEL_BUTTON, DialogKind, Dialogs, MessageDialog};
use crate::tools::dialog_text::shown_text;

/// The label of the button that allows the program.
pub const ALLOW_PROGRAM_BUTTON: &str = "Allow";
/// The label of the button that runs a test call.
pub const RUN_TEST_BUTTON: &str = "Run once";

/// The longest a program, argument or sample is shown, in characters (the rest is
/// said to be cut).
const SHOWN_CHARS: usize = 300;
/// The most arguments listed one by one.
const SHOWN_ARGS: usize = 12;

/// What the user is asked to allow.
#[derive(Debug, Clone, Copy)]
pub enum ProgramQuestion<'a> {
    /// Saving a command tool whose program or arguments are new or changed.
    CommandTool {
        /// The tool's name.
        tool: &'a str,
        /// The program.
        program: &'a str,
        /// Its fixed arguments.
        args: &'a [String],
    },
    /// Running a command tool once from settings with a sample the user typed.
    TestRun {
        /// The tool's name.
        tool: &'a str,
        /// The program.
        program: &'a str,
        /// Its fixed arguments.
        args: &'a [String],
        /// The sample arguments, as typed.
        sample: &'a str,
    },
    /// Calling one tool of a saved MCP server once from settings, with a sample the
    /// user typed (it skips the approval dialog of agents' calls, so it is asked here).
    ToolTrial {
        /// The server's name.
        server: &'a str,
        /// The tool's name, as the server gives it.
        tool: &'a str,
        /// The sample arguments, as typed.
        sample: &'a str,
    },
    /// Saving an MCP server whose command line is new or changed.
    McpServer {
        /// The server's name.
        server: &'a str,
        /// The program, as split from the command line.
        program: &'a str,
        /// Its arguments, as split.
        args: &'a [String],
    },
}

impl ProgramQuestion<'_> {
    /// The dialog asking it.
    pub fn dialog(&self) -> MessageDialog {
        let (title, intro, program, sample, yes) = match *self {
            Self::CommandTool {
                tool,
                program,
                args,
            } => (
                "Allow this program?",
                format!(
                    "The command tool \u{201c}{}\u{201d} will run this program on your computer \
                     each time you approve one of its calls:",
                    shown_text(tool, SHOWN_CHARS)
                ),
                Some((program, args)),
                None,
                ALLOW_PROGRAM_BUTTON,
            ),
            Self::TestRun {
                tool,
                program,
                args,
                sample,
            } => (
                "Run this program once?",
                format!(
                    "Testing \u{201c}{}\u{201d} runs this program now, with the sample below on its \
                     standard input:",
                    shown_text(tool, SHOWN_CHARS)
                ),
                Some((program, args)),
                Some(sample),
                RUN_TEST_BUTTON,
            ),
            Self::ToolTrial {
                server,
                tool,
                sample,
            } => (
                "Run this tool once?",
                format!(
                    "Trying \u{201c}{}\u{201d} of the MCP server \u{201c}{}\u{201d} runs it now on \
                     your computer, with the sample below as its arguments.",
                    shown_text(tool, SHOWN_CHARS),
                    shown_text(server, SHOWN_CHARS)
                ),
                None,
                Some(sample),
                RUN_TEST_BUTTON,
            ),
            Self::McpServer {
                server,
                program,
                args,
            } => (
                "Allow this MCP server?",
                format!(
                    "The MCP server \u{201c}{}\u{201d} will be started on your computer when its \
                     tools are needed, by running:",
                    shown_text(server, SHOWN_CHARS)
                ),
                Some((program, args)),
                None,
                ALLOW_PROGRAM_BUTTON,
            ),
        };
        let mut message = intro;
        if let Some((program, args)) = program {
            message.push_str(&program_lines(program, args));
        }
        if let Some(sample) = sample {
            message.push_str("\n\nSample: ");
            message.push_str(&shown_text(sample, SHOWN_CHARS));
        }
        message.push_str("\n\nOnly allow programs you trust.");
        MessageDialog {
            title: title.into(),
            message,
            kind: DialogKind::Warning,
            buttons: vec![yes.into(), CANCEL_BUTTON.into()],
        }
    }

    /// Asks it; `true` only when the user pressed the button that goes ahead.
    pub fn ask(&self, dialogs: &dyn Dialogs) -> bool {
        let dialog = self.dialog();
        let yes = dialog.buttons.first().cloned();
        let answer = dialogs.ask(&dialog);
        answer.is_some() && answer == yes
    }
}

/// The program and each argument, one per line, hidden characters made visible.
fn program_lines(program: &str, args: &[String]) -> String {
    let mut lines = format!("\n\nProgram: {}", shown_text(program, SHOWN_CHARS));
    if args.is_empty() {
        lines.push_str("\nArguments: none");
        return lines;
    }
    lines.push_str("\nArguments (each passed as one, never through a shell):");
    for arg in args.iter().take(SHOWN_ARGS) {
        lines.push_str("\n  ");
        lines.push_str(&shown_text(arg, SHOWN_CHARS));
    }
    if args.len() > SHOWN_ARGS {
        lines.push_str(&format!(
            "\n  \u{2026} and {} more",
            args.len() - SHOWN_ARGS
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::PathBuf;
    use std::sync::Mutex;

    use super::*;
    use crate::dialogs::FileDialog;

    struct Answer(Option<&'static str>, Mutex<Vec<MessageDialog>>);

    impl Dialogs for Answer {
        fn ask(&self, dialog: &MessageDialog) -> Option<String> {
            self.1.lock().unwrap().push(dialog.clone());
            self.0.map(str::to_owned)
        }
        fn pick_files(&self, _: &FileDialog) -> Vec<PathBuf> {
            Vec::new()
        }
        fn save_file(&self, _: &FileDialog) -> Option<PathBuf> {
            None
        }
    }

    fn args() -> Vec<String> {
        vec!["--flag".into(), "; rm -rf ~".into()]
    }

    #[test]
    fn only_the_button_that_goes_ahead_is_a_yes() {
        let args = args();
        let question = ProgramQuestion::CommandTool {
            tool: "lookup",
            program: "/usr/bin/lookup",
            args: &args,
        };
        assert!(question.ask(&Answer(Some(ALLOW_PROGRAM_BUTTON), Mutex::default())));
        assert!(!question.ask(&Answer(Some(CANCEL_BUTTON), Mutex::default())));
        assert!(!question.ask(&Answer(None, Mutex::default())));
        let test = ProgramQuestion::TestRun {
            tool: "lookup",
            program: "/usr/bin/lookup",
            args: &args,
            sample: "{}",
        };
        assert!(test.ask(&Answer(Some(RUN_TEST_BUTTON), Mutex::default())));
        assert!(!test.ask(&Answer(Some(ALLOW_PROGRAM_BUTTON), Mutex::default())));
    }

    #[test]
    fn a_tool_trial_names_the_server_the_tool_and_the_sample() {
        let answer = Answer(Some(RUN_TEST_BUTTON), Mutex::default());
        let trial = ProgramQuestion::ToolTrial {
            server: "files",
            tool: "delete_file",
            sample: r#"{"path": "/home/me"}"#,
        };
        assert!(trial.ask(&answer));
        assert!(!trial.ask(&Answer(Some(CANCEL_BUTTON), Mutex::default())));
        let asked = answer.1.lock().unwrap();
        assert_eq!(asked[0].title, "Run this tool once?");
        let text = &asked[0].message;
        assert!(
            text.contains("\u{201c}delete_file\u{201d} of the MCP server \u{201c}files\u{201d}"),
            "{text}"
        );
        assert!(text.contains(r#"Sample: {"path": "/home/me"}"#), "{text}");
    }

    #[test]
    fn the_dialog_names_the_exact_program_and_each_argument() {
        let args = args();
        let answer = Answer(Some(CANCEL_BUTTON), Mutex::default());
        ProgramQuestion::McpServer {
            server: "files",
            program: "/opt/mcp/server\u{202e}gpj.exe",
            args: &args,
        }
        .ask(&answer);
        let asked = answer.1.lock().unwrap();
        let text = &asked[0].message;
        assert_eq!(asked[0].kind, DialogKind::Warning);
        assert!(text.contains("\u{201c}files\u{201d}"), "{text}");
        assert!(text.contains("\n  --flag\n  ; rm -rf ~"), "{text}");
        // A hidden right-to-left override is shown, not obeyed.
        assert!(!text.contains('\u{202e}'), "{text}");
    }
}
