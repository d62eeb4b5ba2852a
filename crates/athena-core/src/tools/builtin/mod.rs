//! The tools built into the app, one per file. File access goes through
//! [`granted_path`], which confines it to the granted folders with cap-std.

mod current_datetime;
mod granted_path;
mod list_directory;
mod query_transactions;
mod read_text_file;

use std::sync::Arc;

use super::tool::Tool;

/// A fresh instance of every built-in tool.
pub(super) fn all() -> Vec<Arc<dyn Tool>> {
    vec![
        Arc::new(current_datetime::CurrentDatetime::new()),
        Arc::new(list_directory::ListDirectory::new()),
        Arc::new(read_text_file::ReadTextFile::new()),
        Arc::new(query_transactions::QueryTransactions::new()),
    ]
}

#[cfg(test)]
pub(crate) mod test_support {
    #![allow(clippy::unwrap_used)]

    use std::path::PathBuf;

    use serde_json::Value;
    use time::OffsetDateTime;

    use crate::tools::context::{GrantedFolder, ToolContext, name_folders};
    use crate::tools::tool::ToolFailure;

    /// A context with these folders and ledger, at the Unix epoch.
    pub(crate) fn context_with(
        folders: Vec<GrantedFolder>,
        ledger: Option<PathBuf>,
    ) -> ToolContext {
        ToolContext {
            granted_folders: folders,
            ledger_file: ledger,
            now: OffsetDateTime::UNIX_EPOCH,
        }
    }

    /// A temporary directory holding one empty folder per name, all granted.
    pub(crate) fn granted(names: &[&str]) -> (tempfile::TempDir, ToolContext) {
        let temp = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = names
            .iter()
            .map(|name| {
                let path = temp.path().join(name);
                std::fs::create_dir(&path).unwrap();
                path
            })
            .collect();
        let context = context_with(name_folders(&paths), None);
        (temp, context)
    }

    /// The failure's reason; panics on success.
    pub(crate) fn failure(result: Result<Value, ToolFailure>) -> String {
        match result {
            Err(failure) => failure.0,
            Ok(value) => panic!("expected a failure, got {value}"),
        }
    }
}
