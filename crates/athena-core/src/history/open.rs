//! Opening the file: create, migrate, refuse a newer schema, move a damaged file
//! aside. Opening never fails: the worst case is a store in memory, and a notice.

use std::path::{Path, PathBuf};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::batches::mark_interrupted_runs;
use super::schema::{
    SCHEMA_VERSION, configure, mark_interrupted, migrate, quick_check, user_version,
};
use super::{HistoryError, HistoryOpened};

/// The two connections of an opened store, and how the opening went.
pub(super) struct Opened {
    pub(super) writer: Connection,
    pub(super) reader: Connection,
    pub(super) outcome: HistoryOpened,
}

/// Why an existing file was not used.
enum Problem {
    /// Made by a newer build: left alone.
    Newer(i64),
    /// Not a database, damaged, or not migratable: moved aside.
    Damaged(String),
    /// Could not be read now (locked, no permission, I/O): left alone.
    Io(String),
}

/// Whether an error says the file itself is bad (rather than that it could not be
/// read right now, which moving it aside would not cure).
fn is_transient(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(
            ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::SystemIoFailure
                | ErrorCode::DiskFull
                | ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::OutOfMemory
        )
    )
}

fn classify(err: &HistoryError) -> Problem {
    match err {
        HistoryError::Sqlite { source, .. } if is_transient(source) => Problem::Io(err.to_string()),
        _ => Problem::Damaged(err.to_string()),
    }
}

/// Opens (or creates) the store at `path`. `Err` is the notice for a store that
/// could not be used: the caller falls back to memory.
pub(super) fn open_path(path: &Path) -> Result<Opened, HistoryOpened> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::create_private_dir(parent).map_err(|err| HistoryOpened::Unavailable {
            reason: format!("cannot create {}: {err}", parent.display()),
        })?;
    }
    let existed = path
        .try_exists()
        .map_err(|err| HistoryOpened::Unavailable {
            reason: format!("cannot look at {}: {err}", path.display()),
        })?;
    if !existed {
        return fresh(path, HistoryOpened::Fresh);
    }
    match open_existing(path) {
        Ok((writer, reader, interrupted)) => Ok(Opened {
            writer,
            reader,
            outcome: HistoryOpened::Existing { interrupted },
        }),
        Err(Problem::Newer(found)) => Err(HistoryOpened::NewerSchema {
            found,
            known: SCHEMA_VERSION,
        }),
        Err(Problem::Io(reason)) => Err(HistoryOpened::Unavailable { reason }),
        Err(Problem::Damaged(reason)) => {
            tracing::error!(path = %path.display(), %reason, "history: damaged; moving it aside");
            let moved_to = move_aside(path).map_err(|err| HistoryOpened::Unavailable {
                reason: format!("{reason}; and it could not be moved aside: {err}"),
            })?;
            fresh(path, HistoryOpened::MovedAside { moved_to, reason })
        }
    }
}

fn fresh(path: &Path, outcome: HistoryOpened) -> Result<Opened, HistoryOpened> {
    let create = || -> Result<Opened, HistoryError> {
        let mut writer =
            Connection::open(path).map_err(HistoryError::sqlite("creating the file"))?;
        configure(&writer, true)?;
        migrate(&mut writer).map_err(|err| migration_error(&err))?;
        let reader = open_reader(path)?;
        Ok(Opened {
            writer,
            reader,
            outcome,
        })
    };
    create().map_err(|err| HistoryOpened::Unavailable {
        reason: err.to_string(),
    })
}

fn migration_error(err: &rusqlite_migration::Error) -> HistoryError {
    match err {
        rusqlite_migration::Error::RusqliteError { err, .. } => HistoryError::Sqlite {
            context: "migrating",
            source: clone_sqlite_error(err),
        },
        other => HistoryError::NotCommitted {
            reason: format!("migrating: {other}"),
        },
    }
}

/// `rusqlite::Error` is not `Clone`; its code and words are what matter here.
fn clone_sqlite_error(err: &rusqlite::Error) -> rusqlite::Error {
    match err {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    }
}

/// Opens an existing file and brings it up to date. Returns the connections and the
/// number of executions marked interrupted.
fn open_existing(path: &Path) -> Result<(Connection, Connection, usize), Problem> {
    let io = |err: rusqlite::Error| Problem::Io(err.to_string());
    let mut conn = Connection::open(path).map_err(io)?;
    // Until the file is accepted, closing must not checkpoint a WAL into it: a file
    // of a newer schema stays byte for byte as it was.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
        .map_err(io)?;
    let version = user_version(&conn).map_err(|e| classify(&e))?;
    if version > SCHEMA_VERSION {
        return Err(Problem::Newer(version));
    }
    if let Some(problems) = quick_check(&conn).map_err(|e| classify(&e))? {
        return Err(Problem::Damaged(format!("quick_check: {problems}")));
    }
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)
        .map_err(io)?;
    configure(&conn, true).map_err(|e| classify(&e))?;
    migrate(&mut conn).map_err(|err| classify(&migration_error(&err)))?;
    let interrupted = mark_interrupted(&conn).map_err(|e| classify(&e))?;
    let runs = mark_interrupted_runs(&conn).map_err(|e| classify(&e))?;
    if runs > 0 {
        tracing::info!(
            runs,
            "history: batch runs left running were marked interrupted"
        );
    }
    let reader = open_reader(path).map_err(|e| Problem::Io(e.to_string()))?;
    Ok((conn, reader, interrupted))
}

/// The reading connection: it never writes (`query_only`), so it never waits for
/// the writer in WAL mode.
fn open_reader(path: &Path) -> Result<Connection, HistoryError> {
    let reader = Connection::open(path).map_err(HistoryError::sqlite("opening the reader"))?;
    configure(&reader, false)?;
    reader
        .pragma_update(None, "query_only", true)
        .map_err(HistoryError::sqlite("making the reader read-only"))?;
    Ok(reader)
}

/// A store in memory, for a run that cannot use the file: two connections to one
/// `memdb` database (named, so both see it; it lives while either is open).
pub(super) fn open_memory() -> Result<(Connection, Connection), HistoryError> {
    let name = format!("file:/athena-history-{}?vfs=memdb", uuid::Uuid::new_v4());
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut writer = Connection::open_with_flags(&name, flags)
        .map_err(HistoryError::sqlite("opening a store in memory"))?;
    configure(&writer, false)?;
    migrate(&mut writer).map_err(|err| migration_error(&err))?;
    let reader = Connection::open_with_flags(&name, flags)
        .map_err(HistoryError::sqlite("opening a store in memory"))?;
    configure(&reader, false)?;
    Ok((writer, reader))
}

/// Renames a damaged file (and its `-wal` and `-shm`) to
/// `<name>.corrupt-<yyyymmddThhmmssZ>`, never deleting it: the user's history may
/// still be recoverable by hand. A `-wal` left behind would be replayed into the
/// fresh file, so failing to move it fails the whole move.
fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let target = crate::set_aside::free_path_beside(path, "corrupt")?;
    std::fs::rename(path, &target)?;
    for suffix in ["-wal", "-shm"] {
        let side = sibling(path, suffix);
        if side.try_exists()? {
            std::fs::rename(&side, sibling(&target, suffix))?;
        }
    }
    Ok(target)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
