//! A panic leaves a readable report in the log folder, also one that happens before
//! logging is set up (the real binary, made to panic early by a switch that exists in
//! test-support builds only).

use std::path::Path;
use std::process::Command;

use athena_desktop::logging::{APP_IDENTIFIER, PANIC_REPORTS};

#[test]
fn a_panic_before_logging_is_set_up_leaves_a_report_in_the_run_s_log_folder() {
    let data = std::env::temp_dir().join(format!("athena-early-panic-{}", uuid::Uuid::new_v4()));
    let output = Command::new(env!("CARGO_BIN_EXE_athena-desktop"))
        .arg("--data-dir")
        .arg(&data)
        .env("ATHENA_TEST_PANIC_BEFORE_LOGGING", "1")
        // If the switch were ignored the app would start: never on the tester's screen.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run the app");
    assert!(!output.status.success(), "the app was asked to panic");

    let report_file = data.join("logs").join(PANIC_REPORTS);
    let report = std::fs::read_to_string(&report_file).unwrap_or_else(|e| {
        panic!(
            "no report at {} ({e}); stderr: {}",
            report_file.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(report.starts_with("panic at "), "{report}");
    assert!(report.contains("thread: main"), "{report}");
    assert!(report.contains("src-tauri/src/logging.rs:"), "{report}");
    assert!(
        report.contains("asked to panic before logging is set up"),
        "{report}"
    );
    assert!(
        !report.contains("sk-test-0123456789abcdef"),
        "the message is redacted: {report}"
    );
    // Logging was never set up: the report is the only trace, and stderr says where.
    assert!(
        !data.join("logs").read_dir().expect("logs").any(|e| e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .starts_with("athena-desktop")),
        "no log file yet"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&*report_file.to_string_lossy()), "{stderr}");
    assert!(!stderr.contains("sk-test"), "{stderr}");
    std::fs::remove_dir_all(&data).ok();
}

/// Before the log folder is known the hook writes in the OS log folder it derives from
/// this identifier: it must be the one Tauri names that folder after.
#[test]
fn the_panic_hook_s_identifier_is_the_bundle_identifier() {
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json"))
            .expect("tauri.conf.json"),
    )
    .expect("json");
    assert_eq!(conf["identifier"], APP_IDENTIFIER);
}
