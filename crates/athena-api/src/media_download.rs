//! Downloads generated media (the `url`s of `media_gen_complete`) into files.
//!
//! Media may sit on another host than the API (a storage bucket, a CDN), so this
//! client is a separate one that never carries the API key or any of the API's
//! headers. What it fetches is untrusted and bounded:
//! - `https` only, except plain `http` to a loopback host (the local emulator);
//! - a redirect is followed only to `https` (at most [`MAX_REDIRECTS`]), so an https
//!   URL can never be downgraded to plain text;
//! - at most [`MediaDownloader::max_bytes`] (512 MiB by default), checked against
//!   `Content-Length` before reading and again while streaming (a server may lie);
//! - the served `Content-Type` must be a media type (`image/*`, `video/*`, `audio/*`,
//!   never SVG) and, when the event announced one, the announced one;
//! - the body streams into a temporary file beside the destination, renamed into
//!   place only when it is whole, so a half-downloaded file is never taken for media.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use reqwest::redirect::{Attempt, Policy};
use tokio::io::AsyncWriteExt;

use crate::CaCertificate;
use crate::client::describe;

/// The largest file downloaded unless the caller says otherwise: 512 MiB.
pub const DEFAULT_MAX_MEDIA_BYTES: u64 = 512 * 1024 * 1024;

/// How many `https` redirects one download follows.
pub const MAX_REDIRECTS: usize = 5;

/// Why a download did not produce a file. Nothing is left at the destination.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum DownloadError {
    /// The URL does not parse, or is neither http nor https.
    #[error("the media URL is not a valid http(s) URL: {url}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
    },
    /// Plain `http` to a host that is not loopback.
    #[error("the media URL is plain http to a host that is not this computer: {url}")]
    InsecureUrl {
        /// The URL as given.
        url: String,
    },
    /// A redirect pointed to a non-https URL (or there were too many).
    #[error("the media server redirected to {location}, which is not followed")]
    RedirectRefused {
        /// Where it pointed.
        location: String,
    },
    /// The server answered with an error status.
    #[error("the media server answered {status}")]
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// The file is larger than the limit (announced, or found while reading).
    #[error("the media file is larger than the limit of {limit_bytes} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit_bytes: u64,
    },
    /// The served type is not a media type, or not the one announced.
    #[error("the media server sent {served} where {expected} was expected")]
    WrongContentType {
        /// What the event announced (or "an image, video or audio type").
        expected: String,
        /// What the server sent (`none` when it sent no type).
        served: String,
    },
    /// No complete HTTP answer: connection refused, reset, timeout, TLS.
    #[error("the media could not be downloaded: {0}")]
    Transport(String),
    /// The file could not be written.
    #[error("the media file could not be written: {0}")]
    Io(String),
}

/// A file downloaded whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadedMedia {
    /// Where it is now (the destination given).
    pub path: PathBuf,
    /// Its size.
    pub size_bytes: u64,
    /// Its type as served, without parameters (`image/png`).
    pub content_type: String,
}

/// The client for media downloads. Cheap to clone.
#[derive(Debug, Clone)]
pub struct MediaDownloader {
    /// Reaches loopback hosts directly, never through a proxy.
    direct: reqwest::Client,
    /// Reaches every other host, through the system proxy when one is set.
    proxied: reqwest::Client,
    max_bytes: u64,
}

