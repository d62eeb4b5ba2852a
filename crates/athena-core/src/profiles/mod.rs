//! Profiles: the real Athena workspaces the user adds, and the agents of each.
//!
//! The API cannot list workspaces or agents, so the user types them: a profile's
//! name, server, workspace id, API key (kept in the OS keychain, never here nor in the
//! history), optional `external_user_id` and CA certificate file; then each agent by
//! id, with the variables a wizard agent reads. This module holds the rules those
//! forms must meet and turns a wizard's form into an execute request's `variables`.
//!
//! Every check returns *all* the problems it finds, each a [`FieldProblem`]: the
//! field as the form names it and a [`Problem`] code with its parameters. The UI owns
//! the words; nothing here is a sentence for the user.

mod agent;
mod form;
mod problem;
mod profile;

pub use agent::{
    AGENT_ID_PREFIX, MAX_AGENT_NAME_CHARS, MAX_VARIABLE_NAME_CHARS, validate_agent, validate_agents,
};
pub use form::variables_from_form;
pub use problem::{FieldProblem, Problem};
pub use profile::{
    DEFAULT_BASE_URL, KeyKind, MAX_EXTERNAL_USER_ID_CHARS, MAX_NAME_CHARS, ProfileInput,
    ValidProfile, WORKSPACE_ID_PREFIX, key_hint, validate_profile,
};
