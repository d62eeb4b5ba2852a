//! What the writer knows of the executions it follows: each one's snapshot, folded
//! from its updates with [`ExecutionSnapshot::apply`], and what changed since it was
//! last written.

use std::collections::{BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension};

use super::HistoryError;
use super::rows::{insert_message, message_by_handle, truncate_parts, upsert_part, write_head};
use super::search::{index_answer, insert_row};
use crate::{ExecutionChange, ExecutionHandle, ExecutionSnapshot, ExecutionUpdate};

/// An execution the writer follows.
pub(super) enum Cached {
    /// Stored: its row is at `position`.
    Stored(Live),
    /// Not stored (its conversation is unknown, or its first update was not
    /// `Accepted`): only its status is followed, to know when to forget it without
    /// asking the database again for each of its updates.
    Skipped(ExecutionSnapshot),
}

pub(super) struct Live {
    position: i64,
    pub(super) snapshot: ExecutionSnapshot,
    head_dirty: bool,
    dirty_parts: BTreeSet<usize>,
    all_parts_dirty: bool,
}

impl Live {
    fn clean(position: i64, snapshot: ExecutionSnapshot) -> Self {
        Self {
            position,
            snapshot,
            head_dirty: false,
            dirty_parts: BTreeSet::new(),
            all_parts_dirty: false,
        }
    }

    pub(super) fn is_dirty(&self) -> bool {
        self.head_dirty || self.all_parts_dirty || !self.dirty_parts.is_empty()
    }

    fn fold(&mut self, seq: u64, change: &ExecutionChange) {
        // Already stored (the pending row is stored at seq 1 by `add_message`).
        if seq <= self.snapshot.seq {
            return;
        }
        let before = self.snapshot.parts.len();
        self.snapshot.apply(seq, change);
        self.head_dirty = true;
        match change {
            ExecutionChange::PartAppended { index, .. }
            | ExecutionChange::PartUpdated { index, .. } => {
                self.dirty_parts.insert(*index as usize);
            }
            ExecutionChange::PartAdded { .. } => {
                self.dirty_parts.extend(before..self.snapshot.parts.len());
            }
            // Any other change (a variant added later included) may touch any part;
            // they come a few times per execution, so rewriting all parts is cheap.
            _ => self.all_parts_dirty = true,
        }
    }

    /// Writes what changed. The flags are cleared by the caller once committed.
    pub(super) fn write(&self, conn: &Connection) -> Result<(), HistoryError> {
        write_head(conn, self.position, &self.snapshot)?;
        let parts = &self.snapshot.parts;
        if self.all_parts_dirty {
            for (idx, part) in parts.iter().enumerate() {
                upsert_part(conn, self.position, idx, part)?;
            }
            truncate_parts(conn, self.position, parts.len())?;
        } else {
            for &idx in &self.dirty_parts {
                if let Some(part) = parts.get(idx) {
                    upsert_part(conn, self.position, idx, part)?;
                }
            }
        }
        if !self.snapshot.status.is_running() {
            // Indexed once it stops streaming (then again only on a rare later
            // change: feedback, a resend), from the parts just written.
            index_answer(conn, self.position)?;
        }
        Ok(())
    }

    /// After a failed commit: write it whole with the next batch.
    pub(super) fn mark_all_dirty(&mut self) {
        self.head_dirty = true;
        self.all_parts_dirty = true;
    }

    pub(super) fn mark_clean(&mut self) {
        self.head_dirty = false;
        self.all_parts_dirty = false;
        self.dirty_parts.clear();
    }
}

/// Folds one update into its execution's cached state, loading or creating it first.
pub(super) fn fold(
    conn: &Connection,
    cache: &mut HashMap<ExecutionHandle, Cached>,
    created: &mut Vec<ExecutionHandle>,
    update: &ExecutionUpdate,
) -> Result<(), HistoryError> {
    // Executions outside conversations (benchmarks, tests of the stream path) are
    // not history.
    if update.conversation_id.is_empty() {
        return Ok(());
    }
    if !cache.contains_key(&update.handle) {
        let (loaded, inserted) = load(conn, update)?;
        if inserted {
            created.push(update.handle.clone());
        }
        cache.insert(update.handle.clone(), loaded);
    }
    let forget = match cache.get_mut(&update.handle) {
        Some(Cached::Stored(live)) => {
            live.fold(update.seq, &update.change);
            false
        }
        Some(Cached::Skipped(snapshot)) => {
            snapshot.apply(update.seq, &update.change);
            // Only the status matters; text would grow for nothing.
            snapshot.parts.clear();
            !snapshot.status.is_running()
        }
        None => false,
    };
    if forget {
        cache.remove(&update.handle);
    }
    Ok(())
}

/// The state of an execution the writer has not cached: its row, or a new row if this
/// is its `Accepted` and its conversation is stored (then `true`: inserted), or
/// nothing.
fn load(conn: &Connection, update: &ExecutionUpdate) -> Result<(Cached, bool), HistoryError> {
    if let Some(stored) = message_by_handle(conn, update.handle.as_str())? {
        return Ok((
            Cached::Stored(Live::clean(stored.position, stored.snapshot)),
            false,
        ));
    }
    let mut snapshot = ExecutionSnapshot::new(update.handle.clone());
    if let ExecutionChange::Accepted { request } = &update.change
        && conversation_exists(conn, &request.conversation_id)?
    {
        snapshot.apply(update.seq, &update.change);
        let position = insert_message(conn, &snapshot, "", now_ms())?;
        insert_row(conn, position)?;
        return Ok((Cached::Stored(Live::clean(position, snapshot)), true));
    }
    Ok((Cached::Skipped(snapshot), false))
}

fn conversation_exists(conn: &Connection, id: &str) -> Result<bool, HistoryError> {
    conn.prepare_cached("SELECT 1 FROM conversations WHERE id = ?1")
        .and_then(|mut stmt| stmt.query_row([id], |_| Ok(())).optional())
        .map(|found| found.is_some())
        .map_err(HistoryError::sqlite("looking up a conversation"))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
