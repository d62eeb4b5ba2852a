//! Files dropped on the window, as the backend first sees them: what each path is,
//! before anything is read or uploaded. Attachments are built on this.

use std::path::{Path, PathBuf};

/// One dropped path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DroppedItem {
    /// A regular file of this size.
    File {
        /// Where it is.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
    },
    /// A folder (folders are not attached; the user is told so).
    Folder {
        /// Where it is.
        path: PathBuf,
    },
    /// Missing or unreadable.
    Unreadable {
        /// Where it was.
        path: PathBuf,
        /// What the OS said.
        reason: String,
    },
}

/// Looks at each dropped path without reading it.
pub fn inspect_dropped(paths: &[PathBuf]) -> Vec<DroppedItem> {
    paths.iter().map(|p| inspect(p)).collect()
}

fn inspect(path: &Path) -> DroppedItem {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => DroppedItem::Folder {
            path: path.to_owned(),
        },
        Ok(meta) => DroppedItem::File {
            path: path.to_owned(),
            size: meta.len(),
        },
        Err(e) => DroppedItem::Unreadable {
            path: path.to_owned(),
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_files_folders_and_missing_paths_apart() {
        let dir = std::env::temp_dir().join(format!("athena-drop-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("a.txt");
        std::fs::write(&file, b"hello").expect("file");
        let missing = dir.join("gone.txt");
        let items = inspect_dropped(&[file.clone(), dir.clone(), missing.clone()]);
        assert_eq!(
            items[0],
            DroppedItem::File {
                path: file,
                size: 5
            }
        );
        assert_eq!(items[1], DroppedItem::Folder { path: dir.clone() });
        assert!(matches!(&items[2], DroppedItem::Unreadable { path, .. } if *path == missing));
        std::fs::remove_dir_all(&dir).ok();
    }
}
