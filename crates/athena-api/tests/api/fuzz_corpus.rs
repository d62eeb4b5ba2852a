//! Replays the fuzz target's saved corpus through the same public function on stable:
//! no input may panic, and chunking never changes the result.

#[test]
fn every_saved_fuzz_input_decodes_without_panicking() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus/decode_event");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("corpus dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let whole = athena_api::decode_sse_bytes(&bytes, usize::MAX, 64 * 1024);
        let split = athena_api::decode_sse_bytes(&bytes, 7, 64 * 1024);
        assert_eq!(
            format!("{whole:?}"),
            format!("{split:?}"),
            "{}",
            path.display()
        );
        count += 1;
    }
    assert!(count > 0, "the corpus is empty");
}
