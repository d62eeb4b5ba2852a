//! Feeds arbitrary bytes through athena-api's SSE parser and event decoder (the same
//! public function the corpus replay test and the benchmark call). Beyond "never
//! panics", it checks that chunking never changes the result.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let whole = athena_api::decode_sse_bytes(data, usize::MAX, 64 * 1024);
    let split = (data.first().copied().unwrap_or(1) as usize % 17) + 1;
    let chunked = athena_api::decode_sse_bytes(data, split, 64 * 1024);
    assert_eq!(format!("{whole:?}"), format!("{chunked:?}"));
});
