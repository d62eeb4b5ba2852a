//! What a run of a client tool may touch, as the user decided in Settings → Tools.
//!
//! Tools see folders only by their display name: a tool path is
//! `<folder name>/<relative path>`, so the agent never learns (or chooses) where on
//! this computer a folder is, and cannot name anything outside the granted folders.

use std::collections::HashSet;
use std::path::PathBuf;

use time::OffsetDateTime;

/// A folder the user granted to client tools, under a display name.
///
/// Invariant (kept by [`name_folders`]): names are unique among the granted folders
/// of one [`ToolContext`] and contain no `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantedFolder {
    /// The name tools and the agent use for the folder: its last path component,
    /// made unique with "-2", "-3"...
    pub name: String,
    /// Where the folder is on this computer. Tools open it and work relative to it.
    pub path: PathBuf,
}

/// Everything a tool run may use besides its arguments: the granted folders, the
/// ledger file, and the clock (injected so that runs are reproducible in tests).
#[derive(Debug, Clone)]
pub struct ToolContext {
    /// The folders tools may list and read, nothing else (see [`name_folders`]).
    pub granted_folders: Vec<GrantedFolder>,
    /// The CSV ledger `query_transactions` reads, if the user chose one.
    pub ledger_file: Option<PathBuf>,
    /// "Now", in the user's local offset.
    pub now: OffsetDateTime,
}

impl ToolContext {
    /// The granted folder with this exact name.
    pub fn folder(&self, name: &str) -> Option<&GrantedFolder> {
        self.granted_folders
            .iter()
            .find(|folder| folder.name == name)
    }

    /// The granted folders' names, in order, joined with ", " for messages.
    pub(crate) fn folder_names(&self) -> String {
        self.granted_folders
            .iter()
            .map(|folder| folder.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Names folders by their last path component, made unique with "-2", "-3"... in the
/// order given (a later folder never renames an earlier one). A path with no last
/// component (a file system root, or one ending in `..`) is named "folder". A name
/// that is not valid Unicode is shown with U+FFFD replacement characters.
pub fn name_folders(paths: &[PathBuf]) -> Vec<GrantedFolder> {
    let mut taken = HashSet::new();
    paths
        .iter()
        .map(|path| {
            let base = path
                .file_name()
                .map(|name| name.to_string_lossy().replace('/', "_"))
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "folder".to_owned());
            let mut name = base.clone();
            let mut suffix = 2_u64;
            while taken.contains(&name) {
                name = format!("{base}-{suffix}");
                suffix += 1;
            }
            taken.insert(name.clone());
            GrantedFolder {
                name,
                path: path.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(paths: &[&str]) -> Vec<String> {
        let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
        name_folders(&paths).into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn folders_are_named_by_their_last_component() {
        let paths = vec![
            PathBuf::from("/home/ann/Documents"),
            PathBuf::from("/srv/shared/"),
        ];
        let folders = name_folders(&paths);
        assert_eq!(folders[0].name, "Documents");
        assert_eq!(folders[0].path, PathBuf::from("/home/ann/Documents"));
        assert_eq!(folders[1].name, "shared");
    }

    #[test]
    fn equal_names_get_suffixes_in_the_order_given() {
        assert_eq!(
            names(&["/a/docs", "/b/docs", "/c/docs"]),
            ["docs", "docs-2", "docs-3"]
        );
        // A suffix already taken by a real folder is skipped, never shared.
        assert_eq!(
            names(&["/a/docs-2", "/b/docs", "/c/docs"]),
            ["docs-2", "docs", "docs-3"]
        );
    }

    #[test]
    fn a_root_is_named_folder() {
        assert_eq!(names(&["/", "/a/.."]), ["folder", "folder-2"]);
    }

    #[test]
    fn folder_lookup_is_by_exact_name() {
        let context = ToolContext {
            granted_folders: name_folders(&[PathBuf::from("/a/docs"), PathBuf::from("/b/docs")]),
            ledger_file: None,
            now: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(
            context.folder("docs-2").map(|f| f.path.clone()),
            Some(PathBuf::from("/b/docs"))
        );
        assert!(context.folder("Docs").is_none());
        assert_eq!(context.folder_names(), "docs, docs-2");
    }
}
