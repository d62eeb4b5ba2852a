use athena_api::AthenaClient;

/// An agent the user can pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentSummary {
    /// The agent id, e.g. `agent:demo-chat`.
    pub id: String,
    /// A short name to show.
    pub name: String,
    /// One line saying what it does.
    pub description: String,
}

/// A connected Athena workspace: where executions go, and the agents it offers.
///
/// The API lists no agents, so a real workspace's agents are entered by id; the
/// built-in demo workspace knows its own.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The name the user sees.
    pub name: String,
    /// Whether this is the built-in demo workspace on this computer.
    pub is_demo: bool,
    /// The client for this workspace's server.
    pub client: AthenaClient,
    /// The agents to offer.
    pub agents: Vec<AgentSummary>,
}