impl MediaDownloader {
    /// A downloader that trusts the OS store plus `extra_root_certificates` (the
    /// workspace's own CA, when it has one) and keeps files up to
    /// [`DEFAULT_MAX_MEDIA_BYTES`].
    ///
    /// # Errors
    /// [`DownloadError::Transport`] when the TLS set-up fails.
    pub fn new(extra_root_certificates: &[CaCertificate]) -> Result<Self, DownloadError> {
        let mut roots = Vec::new();
        for der in extra_root_certificates
            .iter()
            .flat_map(|ca| ca.der_certificates())
        {
            roots.push(
                reqwest::Certificate::from_der(der)
                    .map_err(|e| DownloadError::Transport(describe(&e)))?,
            );
        }
        let build = |direct: bool| {
            let mut builder = reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(15))
                .read_timeout(Duration::from_secs(60))
                .redirect(Policy::custom(https_redirects_only))
                .user_agent(concat!("athena-desktop/", env!("CARGO_PKG_VERSION")));
            if direct {
                builder = builder.no_proxy();
            }
            if !roots.is_empty() {
                builder = builder.tls_certs_merge(roots.clone());
            }
            builder
                .build()
                .map_err(|e| DownloadError::Transport(describe(&e)))
        };
        Ok(Self {
            direct: build(true)?,
            proxied: build(false)?,
            max_bytes: DEFAULT_MAX_MEDIA_BYTES,
        })
    }

    /// The same downloader with another size limit.
    #[must_use]
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The size limit, in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Downloads `url` into `destination` (its folder must exist). `announced` is the
    /// content type the event gave, if any.
    ///
    /// # Errors
    /// Every [`DownloadError`]; on any error nothing is left at `destination` nor
    /// beside it.
    pub async fn download(
        &self,
        url: &str,
        announced: Option<&str>,
        destination: &Path,
    ) -> Result<DownloadedMedia, DownloadError> {
        let parsed = Url::parse(url).map_err(|_| DownloadError::InvalidUrl {
            url: url.to_owned(),
        })?;
        let loopback = crate::bypasses_proxy(&parsed);
        match parsed.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(DownloadError::InsecureUrl {
                    url: url.to_owned(),
                });
            }
            _ => {
                return Err(DownloadError::InvalidUrl {
                    url: url.to_owned(),
                });
            }
        }
        let client = if loopback {
            &self.direct
        } else {
            &self.proxied
        };
        let response = client.get(parsed).send().await.map_err(request_error)?;
        let status = response.status();
        if status.is_redirection() {
            // A redirect the policy stopped (reqwest hands back the 3xx).
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("an unnamed place")
                .to_owned();
            return Err(DownloadError::RedirectRefused { location });
        }
        if !status.is_success() {
            return Err(DownloadError::Status {
                status: status.as_u16(),
            });
        }
        let served = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(essence);
        let content_type = check_content_type(announced, served.as_deref())?;
        if response
            .content_length()
            .is_some_and(|n| n > self.max_bytes)
        {
            return Err(DownloadError::TooLarge {
                limit_bytes: self.max_bytes,
            });
        }
        let partial = partial_path(destination);
        let written = self.stream_into(response, &partial).await;
        let size_bytes = match written {
            Ok(size) => size,
            Err(err) => {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(err);
            }
        };
        if let Err(err) = tokio::fs::rename(&partial, destination).await {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(DownloadError::Io(err.to_string()));
        }
        Ok(DownloadedMedia {
            path: destination.to_owned(),
            size_bytes,
            content_type,
        })
    }

    /// Writes the body into `partial`, counting; stops past the limit.
    async fn stream_into(
        &self,
        mut response: reqwest::Response,
        partial: &Path,
    ) -> Result<u64, DownloadError> {
        let io = |e: std::io::Error| DownloadError::Io(e.to_string());
        let mut file = tokio::fs::File::create(partial).await.map_err(io)?;
        let mut size: u64 = 0;
        while let Some(chunk) = response.chunk().await.map_err(request_error)? {
            size += chunk.len() as u64;
            if size > self.max_bytes {
                return Err(DownloadError::TooLarge {
                    limit_bytes: self.max_bytes,
                });
            }
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)?;
        Ok(size)
    }
}

/// Follows a redirect only to https, at most [`MAX_REDIRECTS`] times; otherwise
/// stops and hands the 3xx back (reported as [`DownloadError::RedirectRefused`]).
fn https_redirects_only(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    if attempt.url().scheme() == "https" && attempt.previous().len() <= MAX_REDIRECTS {
        attempt.follow()
    } else {
        attempt.stop()
    }
}

fn request_error(err: reqwest::Error) -> DownloadError {
    DownloadError::Transport(describe(&err))
}

/// `image/png; charset=x` -> `image/png`, lower case.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The served type, when it is a media type and the announced one (if any).
fn check_content_type(
    announced: Option<&str>,
    served: Option<&str>,
) -> Result<String, DownloadError> {
    let served_text = served.unwrap_or("none").to_owned();
    let is_media = served.is_some_and(|t| {
        let top = t.split('/').next().unwrap_or_default();
        matches!(top, "image" | "video" | "audio") && t != "image/svg+xml"
    });
    match announced.map(essence) {
        Some(expected) if served != Some(expected.as_str()) || !is_media => {
            Err(DownloadError::WrongContentType {
                expected,
                served: served_text,
            })
        }
        None if !is_media => Err(DownloadError::WrongContentType {
            expected: "an image, video or audio type".to_owned(),
            served: served_text,
        }),
        _ => Ok(served_text),
    }
}

/// `<destination>.<random>.part`, beside it (same file system: the rename is atomic).
fn partial_path(destination: &Path) -> PathBuf {
    let mut name = destination
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{}.part", uuid::Uuid::new_v4().simple()));
    destination.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_checked_against_the_announced_one() {
        assert_eq!(
            check_content_type(Some("image/png"), Some("image/png")),
            Ok("image/png".to_owned())
        );
        assert_eq!(
            check_content_type(Some("Image/PNG; q=1"), Some("image/png")),
            Ok("image/png".to_owned())
        );
        assert!(check_content_type(Some("image/png"), Some("text/html")).is_err());
        assert!(check_content_type(Some("image/png"), None).is_err());
        assert!(check_content_type(None, Some("text/html")).is_err());
        assert!(check_content_type(None, Some("image/svg+xml")).is_err());
        assert!(check_content_type(Some("image/svg+xml"), Some("image/svg+xml")).is_err());
        assert_eq!(
            check_content_type(None, Some("video/webm")),
            Ok("video/webm".to_owned())
        );
    }

    #[test]
    fn the_partial_file_sits_beside_the_destination() {
        let p = partial_path(Path::new("/data/media/a.png"));
        assert_eq!(p.parent(), Some(Path::new("/data/media")));
        assert!(p.to_string_lossy().ends_with(".part"));
    }
}
