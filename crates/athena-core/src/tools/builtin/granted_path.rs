//! Tool paths: `<folder name>/<relative path>`, resolved inside a granted folder.
//!
//! The confinement is cap-std's, not string checks: the granted folder is opened with
//! `Dir::open_ambient_dir`, and the relative part is only ever opened through that
//! `Dir`, which refuses `..` that climbs out, absolute paths and symlinks leading
//! outside, at the moment of opening (no check-then-open race). The checks here only
//! pick the folder and give clearer messages.

use std::io;
use std::path::{Path, PathBuf};

use cap_std::ambient_authority;
use cap_std::fs::Dir;

use crate::tools::context::ToolContext;
use crate::tools::tool::ToolFailure;

/// The failure when no folder is granted.
pub(super) const NO_FOLDER_GRANTED: &str = "No folder is granted: grant one in Settings → Tools";

/// A tool path resolved to its granted folder.
#[derive(Debug)]
pub(super) struct GrantedPath {
    /// The granted folder, opened: everything is opened relative to it.
    pub folder: Dir,
    /// The path inside the folder, as given ("." for the folder itself).
    pub relative: PathBuf,
    /// The tool path as the agent wrote it, without trailing `/`, for results and messages.
    pub shown: String,
}

/// Resolves `path` (`<folder name>` or `<folder name>/<relative path>`).
///
/// # Errors
/// No folder granted, an absolute path, a folder name not granted, or a granted
/// folder that cannot be opened: each says what to do.
pub(super) fn resolve(path: &str, context: &ToolContext) -> Result<GrantedPath, ToolFailure> {
    if context.granted_folders.is_empty() {
        return Err(ToolFailure::new(NO_FOLDER_GRANTED));
    }
    let shown = path.trim_end_matches('/');
    if Path::new(path).is_absolute() || path.starts_with('/') || path.starts_with('\\') {
        return Err(ToolFailure(format!(
            "{path:?} is an absolute path, which tools cannot use: start the path with a granted folder's name ({}), e.g. \"{}/notes.txt\".",
            context.folder_names(),
            context.granted_folders[0].name,
        )));
    }
    let (name, relative) = shown.split_once('/').unwrap_or((shown, ""));
    let Some(granted) = context.folder(name) else {
        return Err(ToolFailure(format!(
            "No granted folder is named {name:?}: the granted folders are {}. A path starts with one of these names; the user can grant more folders in Settings → Tools.",
            context.folder_names()
        )));
    };
    let folder = Dir::open_ambient_dir(&granted.path, ambient_authority()).map_err(|error| {
        ToolFailure(format!(
            "The granted folder {:?} ({}) cannot be opened: {error}. Check that it still exists, or grant it again in Settings → Tools.",
            granted.name,
            granted.path.display()
        ))
    })?;
    let relative = if relative.is_empty() {
        PathBuf::from(".")
    } else {
        PathBuf::from(relative)
    };
    Ok(GrantedPath {
        folder,
        relative,
        shown: shown.to_owned(),
    })
}

/// A failure for an I/O error met while opening or reading `shown` (a tool path).
pub(super) fn io_failure(shown: &str, error: &io::Error) -> ToolFailure {
    let reason = match error.kind() {
        io::ErrorKind::NotFound => format!("{shown:?} does not exist."),
        io::ErrorKind::PermissionDenied => format!(
            "{shown:?} cannot be opened: it leads outside its granted folder, or this computer does not allow reading it. Only paths inside a granted folder can be used."
        ),
        io::ErrorKind::NotADirectory => format!("{shown:?} is not a folder."),
        io::ErrorKind::IsADirectory => {
            format!("{shown:?} is a folder, not a file: use list_directory to see what it holds.")
        }
        _ => format!("{shown:?} cannot be read: {error}."),
    };
    ToolFailure(reason)
}
