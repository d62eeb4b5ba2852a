//! What an execution would cost, asked before it is sent: `preview-credits` creates no
//! execution and charges nothing.

use athena_api::validation::validate_variables;
use athena_api::{ApiError, AthenaClient, CreditsPreview, PreviewCreditsRequest, ResponseMeta};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::redacted;
use crate::{CoreError, ExecutionError};

/// An agent's price for some inputs, in credits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostPreview {
    /// The total: the base cost plus every rule.
    pub credits: f64,
    /// What every run costs.
    pub base_cost: f64,
    /// The pricing rules that apply to these inputs; none when the server lists none.
    pub rules: Vec<CostRule>,
}

/// One pricing rule of a [`CostPreview`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostRule {
    /// The server's name for the rule.
    pub name: String,
    /// What it charges for, in the server's words (secrets redacted).
    pub description: Option<String>,
    /// What it adds, in credits.
    pub credits: f64,
}

impl From<CreditsPreview> for CostPreview {
    fn from(preview: CreditsPreview) -> Self {
        Self {
            credits: preview.credits,
            base_cost: preview.base_cost,
            rules: preview
                .rules
                .into_iter()
                .map(|rule| CostRule {
                    name: redacted(rule.name),
                    description: rule.description.map(redacted),
                    credits: rule.credits,
                })
                .collect(),
        }
    }
}

/// Asks what running `agent_id` with `variables` (sent as the preview's `inputs`)
/// would cost, and returns it with the answer's headers (credits left, app version:
/// give them to [`crate::AccountStatus::observe`]).
///
/// # Errors
/// [`CoreError::Validation`] when `variables` exceed the API's 16 KiB (nothing is sent)
/// or the agent id cannot be a path segment; [`CoreError::Request`] when the server
/// cannot be reached or refuses (server strings redacted).
pub async fn preview_cost(
    client: &AthenaClient,
    agent_id: &str,
    variables: &Map<String, Value>,
) -> Result<(CostPreview, ResponseMeta), CoreError> {
    validate_variables(variables)?;
    let request = PreviewCreditsRequest {
        inputs: variables.clone(),
    };
    match client.preview_credits(agent_id, &request).await {
        Ok(answer) => Ok((answer.data.into(), answer.meta)),
        Err(ApiError::Validation(v)) => Err(CoreError::Validation(v)),
        Err(err) => {
            tracing::debug!(error = %redacted(err.to_string()), "cost preview failed");
            Err(CoreError::Request(ExecutionError::from(err)))
        }
    }
}
