//! The client: one configured HTTP stack, and the request plumbing every endpoint
//! module shares (auth headers, retries, error and envelope decoding).
//!
//! The endpoints themselves live in one module per API group (`execute`, `batch`,
//! `credits`, `tool_results`, `attachments`, `conversations`), each adding its methods
//! to [`AthenaClient`].

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::error::truncate;
use crate::retry::{is_retryable_status, parse_retry_after};
use crate::{
    ApiError, ClientConfig, ResponseMeta, ServerErrorBody, ValidationError, ValidationRule,
};

/// The largest error body read from a failed response.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

/// A client for one Athena workspace. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub struct AthenaClient {
    pub(crate) config: Arc<ClientConfig>,
    pub(crate) http: reqwest::Client,
}

/// A decoded success answer: the `data` of the `{"data": ...}` envelope, the status
/// (some endpoints tell things apart by it, e.g. 201 vs 200) and the response headers
/// every authenticated answer carries.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse<T> {
    /// The envelope's `data`.
    pub data: T,
    /// The HTTP status.
    pub status: u16,
    /// `X-Credits-Remaining`, `X-App-Version`, `X-Workspace-Id`.
    pub meta: ResponseMeta,
}

/// How one call is sent: with or without retries, and for execute calls the
/// idempotency key that turns a `409` into [`ApiError::IdempotencyConflict`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallOptions<'a> {
    pub(crate) retry: bool,
    pub(crate) idempotency_key: Option<&'a str>,
    /// A limit on waiting for the response head (streams use
    /// [`ClientConfig::head_timeout`]).
    pub(crate) head_timeout: Option<Duration>,
}

impl CallOptions<'_> {
    /// A call that may be retried and has no idempotency key.
    pub(crate) const RETRY: CallOptions<'static> = CallOptions {
        retry: true,
        idempotency_key: None,
        head_timeout: None,
    };
    /// A call sent once.
    pub(crate) const ONCE: CallOptions<'static> = CallOptions {
        retry: false,
        idempotency_key: None,
        head_timeout: None,
    };
}

