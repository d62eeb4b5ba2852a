//! `read_text_file`: the UTF-8 text of a file inside a granted folder, at most 256 KiB.

use std::io::Read;

use serde_json::{Value, json};

use super::granted_path::{io_failure, resolve};
use crate::tools::context::ToolContext;
use crate::tools::definition::ToolDefinition;
use crate::tools::tool::{Tool, ToolFailure};

/// At most this many bytes of a file are returned (256 KiB).
const MAX_TEXT_BYTES: usize = 256 * 1024;

/// Reads a text file in a granted folder (see the description).
#[derive(Debug)]
pub(super) struct ReadTextFile {
    definition: ToolDefinition,
}

impl ReadTextFile {
    pub(super) fn new() -> Self {
        Self {
            definition: ToolDefinition::new(
                "read_text_file",
                "Read a UTF-8 text file on the user's computer, inside a folder the user granted. \
                 The path starts with a granted folder's name, then the path inside it, separated \
                 by '/': \"Documents/notes.txt\" (call list_directory with no path to see the \
                 granted folders). Returns the text; a file larger than 256 KiB is cut to its \
                 first 256 KiB, with `truncated` true and `size_bytes` giving the whole size. \
                 Files that are not UTF-8 text (images, PDFs, archives) cannot be read.",
                json!({
                    "type": "object",
                    "properties": {
                        "path": {
                            "type": "string",
                            "minLength": 1,
                            "description": "A granted folder's name, '/', then the file's path inside it."
                        }
                    },
                    "required": ["path"],
                    "additionalProperties": false
                }),
            ),
        }
    }
}

impl Tool for ReadTextFile {
    fn definition(&self) -> &ToolDefinition {
        &self.definition
    }

    fn run(&self, arguments: &Value, context: &ToolContext) -> Result<Value, ToolFailure> {
        let path = arguments.get("path").and_then(Value::as_str).unwrap_or("");
        let target = resolve(path, context)?;
        let shown = target.shown.as_str();
        let failed = |error: std::io::Error| io_failure(shown, &error);
        // Opening a FIFO or a device would block or never end: refuse anything that is
        // not a regular file before opening. (Confinement does not rest on this check:
        // the open below is confined by cap-std, and the opened file is checked again.)
        let metadata = target.folder.metadata(&target.relative).map_err(failed)?;
        if metadata.is_dir() {
            return Err(io_failure(shown, &std::io::ErrorKind::IsADirectory.into()));
        }
        if !metadata.is_file() {
            return Err(not_a_regular_file(shown));
        }
        let file = target.folder.open(&target.relative).map_err(failed)?;
        let metadata = file.metadata().map_err(failed)?;
        if !metadata.is_file() {
            return Err(not_a_regular_file(shown));
        }
        let mut bytes = Vec::new();
        file.take(MAX_TEXT_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(failed)?;
        let truncated = bytes.len() > MAX_TEXT_BYTES;
        let size_bytes = metadata.len().max(bytes.len() as u64);
        bytes.truncate(MAX_TEXT_BYTES);
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            // The cut fell inside a character: end before it.
            Err(error) if truncated && error.error_len().is_none() => {
                std::str::from_utf8(&bytes[..error.valid_up_to()]).map_err(|_| not_text(shown))?
            }
            Err(_) => return Err(not_text(shown)),
        };
        Ok(json!({
            "path": shown,
            "text": text,
            "size_bytes": size_bytes,
            "truncated": truncated,
        }))
    }
}

fn not_text(shown: &str) -> ToolFailure {
    ToolFailure(format!(
        "{shown:?} is not a text file (it is not valid UTF-8): read_text_file reads only UTF-8 text."
    ))
}

