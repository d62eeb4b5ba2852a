//! SSE parsing per the WHATWG rules, through the public decode function (the same
//! parser and decoder the live stream uses).

use athena_api::sse::{EventTooLarge, SseParser};
use athena_api::{ApiError, ExecutionEvent, decode_sse_bytes};
use proptest::prelude::*;

use crate::support::fixture;

/// (type, data) of every event, fed in the given chunks.
fn raw_events(chunks: &[&[u8]]) -> Vec<(String, String)> {
    let mut parser = SseParser::new(1 << 20);
    let mut out = Vec::new();
    for chunk in chunks {
        parser
            .feed(chunk, |t, d| out.push((t.to_owned(), d.to_owned())))
            .expect("within limit");
    }
    out
}

fn ev(t: &str, d: &str) -> (String, String) {
    (t.to_owned(), d.to_owned())
}

fn decoded(bytes: &[u8], chunk: usize) -> Vec<String> {
    decode_sse_bytes(bytes, chunk, 1 << 20)
        .into_iter()
        .map(|e| format!("{e:?}"))
        .collect()
}

#[test]
fn cr_lf_and_crlf_line_ends() {
    let lf = fixture("stream-chat.sse");
    let crlf = lf.replace('\n', "\r\n");
    let cr = lf.replace('\n', "\r");
    let expected = decoded(lf.as_bytes(), usize::MAX);
    assert_eq!(expected.len(), 5);
    assert_eq!(decoded(crlf.as_bytes(), usize::MAX), expected);
    assert_eq!(decoded(cr.as_bytes(), usize::MAX), expected);
    // CR-only and CRLF split right between CR and LF, one byte at a time.
    assert_eq!(decoded(crlf.as_bytes(), 1), expected);
    assert_eq!(decoded(cr.as_bytes(), 1), expected);
}

