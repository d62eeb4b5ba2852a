//! `list_directory`: the granted folders, or what one folder inside them holds.

use serde_json::{Value, json};

use super::granted_path::{NO_FOLDER_GRANTED, io_failure, resolve};
use crate::tools::context::ToolContext;
use crate::tools::definition::ToolDefinition;
use crate::tools::tool::{Tool, ToolFailure};

/// At most this many entries are returned; `total` and `truncated` state the rest.
const MAX_ENTRIES: usize = 500;

/// Lists a granted folder's entries (see the description).
#[derive(Debug)]
pub(super) struct ListDirectory {
    definition: ToolDefinition,
}

impl ListDirectory {
    pub(super) fn new() -> Self {
        Self {
            definition: ToolDefinition::new(
                "list_directory",
                "List what a folder on the user's computer contains. Only folders the user granted \
                 can be listed. Call it with no path (or \"\") to get the granted folders' names. \
                 A path starts with a granted folder's name, then a path inside it, separated by \
                 '/': \"Documents\" or \"Documents/reports/2024\". Returns the entries sorted by \
                 name, each with its kind (file, folder or other) and, for files, its size in \
                 bytes; at most 500 entries, with `total` giving the full count and `truncated` \
                 saying whether some were left out.",
                json!({
                    "type": "object",
                    "properties": {
                        "path": {
                            "type": "string",
                            "description": "A granted folder's name, optionally followed by '/' and a path inside it. Empty or absent: list the granted folders."
                        }
                    },
                    "additionalProperties": false
                }),
            ),
        }
    }
}

impl Tool for ListDirectory {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn run(&self, arguments: &Value, context: &ToolContext) -> Result<Value, ToolFailure> {
        let path = arguments.get("path").and_then(Value::as_str).unwrap_or("");
        if path.is_empty() {
            return list_granted_folders(context);
        }
        let target = resolve(path, context)?;
        let folder = target
            .folder
            .open_dir(&target.relative)
            .map_err(|error| io_failure(&target.shown, &error))?;
        let mut names = Vec::new();
        for entry in folder
            .entries()
            .map_err(|error| io_failure(&target.shown, &error))?
        {
            let entry = entry.map_err(|error| io_failure(&target.shown, &error))?;
            names.push((entry.file_name().to_string_lossy().into_owned(), entry));
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));
        let total = names.len();
        let entries: Vec<Value> = names
            .into_iter()
            .take(MAX_ENTRIES)
            .map(|(name, entry)| {
                let file_type = entry.file_type().ok();
                // A symlink is described by what it points to, if that is inside the
                // folder (cap-std refuses to follow it out): else it is "other".
                let metadata = match file_type {
                    Some(kind) if kind.is_symlink() => folder.metadata(entry.file_name()).ok(),
                    _ => entry.metadata().ok(),
                };
                match metadata {
                    Some(metadata) if metadata.is_file() => {
                        json!({"name": name, "kind": "file", "size_bytes": metadata.len()})
                    }
                    Some(metadata) if metadata.is_dir() => json!({"name": name, "kind": "folder"}),
                    _ => json!({"name": name, "kind": "other"}),
                }
            })
            .collect();
        Ok(json!({
            "path": target.shown,
            "entries": entries,
            "truncated": total > MAX_ENTRIES,
            "total": total,
        }))
    }
}

