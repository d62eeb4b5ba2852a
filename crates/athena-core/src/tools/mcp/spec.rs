//! An MCP server as the user added it in settings, and its command line split into a
//! program and its arguments.
//!
//! The command line is split as a POSIX shell splits words (quotes and backslashes),
//! by the `shell-words` crate, and the program is started directly: no shell ever
//! sees the line, so `;`, `|`, `$(...)`, `>` or `&&` are ordinary characters of an
//! argument.

use serde::{Deserialize, Serialize};

/// The longest server name kept, in characters (it prefixes the tool names).
pub const MAX_SERVER_NAME_CHARS: usize = 64;
/// The longest command line kept, in characters.
pub const MAX_COMMAND_LINE_CHARS: usize = 4_096;

/// An MCP server the user added: started over stdio when its tools are first needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct McpServerSpec {
    /// A stable id the app gives the server (the settings refer to it).
    pub id: String,
    /// The user's name for the server; its tools are offered as `<name>_<tool>`.
    pub name: String,
    /// The program and its arguments, as the user typed them (see [`split_command_line`]).
    pub command_line: String,
    /// Whether the server is started and its tools offered.
    pub enabled: bool,
}

/// What is wrong with a server's settings, naming the field and the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// The name is empty or longer than [`MAX_SERVER_NAME_CHARS`].
    #[error("the server name must have 1 to {MAX_SERVER_NAME_CHARS} characters")]
    Name,
    /// The command line is empty, longer than [`MAX_COMMAND_LINE_CHARS`], or has an
    /// unclosed quote or a trailing backslash.
    #[error("the command line {reason}")]
    CommandLine {
        /// What is wrong with it.
        reason: String,
    },
}

/// Why the arguments of a sample call, typed in settings, were refused (nothing ran).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SampleRefused(pub String);

/// The arguments of a sample call the user typed in settings: a JSON object.
///
/// # Errors
/// [`SampleRefused`] when the text is not JSON or not an object.
pub fn sample_arguments(sample: &str) -> Result<serde_json::Value, SampleRefused> {
    let arguments: serde_json::Value =
        serde_json::from_str(sample).map_err(|e| SampleRefused(format!("is not JSON: {e}")))?;
    if arguments.is_object() {
        Ok(arguments)
    } else {
        Err(SampleRefused("must be a JSON object".into()))
    }
}

impl McpServerSpec {
    /// Checks the name and the command line.
    ///
    /// # Errors
    /// [`SpecError`] naming the field.
    pub fn validate(&self) -> Result<(), SpecError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > MAX_SERVER_NAME_CHARS {
            return Err(SpecError::Name);
        }
        split_command_line(&self.command_line).map(|_| ())
    }
}

/// The most MCP servers kept in settings.
pub const MAX_SERVERS: usize = 32;

/// Which server's field breaks a rule, for the settings file's problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServersProblem {
    /// The field, as `mcpServers[2].commandLine`.
    pub field: String,
    /// What is wrong, in fixed words (never the field's text).
    pub reason: String,
}

/// Checks the servers kept in settings: at most [`MAX_SERVERS`], ids non-empty and
/// unique, each name and command line usable, and no command line that holds
/// something like a key (settings never hold secrets: give a server its key through
/// its own configuration).
///
/// # Errors
/// The first [`ServersProblem`].
pub fn check_servers(servers: &[McpServerSpec]) -> Result<(), ServersProblem> {
    let problem = |index: Option<usize>, field: &str, reason: String| ServersProblem {
        field: match index {
            Some(i) => format!("mcpServers[{i}].{field}"),
            None => "mcpServers".to_owned(),
        },
        reason,
    };
    if servers.len() > MAX_SERVERS {
        return Err(problem(
            None,
            "",
            format!("must list at most {MAX_SERVERS} servers"),
        ));
    }
    for (index, server) in servers.iter().enumerate() {
        let id = server.id.trim();
        if id.is_empty() || id.chars().count() > MAX_SERVER_NAME_CHARS {
            return Err(problem(
                Some(index),
                "id",
                format!("must have 1 to {MAX_SERVER_NAME_CHARS} characters"),
            ));
        }
        if servers[..index].iter().any(|other| other.id == server.id) {
            return Err(problem(Some(index), "id", "is used twice".to_owned()));
        }
        match server.validate() {
            Err(SpecError::Name) => {
                return Err(problem(Some(index), "name", SpecError::Name.to_string()));
            }
            Err(error @ SpecError::CommandLine { .. }) => {
                return Err(problem(Some(index), "commandLine", error.to_string()));
            }
            Ok(()) => {}
        }
        if matches!(
            crate::redact::redact_secrets(&server.command_line),
            std::borrow::Cow::Owned(_)
        ) {
            return Err(problem(
                Some(index),
                "commandLine",
                "looks like it holds a key; settings never hold secrets".to_owned(),
            ));
        }
    }
    Ok(())
}

