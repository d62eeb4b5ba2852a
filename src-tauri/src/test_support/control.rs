//! The control socket: one JSON request per line, one JSON answer per line.
//!
//! | request | answer |
//! |---|---|
//! | `{"cmd":"ping"}` | `{"ok":true,"pid":N}` |
//! | `{"cmd":"answer_dialogs","answers":[{"button":"Open in browser"},"close",{"files":["/a"]},{"save":"/b"},"cancel"]}` | `{"ok":true}` |
//! | `{"cmd":"dialogs"}` | `{"ok":true,"dialogs":[{"kind","title","message","buttons","answer"}]}` |
//! | `{"cmd":"opened_links"}` | `{"ok":true,"links":["https://..."]}` |
//! | `{"cmd":"drop","paths":["/a","/b"]}` | `{"ok":true,"items":[{"kind":"file","path","size"}]}` |

use std::path::{Path, PathBuf};
use std::sync::Arc;

use athena_core::DroppedItem;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

use super::dialogs::{Answer, RecordingOpener, ScriptedDialogs};

/// The handler a drop is handed to (the window's drag-and-drop handler).
pub(crate) type DropHandler = Arc<dyn Fn(&[PathBuf]) -> Vec<DroppedItem> + Send + Sync>;

#[derive(Debug, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
enum Request {
    Ping,
    AnswerDialogs { answers: Vec<Answer> },
    Dialogs,
    OpenedLinks,
    Drop { paths: Vec<PathBuf> },
}

/// What the socket drives.
#[derive(Clone)]
struct Seams {
    dialogs: Arc<ScriptedDialogs>,
    opener: Arc<RecordingOpener>,
    drop: DropHandler,
}

/// Listens on `socket` (replacing a file left by a killed run) until the app exits.
pub(crate) fn start(
    socket: &Path,
    dialogs: Arc<ScriptedDialogs>,
    opener: Arc<RecordingOpener>,
    drop: DropHandler,
) -> std::io::Result<()> {
    let _ = std::fs::remove_file(socket);
    let listener = {
        let _guard = tauri::async_runtime::handle().inner().enter();
        UnixListener::bind(socket)?
    };
    let seams = Seams {
        dialogs,
        opener,
        drop,
    };
    tracing::warn!(socket = %socket.display(), "test seams are on (a test-support build)");
    tauri::async_runtime::spawn(async move {
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    tauri::async_runtime::spawn(serve(stream, seams.clone()));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "test control socket stopped");
                    return;
                }
            }
        }
    });
    Ok(())
}

async fn serve(stream: UnixStream, seams: Seams) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let answer = match serde_json::from_str::<Request>(&line) {
            Ok(request) => handle(request, &seams).await,
            Err(e) => json!({ "ok": false, "error": e.to_string() }),
        };
        let mut text = answer.to_string();
        text.push('\n');
        if write.write_all(text.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn handle(request: Request, seams: &Seams) -> Value {
    match request {
        Request::Ping => json!({ "ok": true, "pid": std::process::id() }),
        Request::AnswerDialogs { answers } => {
            seams.dialogs.push(answers);
            json!({ "ok": true })
        }
        Request::Dialogs => json!({ "ok": true, "dialogs": seams.dialogs.shown() }),
        Request::OpenedLinks => json!({ "ok": true, "links": seams.opener.opened() }),
        Request::Drop { paths } => {
            let drop = seams.drop.clone();
            let items = tauri::async_runtime::spawn_blocking(move || drop(&paths)).await;
            match items {
                Ok(items) => {
                    json!({ "ok": true, "items": items.iter().map(describe).collect::<Vec<_>>() })
                }
                Err(e) => json!({ "ok": false, "error": e.to_string() }),
            }
        }
    }
}

fn describe(item: &DroppedItem) -> Value {
    match item {
        DroppedItem::File { path, size } => json!({ "kind": "file", "path": path, "size": size }),
        DroppedItem::Folder { path } => json!({ "kind": "folder", "path": path }),
        DroppedItem::Unreadable { path, reason } => {
            json!({ "kind": "unreadable", "path": path, "reason": reason })
        }
    }
}