fn list_granted_folders(context: &ToolContext) -> Result<Value, ToolFailure> {
    if context.granted_folders.is_empty() {
        return Err(ToolFailure::new(NO_FOLDER_GRANTED));
    }
    let mut names: Vec<&str> = context
        .granted_folders
        .iter()
        .map(|folder| folder.name.as_str())
        .collect();
    names.sort_unstable();
    let total = names.len();
    let entries: Vec<Value> = names
        .into_iter()
        .take(MAX_ENTRIES)
        .map(|name| json!({"name": name, "kind": "folder"}))
        .collect();
    Ok(json!({
        "path": "",
        "entries": entries,
        "truncated": total > MAX_ENTRIES,
        "total": total,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::fs;

    use super::*;
    use crate::tools::builtin::test_support::{context_with, failure, granted};

    fn list(path: &str, context: &ToolContext) -> Result<Value, ToolFailure> {
        ListDirectory::new().run(&json!({ "path": path }), context)
    }

    #[test]
    fn no_path_lists_the_granted_folders_by_name() {
        let (_temp, context) = granted(&["notes", "photos"]);
        let result = ListDirectory::new().run(&json!({}), &context).unwrap();
        assert_eq!(
            result,
            json!({
                "path": "",
                "entries": [{"name": "notes", "kind": "folder"}, {"name": "photos", "kind": "folder"}],
                "truncated": false,
                "total": 2
            })
        );
        assert_eq!(list("", &context).unwrap(), result);
    }

    #[test]
    fn a_folder_is_listed_sorted_with_kinds_and_sizes() {
        let (_temp, context) = granted(&["notes"]);
        let root = &context.granted_folders[0].path;
        fs::write(root.join("b.txt"), "hello").unwrap();
        fs::write(root.join("a.txt"), "").unwrap();
        fs::create_dir(root.join("sub")).unwrap();
        fs::write(root.join("sub/inner.txt"), "abc").unwrap();
        let result = list("notes", &context).unwrap();
        assert_eq!(
            result,
            json!({
                "path": "notes",
                "entries": [
                    {"name": "a.txt", "kind": "file", "size_bytes": 0},
                    {"name": "b.txt", "kind": "file", "size_bytes": 5},
                    {"name": "sub", "kind": "folder"}
                ],
                "truncated": false,
                "total": 3
            })
        );
        let inner = list("notes/sub/", &context).unwrap();
        assert_eq!(inner["path"], "notes/sub");
        assert_eq!(
            inner["entries"],
            json!([{"name": "inner.txt", "kind": "file", "size_bytes": 3}])
        );
    }

    #[test]
    fn a_long_listing_is_cut_and_says_so() {
        let (_temp, context) = granted(&["many"]);
        for i in 0..MAX_ENTRIES + 7 {
            fs::write(context.granted_folders[0].path.join(format!("f{i:04}")), "").unwrap();
        }
        let result = list("many", &context).unwrap();
        assert_eq!(result["entries"].as_array().unwrap().len(), MAX_ENTRIES);
        assert_eq!(result["total"], MAX_ENTRIES + 7);
        assert_eq!(result["truncated"], true);
        assert_eq!(result["entries"][0]["name"], "f0000");
        assert_eq!(result["entries"][MAX_ENTRIES - 1]["name"], "f0499");
    }

    #[test]
    fn paths_out_of_the_granted_folders_are_refused() {
        let (_temp, context) = granted(&["notes"]);
        let root = &context.granted_folders[0].path;
        fs::create_dir(root.join("sub")).unwrap();
        let parent = root.parent().unwrap().to_str().unwrap().to_owned();

        let message = failure(list("notes/..", &context));
        assert!(message.contains("outside its granted folder"), "{message}");
        let message = failure(list("notes/sub/../..", &context));
        assert!(message.contains("outside its granted folder"), "{message}");
        let message = failure(list(&parent, &context));
        assert!(message.contains("is an absolute path"), "{message}");
        // An absolute path after the folder name reaches cap-std, which refuses it.
        assert!(list(&format!("notes/{parent}"), &context).is_err());
        let message = failure(list("secrets", &context));
        assert!(
            message.contains("No granted folder is named \"secrets\""),
            "{message}"
        );
        assert!(message.contains("notes"), "{message}");
        let message = failure(list("notes/missing", &context));
        assert!(message.contains("does not exist"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_folder_is_not_followed() {
        let (_temp, context) = granted(&["notes"]);
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let link = context.granted_folders[0].path.join("escape");
        std::os::unix::fs::symlink(outside.path(), link).unwrap();
        let message = failure(list("notes/escape", &context));
        assert!(message.contains("outside its granted folder"), "{message}");
        // Listed as "other": what it points to is not looked at.
        let result = list("notes", &context).unwrap();
        assert_eq!(
            result["entries"],
            json!([{"name": "escape", "kind": "other"}])
        );
    }

    #[test]
    fn nothing_granted_says_where_to_grant() {
        let context = context_with(Vec::new(), None);
        assert_eq!(
            failure(ListDirectory::new().run(&json!({}), &context)),
            NO_FOLDER_GRANTED
        );
        assert_eq!(failure(list("notes", &context)), NO_FOLDER_GRANTED);
    }
}
