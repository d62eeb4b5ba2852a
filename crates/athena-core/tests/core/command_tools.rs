//! Command tools run for real: small scripts written to a temporary folder by each
//! test. A success; arguments full of shell metacharacters reaching the program
//! exactly as written (no shell ever runs); a run past its time limit killed with its
//! children; output past its limit killed; output that is not JSON; a program that
//! does not exist; a failing program's code and standard error; the settings' test
//! checking the sample before anything runs.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use athena_core::tools::command::{CommandToolSpec, run_command, test_run};
use serde_json::{Value, json};

/// A Python interpreter for the scripts (the system's when there is one).
fn python() -> String {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".to_owned()
    } else {
        "python3".to_owned()
    }
}

/// Writes an executable script.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn spec(executable: &Path, args: &[&str]) -> CommandToolSpec {
    CommandToolSpec {
        name: "probe".into(),
        description: "A test tool.".into(),
        parameters: json!({"type": "object"}),
        executable: executable.display().to_string(),
        args: args.iter().map(|a| (*a).to_owned()).collect(),
        timeout_secs: 10,
        output_limit_bytes: 1024 * 1024,
    }
}

/// A program that prints its arguments and the JSON it read, as JSON.
fn echo_script(dir: &Path) -> PathBuf {
    script(
        dir,
        "echo.py",
        &format!(
            "#!{}\nimport json, sys, os\nprint(json.dumps({{\"argv\": sys.argv[1:], \"input\": json.load(sys.stdin), \"cwd\": os.getcwd()}}))\n",
            python()
        ),
    )
}

#[test]
fn a_command_tool_gets_its_arguments_as_json_and_returns_its_json_result() {
    let dir = tempfile::tempdir().unwrap();
    let echo = echo_script(dir.path());
    let result = run_command(
        &spec(&echo, &["--mode", "fast"]),
        br#"{"word": "caf\u00e9", "n": 2}"#,
    )
    .unwrap();
    assert_eq!(result["argv"], json!(["--mode", "fast"]));
    assert_eq!(result["input"], json!({"word": "café", "n": 2}));
}

#[test]
fn shell_metacharacters_reach_the_program_literally_and_no_shell_runs() {
    let dir = tempfile::tempdir().unwrap();
    let echo = echo_script(dir.path());
    let marker = dir.path().join("created-by-a-shell");
    let m = marker.display().to_string();
    let args = [
        format!("; touch {m}; rm -rf {m}.dir"),
        format!("$(touch {m})"),
        format!("`touch {m}`"),
        format!("a && touch {m} || touch {m}"),
        format!("> {m}"),
        "'single' \"double\" \\back".to_owned(),
        "*".to_owned(),
        "$HOME".to_owned(),
        String::new(),
    ];
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let input = json!({"text": format!("$(touch {m}); `touch {m}` | tee {m}")});
    let result = run_command(&spec(&echo, &arg_refs), input.to_string().as_bytes()).unwrap();
    assert_eq!(
        result["argv"],
        json!(args),
        "each argument arrives whole and unchanged"
    );
    assert_eq!(result["input"], input);
    assert!(!marker.exists(), "a shell ran a metacharacter");
    // A bare name is looked up in PATH, not handed to a shell either.
    let bare = CommandToolSpec {
        executable: "printf".into(),
        args: vec!["{\"said\": \"%s\"}".into(), format!("$(touch {m})")],
        ..spec(&echo, &[])
    };
    let said = run_command(&bare, b"{}").unwrap();
    assert_eq!(said, json!({"said": format!("$(touch {m})")}));
    assert!(!marker.exists());
}

