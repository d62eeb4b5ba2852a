//! Attachments: the checks before any upload (type by content and extension, size,
//! folder, unreadable, empty, ten per message), uploads with progress, cancel and
//! retry against the emulator, pasted copies, staged files kept in the draft across a
//! restart (an unfinished upload resumed), and the message carrying its files.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use athena_core::attachments::{
    AttachmentProblem, AttachmentSink, AttachmentState, Attachments, MAX_ATTACHMENT_BYTES, Refusal,
    StagedAttachment, check_file,
};
use athena_core::history::History;
use athena_core::{CoreError, ExecutionChange};
use athena_emulator::EmulatorConfig;

use crate::conversations::Bench;

/// Its answers say how many attachments the request carried.
const CHAT: &str = athena_emulator::MARKDOWN_ID;

/// What the shell would be told.
#[derive(Default)]
struct Seen {
    changes: Mutex<Vec<StagedAttachment>>,
    removed: Mutex<Vec<String>>,
}

impl AttachmentSink for Seen {
    fn changed(&self, attachment: &StagedAttachment) {
        self.changes.lock().unwrap().push(attachment.clone());
    }
    fn removed(&self, id: &str, _conversation_id: &str) {
        self.removed.lock().unwrap().push(id.to_owned());
    }
}

fn png(path: &Path, width: u32, height: u32) {
    image::RgbImage::from_pixel(width, height, image::Rgb([30, 120, 200]))
        .save_with_format(path, image::ImageFormat::Png)
        .unwrap();
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Waits until the attachment `id` of the conversation is in a state `done` accepts.
async fn wait_for(
    attachments: &Attachments,
    conversation_id: &str,
    id: &str,
    done: impl Fn(&AttachmentState) -> bool,
) -> StagedAttachment {
    for _ in 0..500 {
        let list = attachments.list(conversation_id).await.unwrap();
        let found = list.iter().find(|a| a.id == id).expect("listed").clone();
        if done(&found.state) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("attachment {id} never reached the state");
}

fn uploaded(state: &AttachmentState) -> bool {
    *state == AttachmentState::Uploaded
}

#[test]
fn files_are_checked_by_content_and_extension_before_any_upload() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let real_png = d.join("chart.png");
    png(&real_png, 8, 8);
    let png_bytes = std::fs::read(&real_png).unwrap();

    let ok = check_file(&real_png).unwrap();
    assert_eq!(ok.content_type, "image/png");
    assert_eq!(ok.filename, "chart.png");
    assert_eq!(
        check_file(&write(d, "notes.md", "# Été\nplain text".as_bytes()))
            .unwrap()
            .content_type,
        "text/markdown"
    );

    let cases: Vec<(PathBuf, Refusal)> = vec![
        // A PNG renamed .pdf is refused, naming both types.
        (
            write(d, "report.pdf", &png_bytes),
            Refusal::TypeMismatch {
                claimed: "application/pdf",
                found: Some("image/png"),
            },
        ),
        // A text file named .png.
        (
            write(d, "photo.png", b"just some words"),
            Refusal::TypeMismatch {
                claimed: "image/png",
                found: None,
            },
        ),
        // A PDF named .txt, and a .csv that is not UTF-8.
        (
            write(d, "data.txt", b"%PDF-1.7 binary"),
            Refusal::TypeMismatch {
                claimed: "text/plain",
                found: Some("application/pdf"),
            },
        ),
        (
            write(d, "table.csv", b"a,b\n\xff\xfe,2\n"),
            Refusal::TypeMismatch {
                claimed: "text/csv",
                found: None,
            },
        ),
        (
            write(d, "setup.exe", b"MZ\x90\x00"),
            Refusal::UnsupportedType {
                extension: "exe".into(),
            },
        ),
        (
            write(d, "README", b"no extension"),
            Refusal::UnsupportedType {
                extension: String::new(),
            },
        ),
        (write(d, "empty.txt", b""), Refusal::Empty),
        (d.to_path_buf(), Refusal::Folder),
    ];
    for (path, refusal) in cases {
        assert_eq!(check_file(&path), Err(refusal), "{}", path.display());
    }

    // One byte over 50 MiB (sparse: nothing is written).
    let big = d.join("big.pdf");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_ATTACHMENT_BYTES + 1)
        .unwrap();
    assert_eq!(
        check_file(&big),
        Err(Refusal::TooLarge {
            limit: MAX_ATTACHMENT_BYTES,
            actual: MAX_ATTACHMENT_BYTES + 1
        })
    );
    assert!(matches!(
        check_file(&d.join("gone.png")),
        Err(Refusal::Unreadable { .. })
    ));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = write(d, "locked.txt", b"secret");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads anything: only check when the OS refuses.
        if std::fs::read(&locked).is_err() {
            assert!(matches!(
                check_file(&locked),
                Err(Refusal::Unreadable { .. })
            ));
        }
    }
}

