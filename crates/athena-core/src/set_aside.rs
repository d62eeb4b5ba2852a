//! Names for the copies of a user's file the app keeps beside it when it cannot use
//! it (a damaged history, a hand-broken settings file): never deleted, easy to find.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A path beside `path` that does not exist yet, named
/// `<name>.<label>-<yyyymmddThhmmssZ>` (then `-2`, `-3`... when that one exists).
///
/// # Errors
/// When the folder cannot be read to check whether a name is taken.
pub fn free_path_beside(path: &Path, label: &str) -> std::io::Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stamp = utc_stamp(SystemTime::now());
    let mut target = path.with_file_name(format!("{name}.{label}-{stamp}"));
    let mut n = 1;
    while target.try_exists()? {
        n += 1;
        target = path.with_file_name(format!("{name}.{label}-{stamp}-{n}"));
    }
    Ok(target)
}

/// `yyyymmddThhmmssZ` in UTC.
fn utc_stamp(now: SystemTime) -> String {
    const STAMP: &[time::format_description::BorrowedFormatItem<'_>] =
        time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::from(now)
        .format(STAMP)
        .unwrap_or_else(|_| "unknown-time".to_owned())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn stamps_are_utc_calendar_times() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
        // 2024-02-29T23:59:59Z, a leap day.
        let t = UNIX_EPOCH + Duration::from_secs(1_709_251_199);
        assert_eq!(utc_stamp(t), "20240229T235959Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_798_761_600);
        assert_eq!(utc_stamp(t), "20270101T000000Z");
    }

    #[test]
    fn a_taken_name_gets_a_number() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("settings.json");
        let first = free_path_beside(&file, "bad").expect("free");
        assert!(first.display().to_string().contains("settings.json.bad-"));
        std::fs::write(&first, "x").expect("write");
        let second = free_path_beside(&file, "bad").expect("free");
        assert_ne!(first, second);
        assert!(!second.exists());
    }
}
