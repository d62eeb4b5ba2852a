//! Text deltas coalesced to at most one update per frame, without losing a character.

use std::time::{Duration, Instant};

use athena_core::ExecutionChange;
use athena_emulator::EmulatorConfig;

use crate::support::{Setup, assert_consecutive, deltas, fold, is_text, text_updates};

const WORDS: usize = 3_000;

/// `WORDS` distinct words, one space between them.
fn long_message() -> String {
    (0..WORDS)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The folded answer and usage's output tokens of the last update.
fn finished(updates: &[athena_core::ExecutionUpdate]) -> (String, u64) {
    match &updates.last().unwrap().change {
        ExecutionChange::Finished { usage, .. } => {
            (deltas(updates), usage.expect("usage").output_tokens)
        }
        other => panic!("last update is Finished: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_is_coalesced_to_one_update_per_frame_and_stays_intact() {
    let frame = Duration::from_millis(50);
    let setup = Setup::start(EmulatorConfig::default(), frame).await;
    let message = long_message();
    let started = Instant::now();
    let handle = setup.send("agent:demo-echo", &message);
    let updates = setup.recorder.wait_for_end(&handle).await;
    let elapsed_ms = started.elapsed().as_millis() as usize;

    assert_consecutive(&updates);
    let (text, output_tokens) = finished(&updates);
    assert_eq!(
        output_tokens, WORDS as u64,
        "the emulator sent one delta a word"
    );
    assert_eq!(text, message, "the echo is the message");
    assert_eq!(
        deltas(&updates),
        message,
        "the coalesced deltas lose nothing"
    );

    let texts = text_updates(&updates);
    assert!(texts >= 1);
    assert!(
        texts <= elapsed_ms / 50 + 2,
        "{texts} text updates in {elapsed_ms} ms: more than one per 50 ms frame"
    );

    // Between two text updates a whole frame passes, except for the text flushed
    // just before Finished.
    let recorded: Vec<_> = setup
        .recorder
        .all()
        .into_iter()
        .filter(|r| r.update.handle == handle)
        .collect();
    let text_times: Vec<(u64, Instant)> = recorded
        .iter()
        .filter(|r| is_text(&r.update.change))
        .map(|r| (r.update.seq, r.at))
        .collect();
    let final_seq = updates.len() as u64;
    for pair in text_times.windows(2) {
        let ((_, a), (seq_b, b)) = (pair[0], pair[1]);
        if seq_b + 1 == final_seq {
            continue;
        }
        assert!(
            b - a >= frame,
            "text updates {:?} apart, less than a frame",
            b - a
        );
    }
    assert_eq!(
        fold(&handle, &updates),
        setup.executions.snapshot(&handle).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_frame_interval_every_delta_is_its_own_update() {
    let setup = Setup::start(EmulatorConfig::default(), Duration::ZERO).await;
    let message = long_message();
    let handle = setup.send("agent:demo-echo", &message);
    let updates = setup.recorder.wait_for_end(&handle).await;

    assert_consecutive(&updates);
    let (text, output_tokens) = finished(&updates);
    assert_eq!(output_tokens, WORDS as u64);
    assert_eq!(text_updates(&updates), WORDS, "one Text update per delta");
    assert_eq!(text, message);
    assert_eq!(deltas(&updates), message);
    // Each delta is one word and the space after it, as the emulator splits them.
    for (i, u) in updates.iter().filter(|u| is_text(&u.change)).enumerate() {
        let expected = if i + 1 == WORDS {
            format!("w{i}")
        } else {
            format!("w{i} ")
        };
        let expected = if i == 0 {
            ExecutionChange::PartAdded {
                part: athena_core::Part::Text { text: expected },
            }
        } else {
            ExecutionChange::PartAppended {
                index: 0,
                delta: expected,
            }
        };
        assert_eq!(u.change, expected);
    }
}
