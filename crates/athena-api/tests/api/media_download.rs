//! Media downloads: bounded, typed, never with the API key, never downgraded to http.

use std::path::PathBuf;

use athena_api::{DownloadError, MediaDownloader};

/// A fresh empty folder under the system's temp folder.
fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("athena-media-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    dir
}

/// Names left in `dir` (no partial file may remain after a failure).
fn names(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn downloader() -> MediaDownloader {
    MediaDownloader::new(&[]).expect("client")
}

#[tokio::test]
async fn downloads_the_emulators_image_and_clip_whole() {
    let emulator = athena_emulator::Emulator::start(athena_emulator::EmulatorConfig::default())
        .await
        .expect("emulator");
    let dir = folder();
    for (name, kind) in [
        ("demo-image.png", "image/png"),
        ("demo-clip.webm", "video/webm"),
    ] {
        let url = format!("{}/media/{name}", emulator.base_url());
        let dest = dir.join(name);
        let got = downloader()
            .download(&url, Some(kind), &dest)
            .await
            .expect(name);
        let served = reqwest::get(&url)
            .await
            .expect("get")
            .bytes()
            .await
            .expect("body");
        assert_eq!(std::fs::read(&dest).expect("file"), served.to_vec());
        assert_eq!(got.size_bytes, served.len() as u64);
        assert_eq!(got.content_type, kind);
    }
    assert_eq!(names(&dir), vec!["demo-clip.webm", "demo-image.png"]);
}

#[tokio::test]
async fn the_api_key_and_api_headers_are_never_sent() {
    let mut server = mockito::Server::new_async().await;
    // Matches only a request without any of the API's credentials.
    let clean = server
        .mock("GET", "/m/a.png")
        .match_header("x-api-key", mockito::Matcher::Missing)
        .match_header("authorization", mockito::Matcher::Missing)
        .match_header("x-workspace-id", mockito::Matcher::Missing)
        .match_header("cookie", mockito::Matcher::Missing)
        .with_header("content-type", "image/png")
        .with_body([0x89, b'P', b'N', b'G'])
        .expect(1)
        .create_async()
        .await;
    let dir = folder();
    downloader()
        .download(
            &format!("{}/m/a.png", server.url()),
            Some("image/png"),
            &dir.join("a.png"),
        )
        .await
        .expect("downloaded");
    clean.assert_async().await;
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_by_its_length_and_while_streaming() {
    let mut server = mockito::Server::new_async().await;
    let announced = server
        .mock("GET", "/big.png")
        .with_header("content-type", "image/png")
        .with_body(vec![7u8; 2048])
        .create_async()
        .await;
    // No Content-Length: the limit is found while reading.
    let chunked = server
        .mock("GET", "/chunked.png")
        .with_header("content-type", "image/png")
        .with_chunked_body(|w| {
            for _ in 0..8 {
                w.write_all(&[7u8; 512])?;
            }
            Ok(())
        })
        .create_async()
        .await;
    let dir = folder();
    let small = downloader().with_max_bytes(1024);
    for path in ["/big.png", "/chunked.png"] {
        let err = small
            .download(
                &format!("{}{path}", server.url()),
                Some("image/png"),
                &dir.join("x.png"),
            )
            .await
            .expect_err(path);
        assert_eq!(err, DownloadError::TooLarge { limit_bytes: 1024 }, "{path}");
    }
    announced.assert_async().await;
    chunked.assert_async().await;
    assert!(names(&dir).is_empty(), "nothing left: {:?}", names(&dir));
    // At the limit exactly it is kept.
    let ok = downloader()
        .with_max_bytes(2048)
        .download(
            &format!("{}/big.png", server.url()),
            Some("image/png"),
            &dir.join("x.png"),
        )
        .await
        .expect("at the limit");
    assert_eq!(ok.size_bytes, 2048);
}

#[tokio::test]
async fn a_type_other_than_the_announced_one_is_refused() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/page")
        .with_header("content-type", "text/html; charset=utf-8")
        .with_body("<html>")
        .create_async()
        .await;
    server
        .mock("GET", "/clip")
        .with_header("content-type", "video/mp4")
        .with_body("....")
        .create_async()
        .await;
    let dir = folder();
    let err = downloader()
        .download(
            &format!("{}/page", server.url()),
            Some("image/png"),
            &dir.join("a"),
        )
        .await
        .expect_err("html for a png");
    assert_eq!(
        err,
        DownloadError::WrongContentType {
            expected: "image/png".into(),
            served: "text/html".into()
        }
    );
    let err = downloader()
        .download(
            &format!("{}/clip", server.url()),
            Some("video/webm"),
            &dir.join("b"),
        )
        .await
        .expect_err("mp4 for webm");
    assert!(
        matches!(err, DownloadError::WrongContentType { .. }),
        "{err:?}"
    );
    // Nothing announced: any media type, but not a page.
    let err = downloader()
        .download(&format!("{}/page", server.url()), None, &dir.join("c"))
        .await
        .expect_err("html");
    assert!(
        matches!(err, DownloadError::WrongContentType { .. }),
        "{err:?}"
    );
    assert!(names(&dir).is_empty());
}

#[tokio::test]
async fn plain_http_is_refused_for_a_host_that_is_not_loopback() {
    let dir = folder();
    // Hosts that lead nowhere off this machine even if the check were missing: a name
    // that never resolves (RFC 6761 `.invalid`) and the unspecified address (not
    // loopback by the rule, but never routed off the machine).
    for url in [
        "http://media.invalid/a.png",
        "http://0.0.0.0:9/a.png",
        "http://[::]:9/a.png",
    ] {
        let err = downloader()
            .download(url, Some("image/png"), &dir.join("a.png"))
            .await
            .expect_err(url);
        assert_eq!(err, DownloadError::InsecureUrl { url: url.into() });
    }
    for url in ["ftp://127.0.0.1/a.png", "file:///etc/passwd", "not a url"] {
        let err = downloader()
            .download(url, None, &dir.join("a.png"))
            .await
            .expect_err(url);
        assert_eq!(err, DownloadError::InvalidUrl { url: url.into() });
    }
}

#[tokio::test]
async fn a_redirect_to_plain_http_is_refused_and_not_followed() {
    let mut server = mockito::Server::new_async().await;
    let target = server
        .mock("GET", "/plain.png")
        .with_header("content-type", "image/png")
        .with_body("png")
        .expect(0)
        .create_async()
        .await;
    let location = format!("{}/plain.png", server.url());
    server
        .mock("GET", "/moved.png")
        .with_status(302)
        .with_header("location", &location)
        .create_async()
        .await;
    let dir = folder();
    let err = downloader()
        .download(
            &format!("{}/moved.png", server.url()),
            Some("image/png"),
            &dir.join("a.png"),
        )
        .await
        .expect_err("redirect to http");
    assert_eq!(err, DownloadError::RedirectRefused { location });
    target.assert_async().await;
    assert!(names(&dir).is_empty());
}

#[tokio::test]
async fn an_error_status_and_a_refused_connection_are_typed() {
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/gone.png")
        .with_status(404)
        .create_async()
        .await;
    let dir = folder();
    let err = downloader()
        .download(
            &format!("{}/gone.png", server.url()),
            Some("image/png"),
            &dir.join("a.png"),
        )
        .await
        .expect_err("404");
    assert_eq!(err, DownloadError::Status { status: 404 });
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let err = downloader()
        .download(
            &format!("http://127.0.0.1:{port}/a.png"),
            None,
            &dir.join("a.png"),
        )
        .await
        .expect_err("refused");
    assert!(matches!(err, DownloadError::Transport(_)), "{err:?}");
    assert!(names(&dir).is_empty());
}
