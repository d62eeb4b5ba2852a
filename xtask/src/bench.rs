//! `cargo xtask bench`: runs every benchmark and prints their figures as one table.
//!
//! A benchmark prints each figure as `BENCH<TAB>bench<TAB>figure<TAB>value<TAB>unit`.

use std::process::Stdio;

use crate::e2e::Bench;
use crate::{Result, process, root, seams, setup};

/// Real-window benchmarks: node scripts in tests/e2e/bench/, run against the release
/// build (as users run it), each printing BENCH lines.
const PAGE_BENCHMARKS: &[&str] = &[
    "tests/e2e/bench/stream.bench.mjs",
    "tests/e2e/bench/batch.bench.mjs",
    // opening and streaming into conversations of 1,000 messages
    "tests/e2e/bench/long_chat.bench.mjs",
    // sizes, start-up and idle memory of the release build and its .deb
    "tests/e2e/bench/installed.bench.mjs",
];

/// Each benchmark: the cargo arguments that run it.
const BENCHMARKS: &[&[&str]] = &[
    &["bench", "--bench", "stream_to_event"],
    &["bench", "-p", "athena-emulator", "--bench", "load"],
    &["bench", "-p", "athena-api", "--bench", "decode"],
    &["bench", "-p", "athena-core", "--bench", "history_writer"],
    &["bench", "-p", "athena-core", "--bench", "history_search"],
    // a 50 MiB attachment's upload: peak resident memory rise (at most 16 MiB) and speed
    &["bench", "-p", "athena-core", "--bench", "upload_memory"],
];

/// `args`: `page` runs the real-window benchmarks alone, `cargo` the others alone,
/// neither runs all; `page NAME` only the real-window benchmarks whose script's name
/// contains NAME (`page long_chat`); `--compare OLD.json` adds each figure's ratio to
/// an earlier report.
pub fn bench(args: &[String]) -> Result {
    let mut only = None;
    let mut scripts = None;
    let mut compare_to = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--compare" => {
                compare_to = Some(args.next().ok_or("--compare needs a report file")?.clone());
            }
            name if only == Some("page") => scripts = Some(name.to_owned()),
            group => only = Some(group),
        }
    }
    // Read before the benchmarks run, so that a wrong path fails in seconds.
    if let Some(old) = &compare_to {
        std::fs::metadata(old).map_err(|e| format!("{old}: {e}"))?;
    }
    setup::build_ui_dist_if_missing()?;
    let (page, others) = match only {
        None => (true, true),
        Some("page") => (true, false),
        Some("cargo") => (false, true),
        Some(other) => return Err(format!("unknown benchmark group {other} (page or cargo)")),
    };
    let mut rows: Vec<[String; 4]> = if page {
        page_benchmarks(scripts.as_deref())?
    } else {
        Vec::new()
    };
    let cargo_benchmarks: &[&[&str]] = if others { BENCHMARKS } else { &[] };
    for args in cargo_benchmarks {
        println!("\n==> cargo {}", args.join(" "));
        let output = process::command(&process::cargo_program(), args)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("could not run cargo {}: {e}", args.join(" ")))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        print!("{stdout}");
        if !output.status.success() {
            return Err(format!("cargo {} failed", args.join(" ")));
        }
        rows.extend(stdout.lines().filter_map(parse_figure));
    }
    if rows.is_empty() {
        return Err("the benchmarks printed no figures".into());
    }
    print_table(&rows);
    let report = crate::bench_report::write(&rows)?;
    println!("\nxtask: the figures are in {}", report.display());
    if let Some(old) = compare_to {
        println!("\ncompared with {old}:");
        let compared = crate::bench_report::compare(&rows, std::path::Path::new(&old))?;
        print_table_with(&["figure", "before", "now", "ratio"], &compared);
    }
    Ok(())
}

