//! `athena-emulator --port N [--api-key KEY] [--workspace-id ID] [--agents-out FILE]
//! [--scenario FILE] [--seed K] [--token-delay-ms MS] [--heartbeat-ms MS]
//! [--batch-failure-rate R] [--batch-item-delay-ms MS]`: runs the emulator until Ctrl-C
//! (or SIGTERM).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use athena_emulator::{Emulator, EmulatorConfig, ScenarioFile, agents_file};

/// Shown by `--help` and after a bad argument.
const USAGE: &str = "\
Usage: athena-emulator --port N [--api-key KEY] [--workspace-id ID] [--agents-out FILE]
                       [--scenario FILE] [--seed K] [--token-delay-ms MS] [--heartbeat-ms MS]
                       [--batch-failure-rate R] [--batch-item-delay-ms MS]

Serves the Athena API emulator on http://127.0.0.1:N until Ctrl-C. Fault injection
(header X-Emulator-Fault) is on; see the crate README for the syntax.

Options:
  --port N              TCP port on 127.0.0.1 (0 picks a free port)
  --api-key KEY         the only X-API-Key accepted (default eak_demo_local)
  --workspace-id ID     the only X-Workspace-Id accepted (default workspace:demo)
  --agents-out FILE     write the agents on offer as an agents file (the app's --agents)
  --scenario FILE       JSON file defining more agents (see the README)
  --seed K              seed of the pacing jitter (default: random) and of batch item
                        failures (default: 0)
  --token-delay-ms MS   pause between text deltas of the scripted agents (default 25)
  --tokens-per-second N a steady pace of N text deltas a second instead (no jitter)
  --heartbeat-ms MS     heartbeat interval while media generates (default 15000)
  --batch-failure-rate R
                        share of batch items (0 to 1, default 0) that fail with
                        item_failed: those for which
                        athena_emulator::batch_item_fails(seed, key, R); the fault
                        batch-fail=R[;seed=K] overrides it per request or agent
  --batch-item-delay-ms MS
                        pause before each batch item runs (default 0); text pacing
                        still applies inside each item
  -h, --help            print this help";

/// Default pause between demo text deltas, in milliseconds.
const DEFAULT_TOKEN_DELAY_MS: u64 = 25;

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    /// Print the usage and exit.
    Help,
    /// Serve with these options.
    Run(Options),
}

/// Options of a run.
#[derive(Debug, PartialEq)]
struct Options {
    port: u16,
    token_delay: Duration,
    scenario: Option<PathBuf>,
    seed: Option<u64>,
    heartbeat: Option<Duration>,
    api_key: Option<String>,
    workspace_id: Option<String>,
    agents_out: Option<PathBuf>,
    token_rate: Option<u32>,
    batch_failure_rate: f64,
    batch_item_delay: Duration,
}

