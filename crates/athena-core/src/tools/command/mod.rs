//! Command tools: programs the user names in settings, offered to agents as client
//! tools. A call runs the program directly — never a shell, so no argument is ever
//! interpreted — with the call's arguments as JSON on standard input and its result
//! as JSON from standard output, within a time and an output limit.
//!
//! A command tool is a [`Tool`]: the approval dialog, the gate and the durable
//! pending calls apply to it exactly as to the built-ins.

mod list;
mod run;
mod spec;

use std::time::{Duration, Instant};

use serde_json::Value;

use super::context::ToolContext;
use super::definition::ToolDefinition;
use super::source::ToolSource;
use super::tool::{Tool, ToolFailure};

pub use list::{check_in_list, program_changed, save_in_list};
pub use run::{STDERR_KEPT_BYTES, run_command};
pub use spec::{
    CommandToolSpec, DEFAULT_OUTPUT_LIMIT_BYTES, DEFAULT_TIMEOUT_SECS, MAX_COMMAND_TOOLS,
    MAX_OUTPUT_LIMIT_BYTES, MAX_TIMEOUT_SECS, SpecProblem, check_all, parse_parameters,
};

/// A sample call the user ran from settings: its result, or why it failed, and how
/// long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct TestRun {
    /// The program's JSON result, or the failure's reason.
    pub result: Result<Value, String>,
    /// How long the run took, in ms.
    pub duration_ms: u64,
}

/// Runs `spec` once with the arguments the user typed (JSON text, checked against
/// the tool's parameters first), if `allowed` says yes once the checks passed (the
/// settings' Test button asks the user in a native dialog naming the program and the
/// sample: [`crate::tools::ProgramQuestion::TestRun`]). Blocking. `Ok(None)`: not
/// allowed, nothing ran.
///
/// # Errors
/// The spec's [`SpecProblem`], or one on `sample` when the arguments are not JSON or
/// do not fit the parameters (nothing ran then, and nothing was asked).
pub fn test_run(
    spec: &CommandToolSpec,
    sample: &str,
    allowed: impl FnOnce() -> bool,
) -> Result<Option<TestRun>, SpecProblem> {
    let tool = CommandTool::new(spec.clone())?;
    let arguments: Value = serde_json::from_str(sample).map_err(|err| SpecProblem {
        field: "sample".into(),
        reason: format!("is not JSON: {err}"),
    })?;
    let validator = super::schema::compile(&spec.parameters).map_err(|reason| SpecProblem {
        field: "parameters".into(),
        reason,
    })?;
    super::schema::check(&validator, &spec.name, &arguments).map_err(|rejected| SpecProblem {
        field: "sample".into(),
        reason: rejected.to_string(),
    })?;
    if !allowed() {
        return Ok(None);
    }
    let started = Instant::now();
    let result = tool.call(&arguments).map_err(|failure| failure.0);
    Ok(Some(TestRun {
        result,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }))
}

/// A command tool, ready to register.
#[derive(Debug)]
pub struct CommandTool {
    spec: CommandToolSpec,
    definition: ToolDefinition,
}

impl CommandTool {
    /// The tool `spec` defines.
    ///
    /// # Errors
    /// The spec's first [`SpecProblem`].
    pub fn new(spec: CommandToolSpec) -> Result<Self, SpecProblem> {
        spec.check()?;
        Ok(Self {
            definition: spec.definition(),
            spec,
        })
    }

    /// Runs the program once with `arguments`. Crate-only: the gate calls it for an
    /// approved call, and the settings' test for a call the user confirmed.
    pub(crate) fn call(&self, arguments: &Value) -> Result<Value, ToolFailure> {
        run_command(&self.spec, arguments.to_string().as_bytes())
    }
}

impl Tool for CommandTool {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn run(&self, arguments: &Value, _: &ToolContext) -> Result<Value, ToolFailure> {
        self.call(arguments)
    }

    fn source(&self) -> ToolSource {
        ToolSource::Command
    }

    fn time_limit(&self) -> Option<Duration> {
        Some(Duration::from_secs(u64::from(self.spec.timeout_secs)))
    }
}
