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
