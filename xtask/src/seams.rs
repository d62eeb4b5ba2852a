//! The release build must carry none of the test bench's seams.

use std::path::Path;

use crate::Result;

/// Text that only the `test-support` feature compiles in: the control socket's name
/// (`src-tauri/src/test_support/mod.rs`), the line the seams log at start, and the
/// switch that panics before logging (`src-tauri/src/logging.rs`).
const SEAM_MARKERS: &[&str] = &[
    "athena-test-control.sock",
    "test seams are on",
    "ATHENA_TEST_PANIC_BEFORE_LOGGING",
];

/// Fails when `binary` contains a seam; `expect_seams` inverts the check, so the test
/// build proves the markers are the right ones.
pub fn check(binary: &Path, expect_seams: bool) -> Result {
    let bytes = std::fs::read(binary).map_err(|e| format!("{}: {e}", binary.display()))?;
    let found: Vec<&str> = SEAM_MARKERS
        .iter()
        .copied()
        .filter(|m| contains(&bytes, m.as_bytes()))
        .collect();
    match (expect_seams, found.is_empty()) {
        (false, true) => {
            println!("xtask: {} carries no test seam", binary.display());
            Ok(())
        }
        (false, false) => Err(format!(
            "{} carries test seams ({}): the release build must not enable test-support",
            binary.display(),
            found.join(", ")
        )),
        (true, _) if found.len() == SEAM_MARKERS.len() => Ok(()),
        (true, _) => Err(format!(
            "{} is a test build but lacks the seam markers; update SEAM_MARKERS in xtask/src/seams.rs",
            binary.display()
        )),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary_with(name: &str, text: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("athena-seams-{name}-{}", std::process::id()));
        std::fs::write(&path, text).expect("write");
        path
    }

    #[test]
    fn a_build_with_the_seams_fails_the_release_check_and_one_without_passes() {
        let seamed = binary_with(
            "seamed",
            b"\x7fELF ... athena-test-control.sock ... test seams are on ... ATHENA_TEST_PANIC_BEFORE_LOGGING ...",
        );
        let clean = binary_with("clean", b"\x7fELF ... the app alone ...");
        assert!(
            check(&seamed, false).is_err(),
            "seams in a release build must fail"
        );
        assert!(check(&clean, false).is_ok());
        assert!(check(&seamed, true).is_ok());
        assert!(
            check(&clean, true).is_err(),
            "a test build without markers must fail"
        );
        std::fs::remove_file(seamed).ok();
        std::fs::remove_file(clean).ok();
    }

    #[test]
    fn finds_markers_in_bytes() {
        assert!(contains(
            b"xx athena-test-control.sock yy",
            b"athena-test-control.sock"
        ));
        assert!(!contains(
            b"athena-test-control",
            b"athena-test-control.sock"
        ));
    }
}
