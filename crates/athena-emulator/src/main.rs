//! `athena-emulator --port N [--scenario FILE] [--seed K] [--token-delay-ms MS]
//! [--heartbeat-ms MS]`: runs the emulator until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use athena_emulator::{Emulator, EmulatorConfig, ScenarioFile};

/// Shown by `--help` and after a bad argument.
const USAGE: &str = "\
Usage: athena-emulator --port N [--scenario FILE] [--seed K] [--token-delay-ms MS] [--heartbeat-ms MS]

Serves the Athena API emulator on http://127.0.0.1:N until Ctrl-C. Fault injection
(header X-Emulator-Fault) is on; see the crate README for the syntax.

Options:
  --port N              TCP port on 127.0.0.1 (0 picks a free port)
  --scenario FILE       JSON file defining more agents (see the README)
  --seed K              seed of the pacing jitter (default: random)
  --token-delay-ms MS   pause between text deltas of the scripted agents (default 25)
  --heartbeat-ms MS     heartbeat interval while media generates (default 15000)
  -h, --help            print this help";

/// Default pause between demo text deltas, in milliseconds.
const DEFAULT_TOKEN_DELAY_MS: u64 = 25;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    /// Print the usage and exit.
    Help,
    /// Serve with these options.
    Run(Options),
}

/// Options of a run.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    port: u16,
    token_delay: Duration,
    scenario: Option<PathBuf>,
    seed: Option<u64>,
    heartbeat: Option<Duration>,
}

/// Parses the arguments after the program name; the error is a one-line reason.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut port = None;
    let mut delay_ms = DEFAULT_TOKEN_DELAY_MS;
    let mut scenario = None;
    let mut seed = None;
    let mut heartbeat = None;
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
            "--scenario" => scenario = Some(PathBuf::from(value("a file")?)),
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
        scenario_agents,
        seed: options.seed,
        heartbeat_interval: options.heartbeat.unwrap_or(defaults.heartbeat_interval),
        ..defaults
    };
    let server = match Emulator::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("athena-emulator: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Athena emulator listening on {}", server.base_url());
    println!("  X-API-Key:      {}", server.api_key());
    println!("  X-Workspace-Id: {}", server.workspace_id());
    println!("  agents:");
    for agent in server.agents() {
        println!("    {:<20} {}", agent.id, agent.description);
    }
    println!("Press Ctrl-C to stop.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("athena-emulator: cannot listen for Ctrl-C ({e}); stopping");
    }
    server.stop().await;
    ExitCode::SUCCESS
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
                &["--port", "1", "--heartbeat-ms", "0"][..],
                "--heartbeat-ms",
            ),
        ] {
            let e = parse(args).expect_err(needle);
            assert!(e.contains(needle), "{e:?} should contain {needle:?}");
        }
    }
}