impl AthenaClient {
    /// Builds the HTTP stack: connect timeout and TCP keepalive from the config; the
    /// system proxy settings (reqwest `system-proxy`: `HTTPS_PROXY`, `HTTP_PROXY`,
    /// `NO_PROXY`, and the OS settings on macOS/Windows) except for a loopback base URL,
    /// which is always reached directly ([`crate::bypasses_proxy`]); the OS trust store
    /// (reqwest's rustls with the platform verifier) plus the config's
    /// [`ClientConfig::extra_root_certificates`]; no redirects (a redirected POST
    /// could re-send an execution, or send the key elsewhere): a 3xx is
    /// [`ApiError::Redirect`].
    ///
    /// # Errors
    /// [`ApiError::Transport`] when the TLS or proxy set-up fails (with extra roots, on
    /// a platform whose verifier cannot merge them, or when the OS store cannot be read).
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .tcp_keepalive(config.tcp_keepalive)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("athena-desktop/", env!("CARGO_PKG_VERSION")));
        if reqwest::Url::parse(&config.base_url).is_ok_and(|url| crate::bypasses_proxy(&url)) {
            builder = builder.no_proxy();
        }
        if !config.extra_root_certificates.is_empty() {
            let mut roots = Vec::new();
            for der in config
                .extra_root_certificates
                .iter()
                .flat_map(|ca| ca.der_certificates())
            {
                roots.push(
                    reqwest::Certificate::from_der(der)
                        .map_err(|e| ApiError::Transport(describe(&e)))?,
                );
            }
            // Merged with the platform verifier's roots, never replacing them.
            builder = builder.tls_certs_merge(roots);
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::Transport(describe(&e)))?;
        Ok(Self {
            config: Arc::new(config),
            http,
        })
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// `base_url` + the path built from literal parts and percent-encoded ids.
    ///
    /// An id that is empty, `.` or `..` is refused: URL parsers treat the last two
    /// (even percent-encoded) as path steps, so `..` would send the call to another
    /// endpoint.
    pub(crate) fn url(&self, parts: &[PathPart<'_>]) -> Result<String, ValidationError> {
        let mut url = self.config.base_url.clone();
        for part in parts {
            match part {
                PathPart::Lit(text) => url.push_str(text),
                PathPart::Id(field, id) => {
                    if matches!(*id, "" | "." | "..") {
                        return Err(ValidationError {
                            field,
                            rule: ValidationRule::InvalidFormat,
                            limit: 0,
                            actual: id.len() as u64,
                        });
                    }
                    url.push_str(&encode_path_segment(id));
                }
            }
        }
        Ok(url)
    }

    /// The key, for redacting it from anything the server echoes back.
    pub(crate) fn secret(&self) -> &str {
        self.config.api_key.expose()
    }

    /// A request with the auth headers every call carries, after the config's
    /// `extra_headers`. The key's header value is marked sensitive so no `Debug` print
    /// of the request shows it.
    pub(crate) fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        let mut key = HeaderValue::from_str(self.config.api_key.expose())
            .unwrap_or_else(|_| HeaderValue::from_static(""));
        key.set_sensitive(true);
        let mut request = self.http.request(method, url);
        for (name, value) in &self.config.extra_headers {
            match (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                (Ok(name), Ok(value)) if name != "x-api-key" && name != "x-workspace-id" => {
                    request = request.header(name, value);
                }
                _ => tracing::warn!(header = %name, "invalid extra header skipped"),
            }
        }
        request
            .header("x-api-key", key)
            .header("x-workspace-id", &self.config.workspace_id)
    }

    /// Sends a request built by `build` (called again for each attempt), retrying as
    /// the contract says, and returns the first success response.
    ///
    /// A transport failure without a response is retried even when the request may
    /// have reached the server: execute calls carry their idempotency key, so the
    /// server refuses a second execution with a `409`. A head timeout is not retried:
    /// the server may be busy running the first attempt.
    ///
    /// # Errors
    /// [`ApiError::Http`] for a non-success answer, [`ApiError::IdempotencyConflict`]
    /// for a 409 to a call with a key, [`ApiError::Redirect`] for a 3xx,
    /// [`ApiError::RetryAfterTooLong`], [`ApiError::Transport`], [`ApiError::Timeout`]
    /// (head timeout).
    pub(crate) async fn send(
        &self,
        options: CallOptions<'_>,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ApiError> {
        let policy = &self.config.retry;
        let max_attempts = if options.retry {
            policy.max_attempts.max(1)
        } else {
            1
        };
        let mut attempt = 1;
        loop {
            let sent = build().send();
            let outcome = match options.head_timeout {
                Some(limit) => match tokio::time::timeout(limit, sent).await {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        return Err(ApiError::Timeout {
                            seconds: limit.as_secs(),
                        });
                    }
                },
                None => sent.await,
            };
            let wait = match outcome {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) if response.status().is_redirection() => {
                    return Err(redirect_error(&response, self.secret()));
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    if status == 409
                        && let Some(key) = options.idempotency_key
                    {
                        let meta = ResponseMeta::from_headers(response.headers());
                        let (body, _) = read_error_body(response, self.secret()).await;
                        tracing::debug!(status, attempt, "idempotency conflict");
                        return Err(ApiError::IdempotencyConflict {
                            idempotency_key: key.to_owned(),
                            body,
                            meta: Box::new(meta),
                        });
                    }
                    let retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, self.config.sleeper.now()));
                    let retryable = is_retryable_status(status);
                    if let Some(asked) = retry_after
                        && retryable
                        && options.retry
                        && asked > policy.max_retry_after
                    {
                        let (body, _) = read_error_body(response, self.secret()).await;
                        tracing::debug!(status, attempt, "retry-after too long, giving up");
                        return Err(ApiError::RetryAfterTooLong {
                            requested_secs: asked.as_secs(),
                            max_secs: policy.max_retry_after.as_secs(),
                            status,
                            body,
                        });
                    }
                    if !(retryable && attempt < max_attempts) {
                        tracing::debug!(status, attempt, "request failed");
                        return Err(http_error(response, self.secret()).await);
                    }
                    tracing::debug!(status, attempt, "retryable status");
                    retry_after.unwrap_or_else(|| policy.backoff(attempt))
                }
                Err(err) if is_retryable_transport(&err) && attempt < max_attempts => {
                    tracing::debug!(attempt, error = %describe(&err), "retryable transport failure");
                    policy.backoff(attempt)
                }
                Err(err) => {
                    tracing::debug!(attempt, error = %describe(&err), "transport failure");
                    return Err(transport_error(&err));
                }
            };
            self.config.sleeper.sleep(wait).await;
            attempt += 1;
        }
    }

    /// Sends with [`Self::send`] and decodes the `{"data": ...}` envelope.
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        options: CallOptions<'_>,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<ApiResponse<T>, ApiError> {
        let response = self.send(options, build).await?;
        read_envelope(response).await
    }
}

/// One piece of a URL path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PathPart<'a> {
    /// Written as is.
    Lit(&'a str),
    /// An id from the caller or the server, with the API's name for it: checked and
    /// percent-encoded.
    Id(&'static str, &'a str),
}

/// Decodes a success response's `{"data": ...}` envelope.
pub(crate) async fn read_envelope<T: DeserializeOwned>(
    response: reqwest::Response,
) -> Result<ApiResponse<T>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Envelope<T> {
        data: T,
    }
    let status = response.status().as_u16();
    let meta = ResponseMeta::from_headers(response.headers());
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Transport(describe(&e)))?;
    let envelope: Envelope<T> = crate::events::parse(&text)?;
    Ok(ApiResponse {
        data: envelope.data,
        status,
        meta,
    })
}