/// Builds the release app and emulator (checking the app carries no test seam, so the
/// figures are a user's), then runs each page benchmark in the real window.
///
/// `ATHENA_BENCH_APP=PATH` measures another release build of the app instead (for
/// example one built from an earlier commit), with this tree's emulator and scripts.
/// `name`: only the scripts whose name contains it.
fn page_benchmarks(name: Option<&str>) -> Result<Vec<[String; 4]>> {
    let scripts: Vec<&str> = PAGE_BENCHMARKS
        .iter()
        .copied()
        .filter(|script| name.is_none_or(|name| script.contains(name)))
        .collect();
    if scripts.is_empty() {
        return Err(format!(
            "no page benchmark is named like {}",
            name.unwrap_or_default()
        ));
    }
    let app = match std::env::var_os("ATHENA_BENCH_APP") {
        Some(path) => std::path::PathBuf::from(path),
        None => setup::build_app(true)?,
    };
    seams::check(&app, false)?;
    // The .deb of this build, for its size (Linux; other platforms measure the binary).
    let deb = if cfg!(target_os = "linux")
        && std::env::var_os("ATHENA_BENCH_APP").is_none()
        && scripts.iter().any(|s| s.contains("installed"))
    {
        crate::bundle::package(&app)?
            .find("deb")
            .map(std::path::Path::to_owned)
    } else {
        None
    };
    process::cargo(&[
        "build",
        "--release",
        "-p",
        "athena-emulator",
        "--bin",
        "athena-emulator",
    ])?;
    let emulator = setup::target_dir().join("release").join("athena-emulator");
    // Writes the long chats into a history before the app starts (through the store).
    process::cargo(&["build", "-p", "athena-core", "--example", "seed_long_chat"])?;
    let seeder = setup::target_dir()
        .join("debug")
        .join("examples")
        .join("seed_long_chat");
    let bench = Bench::start(&app, &emulator)?;
    let mut rows = Vec::new();
    let mut outcome = Ok(());
    for script in scripts {
        println!("\n==> node {script}");
        let mut command = process::command("node", &[script]);
        command.current_dir(root()).stderr(Stdio::inherit());
        for (key, value) in bench.env() {
            command.env(key, value);
        }
        if let Some(deb) = &deb {
            command.env("ATHENA_DEB", deb);
        }
        command.env("ATHENA_SEED_LONG_CHAT", &seeder);
        match command.output() {
            Ok(output) => {
                let stdout = String::from_utf8_lossy(&output.stdout);
                print!("{stdout}");
                rows.extend(stdout.lines().filter_map(parse_figure));
                if !output.status.success() {
                    outcome = Err(format!("node {script} failed"));
                    break;
                }
            }
            Err(e) => {
                outcome = Err(format!("could not run node {script}: {e}"));
                break;
            }
        }
    }
    bench.stop();
    outcome.map(|()| rows)
}

fn parse_figure(line: &str) -> Option<[String; 4]> {
    let mut fields = line.strip_prefix("BENCH\t")?.split('\t');
    let mut next = || fields.next().map(str::to_owned);
    Some([next()?, next()?, next()?, next().unwrap_or_default()])
}

fn print_table(rows: &[[String; 4]]) {
    print_table_with(&["benchmark", "figure", "value", "unit"], rows);
}

fn print_table_with(headers: &[&str; 4], rows: &[[String; 4]]) {
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: [&str; 4]| {
        format!(
            "| {:<w0$} | {:<w1$} | {:>w2$} | {:<w3$} |",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
    };
    println!("\n{}", line(*headers));
    println!(
        "|{}|",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in rows {
        println!("{}", line([&row[0], &row[1], &row[2], &row[3]]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_figure_lines_and_ignores_the_rest() {
        assert_eq!(
            parse_figure("BENCH\tstream\tevents/s\t51000\tevents/s"),
            Some([
                "stream".into(),
                "events/s".into(),
                "51000".into(),
                "events/s".into()
            ])
        );
        assert_eq!(parse_figure("warming up"), None);
    }
}
