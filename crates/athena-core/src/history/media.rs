//! Generated media kept on disk (`media_files`): for each file of a completed media
//! job, where the server offered it, and whether the app's copy is still to be
//! downloaded, downloaded (under which local name) or failed (and why). Rows go with
//! their message (`ON DELETE CASCADE`).

use rusqlite::{Connection, Row};

use super::ops::WriteOp;
use super::{History, HistoryError};
use crate::ExecutionHandle;

/// Where a stored media file stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredMediaState {
    /// Not downloaded yet (or the app quit while downloading): downloaded again.
    Pending,
    /// The app's copy is in the media folder under `file_name`.
    Downloaded,
    /// The download failed; `error` says why.
    Failed,
}

impl StoredMediaState {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Downloaded => "downloaded",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "downloaded" => Self::Downloaded,
            "failed" => Self::Failed,
            _ => Self::Pending,
        }
    }
}

/// One file of a media job, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMedia {
    /// The message (execution) whose answer holds the job.
    pub handle: ExecutionHandle,
    /// The server's job id.
    pub job_id: String,
    /// The file's position in the job's `media` list.
    pub index: u32,
    /// Where the server offered it.
    pub remote_url: String,
    /// The announced type, then the served one once downloaded.
    pub content_type: Option<String>,
    /// The local file's name in the media folder, once downloaded.
    pub file_name: Option<String>,
    /// Its size, once downloaded.
    pub size_bytes: Option<u64>,
    /// Where it stands.
    pub state: StoredMediaState,
    /// Why it failed (the core's failure as JSON), when it did.
    pub error: Option<String>,
    /// When this row last changed, in unix ms.
    pub updated_at_ms: i64,
}

/// Inserts or replaces one file's row.
pub(super) fn save(conn: &Connection, m: &StoredMedia) -> Result<(), HistoryError> {
    conn.execute(
        "INSERT INTO media_files (message_handle, job_id, idx, remote_url, content_type, \
         file_name, size_bytes, state, error, updated_at_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT (message_handle, job_id, idx) DO UPDATE SET \
         remote_url = excluded.remote_url, content_type = excluded.content_type, \
         file_name = excluded.file_name, size_bytes = excluded.size_bytes, \
         state = excluded.state, error = excluded.error, updated_at_ms = excluded.updated_at_ms",
        rusqlite::params![
            m.handle.as_str(),
            m.job_id,
            m.index,
            m.remote_url,
            m.content_type,
            m.file_name,
            m.size_bytes.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
            m.state.as_str(),
            m.error,
            m.updated_at_ms,
        ],
    )
    .map(drop)
    .map_err(HistoryError::sqlite("saving a media file"))
}

const COLUMNS: &str = "message_handle, job_id, idx, remote_url, content_type, file_name, \
                       size_bytes, state, error, updated_at_ms";

fn from_row(row: &Row<'_>) -> rusqlite::Result<StoredMedia> {
    let state: String = row.get(7)?;
    let size: Option<i64> = row.get(6)?;
    Ok(StoredMedia {
        handle: ExecutionHandle::from(row.get::<_, String>(0)?),
        job_id: row.get(1)?,
        index: row.get(2)?,
        remote_url: row.get(3)?,
        content_type: row.get(4)?,
        file_name: row.get(5)?,
        size_bytes: size.and_then(|n| u64::try_from(n).ok()),
        state: StoredMediaState::parse(&state),
        error: row.get(8)?,
        updated_at_ms: row.get(9)?,
    })
}

fn query(
    conn: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<StoredMedia>, HistoryError> {
    let what = "reading media files";
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM media_files {filter} ORDER BY message_handle, job_id, idx"
        ))
        .map_err(HistoryError::sqlite(what))?;
    let rows = stmt
        .query_map(params, from_row)
        .map_err(HistoryError::sqlite(what))?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(HistoryError::sqlite(what))
}

impl History {
    /// Stores (or replaces) one media file's row. Committed when it returns.
    /// Errors: SQLite's (no stored message with that handle), [`HistoryError::WriterGone`].
    pub async fn save_media(&self, media: StoredMedia) -> Result<(), HistoryError> {
        self.write(WriteOp::Media(Box::new(media))).await
    }

    /// The files of one job of a message, in order.
    pub fn media_of(
        &self,
        handle: &ExecutionHandle,
        job_id: &str,
    ) -> Result<Vec<StoredMedia>, HistoryError> {
        self.read(|conn| {
            query(
                conn,
                "WHERE message_handle = ?1 AND job_id = ?2",
                (handle.as_str(), job_id),
            )
        })
    }

    /// Every file still to download (the app quit before it finished).
    pub fn pending_media(&self) -> Result<Vec<StoredMedia>, HistoryError> {
        self.read(|conn| query(conn, "WHERE state = 'pending'", ()))
    }

    /// The local names of every downloaded file: what the media folder must keep.
    pub fn media_file_names(&self) -> Result<Vec<String>, HistoryError> {
        self.read(|conn| {
            let what = "reading media file names";
            let mut stmt = conn
                .prepare_cached("SELECT file_name FROM media_files WHERE file_name IS NOT NULL")
                .map_err(HistoryError::sqlite(what))?;
            let rows = stmt
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(HistoryError::sqlite(what))?;
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(HistoryError::sqlite(what))
        })
    }
}
