//! The files of an export and an import: written whole or not at all, read only
//! within a size limit, and named after the conversation.

use std::io::{Read, Write};
use std::path::Path;

use crate::ipc::AppError;

/// An import reads at most this many bytes: a conversation of thousands of long
/// messages fits; a wrong file chosen by mistake (a video, a disk image) is refused
/// before it is read.
pub(crate) const MAX_IMPORT_BYTES: u64 = 32 * 1024 * 1024;

/// A suggested file name is at most this many characters before its extension.
const MAX_NAME_CHARS: usize = 80;

/// Writes `text` to `path` through a temporary file beside it, renamed over `path`
/// once complete and flushed to disk: a failure (a full disk, a crash) leaves any
/// earlier file there as it was and no partial export.
pub(crate) fn write_whole(path: &Path, text: &str) -> Result<(), AppError> {
    let failed = |err: &dyn std::fmt::Display| AppError::FileNotWritten {
        path: path.display().to_string(),
        reason: err.to_string(),
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".athena-export-")
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| failed(&e))?;
    temp.write_all(text.as_bytes()).map_err(|e| failed(&e))?;
    temp.as_file().sync_all().map_err(|e| failed(&e))?;
    // On failure the temporary file is removed when dropped.
    temp.persist(path).map_err(|e| failed(&e.error))?;
    Ok(())
}

/// Reads a chosen file as text, refusing it before reading when it is larger than
/// `limit` bytes (and stopping at the limit should it grow meanwhile).
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<String, AppError> {
    let unreadable = |err: &dyn std::fmt::Display| AppError::FileNotRead {
        path: path.display().to_string(),
        reason: err.to_string(),
    };
    let too_large = |actual: u64| AppError::ImportTooLarge {
        limit: crate::ipc::number(limit),
        actual: crate::ipc::number(actual),
    };
    let file = std::fs::File::open(path).map_err(|e| unreadable(&e))?;
    let size = file.metadata().map_err(|e| unreadable(&e))?.len();
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| AppError::ImportBadFormat {
        field: "$".into(),
        reason: format!("not UTF-8 text: {e}"),
    })
}

/// A file name for a conversation's export: its title with the characters no
/// system accepts in a name (and control characters) left out, spaces as they are,
/// at most [`MAX_NAME_CHARS`]; "conversation" when nothing is left.
pub(crate) fn suggested_name(title: &str, extension: &str) -> String {
    let cleaned: String = title
        .chars()
        .filter(|c| !c.is_control() && !r#"<>:"/\|?*"#.contains(*c))
        .take(MAX_NAME_CHARS)
        .collect();
    // Windows refuses names that end in a dot or a space; a leading dot hides a file.
    let stem = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let stem = if stem.is_empty() {
        "conversation"
    } else {
        stem
    };
    format!("{stem}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_the_title_without_forbidden_characters() {
        assert_eq!(suggested_name("Trip to Lisbon", "md"), "Trip to Lisbon.md");
        assert_eq!(
            suggested_name("a/b\\c:d*e?f\"g<h>i|j\nk", "json"),
            "abcdefghijk.json"
        );
        assert_eq!(suggested_name("", "json"), "conversation.json");
        assert_eq!(suggested_name(" ../.. ", "json"), "conversation.json");
        assert_eq!(suggested_name(".hidden.", "md"), "hidden.md");
        let long = "é".repeat(300);
        assert_eq!(
            suggested_name(&long, "md").chars().count(),
            MAX_NAME_CHARS + 3
        );
    }

    #[test]
    fn a_write_replaces_the_file_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old").expect("old file");
        write_whole(&path, "new text").expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new text");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["out.json"]);
    }

    #[test]
    fn a_failed_write_names_the_file_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("missing-folder").join("out.md");
        match write_whole(&path, "x") {
            Err(AppError::FileNotWritten { path: p, reason }) => {
                assert!(p.ends_with("out.md"), "{p}");
                assert!(!reason.is_empty());
            }
            other => panic!("expected a write failure, got {other:?}"),
        }
        assert!(!path.exists());
    }

    #[test]
    fn a_read_is_refused_past_the_limit_before_reading() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("big.json");
        std::fs::write(&path, "x".repeat(11)).expect("file");
        assert_eq!(
            read_limited(&path, 10),
            Err(AppError::ImportTooLarge {
                limit: 10,
                actual: 11
            })
        );
        assert_eq!(read_limited(&path, 11).as_deref(), Ok("xxxxxxxxxxx"));
    }

    #[test]
    fn unreadable_and_binary_files_are_named_errors() {
        let dir = tempfile::tempdir().expect("dir");
        assert!(matches!(
            read_limited(&dir.path().join("nope.json"), 10),
            Err(AppError::FileNotRead { .. })
        ));
        let binary = dir.path().join("b.json");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).expect("file");
        assert!(matches!(
            read_limited(&binary, 10),
            Err(AppError::ImportBadFormat { ref field, .. }) if field == "$"
        ));
    }
}