/// A bench with attachments over its conversations, their folder in the bench's dir.
fn attachments_of(bench: &Bench) -> (Attachments, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let attachments = Attachments::new(
        bench.conversations.clone(),
        bench.dir.path().join("attachments"),
        seen.clone(),
    );
    (attachments, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staged_files_upload_with_progress_and_go_with_the_message() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let (attachments, seen) = attachments_of(&bench);
    let chat = bench.chat_with(CHAT).await;
    let files = tempfile::tempdir().unwrap();
    let image = files.path().join("diagram.png");
    png(&image, 900, 300);
    let notes = write(files.path(), "notes.txt", &vec![b'x'; 3 * 1024 * 1024]);

    let staged = attachments
        .stage_files(&chat.id, vec![image.clone(), notes.clone()])
        .await
        .unwrap();
    assert_eq!(staged.len(), 2);
    let thumbnail = staged[0]
        .thumbnail
        .clone()
        .expect("an image has a thumbnail");
    assert!(thumbnail.starts_with("data:image/png;base64,"));
    assert_eq!(staged[1].thumbnail, None);
    for a in &staged {
        wait_for(&attachments, &chat.id, &a.id, uploaded).await;
    }
    // Progress reached the sink, the last report at the last byte.
    let size = std::fs::metadata(&notes).unwrap().len();
    let progress: Vec<(u64, u64)> = seen
        .changes
        .lock()
        .unwrap()
        .iter()
        .filter(|a| a.id == staged[1].id)
        .filter_map(|a| match a.state {
            AttachmentState::Uploading { sent, total } => Some((sent, total)),
            _ => None,
        })
        .collect();
    assert!(progress.len() >= 2, "{progress:?}");
    assert_eq!(progress.last(), Some(&(size, size)));
    assert!(progress.windows(2).all(|w| w[0].0 <= w[1].0));

    let ids: Vec<String> = staged.iter().map(|a| a.id.clone()).collect();
    let handle = attachments
        .send(&chat.id, "What is in these?".into(), None, &ids)
        .await
        .unwrap();
    let (answer, last) = bench.answer(&handle).await;
    assert!(matches!(last, ExecutionChange::Finished { .. }), "{last:?}");
    // The emulator validated both storage keys and saw two attachments.
    assert!(
        answer.contains("I also received 2 attachment(s)"),
        "{answer}"
    );

    // The message keeps them; the draft no longer has them.
    let stored = bench.history.message(&handle).unwrap().unwrap();
    let sent = &stored.snapshot.request.attachments;
    assert_eq!(
        sent.iter().map(|a| a.filename.as_str()).collect::<Vec<_>>(),
        ["diagram.png", "notes.txt"]
    );
    assert!(sent.iter().all(|a| a.storage_key.starts_with("upload:")));
    assert_eq!(sent[1].content_type, "text/plain");
    assert!(attachments.list(&chat.id).await.unwrap().is_empty());
    assert!(
        bench
            .history
            .draft_attachments(&chat.id)
            .unwrap()
            .is_empty()
    );
    // The sent image keeps its thumbnail and opens full size (bounded).
    assert_eq!(
        attachments.thumbnail(&ids[0]).await.unwrap(),
        Some(thumbnail)
    );
    let full = attachments.full_view(&ids[0]).await.unwrap();
    assert!(full.starts_with("data:image/png;base64,"));
    assert_eq!(
        attachments.full_view(&ids[1]).await,
        Err(CoreError::Attachment(AttachmentProblem::NotAnImage))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_waits_for_its_uploads_and_carries_ten_at_most() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let (attachments, _) = attachments_of(&bench);
    let chat = bench.chat_with(CHAT).await;
    let files = tempfile::tempdir().unwrap();
    let big = write(files.path(), "big.txt", &vec![b'a'; 40 * 1024 * 1024]);

    let staged = attachments.stage_files(&chat.id, vec![big]).await.unwrap();
    let id = staged[0].id.clone();
    attachments.cancel(&id).unwrap();
    let cancelled = wait_for(&attachments, &chat.id, &id, |s| {
        *s == AttachmentState::Cancelled
    })
    .await;
    assert_eq!(cancelled.state, AttachmentState::Cancelled);
    // Not sent, nothing stored.
    let refused = attachments
        .send(&chat.id, "here".into(), None, std::slice::from_ref(&id))
        .await;
    assert_eq!(
        refused,
        Err(CoreError::Attachment(AttachmentProblem::NotUploaded {
            waiting: 1
        }))
    );
    assert!(
        bench
            .history
            .messages(&chat.id, None, 10)
            .unwrap()
            .messages
            .is_empty()
    );

    attachments.retry(&id).await.unwrap();
    wait_for(&attachments, &chat.id, &id, uploaded).await;

    // Nine more are accepted; the eleventh is refused on its chip.
    let more: Vec<PathBuf> = (0..10)
        .map(|i| write(files.path(), &format!("n{i}.txt"), b"small"))
        .collect();
    let staged = attachments.stage_files(&chat.id, more).await.unwrap();
    assert!(
        staged[..9]
            .iter()
            .all(|a| !matches!(a.state, AttachmentState::Refused(_)))
    );
    assert_eq!(
        staged[9].state,
        AttachmentState::Refused(Refusal::TooMany { limit: 10 })
    );
    // Asking for eleven at once is a validation error naming the field.
    let mut eleven: Vec<String> = staged.iter().map(|a| a.id.clone()).collect();
    eleven.push(id.clone());
    match attachments.send(&chat.id, "x".into(), None, &eleven).await {
        Err(CoreError::Validation(v)) => {
            assert_eq!((v.field, v.limit, v.actual), ("attachments", 10, 11));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasted_files_are_copied_once_and_removed_with_their_chip() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let (attachments, seen) = attachments_of(&bench);
    let chat = bench.chat_with(CHAT).await;
    let files = tempfile::tempdir().unwrap();
    let source = files.path().join("s.png");
    png(&source, 40, 40);
    let bytes = std::fs::read(&source).unwrap();

    // The page's name is reduced to a safe last component, given an extension.
    let pasted = attachments
        .stage_pasted(&chat.id, "../../clip", "image/png", bytes.clone())
        .await
        .unwrap();
    assert_eq!(pasted.filename, "clip.png");
    let copy = bench
        .dir
        .path()
        .join("attachments")
        .join(&pasted.id)
        .join("clip.png");
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    wait_for(&attachments, &chat.id, &pasted.id, uploaded).await;
    attachments.remove(&pasted.id).await.unwrap();
    assert!(!copy.parent().unwrap().exists(), "the copy is gone");
    assert_eq!(
        *seen.removed.lock().unwrap(),
        std::slice::from_ref(&pasted.id)
    );
    assert!(attachments.list(&chat.id).await.unwrap().is_empty());

    // Text pasted as a PNG is refused and nothing of it stays.
    let fake = attachments
        .stage_pasted(&chat.id, "shot.png", "image/png", b"not an image".to_vec())
        .await
        .unwrap();
    assert_eq!(
        fake.state,
        AttachmentState::Refused(Refusal::TypeMismatch {
            claimed: "image/png",
            found: None
        })
    );
    assert!(!bench.dir.path().join("attachments").join(&fake.id).exists());
    let empty = attachments
        .stage_pasted(&chat.id, "e.txt", "text/plain", Vec::new())
        .await
        .unwrap();
    assert_eq!(empty.state, AttachmentState::Refused(Refusal::Empty));
    // Refused files are not kept with the draft.
    assert!(
        bench
            .history
            .draft_attachments(&chat.id)
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staged_files_survive_a_restart_and_unfinished_uploads_resume() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let (attachments, _) = attachments_of(&bench);
    let chat = bench.chat_with(CHAT).await;
    let files = tempfile::tempdir().unwrap();
    let done = write(files.path(), "done.md", b"# uploaded");
    let pending = write(files.path(), "pending.txt", &vec![b'p'; 30 * 1024 * 1024]);
    let vanishing = write(files.path(), "vanishing.csv", b"a,b\n1,2\n");

    let staged = attachments
        .stage_files(&chat.id, vec![done, pending, vanishing.clone()])
        .await
        .unwrap();
    let ids: Vec<String> = staged.iter().map(|a| a.id.clone()).collect();
    attachments.cancel(&ids[1]).unwrap();
    wait_for(&attachments, &chat.id, &ids[0], uploaded).await;
    wait_for(&attachments, &chat.id, &ids[2], uploaded).await;
    // The third's upload finished, but pretend the app quit before: no key kept.
    bench
        .history
        .set_attachment_key(&ids[2], None)
        .await
        .unwrap();
    std::fs::remove_file(&vanishing).unwrap();

    // The app starts again over the same file.
    let (history, _) = History::open(&bench.dir.path().join("history.sqlite3"));
    let stored = history.draft_attachments(&chat.id).unwrap();
    assert_eq!(
        stored
            .iter()
            .map(|a| a.filename.as_str())
            .collect::<Vec<_>>(),
        ["done.md", "pending.txt", "vanishing.csv"]
    );
    assert!(stored[0].storage_key.is_some());
    assert!(stored[1].storage_key.is_none());
    let restarted = bench.reopen(history.clone());
    let seen = Arc::new(Seen::default());
    let again = Attachments::new(
        restarted.conversations.clone(),
        bench.dir.path().join("attachments"),
        seen,
    );
    let listed = again.list(&chat.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ids.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(listed[0].state, AttachmentState::Uploaded);
    // The file that is gone is refused and leaves the draft.
    assert!(
        matches!(
            &listed[2].state,
            AttachmentState::Refused(Refusal::Unreadable { .. })
        ),
        "{:?}",
        listed[2].state
    );
    // The one without a key is uploaded again, and its key kept.
    wait_for(&again, &chat.id, &ids[1], uploaded).await;
    let stored = history.draft_attachments(&chat.id).unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|a| a.storage_key.is_some()));

    let handle = again
        .send(&chat.id, "both".into(), None, &ids[..2])
        .await
        .unwrap();
    let (answer, _) = restarted.answer(&handle).await;
    assert!(
        answer.contains("I also received 2 attachment(s)"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_files_of_a_deleted_conversation_go_at_the_next_start() {
    let bench = Bench::start(EmulatorConfig::default()).await;
    let (attachments, _) = attachments_of(&bench);
    let kept = bench.chat_with(CHAT).await;
    let deleted = bench.chat_with(CHAT).await;
    let files = tempfile::tempdir().unwrap();
    let source = files.path().join("p.png");
    png(&source, 20, 20);
    let bytes = std::fs::read(&source).unwrap();
    let mut ids = Vec::new();
    for chat in [&kept, &deleted] {
        let pasted = attachments
            .stage_pasted(&chat.id, "p.png", "image/png", bytes.clone())
            .await
            .unwrap();
        wait_for(&attachments, &chat.id, &pasted.id, uploaded).await;
        ids.push(pasted.id);
    }
    // The kept one is sent (its copy stays for the message), the other's
    // conversation deleted with its draft.
    attachments
        .send(&kept.id, "keep".into(), None, &ids[..1])
        .await
        .unwrap();
    bench.conversations.delete(&deleted.id).await.unwrap();
    let folder = bench.dir.path().join("attachments");
    let stray = folder.join("not-an-attachment");
    std::fs::create_dir_all(&stray).unwrap();

    // A folder changed after the start (a file being staged meanwhile) is left alone.
    let started = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    assert_eq!(attachments.remove_unused(started).await.unwrap(), 0);
    assert!(folder.join(&ids[1]).exists());
    let started = std::time::SystemTime::now() + std::time::Duration::from_secs(1);
    assert_eq!(attachments.remove_unused(started).await.unwrap(), 1);
    assert!(folder.join(&ids[0]).join("p.png").exists());
    assert!(!folder.join(&ids[1]).exists());
    assert!(
        stray.exists(),
        "only folders named by an attachment id are touched"
    );
}
