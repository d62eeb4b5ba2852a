//! `ui/src/bindings.ts` must be exactly what the Rust commands and events generate.

use std::path::Path;

const BINDINGS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/bindings.ts");

#[test]
fn committed_bindings_match_the_rust_commands_and_events() {
    let fresh = crate::generated_bindings();

    if std::env::var_os("ATHENA_UPDATE_BINDINGS").is_some() {
        std::fs::write(BINDINGS, &fresh).expect("write ui/src/bindings.ts");
        return;
    }
    let committed = std::fs::read_to_string(Path::new(BINDINGS)).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is stale: it differs from what the Rust commands and events \
         generate. Run `cargo xtask bindings` to regenerate it, and commit the result."
    );
}
