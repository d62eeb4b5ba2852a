//! The tools on top of the built-ins — the user's command tools and the tools of the
//! user's MCP servers — and the swapping of the registry when either changes.
//!
//! Why swapping is safe for calls in flight: an approval in the gate is bound to an
//! execution, a call id and the call's arguments, not to a registry; a call is
//! decided against the registry of that moment, and runs only if its tool still has
//! the definition (fingerprint) that was approved.

use std::sync::{Arc, PoisonError};

use crate::tools::command::CommandToolSpec;
use crate::tools::{Tool, ToolProblem, ToolRegistry, assemble_tools};

use super::ClientTools;

/// What the registry is built from.
pub(super) struct Layers {
    /// The tools the app was started with (the built-ins).
    base: ToolRegistry,
    /// The user's command tools, as last set.
    commands: Vec<CommandToolSpec>,
    /// Other tools (the MCP servers'), as last set.
    extra: Vec<Arc<dyn Tool>>,
    /// What the last rebuild left out.
    problems: Vec<ToolProblem>,
}

impl Layers {
    pub(super) fn new(base: ToolRegistry) -> Self {
        Self {
            base,
            commands: Vec::new(),
            extra: Vec::new(),
            problems: Vec::new(),
        }
    }
}

impl ClientTools {
    /// The tools this app has now (a snapshot: cheap, shares the tools).
    pub fn registry(&self) -> ToolRegistry {
        self.inner
            .registry
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Replaces every tool at once (the next execution is offered these). Calls
    /// already approved keep their approval; one whose tool is gone or changed fails
    /// without running.
    pub fn set_tools(&self, registry: ToolRegistry) {
        *self
            .inner
            .registry
            .write()
            .unwrap_or_else(PoisonError::into_inner) = registry;
    }

    /// Makes the user's command tools these, rebuilding the registry. Returns what
    /// had to be left out (see [`Self::tool_problems`]).
    pub fn set_command_tools(&self, specs: &[CommandToolSpec]) -> Vec<ToolProblem> {
        self.rebuild(|layers| layers.commands = specs.to_vec())
    }

    /// Makes the tools from other sources (the user's MCP servers) these — all of
    /// them, every time one changes — rebuilding the registry. Returns what had to
    /// be left out.
    pub fn set_extra_tools(&self, tools: Vec<Arc<dyn Tool>>) -> Vec<ToolProblem> {
        self.rebuild(|layers| layers.extra = tools)
    }

    /// What the last rebuild left out (a bad name, a name taken, a schema that does
    /// not compile, too many tools), for settings to show.
    pub fn tool_problems(&self) -> Vec<ToolProblem> {
        self.inner
            .layers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .problems
            .clone()
    }

    fn rebuild(&self, change: impl FnOnce(&mut Layers)) -> Vec<ToolProblem> {
        // The layers' lock is held until the swap, so two rebuilds never cross.
        let mut layers = self
            .inner
            .layers
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        change(&mut layers);
        let assembled = assemble_tools(layers.base.clone(), &layers.commands, layers.extra.clone());
        for problem in &assembled.problems {
            tracing::warn!(tool = %problem.tool_name, source = %problem.source, reason = %problem.reason, "a tool was left out");
        }
        layers.problems.clone_from(&assembled.problems);
        self.set_tools(assembled.registry);
        assembled.problems
    }
}
