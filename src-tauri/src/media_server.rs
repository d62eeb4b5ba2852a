//! The app's loopback server of downloaded media.
//!
//! Why a server and not `blob:` URLs: WebKitGTK will not play video from the app's
//! `tauri://` URL (platform notes), and a `blob:` URL needs the whole file copied into
//! the page's memory (a 200 MB clip would sit in the web process, and once more per
//! view) and has to be fed through IPC first. An HTTP server lets `<video>` ask for
//! byte ranges, so playback starts at once, seeking reads only what it needs, and the
//! page holds no copy.
//!
//! The walls: it listens on 127.0.0.1 only, on a port the OS picks at start-up; every
//! URL carries a per-run random secret (`/m/<secret>/<file>`), compared in constant
//! time, and a wrong or missing one is a plain 404; the `Host` header must name this
//! server (no DNS rebinding from a web page); only a file name of the form the app
//! gives ([`athena_core::media::is_media_id`]) inside the media folder is served (no
//! path, no `..`, no listing); only GET and HEAD. tower-http's `ServeFile` answers
//! (`Range` -> 206, `If-Modified-Since`, HEAD), not code of ours.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The running server. Dropping it stops it.
#[derive(Debug)]
pub struct MediaServer {
    addr: SocketAddr,
    secret: String,
    _stop: oneshot::Sender<()>,
}

struct Shared {
    folder: PathBuf,
    secret: String,
    host: String,
}

impl MediaServer {
    /// Serves the files of `folder` on `127.0.0.1:<a free port>` with a new secret.
    ///
    /// # Errors
    /// The OS error when no port can be bound.
    pub async fn start(folder: PathBuf) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        // 244 random bits: two v4 UUIDs.
        let secret = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let shared = Arc::new(Shared {
            folder,
            secret: secret.clone(),
            host: addr.to_string(),
        });
        let app = Router::new()
            .route("/m/{secret}/{file}", get(serve))
            .fallback(|| async { StatusCode::NOT_FOUND })
            .with_state(shared);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::error!(%err, "media server stopped");
            }
        });
        tracing::info!(%addr, "media server listening");
        Ok(Self {
            addr,
            secret,
            _stop: stop,
        })
    }

    /// The URL of a downloaded file, by its local id.
    pub fn url_of(&self, media_id: &str) -> String {
        format!("http://{}/m/{}/{media_id}", self.addr, self.secret)
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

async fn serve(
    State(shared): State<Arc<Shared>>,
    Path((secret, file)): Path<(String, String)>,
    request: Request<Body>,
) -> Response {
    let secret_ok: bool = secret.as_bytes().ct_eq(shared.secret.as_bytes()).into();
    let host_ok = request
        .headers()
        .get(header::HOST)
        .is_some_and(|h| h.as_bytes() == shared.host.as_bytes());
    if !secret_ok || !host_ok || !athena_core::media::is_media_id(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match ServeFile::new(shared.folder.join(&file))
        .oneshot(request)
        .await
    {
        Ok(response) => {
            let mut response = response.map(Body::new);
            let headers = response.headers_mut();
            // Shown as the type it was checked as, never sniffed into something else.
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            response
        }
        Err(err) => {
            tracing::warn!(%err, "media server: file not served");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "0123456789abcdef0123456789abcdef.webm";

    async fn started() -> (MediaServer, PathBuf, Vec<u8>) {
        let dir = std::env::temp_dir().join(format!("athena-ms-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        std::fs::write(dir.join(NAME), &bytes).expect("file");
        std::fs::write(dir.join("secret.txt"), b"not media").expect("file");
        let server = MediaServer::start(dir.clone()).await.expect("server");
        (server, dir, bytes)
    }

    /// A raw GET (reqwest would normalise `..` away before sending).
    async fn get(addr: SocketAddr, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let req =
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.expect("write");
        let mut out = Vec::new();
        s.read_to_end(&mut out).await.expect("read");
        let split = out.windows(4).position(|w| w == b"\r\n\r\n").expect("head");
        let head = String::from_utf8_lossy(&out[..split]).into_owned();
        let status = head[9..12].parse().expect("status");
        (status, head, out[split + 4..].to_vec())
    }

    fn path_of(server: &MediaServer, file: &str) -> String {
        let url = server.url_of(file);
        url[url.find("/m/").expect("path")..].to_owned()
    }

    #[tokio::test]
    async fn a_file_is_served_whole_and_by_range() {
        let (server, _dir, bytes) = started().await;
        let path = path_of(&server, NAME);
        let (status, head, body) = get(server.addr(), &path, "").await;
        assert_eq!(status, 200, "{head}");
        assert_eq!(body, bytes);
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: video/webm"),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("x-content-type-options: nosniff")
        );
        let (status, head, body) = get(server.addr(), &path, "Range: bytes=100-199\r\n").await;
        assert_eq!(status, 206, "{head}");
        assert_eq!(body, bytes[100..200]);
        assert!(
            head.to_ascii_lowercase()
                .contains("content-range: bytes 100-199/10000"),
            "{head}"
        );
    }

    #[tokio::test]
    async fn a_wrong_or_missing_secret_is_not_found() {
        let (server, _dir, _) = started().await;
        let good = path_of(&server, NAME);
        let wrong = good.replacen(&server.secret[..8], "00000000", 1);
        assert_ne!(wrong, good);
        for path in [
            wrong,
            format!("/m/{NAME}"),
            format!("/m//{NAME}"),
            format!("/{NAME}"),
            format!("/m/{}/{NAME}", &server.secret[..server.secret.len() - 1]),
        ] {
            let (status, _, body) = get(server.addr(), &path, "").await;
            assert_eq!(status, 404, "{path}");
            assert!(body.is_empty() || !body.starts_with(&[0, 1, 2]), "{path}");
        }
    }

    #[tokio::test]
    async fn nothing_outside_the_apps_names_is_served() {
        let (server, dir, _) = started().await;
        let prefix = path_of(&server, "");
        let outside = dir.parent().expect("parent").join("athena-outside.txt");
        std::fs::write(&outside, b"outside").expect("file");
        for file in [
            "secret.txt",
            "..%2Fathena-outside.txt",
            "..",
            "%2E%2E%2Fathena-outside.txt",
            "",
        ] {
            let (status, _, body) = get(server.addr(), &format!("{prefix}{file}"), "").await;
            assert_eq!(status, 404, "{file}");
            assert_ne!(body, b"outside", "{file}");
        }
        let (status, _, _) =
            get(server.addr(), &format!("{prefix}../athena-outside.txt"), "").await;
        assert_eq!(status, 404);
        let _ = std::fs::remove_file(outside);
    }

    #[tokio::test]
    async fn another_host_name_is_refused() {
        let (server, _dir, _) = started().await;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(server.addr())
            .await
            .expect("connect");
        let req = format!(
            "GET {} HTTP/1.1\r\nHost: evil.example:{}\r\nConnection: close\r\n\r\n",
            path_of(&server, NAME),
            server.addr().port()
        );
        s.write_all(req.as_bytes()).await.expect("write");
        let mut out = String::new();
        s.read_to_string(&mut out).await.expect("read");
        assert!(out.starts_with("HTTP/1.1 404"), "{out}");
    }
}