/// Whether a process is gone (or only a zombie waiting for a parent to reap it).
fn gone(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

#[test]
fn a_run_past_its_time_limit_is_killed_with_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("child.pid");
    let slow = script(
        dir.path(),
        "slow.sh",
        &format!(
            "#!/bin/sh\nsleep 30 &\necho $! > {}\nwait\necho '{{}}'\n",
            pid_file.display()
        ),
    );
    let started = Instant::now();
    let failure = run_command(
        &CommandToolSpec {
            timeout_secs: 1,
            ..spec(&slow, &[])
        },
        b"{}",
    )
    .unwrap_err();
    let took = started.elapsed();
    assert!(failure.0.contains("time limit of 1 s"), "{failure}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let child = std::fs::read_to_string(&pid_file).unwrap();
    let child = child.trim();
    let deadline = Instant::now() + Duration::from_secs(3);
    while !gone(child) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(gone(child), "the tool's child process {child} still runs");
}

#[test]
fn output_past_its_limit_is_killed_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let flood = script(
        dir.path(),
        "flood.py",
        &format!(
            "#!{}\nimport sys\nwhile True:\n    sys.stdout.write('x' * 4096)\n",
            python()
        ),
    );
    let started = Instant::now();
    let failure = run_command(
        &CommandToolSpec {
            output_limit_bytes: 1024,
            ..spec(&flood, &[])
        },
        b"{}",
    )
    .unwrap_err();
    assert!(
        failure.0.contains("more than its output limit of 1 KiB"),
        "{failure}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    // Exactly at the limit is fine.
    let exact = script(
        dir.path(),
        "exact.py",
        &format!(
            "#!{}\nimport sys\nsys.stdout.write('\"' + 'y' * 1022 + '\"')\n",
            python()
        ),
    );
    let result = run_command(
        &CommandToolSpec {
            output_limit_bytes: 1024,
            ..spec(&exact, &[])
        },
        b"{}",
    )
    .unwrap();
    assert_eq!(result.as_str().map(str::len), Some(1022));
}

#[test]
fn output_that_is_not_json_fails_quoting_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let chatty = script(dir.path(), "chatty.sh", "#!/bin/sh\necho 'Hello there'\n");
    let failure = run_command(&spec(&chatty, &[]), b"{}").unwrap_err();
    assert!(failure.0.contains("output is not JSON"), "{failure}");
    assert!(failure.0.contains("Hello there"), "{failure}");
    let silent = script(dir.path(), "silent.sh", "#!/bin/sh\nexit 0\n");
    let failure = run_command(&spec(&silent, &[]), b"{}").unwrap_err();
    assert!(failure.0.contains("printed nothing"), "{failure}");
}

#[test]
fn a_missing_program_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-tool");
    let failure = run_command(&spec(&missing, &[]), b"{}").unwrap_err();
    assert_eq!(
        failure.0,
        format!("The program {} does not exist.", missing.display())
    );
    let bare = CommandToolSpec {
        executable: "athena-no-such-program-xyz".into(),
        ..spec(&missing, &[])
    };
    let failure = run_command(&bare, b"{}").unwrap_err();
    assert!(failure.0.contains("was not found in PATH"), "{failure}");
    let not_executable = dir.path().join("plain.txt");
    std::fs::write(&not_executable, "{}").unwrap();
    let failure = run_command(&spec(&not_executable, &[]), b"{}").unwrap_err();
    assert!(failure.0.contains("not executable"), "{failure}");
}

#[test]
fn a_failing_program_reports_its_exit_code_and_what_it_said() {
    let dir = tempfile::tempdir().unwrap();
    let failing = script(
        dir.path(),
        "failing.sh",
        "#!/bin/sh\necho '{\"partial\": true}'\necho 'the database is locked' >&2\nexit 3\n",
    );
    let failure = run_command(&spec(&failing, &[]), b"{}").unwrap_err();
    assert_eq!(
        failure.0,
        "The command tool exited with code 3: the database is locked"
    );
}

#[test]
fn the_settings_test_checks_the_sample_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let ran = dir.path().join("ran");
    let touch = script(
        dir.path(),
        "touch.sh",
        &format!(
            "#!/bin/sh\ntouch {}\necho '{{\"ok\": true}}'\n",
            ran.display()
        ),
    );
    let strict = CommandToolSpec {
        parameters: json!({
            "type": "object",
            "properties": {"word": {"type": "string"}},
            "required": ["word"],
            "additionalProperties": false
        }),
        ..spec(&touch, &[])
    };
    let yes = || true;
    let not_json = test_run(&strict, "{word:", yes).unwrap_err();
    assert_eq!(not_json.field, "sample");
    let not_fitting = test_run(&strict, r#"{"word": 3}"#, yes).unwrap_err();
    assert_eq!(not_fitting.field, "sample");
    assert!(not_fitting.reason.contains("/word"), "{not_fitting}");
    let bad_spec = test_run(
        &CommandToolSpec {
            timeout_secs: 0,
            ..strict.clone()
        },
        r#"{"word": "x"}"#,
        || panic!("a spec that breaks a rule is refused before the user is asked"),
    )
    .unwrap_err();
    assert_eq!(bad_spec.field, "timeoutSecs");
    assert!(!ran.exists(), "nothing runs before the sample fits");
    let declined = test_run(&strict, r#"{"word": "x"}"#, || false).unwrap();
    assert!(declined.is_none());
    assert!(!ran.exists(), "nothing runs when the user says no");
    let run = test_run(&strict, r#"{"word": "x"}"#, yes).unwrap().unwrap();
    assert_eq!(run.result, Ok::<Value, String>(json!({"ok": true})));
    assert!(ran.exists());
}
