//! Attachments upload (multipart, 50 MiB, content types) and the served media.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use athena_emulator::EmulatorHandle;

use crate::support::{client, error_code, post, start, stream_events};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

fn part(bytes: Vec<u8>, name: &str, mime: Option<&str>) -> Part {
    let p = Part::bytes(bytes).file_name(name.to_owned());
    match mime {
        Some(m) => p.mime_str(m).unwrap(),
        None => p,
    }
}

async fn upload(server: &EmulatorHandle, part: Part) -> reqwest::Response {
    client()
        .post(format!("{}/attachments/upload", server.base_url()))
        .header("X-API-Key", server.api_key())
        .multipart(Form::new().text("note", "ignored").part("file", part))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn upload_then_attach() {
    let server = start().await;
    let response = upload(&server, part(PNG.to_vec(), "dot.png", Some("image/png"))).await;
    assert_eq!(response.status(), 201);
    assert!(response.headers().get("x-credits-remaining").is_some());
    let body: Value = response.json().await.unwrap();
    let data = &body["data"];
    assert_eq!(data["filename"], "dot.png");
    assert_eq!(data["content_type"], "image/png");
    assert_eq!(data["size_bytes"], PNG.len());
    let key = data["storage_key"].as_str().unwrap();

    let attachment =
        json!({"filename": "dot.png", "content_type": "image/png", "storage_key": key});
    let (status, _, events) = stream_events(post(
        &server,
        "/agents/agent:markdown/execute/stream",
        &json!({"message": "describe", "attachments": [attachment]}),
    ))
    .await;
    assert_eq!(status, 200);
    assert_eq!(events.last().unwrap()["type"], "final");

    let eleven = vec![attachment; 11];
    let response = post(
        &server,
        "/agents/agent:demo-echo/execute/stream",
        &json!({"message": "x", "attachments": eleven}),
    )
    .send()
    .await
    .unwrap();
    let (status, _, message) = error_code(response).await;
    assert_eq!(status, 422);
    assert_eq!(message, "attachments: at most 10 per request (got 11)");
}

#[tokio::test]
async fn content_types_are_checked_and_sniffed() {
    let server = start().await;
    // No declared type: the bytes decide.
    let r = upload(&server, part(PNG.to_vec(), "blob", None)).await;
    assert_eq!(r.status(), 201);
    assert_eq!(
        r.json::<Value>().await.unwrap()["data"]["content_type"],
        "image/png"
    );
    let r = upload(&server, part(b"a,b\n1,2\n".to_vec(), "t.csv", None)).await;
    assert_eq!(
        r.json::<Value>().await.unwrap()["data"]["content_type"],
        "text/csv"
    );
    let r = upload(
        &server,
        part(b"# Title".to_vec(), "n.md", Some("text/markdown")),
    )
    .await;
    assert_eq!(r.status(), 201);

    for (bytes, name, mime, needle) in [
        (
            b"GIF89a....".to_vec(),
            "x.png",
            Some("image/png"),
            "declared image/png but the bytes are image/gif",
        ),
        (
            b"BM....".to_vec(),
            "x.bmp",
            Some("image/bmp"),
            "image/bmp is not accepted",
        ),
        (vec![0, 1, 2, 3], "x.txt", Some("text/plain"), "not text"),
        (
            b"MZ\x90\0".to_vec(),
            "x.exe",
            None,
            "could not be recognised",
        ),
    ] {
        let (status, code, message) =
            error_code(upload(&server, part(bytes, name, mime)).await).await;
        assert_eq!(
            (status, code.as_str()),
            (415, "unsupported_media_type"),
            "{name}"
        );
        assert!(message.contains(needle), "{message}");
    }
}

#[tokio::test]
async fn upload_over_50_mib_is_413() {
    let server = start().await;
    let mut big = vec![b'a'; 50 * 1024 * 1024 + 1];
    big[..PNG.len()].copy_from_slice(PNG);
    let response = upload(&server, part(big, "big.png", Some("image/png"))).await;
    let (status, code, message) = error_code(response).await;
    assert_eq!((status, code.as_str()), (413, "payload_too_large"));
    assert!(message.contains("50 MiB"), "{message}");
}

#[tokio::test]
async fn upload_needs_the_part_file_and_a_key() {
    let server = start().await;
    let r = client()
        .post(format!("{}/attachments/upload", server.base_url()))
        .header("X-API-Key", server.api_key())
        .multipart(Form::new().text("other", "x"))
        .send()
        .await
        .unwrap();
    let (status, _, message) = error_code(r).await;
    assert_eq!(status, 400);
    assert!(message.starts_with("file:"), "{message}");
    let r = client()
        .post(format!("{}/attachments/upload", server.base_url()))
        .multipart(Form::new().part("file", part(PNG.to_vec(), "a.png", None)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn media_answers_range_requests() {
    let server = start().await;
    let url = format!("{}/media/demo-clip.webm", server.base_url());
    let whole = client().get(&url).send().await.unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["content-type"], "video/webm");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let all = whole.bytes().await.unwrap();
    assert!(all.len() > 1_000 && all.len() < 200 * 1024);

    let part = client()
        .get(&url)
        .header("Range", "bytes=0-3")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 0-3/{}", all.len()).as_str()
    );
    assert_eq!(&part.bytes().await.unwrap()[..], &[0x1a, 0x45, 0xdf, 0xa3]);
    let tail = client()
        .get(&url)
        .header("Range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(&tail.bytes().await.unwrap()[..], &all[all.len() - 10..]);
    let beyond = client()
        .get(&url)
        .header("Range", format!("bytes={}-", all.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), 416);

    let png = client()
        .get(format!("{}/media/demo-image.png", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let missing = client()
        .get(format!("{}/media/nope.gif", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