#[test]
fn a_leading_bom_is_skipped_even_when_split() {
    let stream = b"\xEF\xBB\xBFdata: {\"type\":\"heartbeat\"}\n\n";
    for split in 0..=stream.len() {
        let (a, b) = stream.split_at(split);
        assert_eq!(
            raw_events(&[a, b]),
            vec![ev("message", r#"{"type":"heartbeat"}"#)],
            "split {split}"
        );
    }
}

#[test]
fn comments_are_ignored() {
    assert_eq!(
        raw_events(&[b": keep-alive\n\n:\ndata: x\n: inside\n\n"]),
        vec![ev("message", "x")]
    );
}

#[test]
fn multi_line_data_joins_with_newlines() {
    assert_eq!(
        raw_events(&[b"data: {\"type\":\ndata:\"text\",\ndata:  \"delta\":\"a\"}\n\n"]),
        vec![ev("message", "{\"type\":\n\"text\",\n \"delta\":\"a\"}")]
    );
    let events = decode_sse_bytes(
        b"data: {\"type\":\ndata: \"text\", \"delta\":\"a\"}\n\n",
        3,
        1024,
    );
    assert_eq!(events.len(), 1);
    assert!(matches!(&events[0], Ok(ExecutionEvent::Text { delta }) if delta == "a"));
}

#[test]
fn a_field_with_no_colon_is_a_field_with_an_empty_value() {
    // `data` alone is an empty data line; an unknown field alone is ignored.
    assert_eq!(
        raw_events(&[b"data\n\nfoo\n\nevent\ndata: x\n\n"]),
        vec![ev("message", ""), ev("message", "x")]
    );
}

#[test]
fn the_event_line_names_the_type_when_json_has_none() {
    let events = decode_sse_bytes(b"event: reasoning\ndata: {\"delta\":\"hm\"}\n\n", 5, 1024);
    assert!(matches!(&events[..], [Ok(ExecutionEvent::Reasoning { delta })] if delta == "hm"));
}

#[test]
fn a_utf8_character_split_across_chunks_survives() {
    let stream = "data: {\"type\":\"text\",\"delta\":\"é你🎉\"}\n\n".as_bytes();
    let start = stream.iter().position(|&b| b >= 0x80).expect("non-ascii");
    for split in start..start + 9 {
        let mut parser = SseParser::new(1024);
        let mut out = Vec::new();
        for chunk in [&stream[..split], &stream[split..]] {
            parser
                .feed(chunk, |_, d| out.push(d.to_owned()))
                .expect("ok");
        }
        assert_eq!(
            out,
            vec!["{\"type\":\"text\",\"delta\":\"é你🎉\"}".to_owned()],
            "split {split}"
        );
    }
}

#[test]
fn an_unterminated_last_event_is_dropped() {
    let events = decode_sse_bytes(
        b"data: {\"type\":\"text\",\"delta\":\"a\"}\n\ndata: {\"type\":\"text\",\"delta\":\"b\"}\n",
        4,
        1024,
    );
    assert_eq!(events.len(), 1);
}

#[test]
fn a_10_mb_event_is_refused_without_buffering_it() {
    let mut parser = SseParser::new(4 * 1024 * 1024);
    let piece = vec![b'x'; 64 * 1024];
    let mut fed = 0;
    parser.feed(b"data: ", |_, _| {}).expect("ok");
    let err = loop {
        match parser.feed(&piece, |_, _| {}) {
            Ok(()) => fed += piece.len(),
            Err(err) => break err,
        }
        assert!(fed < 10 * 1024 * 1024, "never refused");
    };
    assert_eq!(
        err,
        EventTooLarge {
            limit: 4 * 1024 * 1024
        }
    );
    // Refused as soon as the limit is crossed, not after reading the whole 10 MB.
    assert!(fed <= 4 * 1024 * 1024);
    let events = decode_sse_bytes(
        &[b"data: ".as_slice(), &vec![b'x'; 10_000_000], b"\n\n"].concat(),
        16 * 1024,
        4 * 1024 * 1024,
    );
    assert!(matches!(
        events.last(),
        Some(Err(ApiError::EventTooLarge { .. }))
    ));
}

#[test]
fn every_single_split_point_of_a_recorded_stream_gives_the_same_events() {
    for name in [
        "stream-chat.sse",
        "stream-all-events.sse",
        "batch-stream.sse",
    ] {
        let lf = fixture(name);
        for stream in [lf.clone(), lf.replace('\n', "\r\n"), lf.replace('\n', "\r")] {
            let bytes = stream.as_bytes();
            let whole = raw_events(&[bytes]);
            assert!(!whole.is_empty());
            for split in 0..=bytes.len() {
                let (a, b) = bytes.split_at(split);
                assert_eq!(raw_events(&[a, b]), whole, "{name} split at {split}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any set of split points, over LF, CRLF and CR versions of the recorded streams.
    #[test]
    fn any_chunking_gives_the_same_events(
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..40),
        ending in 0usize..3,
        which in 0usize..2,
    ) {
        let lf = fixture(["stream-all-events.sse", "stream-chat.sse"][which]);
        let stream = match ending { 0 => lf, 1 => lf.replace('\n', "\r\n"), _ => lf.replace('\n', "\r") };
        let bytes = stream.as_bytes();
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut last = 0;
        for p in points {
            chunks.push(&bytes[last..p]);
            last = p;
        }
        chunks.push(&bytes[last..]);
        prop_assert_eq!(raw_events(&chunks), raw_events(&[bytes]));
    }
}

/// Why athena-api owns its parser: on inputs the standard says to ignore or decode
/// with replacement characters, eventsource-client 0.18.0 (its parser is reachable
/// only through its client) ends the stream with an error, while this parser goes on.
#[tokio::test]
async fn eventsource_client_ends_the_stream_where_whatwg_goes_on() {
    use eventsource_client::{Client, ClientBuilder, ReconnectOptions, SSE};
    use futures_util::StreamExt;

    #[derive(Clone)]
    struct Memory(&'static [u8]);
    impl launchdarkly_sdk_transport::HttpTransport for Memory {
        fn request(
            &self,
            _: http::Request<Option<bytes::Bytes>>,
        ) -> launchdarkly_sdk_transport::ResponseFuture {
            let body = bytes::Bytes::from_static(self.0);
            Box::pin(async move {
                let stream: launchdarkly_sdk_transport::ByteStream =
                    Box::pin(futures_util::stream::iter([Ok(body)]));
                Ok(http::Response::new(stream))
            })
        }
    }
    let cases: [&'static [u8]; 2] = [
        b"foo\n\ndata: after\n\n",        // a field with no colon, not a known one
        b"data: \xFF\n\ndata: after\n\n", // invalid UTF-8
    ];
    for case in cases {
        let client = ClientBuilder::for_url("http://memory.invalid/")
            .expect("url")
            .reconnect(ReconnectOptions::reconnect(false).build())
            .build_with_transport(Memory(case));
        let mut stream = client.stream();
        let mut theirs = Vec::new();
        let mut failed = false;
        while let Some(item) = stream.next().await {
            match item {
                Ok(SSE::Event(e)) => theirs.push(e.data),
                Ok(_) => {}
                Err(eventsource_client::Error::Eof) => break,
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        let ours = raw_events(&[case]);
        assert!(ours.iter().any(|(_, d)| d == "after"), "{ours:?}");
        assert!(
            failed && !theirs.contains(&"after".to_owned()),
            "{case:?}: {theirs:?}"
        );
    }
}
