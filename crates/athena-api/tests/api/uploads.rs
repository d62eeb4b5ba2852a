//! Uploads: the checks before sending, and streaming from disk in bounded memory.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use athena_api::attachments::{UPLOAD_CHUNK_BYTES, check_upload};
use athena_api::{ApiError, ValidationRule};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::client;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("athena-api-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn rule_of(result: Result<athena_api::attachments::CheckedFile, ApiError>) -> ValidationRule {
    match result {
        Err(ApiError::Validation(v)) => {
            assert_eq!(v.field, "file");
            v.rule
        }
        other => panic!("not a validation error: {other:?}"),
    }
}

#[tokio::test]
async fn files_are_checked_by_magic_bytes_extension_and_utf8() {
    let dir = temp_dir("checks");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    };
    let png = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR";
    assert_eq!(
        check_upload(&write("a.png", png))
            .await
            .expect("png")
            .content_type,
        "image/png"
    );
    assert_eq!(
        check_upload(&write("a.pdf", b"%PDF-1.7\n..."))
            .await
            .expect("pdf")
            .content_type,
        "application/pdf"
    );
    assert_eq!(
        check_upload(&write("a.csv", "a,b\n1,é\n".as_bytes()))
            .await
            .expect("csv")
            .content_type,
        "text/csv"
    );
    assert_eq!(
        check_upload(&write("a.md", b"# hi"))
            .await
            .expect("md")
            .content_type,
        "text/markdown"
    );
    // A multi-byte character straddling the 64 KiB read boundary is still valid.
    let mut long = vec![b'a'; UPLOAD_CHUNK_BYTES - 1];
    long.extend_from_slice("€ and more".as_bytes());
    assert!(check_upload(&write("long.txt", &long)).await.is_ok());

    assert_eq!(
        rule_of(check_upload(&write("a.png", b"%PDF-1.7")).await),
        ValidationRule::TypeMismatch
    );
    assert_eq!(
        rule_of(check_upload(&write("b.txt", png)).await),
        ValidationRule::TypeMismatch
    );
    assert_eq!(
        rule_of(check_upload(&write("c.txt", b"ab\0cd")).await),
        ValidationRule::TypeMismatch
    );
    assert_eq!(
        rule_of(check_upload(&write("d.txt", b"ab\xFFcd")).await),
        ValidationRule::TypeMismatch
    );
    assert_eq!(
        rule_of(check_upload(&write("e.exe", b"MZ")).await),
        ValidationRule::UnsupportedType
    );

    let big = dir.join("big.pdf");
    let file = std::fs::File::create(&big).expect("create");
    file.set_len(50 * 1024 * 1024 + 1).expect("sparse");
    let Err(ApiError::Validation(v)) = check_upload(&big).await else {
        panic!("not refused")
    };
    assert_eq!(
        (v.rule, v.limit, v.actual),
        (ValidationRule::TooLarge, 52_428_800, 52_428_801)
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Resident memory of this process, from /proc/self/statm (Linux only).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Runs in a child process of its own (see below), so that no other test's
/// allocations disturb the resident-memory figure.
#[test]
fn upload_50_mib_child() {
    if std::env::var_os("ATHENA_UPLOAD_CHILD").is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    runtime.block_on(async {
        let dir = temp_dir("big-upload");
        let path = dir.join("big.txt");
        let mut file = tokio::fs::File::create(&path).await.expect("create");
        let line = vec![b'x'; 1024 * 1024];
        for _ in 0..50 {
            file.write_all(&line).await.expect("write");
        }
        file.flush().await.expect("flush");
        drop(file);

        // A sink server that counts the bytes it receives and keeps none.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let received = Arc::new(AtomicU64::new(0));
        let count = received.clone();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = vec![0u8; 64 * 1024];
            let mut seen: Vec<u8> = Vec::new();
            loop {
                let n = socket.read(&mut buf).await.expect("read");
                if n == 0 { break; }
                count.fetch_add(n as u64, Ordering::Relaxed);
                seen.extend_from_slice(&buf[n.saturating_sub(64)..n]);
                seen.drain(..seen.len().saturating_sub(64));
                // The closing boundary (`--boundary--`), or the last chunk if chunked.
                if seen.ends_with(b"--\r\n") || seen.ends_with(b"\r\n0\r\n\r\n") {
                    break;
                }
            }
            let body = r#"{"data":{"storage_key":"k","size_bytes":52428800}}"#;
            let answer = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
            socket.write_all(answer.as_bytes()).await.expect("write");
        });
        let (client, _) = client(&url);
        let before = resident_bytes().expect("statm");
        let calls = Arc::new(AtomicU64::new(0));
        let c = calls.clone();
        let answer = client
            .upload_attachment(&path, Some(Arc::new(move |_, _| { c.fetch_add(1, Ordering::Relaxed); })))
            .await
            .expect("upload");
        let after = resident_bytes().expect("statm");
        assert_eq!(answer.data.storage_key, "k");
        assert!(received.load(Ordering::Relaxed) > 50 * 1024 * 1024);
        assert!(calls.load(Ordering::Relaxed) >= 50 * 1024 * 1024 / UPLOAD_CHUNK_BYTES as u64);
        let growth = after.saturating_sub(before);
        println!("UPLOAD_RSS_GROWTH_BYTES={growth}");
        assert!(growth < 16 * 1024 * 1024, "resident memory grew by {growth} bytes for a 50 MiB upload");
        let _ = std::fs::remove_dir_all(dir);
    });
}

#[test]
fn a_50_mib_upload_streams_in_bounded_memory() {
    let exe = std::env::current_exe().expect("exe");
    let output = std::process::Command::new(exe)
        .args([
            "--exact",
            "uploads::upload_50_mib_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ATHENA_UPLOAD_CHILD", "1")
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("UPLOAD_RSS_GROWTH_BYTES="),
        "the child did not run:\n{stdout}"
    );
}