/// The program and arguments of a command line, split as a POSIX shell splits words
/// (`'...'`, `"..."`, `\`), never run through a shell.
///
/// # Errors
/// [`SpecError::CommandLine`] when it is empty, too long, or its quotes do not close.
pub fn split_command_line(line: &str) -> Result<(String, Vec<String>), SpecError> {
    if line.chars().count() > MAX_COMMAND_LINE_CHARS {
        return Err(SpecError::CommandLine {
            reason: format!("is longer than {MAX_COMMAND_LINE_CHARS} characters"),
        });
    }
    let mut words = shell_words::split(line)
        .map_err(|_| SpecError::CommandLine {
            reason: "has a quote that is not closed".to_owned(),
        })?
        .into_iter();
    let program = words
        .next()
        .filter(|program| !program.is_empty())
        .ok_or_else(|| SpecError::CommandLine {
            reason: "is empty: give the program to start".to_owned(),
        })?;
    Ok((program, words.collect()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_sample_is_a_json_object() {
        assert_eq!(
            sample_arguments(r#"{"text": "hi"}"#).unwrap(),
            serde_json::json!({"text": "hi"})
        );
        for bad in ["{text:", "[1]", "\"hi\""] {
            assert!(sample_arguments(bad).is_err(), "{bad}");
        }
    }

    fn split(line: &str) -> (String, Vec<String>) {
        split_command_line(line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    #[test]
    fn words_split_like_a_shell_splits_them() {
        assert_eq!(
            split(r#"python3 "my server.py" --name 'a b' c\ d"#),
            (
                "python3".to_owned(),
                vec![
                    "my server.py".into(),
                    "--name".into(),
                    "a b".into(),
                    "c d".into()
                ]
            )
        );
    }

    #[test]
    fn shell_metacharacters_are_ordinary_characters() {
        let (program, args) = split("server ; rm -rf x | cat $(whoami) > out && `id`");
        assert_eq!(program, "server");
        assert_eq!(
            args,
            [
                ";",
                "rm",
                "-rf",
                "x",
                "|",
                "cat",
                "$(whoami)",
                ">",
                "out",
                "&&",
                "`id`"
            ]
        );
    }

    #[test]
    fn bad_command_lines_say_why() {
        for (line, why) in [
            ("", "is empty"),
            ("   ", "is empty"),
            ("''", "is empty"),
            ("server 'open", "not closed"),
        ] {
            let error = split_command_line(line).unwrap_err().to_string();
            assert!(error.starts_with("the command line "), "{error}");
            assert!(error.contains(why), "{line:?}: {error}");
        }
        let long = "x".repeat(MAX_COMMAND_LINE_CHARS + 1);
        assert!(
            split_command_line(&long)
                .unwrap_err()
                .to_string()
                .contains("4096")
        );
    }

    #[test]
    fn servers_in_settings_are_checked_field_by_field() {
        let server = |id: &str, line: &str| McpServerSpec {
            id: id.into(),
            name: "tiny".into(),
            command_line: line.into(),
            enabled: true,
        };
        assert_eq!(check_servers(&[server("a", "x"), server("b", "y")]), Ok(()));
        let twice = check_servers(&[server("a", "x"), server("a", "y")]).unwrap_err();
        assert_eq!(twice.field, "mcpServers[1].id");
        let empty = check_servers(&[server("a", " ")]).unwrap_err();
        assert_eq!(empty.field, "mcpServers[0].commandLine");
        let key = check_servers(&[server(
            "a",
            "srv --key eak_0123456789abcdef0123456789abcdef",
        )])
        .unwrap_err();
        assert_eq!(key.field, "mcpServers[0].commandLine");
        assert!(key.reason.contains("never hold secrets"), "{key:?}");
        assert!(
            !key.reason.contains("eak_"),
            "the reason never quotes the line"
        );
        let many: Vec<McpServerSpec> = (0..=MAX_SERVERS)
            .map(|i| server(&i.to_string(), "x"))
            .collect();
        assert_eq!(check_servers(&many).unwrap_err().field, "mcpServers");
    }

    #[test]
    fn a_spec_needs_a_name() {
        let mut spec = McpServerSpec {
            id: "1".into(),
            name: " ".into(),
            command_line: "server".into(),
            enabled: true,
        };
        assert_eq!(spec.validate(), Err(SpecError::Name));
        spec.name = "tiny".into();
        assert_eq!(spec.validate(), Ok(()));
        spec.name = "n".repeat(65);
        assert_eq!(spec.validate(), Err(SpecError::Name));
    }
}
