//! `cargo xtask fuzz [--seconds N] [--target NAME]`: runs a cargo-fuzz target of
//! athena-api on the nightly toolchain for N seconds (default 60), installing
//! cargo-fuzz first when it is missing. New corpus entries land in
//! `crates/athena-api/fuzz/corpus/<target>/`; `cargo xtask test` replays that folder
//! on stable (athena-api's `fuzz_corpus` test).

use crate::{Result, process, root};

pub fn fuzz(args: &[String]) -> Result {
    let mut seconds: u64 = 60;
    let mut target = String::from("decode_event");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--seconds needs a number")?;
            }
            "--target" => target = args.next().ok_or("--target needs a name")?.clone(),
            other => return Err(format!("unknown fuzz option {other}")),
        }
    }
    let have_fuzz = std::process::Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_fuzz {
        println!("xtask: installing cargo-fuzz");
        process::run(&mut process::command(
            "cargo",
            &["install", "cargo-fuzz", "--locked"],
        ))?;
    }
    let dir = root().join("crates/athena-api");
    let max_time = format!("-max_total_time={seconds}");
    process::run(
        process::command(
            "cargo",
            &["+nightly", "fuzz", "run", &target, "--", &max_time],
        )
        .current_dir(dir),
    )
}
