//! Preview credits: `POST /agents/{agent_id}/preview-credits`. [doc] body
//! `{"inputs":{...}}`, returns base cost and rule breakdown, creates no execution.
//! [assumed] `{"data":{"credits","base_cost","rules":[{"name","description","credits"}]}}`.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{CallOptions, PathPart};
use crate::execute::json_body;
use crate::lenient;
use crate::{ApiError, ApiResponse, AthenaClient};

/// The body of a credits preview.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PreviewCreditsRequest {
    /// The inputs the execution would get.
    pub inputs: Map<String, Value>,
}

/// What an execution with these inputs would cost.
///
/// `credits` and `base_cost` are required: an answer without them (or with `null`) is
/// [`ApiError::Decode`], never a preview of 0 credits that the user would trust. A
/// number may come as a string (`"12"`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CreditsPreview {
    /// The total, in credits.
    #[serde(deserialize_with = "lenient::amount")]
    pub credits: f64,
    /// The agent's base cost, in credits.
    #[serde(deserialize_with = "lenient::amount")]
    pub base_cost: f64,
    /// The pricing rules that applied; none when the server lists none.
    #[serde(default)]
    pub rules: Vec<CreditRule>,
}

/// One pricing rule of a preview. `name` and `credits` are required, as for the total.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CreditRule {
    /// The rule's name.
    #[serde(deserialize_with = "lenient::text")]
    pub name: String,
    /// What it charges for.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub description: Option<String>,
    /// What it adds, in credits.
    #[serde(deserialize_with = "lenient::amount")]
    pub credits: f64,
}

impl AthenaClient {
    /// Asks what an execution would cost. Has no side effect, so it is retried freely.
    ///
    /// # Errors
    /// Any [`ApiError`] but validation; [`ApiError::Decode`] when the answer lacks a
    /// total or a base cost.
    pub async fn preview_credits(
        &self,
        agent_id: &str,
        request: &PreviewCreditsRequest,
    ) -> Result<ApiResponse<CreditsPreview>, ApiError> {
        let url = self.url(&[
            PathPart::Lit("/agents/"),
            PathPart::Id("agent_id", agent_id),
            PathPart::Lit("/preview-credits"),
        ])?;
        let body = json_body(request)?;
        self.send_json(CallOptions::RETRY, || {
            self.request(Method::POST, &url)
                .header("content-type", "application/json")
                .body(body.clone())
        })
        .await
    }
}
