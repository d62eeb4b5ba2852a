use http::HeaderMap;

/// The headers every authenticated Athena response carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseMeta {
    /// `X-Credits-Remaining` (sent for `eak_` and customer keys only).
    pub credits_remaining: Option<i64>,
    /// `X-App-Version`: the workspace's published AppVersion id. When it changes,
    /// cached workspace data is stale.
    pub app_version: Option<String>,
    /// `X-Workspace-Id` as the server saw it.
    pub workspace_id: Option<String>,
}

impl ResponseMeta {
    /// Reads the three headers, ignoring any that are missing or malformed.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            credits_remaining: text("x-credits-remaining").and_then(|v| v.parse().ok()),
            app_version: text("x-app-version"),
            workspace_id: text("x-workspace-id"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_headers_and_tolerates_garbage() {
        let mut headers = HeaderMap::new();
        headers.insert("x-credits-remaining", "1234".parse().expect("header"));
        headers.insert("x-app-version", "appversion:7".parse().expect("header"));
        let meta = ResponseMeta::from_headers(&headers);
        assert_eq!(meta.credits_remaining, Some(1234));
        assert_eq!(meta.app_version.as_deref(), Some("appversion:7"));
        assert_eq!(meta.workspace_id, None);

        headers.insert("x-credits-remaining", "lots".parse().expect("header"));
        assert_eq!(ResponseMeta::from_headers(&headers).credits_remaining, None);
    }
}
