//! Where a client tool comes from: the app itself, the user's command tools, or one
//! of the user's MCP servers. Shown in settings and written to the audit log.

use std::fmt;

/// Where a tool comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum ToolSource {
    /// One of the tools this app ships with.
    #[default]
    BuiltIn,
    /// A command tool the user defined in settings.
    Command,
    /// A tool of one of the user's MCP servers.
    Mcp {
        /// The server's name, as the user gave it.
        server: String,
    },
}

impl ToolSource {
    /// The words stored in the audit log: `built-in`, `command` or `mcp:<server>`.
    pub fn label(&self) -> String {
        match self {
            Self::BuiltIn => "built-in".to_owned(),
            Self::Command => "command".to_owned(),
            Self::Mcp { server } => format!("mcp:{server}"),
        }
    }
}

impl fmt::Display for ToolSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_source() {
        assert_eq!(ToolSource::BuiltIn.label(), "built-in");
        assert_eq!(ToolSource::Command.label(), "command");
        let mcp = ToolSource::Mcp {
            server: "files".into(),
        };
        assert_eq!(mcp.to_string(), "mcp:files");
    }
}