/// Parses the arguments after the program name; the error is a one-line reason.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut port = None;
    let mut delay_ms = DEFAULT_TOKEN_DELAY_MS;
    let mut scenario = None;
    let mut seed = None;
    let mut heartbeat = None;
    let mut api_key = None;
    let mut workspace_id = None;
    let mut agents_out = None;
    let mut token_rate = None;
    let mut batch_failure_rate = 0.0;
    let mut batch_item_delay = Duration::ZERO;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value ({what})"))
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--port" => {
                let v = value("a port number 0-65535")?;
                port = Some(
                    v.parse::<u16>()
                        .map_err(|_| format!("--port: \"{v}\" is not a port number 0-65535"))?,
                );
            }
            "--token-delay-ms" => {
                let v = value("milliseconds")?;
                delay_ms = v.parse::<u64>().map_err(|_| {
                    format!("--token-delay-ms: \"{v}\" is not a whole number of milliseconds")
                })?;
            }
            "--batch-failure-rate" => {
                let v = value("a rate from 0 to 1")?;
                batch_failure_rate = athena_emulator::parse_batch_failure_rate(&v)
                    .map_err(|e| format!("--batch-failure-rate: {e}"))?;
            }
            "--batch-item-delay-ms" => {
                let v = value("milliseconds")?;
                batch_item_delay = Duration::from_millis(v.parse::<u64>().map_err(|_| {
                    format!("--batch-item-delay-ms: \"{v}\" is not a whole number of milliseconds")
                })?);
            }
            "--scenario" => scenario = Some(PathBuf::from(value("a file")?)),
            "--tokens-per-second" => {
                let v = value("a positive whole number")?;
                token_rate = Some(v.parse::<u32>().ok().filter(|r| *r > 0).ok_or_else(|| {
                    format!("--tokens-per-second: \"{v}\" is not a positive whole number")
                })?);
            }
            "--agents-out" => agents_out = Some(PathBuf::from(value("a file")?)),
            "--api-key" => {
                let v = value("a key")?;
                if v.trim().is_empty() || v.chars().any(char::is_control) {
                    return Err("--api-key: the key must be printable and not empty".into());
                }
                api_key = Some(v);
            }
            "--workspace-id" => {
                let v = value("an id like workspace:NAME")?;
                if !v.starts_with("workspace:") || v.len() == "workspace:".len() {
                    return Err(format!(
                        "--workspace-id: \"{v}\" must look like workspace:NAME"
                    ));
                }
                workspace_id = Some(v);
            }
            "--seed" => {
                let v = value("a whole number")?;
                seed = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--seed: \"{v}\" is not a whole number"))?,
                );
            }
            "--heartbeat-ms" => {
                let v = value("milliseconds")?;
                let ms = v.parse::<u64>().ok().filter(|ms| *ms > 0).ok_or_else(|| {
                    format!("--heartbeat-ms: \"{v}\" is not a positive number of milliseconds")
                })?;
                heartbeat = Some(Duration::from_millis(ms));
            }
            _ => return Err(format!("unknown argument \"{arg}\"")),
        }
    }
    let port = port.ok_or("--port is required")?;
    Ok(Command::Run(Options {
        port,
        token_delay: Duration::from_millis(delay_ms),
        scenario,
        seed,
        heartbeat,
        api_key,
        workspace_id,
        agents_out,
        token_rate,
        batch_failure_rate,
        batch_item_delay,
    }))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(options)) => options,
        Err(reason) => {
            eprintln!("athena-emulator: {reason}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let scenario_agents = match &options.scenario {
        Some(path) => match ScenarioFile::load(path) {
            Ok(file) => file.agents,
            Err(e) => {
                eprintln!("athena-emulator: {e}");
                return ExitCode::from(2);
            }
        },
        None => Vec::new(),
    };
    let port = options.port;
    let defaults = EmulatorConfig::default();
    let config = EmulatorConfig {
        port,
        token_delay: options.token_delay,
        token_rate: options.token_rate,
        scenario_agents,
        seed: options.seed,
        batch_failure_rate: options.batch_failure_rate,
        batch_item_delay: options.batch_item_delay,
        heartbeat_interval: options.heartbeat.unwrap_or(defaults.heartbeat_interval),
        api_key: options.api_key.clone().unwrap_or(defaults.api_key.clone()),
        workspace_id: options
            .workspace_id
            .clone()
            .unwrap_or(defaults.workspace_id.clone()),
        ..defaults
    };
    let server = match Emulator::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("athena-emulator: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &options.agents_out
        && let Err(e) = std::fs::write(path, agents_file(&server.agents()))
    {
        eprintln!("athena-emulator: cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!("Athena emulator listening on {}", server.base_url());
    println!("  X-API-Key:      {}", server.api_key());
    println!("  X-Workspace-Id: {}", server.workspace_id());
    println!("  agents:");
    for agent in server.agents() {
        println!("    {:<20} {}", agent.id, agent.description);
    }
    println!("Press Ctrl-C to stop.");
    stopped().await;
    server.stop().await;
    ExitCode::SUCCESS
}

/// Waits for Ctrl-C, or SIGTERM (how test harnesses stop a server).
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
                return;
            }
            Err(e) => eprintln!("athena-emulator: cannot listen for SIGTERM ({e})"),
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("athena-emulator: cannot listen for Ctrl-C ({e}); stopping");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_port_and_delay() {
        let run = |port, ms| Options {
            port,
            token_delay: Duration::from_millis(ms),
            scenario: None,
            seed: None,
            heartbeat: None,
            api_key: None,
            workspace_id: None,
            agents_out: None,
            token_rate: None,
            batch_failure_rate: 0.0,
            batch_item_delay: Duration::ZERO,
        };
        assert_eq!(parse(&["--port", "8787"]), Ok(Command::Run(run(8787, 25))));
        assert_eq!(
            parse(&["--token-delay-ms=0", "--port=0"]),
            Ok(Command::Run(run(0, 0)))
        );
        assert_eq!(
            parse(&[
                "--port",
                "1",
                "--scenario",
                "s.json",
                "--seed=7",
                "--heartbeat-ms",
                "50"
            ]),
            Ok(Command::Run(Options {
                scenario: Some(PathBuf::from("s.json")),
                seed: Some(7),
                heartbeat: Some(Duration::from_millis(50)),
                ..run(1, 25)
            }))
        );
        assert_eq!(parse(&["--port", "1", "--help"]), Ok(Command::Help));
        assert_eq!(
            parse(&[
                "--port=2",
                "--api-key",
                "eak_test_1",
                "--workspace-id=workspace:e2e",
                "--agents-out",
                "agents.json"
            ]),
            Ok(Command::Run(Options {
                api_key: Some("eak_test_1".into()),
                workspace_id: Some("workspace:e2e".into()),
                agents_out: Some(PathBuf::from("agents.json")),
                ..run(2, 25)
            }))
        );
        assert_eq!(
            parse(&[
                "--port=4",
                "--batch-failure-rate",
                "0.1",
                "--seed=9",
                "--batch-item-delay-ms=40"
            ]),
            Ok(Command::Run(Options {
                batch_failure_rate: 0.1,
                seed: Some(9),
                batch_item_delay: Duration::from_millis(40),
                ..run(4, 25)
            }))
        );
        assert_eq!(
            parse(&["--port=3", "--tokens-per-second", "1000"]),
            Ok(Command::Run(Options {
                token_rate: Some(1000),
                ..run(3, 25)
            }))
        );
    }

    #[test]
    fn explains_bad_arguments() {
        for (args, needle) in [
            (&[][..], "--port is required"),
            (&["--port"][..], "--port needs a value"),
            (&["--port", "70000"][..], "not a port number"),
            (
                &["--port", "1", "--token-delay-ms", "-3"][..],
                "milliseconds",
            ),
            (&["--verbose"][..], "unknown argument \"--verbose\""),
            (&["--port", "1", "--seed", "x"][..], "--seed"),
            (
                &["--port", "1", "--workspace-id", "demo"][..],
                "workspace:NAME",
            ),
            (&["--port", "1", "--api-key", ""][..], "--api-key"),
            (&["--port", "1", "--tokens-per-second", "0"][..], "positive"),
            (
                &["--port", "1", "--batch-failure-rate", "1.5"][..],
                "--batch-failure-rate: \"1.5\" is not a rate from 0 to 1",
            ),
            (
                &["--port", "1", "--batch-failure-rate=x"][..],
                "--batch-failure-rate",
            ),
            (
                &["--port", "1", "--batch-failure-rate"][..],
                "needs a value",
            ),
            (
                &["--port", "1", "--batch-item-delay-ms", "-5"][..],
                "--batch-item-delay-ms",
            ),
            (
                &["--port", "1", "--heartbeat-ms", "0"][..],
                "--heartbeat-ms",
            ),
        ] {
            let e = parse(args).expect_err(needle);
            assert!(e.contains(needle), "{e:?} should contain {needle:?}");
        }
    }
}
