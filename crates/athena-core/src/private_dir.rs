//! Folders only the user can read.

use std::io;
use std::path::Path;

/// Creates `path` (and its parents) and makes it readable only by the user: 0700 on
/// Unix. On other systems the per-user profile folders already are.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn new_and_existing_folders_end_up_0700() {
        let base = std::env::temp_dir().join(format!("athena-private-{}", uuid::Uuid::new_v4()));
        let nested = base.join("data/media");
        create_private_dir(&nested).expect("create");
        let mode = std::fs::metadata(&nested)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700);

        std::fs::set_permissions(&nested, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        create_private_dir(&nested).expect("again");
        let mode = std::fs::metadata(&nested)
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700);
        std::fs::remove_dir_all(&base).ok();
    }
}
