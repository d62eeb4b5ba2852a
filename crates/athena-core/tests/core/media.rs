//! Generated media kept on disk: the Media maker's image and clip downloaded when
//! their jobs complete, recorded, shown from disk after a History reopen with the
//! server gone; failures kept with their reason and retried; files left pending by a
//! quit downloaded again; files gone from disk shown as such.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use athena_api::MediaDownloader;
use athena_core::ExecutionHandle;
use athena_core::history::{History, StoredMedia, StoredMediaState};
use athena_core::media::{
    GeneratedMedia, MediaFailure, MediaFileState, MediaFileStatus, MediaKey, MediaSink,
};
use athena_emulator::{EmulatorConfig, MEDIA_ID};
use tokio::sync::watch;

use crate::conversations::Bench;
use crate::support::WAIT;

/// Keeps every state change, in order, and wakes waiters.
struct Changes(watch::Sender<Vec<MediaFileStatus>>);

impl MediaSink for Changes {
    fn media_changed(&self, status: &MediaFileStatus) {
        self.0.send_modify(|v| v.push(status.clone()));
    }
}

impl Changes {
    fn new() -> Arc<Self> {
        Arc::new(Self(watch::Sender::new(Vec::new())))
    }

    /// Waits until `files_of` shows every file of `job` settled (not pending).
    async fn settled(&self, media: &GeneratedMedia, key: &MediaKey) -> MediaFileState {
        let mut rx = self.0.subscribe();
        let wait = async {
            loop {
                let state = state_of(media, key);
                if let Some(state) = state.filter(|s| *s != MediaFileState::Pending) {
                    return state;
                }
                rx.changed().await.expect("sink alive");
            }
        };
        tokio::time::timeout(WAIT, wait)
            .await
            .expect("the download settles")
    }
}

fn state_of(media: &GeneratedMedia, key: &MediaKey) -> Option<MediaFileState> {
    media
        .files_of(&key.handle, &key.job_id)
        .expect("files")
        .into_iter()
        .find(|f| &f.key == key)
        .map(|f| f.state)
}

fn library(folder: &Path, history: &History, changes: Arc<Changes>) -> GeneratedMedia {
    GeneratedMedia::new(
        folder.to_owned(),
        MediaDownloader::new(&[]).expect("downloader"),
        Some(history.clone()),
        changes,
        tokio::runtime::Handle::current(),
    )
    .expect("media folder")
}

fn quick_media() -> EmulatorConfig {
    EmulatorConfig {
        media_generation_time: Duration::from_millis(50),
        ..EmulatorConfig::default()
    }
}

