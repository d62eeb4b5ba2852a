use athena_core::{Executions, Workspace};

use crate::demo::DemoWorkspace;

/// What the commands share: the active workspace and the executions.
#[derive(Debug)]
pub(crate) struct AppState {
    demo: DemoWorkspace,
    pub(crate) executions: Executions,
}

impl AppState {
    pub(crate) fn new(demo: DemoWorkspace, executions: Executions) -> Self {
        Self { demo, executions }
    }

    /// The workspace new messages go to.
    pub(crate) fn active_workspace(&self) -> &Workspace {
        &self.demo.workspace
    }
}
