//! Building the registry of every client tool: the built-ins, the user's command
//! tools and any others (the user's MCP servers' tools). A tool that cannot be added
//! (a bad name, a name already taken, a schema that does not compile, one tool too
//! many) is left out and reported, so one bad tool never takes the others away.

use std::sync::Arc;

use super::command::{CommandTool, CommandToolSpec};
use super::registry::{RegistryError, ToolRegistry};
use super::source::ToolSource;
use super::tool::Tool;

/// The most tools the app holds together (each agent is offered at most 32 of them).
pub const MAX_TOOLS: usize = 128;

/// A tool left out of the registry, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolProblem {
    /// The tool's name, as its source gave it.
    pub tool_name: String,
    /// Where it comes from.
    pub source: ToolSource,
    /// Why it was left out, in a sentence for settings.
    pub reason: String,
}

/// The registry built, and what was left out of it.
#[derive(Debug, Clone, Default)]
pub struct AssembledTools {
    /// The tools that could be added.
    pub registry: ToolRegistry,
    /// The tools that could not, in the order met.
    pub problems: Vec<ToolProblem>,
}

/// Builds the registry: `base` (the built-ins), then `commands`, then `extra`, in
/// order. On a name clash the earlier tool stays and the later one is reported.
pub fn assemble_tools(
    base: ToolRegistry,
    commands: &[CommandToolSpec],
    extra: Vec<Arc<dyn Tool>>,
) -> AssembledTools {
    let mut assembled = AssembledTools {
        registry: base,
        problems: Vec::new(),
    };
    for spec in commands {
        match CommandTool::new(spec.clone()) {
            Ok(tool) => assembled.add(Arc::new(tool)),
            Err(problem) => assembled.problems.push(ToolProblem {
                tool_name: spec.name.clone(),
                source: ToolSource::Command,
                reason: format!("The setting {problem}."),
            }),
        }
    }
    for tool in extra {
        assembled.add(tool);
    }
    assembled
}

impl AssembledTools {
    fn add(&mut self, tool: Arc<dyn Tool>) {
        let tool_name = tool.definition().name.clone();
        let source = tool.source();
        let reason = if self.registry.len() >= MAX_TOOLS {
            format!("It is over the limit of {MAX_TOOLS} tools in all; remove some tools first.")
        } else {
            match self.registry.add(tool) {
                Ok(()) => return,
                Err(RegistryError::Duplicate { .. }) => {
                    let holder = self
                        .registry
                        .source(&tool_name)
                        .map_or_else(String::new, |s| format!(" ({s})"));
                    format!("Another tool{holder} already has this name.")
                }
                Err(other) => format!("{}.", capitalised(&other.to_string())),
            }
        };
        self.problems.push(ToolProblem {
            tool_name,
            source,
            reason,
        });
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::tools::{ToolContext, ToolDefinition, ToolFailure};

    #[derive(Debug)]
    struct Remote(ToolDefinition);

    impl Tool for Remote {
        fn definition(&self) -> &ToolDefinition {
            &self.0
        }
        fn run(&self, _: &Value, _: &ToolContext) -> Result<Value, ToolFailure> {
            Ok(json!(null))
        }
        fn source(&self) -> ToolSource {
            ToolSource::Mcp {
                server: "files".into(),
            }
        }
    }

    fn remote(name: &str, parameters: Value) -> Arc<dyn Tool> {
        Arc::new(Remote(ToolDefinition::new(name, "Remote.", parameters)))
    }

    fn command(name: &str) -> CommandToolSpec {
        CommandToolSpec {
            name: name.into(),
            description: "A command.".into(),
            parameters: json!({"type": "object"}),
            executable: "/bin/true".into(),
            args: Vec::new(),
            timeout_secs: 60,
            output_limit_bytes: 1024,
        }
    }

    #[test]
    fn problems_are_reported_and_the_rest_is_kept() {
        let bad_timeout = CommandToolSpec {
            timeout_secs: 0,
            ..command("slow")
        };
        let assembled = assemble_tools(
            ToolRegistry::builtin(),
            &[command("lookup"), bad_timeout, command("current_datetime")],
            vec![
                remote("files_read", json!({"type": "object"})),
                remote("lookup", json!({"type": "object"})),
                remote("Bad-Name", json!({"type": "object"})),
                remote("bad_schema", json!({"type": 3})),
            ],
        );
        let registry = &assembled.registry;
        assert_eq!(registry.source("lookup"), Some(ToolSource::Command));
        assert_eq!(
            registry.source("current_datetime"),
            Some(ToolSource::BuiltIn)
        );
        assert_eq!(
            registry.source("files_read").map(|s| s.label()),
            Some("mcp:files".to_owned())
        );
        assert_eq!(registry.len(), 6);
        let problems: Vec<(&str, String, &str)> = assembled
            .problems
            .iter()
            .map(|p| (p.tool_name.as_str(), p.source.label(), p.reason.as_str()))
            .collect();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert_eq!(problems[0].0, "slow");
        assert!(problems[0].2.contains("timeoutSecs"), "{problems:?}");
        assert_eq!(problems[1].0, "current_datetime");
        assert!(problems[1].2.contains("(built-in)"), "{problems:?}");
        assert_eq!(
            (problems[2].0, problems[2].1.as_str()),
            ("lookup", "mcp:files")
        );
        assert!(problems[2].2.contains("(command)"), "{problems:?}");
        assert!(problems[3].2.contains("not allowed"), "{problems:?}");
        assert!(problems[4].2.contains("JSON Schema"), "{problems:?}");
    }

    #[test]
    fn tools_past_the_limit_are_reported() {
        let extra: Vec<Arc<dyn Tool>> = (0..MAX_TOOLS + 2)
            .map(|i| remote(&format!("t{i:03}"), json!({"type": "object"})))
            .collect();
        let assembled = assemble_tools(ToolRegistry::empty(), &[], extra);
        assert_eq!(assembled.registry.len(), MAX_TOOLS);
        assert_eq!(assembled.problems.len(), 2);
        assert!(assembled.problems[0].reason.contains("limit of 128"));
    }
}