/// The (job id, content type) of each completed media job of a stored message.
fn jobs_of(history: &History, handle: &ExecutionHandle) -> Vec<(String, String)> {
    let stored = history.message(handle).unwrap().unwrap();
    stored
        .snapshot
        .parts
        .iter()
        .filter_map(|p| match p {
            athena_core::Part::MediaJob { job_id, media, .. } => Some((
                job_id.clone(),
                media[0].content_type.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_media_makers_files_are_downloaded_kept_and_shown_after_a_reopen() {
    let mut bench = Bench::start(quick_media()).await;
    let folder = bench.dir.path().join("media");
    let changes = Changes::new();
    let media = library(&folder, &bench.history, changes.clone());
    bench
        .conversations
        .executions()
        .keep_media_with(media.clone());
    let base_url = bench.server.as_ref().unwrap().base_url();

    let chat = bench.chat_with(MEDIA_ID).await;
    let handle = bench.send(&chat, "a lighthouse at dusk").await;
    bench.answer(&handle).await;
    bench.history.flush().await;
    let jobs = jobs_of(&bench.history, &handle);
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    for (job_id, content_type) in &jobs {
        let key = MediaKey {
            handle: handle.clone(),
            job_id: job_id.clone(),
            index: 0,
        };
        let MediaFileState::Downloaded {
            media_id,
            content_type: served,
            size_bytes,
        } = changes.settled(&media, &key).await
        else {
            panic!("downloaded: {:?}", state_of(&media, &key));
        };
        assert_eq!(&served, content_type);
        let name = if content_type == "image/png" {
            "demo-image.png"
        } else {
            "demo-clip.webm"
        };
        let remote = reqwest::get(format!("{base_url}/media/{name}"))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let local = std::fs::read(folder.join(&media_id)).unwrap();
        assert_eq!(local, remote.to_vec(), "{name} byte for byte");
        assert_eq!(size_bytes, remote.len() as u64);
        let (path, _) = media.local_file(&key).unwrap();
        assert_eq!(path, folder.join(&media_id));
    }
    // The view was told: pending first, then downloaded, for each file.
    let seen = changes.0.borrow().clone();
    assert!(seen.len() >= 4, "{seen:?}");
    assert_eq!(seen[0].state, MediaFileState::Pending);

    // The app starts again with the server gone: the files are shown from disk.
    bench.history.flush().await;
    drop(bench.server.take());
    let (reopened, _) = History::open(&bench.dir.path().join("history.sqlite3"));
    let again = library(&folder, &reopened, Changes::new());
    assert_eq!(again.resume().unwrap(), 0, "nothing was left pending");
    for (job_id, content_type) in &jobs {
        let files = again.files_of(&handle, job_id).unwrap();
        assert_eq!(files.len(), 1);
        let MediaFileState::Downloaded {
            media_id,
            content_type: kept,
            ..
        } = &files[0].state
        else {
            panic!("shown from disk: {files:?}");
        };
        assert_eq!(kept, content_type);
        assert!(folder.join(media_id).is_file());
    }

    // A file removed from the media folder is shown as missing, with Retry.
    let (job_id, _) = &jobs[0];
    let (path, _) = again
        .local_file(&MediaKey {
            handle: handle.clone(),
            job_id: job_id.clone(),
            index: 0,
        })
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    let third = library(&folder, &reopened, Changes::new());
    let files = third.files_of(&handle, job_id).unwrap();
    assert_eq!(
        files[0].state,
        MediaFileState::Failed(MediaFailure::FileMissing)
    );

    // Deleting the conversation takes its media off the disk.
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1, "the clip");
    bench.conversations.delete(&chat.id).await.unwrap();
    assert_eq!(media.remove_unreferenced().unwrap(), 1);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}

/// A stored message to hang media rows on.
async fn a_message(bench: &Bench) -> ExecutionHandle {
    let chat = bench.chat_with("agent:demo-chat").await;
    let handle = bench.send(&chat, "hello").await;
    bench.answer(&handle).await;
    bench.history.flush().await;
    handle
}

fn pending_row(handle: &ExecutionHandle, url: String) -> StoredMedia {
    StoredMedia {
        handle: handle.clone(),
        job_id: "job_1".into(),
        index: 0,
        remote_url: url,
        content_type: Some("image/png".into()),
        file_name: None,
        size_bytes: None,
        state: StoredMediaState::Pending,
        error: None,
        updated_at_ms: 1,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_left_pending_is_downloaded_again_and_a_failure_is_kept_then_retried() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let handle = a_message(&bench).await;
    let folder = bench.dir.path().join("media");
    let mut server = mockito::Server::new_async().await;
    let expired = server
        .mock("GET", "/img.png")
        .with_status(403)
        .expect(1)
        .create_async()
        .await;
    // As if the app quit while downloading: a pending row, and a partial file and a
    // stray file in the folder.
    bench
        .history
        .save_media(pending_row(&handle, format!("{}/img.png", server.url())))
        .await
        .unwrap();
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("0123.png.abc.part"), b"half").unwrap();
    let changes = Changes::new();
    let media = library(&folder, &bench.history, changes.clone());
    assert_eq!(media.resume().unwrap(), 1);
    assert!(
        !folder.join("0123.png.abc.part").exists(),
        "leftovers removed"
    );
    let key = MediaKey {
        handle: handle.clone(),
        job_id: "job_1".into(),
        index: 0,
    };
    let state = changes.settled(&media, &key).await;
    assert_eq!(
        state,
        MediaFileState::Failed(MediaFailure::Status { status: 403 })
    );
    expired.assert_async().await;

    // The failure is stored with its reason: a reopen shows it.
    bench.history.flush().await;
    let (reopened, _) = History::open(&bench.dir.path().join("history.sqlite3"));
    let rows = reopened.media_of(&handle, "job_1").unwrap();
    assert_eq!(rows[0].state, StoredMediaState::Failed);
    let shown = library(&folder, &reopened, Changes::new());
    assert_eq!(
        state_of(&shown, &key),
        Some(MediaFileState::Failed(MediaFailure::Status { status: 403 }))
    );

    // Retry once the server serves it.
    server.reset();
    server
        .mock("GET", "/img.png")
        .with_header("content-type", "image/png")
        .with_body(b"\x89PNG fine")
        .create_async()
        .await;
    media.retry(&key).unwrap();
    let MediaFileState::Downloaded { media_id, .. } = changes.settled(&media, &key).await else {
        panic!("downloaded on retry");
    };
    assert_eq!(
        std::fs::read(folder.join(media_id)).unwrap(),
        b"\x89PNG fine"
    );
    // Retrying a downloaded file does nothing; an unknown one is refused.
    media.retry(&key).unwrap();
    let unknown = MediaKey {
        job_id: "job_none".into(),
        ..key
    };
    assert!(media.retry(&unknown).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_type_is_refused_and_shown_with_what_was_served() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let handle = a_message(&bench).await;
    let mut server = mockito::Server::new_async().await;
    server
        .mock("GET", "/img.png")
        .with_header("content-type", "text/html")
        .with_body("<script>alert(1)</script>")
        .create_async()
        .await;
    let changes = Changes::new();
    let folder = bench.dir.path().join("media");
    let media = library(&folder, &bench.history, changes.clone());
    media.job_completed(
        &handle,
        "job_1",
        &[athena_core::MediaFile {
            url: format!("{}/img.png", server.url()),
            content_type: Some("image/png".into()),
            width: None,
            height: None,
        }],
    );
    let key = MediaKey {
        handle,
        job_id: "job_1".into(),
        index: 0,
    };
    assert_eq!(
        changes.settled(&media, &key).await,
        MediaFileState::Failed(MediaFailure::WrongContentType {
            expected: "image/png".into(),
            served: "text/html".into()
        })
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}