fn not_a_regular_file(shown: &str) -> ToolFailure {
    ToolFailure(format!(
        "{shown:?} is not a regular file (a device, socket or pipe): it cannot be read."
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::fs;

    use super::*;
    use crate::tools::builtin::test_support::{context_with, failure, granted};

    fn read(path: &str, context: &ToolContext) -> Result<Value, ToolFailure> {
        ReadTextFile::new().run(&json!({ "path": path }), context)
    }

    #[test]
    fn a_text_file_is_read() {
        let (_temp, context) = granted(&["notes"]);
        let root = &context.granted_folders[0].path;
        fs::create_dir(root.join("sub")).unwrap();
        fs::write(root.join("sub/today.txt"), "Buy milk.\nCall Ann ☎").unwrap();
        assert_eq!(
            read("notes/sub/today.txt", &context).unwrap(),
            json!({
                "path": "notes/sub/today.txt",
                "text": "Buy milk.\nCall Ann ☎",
                "size_bytes": 22,
                "truncated": false
            })
        );
    }

    #[test]
    fn a_large_file_is_cut_on_a_character_boundary() {
        let (_temp, context) = granted(&["notes"]);
        // 'é' is two bytes: an odd prefix makes the 256 KiB cut fall inside one.
        let text = format!("x{}", "é".repeat(MAX_TEXT_BYTES));
        fs::write(context.granted_folders[0].path.join("big.txt"), &text).unwrap();
        let result = read("notes/big.txt", &context).unwrap();
        assert_eq!(result["truncated"], true);
        assert_eq!(result["size_bytes"], text.len());
        let returned = result["text"].as_str().unwrap();
        assert_eq!(returned.len(), MAX_TEXT_BYTES - 1);
        assert!(text.starts_with(returned));

        let exact = "a".repeat(MAX_TEXT_BYTES);
        fs::write(context.granted_folders[0].path.join("exact.txt"), &exact).unwrap();
        let result = read("notes/exact.txt", &context).unwrap();
        assert_eq!(result["truncated"], false);
        assert_eq!(result["text"].as_str().unwrap().len(), MAX_TEXT_BYTES);
    }

    #[test]
    fn a_binary_file_is_not_text() {
        let (_temp, context) = granted(&["notes"]);
        fs::write(
            context.granted_folders[0].path.join("image.png"),
            [0x89, b'P', 0xff, 0xfe],
        )
        .unwrap();
        let message = failure(read("notes/image.png", &context));
        assert!(message.contains("not a text file"), "{message}");
    }

    #[test]
    fn a_folder_is_not_read() {
        let (_temp, context) = granted(&["notes"]);
        let message = failure(read("notes", &context));
        assert!(message.contains("is a folder"), "{message}");
    }

    #[test]
    fn paths_out_of_the_granted_folders_are_refused() {
        let (temp, context) = granted(&["notes"]);
        fs::write(temp.path().join("outside.txt"), "secret").unwrap();
        let outside = temp.path().join("outside.txt").to_str().unwrap().to_owned();

        let message = failure(read("notes/../outside.txt", &context));
        assert!(message.contains("outside its granted folder"), "{message}");
        let message = failure(read(&outside, &context));
        assert!(message.contains("is an absolute path"), "{message}");
        let message = failure(read(&format!("notes/{outside}"), &context));
        assert!(!message.contains("secret"), "{message}");
        let message = failure(read("other/outside.txt", &context));
        assert!(
            message.contains("No granted folder is named \"other\""),
            "{message}"
        );
        let message = failure(read("notes/none.txt", &context));
        assert!(message.contains("does not exist"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_folder_is_refused_and_one_inside_is_followed() {
        let (temp, context) = granted(&["notes"]);
        let root = &context.granted_folders[0].path;
        fs::write(temp.path().join("outside.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(temp.path().join("outside.txt"), root.join("link.txt")).unwrap();
        let message = failure(read("notes/link.txt", &context));
        assert!(message.contains("outside its granted folder"), "{message}");

        fs::write(root.join("real.txt"), "inside").unwrap();
        std::os::unix::fs::symlink("real.txt", root.join("alias.txt")).unwrap();
        assert_eq!(read("notes/alias.txt", &context).unwrap()["text"], "inside");
    }

    #[test]
    fn nothing_granted_says_where_to_grant() {
        let context = context_with(Vec::new(), None);
        let message = failure(read("notes/a.txt", &context));
        assert!(message.contains("Settings → Tools"), "{message}");
    }
}
