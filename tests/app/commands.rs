//! The build's permission manifest and the tauri-specta registry list the same commands.

use std::collections::BTreeSet;

#[test]
fn build_permissions_and_registered_commands_are_the_same_list() {
    let bindings = crate::generated_bindings();

    // Every registered command appears in the bindings as `__TAURI_INVOKE<T>("name"`.
    let registered: BTreeSet<String> = bindings
        .split("__TAURI_INVOKE")
        .skip(2) // the text before the first use, and the import line
        .filter_map(|rest| rest.split('"').nth(1))
        .map(str::to_owned)
        .collect();
    let permitted: BTreeSet<String> = athena_desktop::COMMAND_NAMES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    assert!(!registered.is_empty(), "no command found in the bindings");
    assert_eq!(
        registered, permitted,
        "src-tauri/src/command_names.rs and specta_builder() must list the same commands"
    );
}

/// The test bench's seams are reached through a socket in the data folder, never
/// through IPC: no command, event or type of the bindings names them, although this
/// test build has them compiled in.
#[test]
fn no_test_seam_is_reachable_from_the_page() {
    let bindings = crate::generated_bindings().to_lowercase();
    for seam in [
        "answer_dialogs",
        "answerdialogs",
        "opened_links",
        "openedlinks",
        "test-control",
        "scripted",
        "drop_paths",
        "droppaths",
    ] {
        assert!(
            !bindings.contains(seam),
            "the bindings mention the seam {seam:?}"
        );
    }
    for command in athena_desktop::COMMAND_NAMES {
        assert!(
            !command.contains("test") && !command.contains("seam") && !command.contains("drop"),
            "{command} looks like a test seam exposed as a command"
        );
    }
}