/// Reads at most [`MAX_ERROR_BODY`] bytes of an error body.
///
/// A server that echoes the API key in an error body (some do, for "invalid key"
/// answers) must not smuggle it into errors and from there into logs: every
/// occurrence of `secret` is replaced by `***` before parsing.
pub(crate) async fn read_error_body(
    mut response: reqwest::Response,
    secret: &str,
) -> (ServerErrorBody, String) {
    let mut bytes = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        bytes.extend_from_slice(&chunk);
        if bytes.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    let mut raw = String::from_utf8_lossy(&bytes).into_owned();
    if !secret.is_empty() && raw.contains(secret) {
        raw = raw.replace(secret, "***");
    }
    (ServerErrorBody::parse(&raw), truncate(&raw, 4096))
}

/// A 3xx as [`ApiError::Redirect`], its `Location` made absolute against the request
/// URL (the key, should the server echo it, masked as in error bodies).
fn redirect_error(response: &reqwest::Response, secret: &str) -> ApiError {
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .map(|raw| match response.url().join(&raw) {
            Ok(url) => url.to_string(),
            Err(_) => raw,
        })
        .map(|location| {
            if !secret.is_empty() && location.contains(secret) {
                location.replace(secret, "***")
            } else {
                location
            }
        });
    tracing::debug!(status = response.status().as_u16(), "redirect refused");
    ApiError::Redirect {
        status: response.status().as_u16(),
        location,
    }
}

/// A non-success response as [`ApiError::Http`].
pub(crate) async fn http_error(response: reqwest::Response, secret: &str) -> ApiError {
    let status = response.status().as_u16();
    let meta = ResponseMeta::from_headers(response.headers());
    let (body, raw) = read_error_body(response, secret).await;
    ApiError::Http {
        status,
        body,
        raw,
        meta: Box::new(meta),
    }
}

/// Connection failures without a response, before or after the request went out: the
/// request may be sent again (with the same idempotency key, an execute cannot run
/// twice). A TLS failure is not retried: it would fail the same way.
fn is_retryable_transport(err: &reqwest::Error) -> bool {
    !err.is_builder()
        && !err.is_redirect()
        && !err.is_body()
        && !err.is_decode()
        && crate::tls::tls_failure(err).is_none()
}

/// A request that got no response as [`ApiError::Tls`] when the TLS handshake or the
/// certificate check failed, else [`ApiError::Transport`].
pub(crate) fn transport_error(err: &reqwest::Error) -> ApiError {
    match crate::tls::tls_failure(err) {
        Some((kind, reason)) => ApiError::Tls { kind, reason },
        None => ApiError::Transport(describe(err)),
    }
}

/// A reqwest error with its causes, as one line.
pub(crate) fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Percent-encodes everything but unreserved characters and `:` (ids look like
/// `agent:abc`), so an id can never add path segments or a query.
pub(crate) fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_headers_are_sent_but_never_replace_the_auth_headers() {
        let mut config = ClientConfig::new(
            "http://127.0.0.1:9",
            crate::ApiKey::new("eak_k"),
            "workspace:w",
        );
        config.extra_headers = vec![
            ("X-Emulator-Fault".into(), "status=503".into()),
            ("x-api-key".into(), "eak_other".into()),
            ("X-Workspace-Id".into(), "workspace:other".into()),
            ("bad name".into(), "v".into()),
            ("x-bad-value".into(), "line\nbreak".into()),
        ];
        let client = AthenaClient::new(config).expect("client");
        let request = client
            .request(reqwest::Method::POST, "http://127.0.0.1:9/x")
            .build()
            .expect("request");
        let headers = request.headers();
        assert_eq!(headers["x-emulator-fault"], "status=503");
        let keys: Vec<_> = headers.get_all("x-api-key").iter().collect();
        assert_eq!(keys, ["eak_k"]);
        let workspaces: Vec<_> = headers.get_all("x-workspace-id").iter().collect();
        assert_eq!(workspaces, ["workspace:w"]);
        assert!(headers.get("x-bad-value").is_none());
        assert_eq!(headers.len(), 3);
    }

    #[test]
    fn agent_ids_cannot_escape_their_path_segment() {
        assert_eq!(encode_path_segment("agent:demo-chat"), "agent:demo-chat");
        assert_eq!(encode_path_segment("../x?y=1"), "..%2Fx%3Fy%3D1");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn ids_that_are_path_steps_are_refused() {
        let client = AthenaClient::new(ClientConfig::new(
            "http://127.0.0.1:9",
            crate::ApiKey::new("eak_test"),
            "workspace:w",
        ))
        .expect("client");
        for id in ["", ".", ".."] {
            let err = client
                .url(&[
                    PathPart::Lit("/agents/"),
                    PathPart::Id("agent_id", id),
                    PathPart::Lit("/execute"),
                ])
                .expect_err(id);
            assert_eq!(
                (err.field, err.rule),
                ("agent_id", ValidationRule::InvalidFormat)
            );
        }
        assert_eq!(
            client
                .url(&[
                    PathPart::Lit("/agents/"),
                    PathPart::Id("agent_id", "a..b"),
                    PathPart::Lit("/x")
                ])
                .expect("ordinary id"),
            "http://127.0.0.1:9/agents/a..b/x"
        );
    }
}
