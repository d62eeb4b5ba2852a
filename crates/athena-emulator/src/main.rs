//! `athena-emulator --port N [--token-delay-ms MS]`: runs the emulator until Ctrl-C.

use std::process::ExitCode;
use std::time::Duration;

use athena_emulator::{Emulator, EmulatorConfig};

/// Shown by `--help` and after a bad argument.
const USAGE: &str = "\
Usage: athena-emulator --port N [--token-delay-ms MS]

Serves the Athena API emulator on http://127.0.0.1:N until Ctrl-C.

Options:
  --port N              TCP port on 127.0.0.1 (0 picks a free port)
  --token-delay-ms MS   pause between text deltas of the demo agents (default 25)
  -h, --help            print this help";

/// Default pause between demo text deltas, in milliseconds.
const DEFAULT_TOKEN_DELAY_MS: u64 = 25;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    /// Print the usage and exit.
    Help,
    /// Serve on `port` with this token delay.
    Run { port: u16, token_delay: Duration },
}

/// Parses the arguments after the program name; the error is a one-line reason.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut port = None;
    let mut delay_ms = DEFAULT_TOKEN_DELAY_MS;
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
            _ => return Err(format!("unknown argument \"{arg}\"")),
        }
    }
    let port = port.ok_or("--port is required")?;
    Ok(Command::Run {
        port,
        token_delay: Duration::from_millis(delay_ms),
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let (port, token_delay) = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run { port, token_delay }) => (port, token_delay),
        Err(reason) => {
            eprintln!("athena-emulator: {reason}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = EmulatorConfig {
        port,
        token_delay,
        ..EmulatorConfig::default()
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
        println!("    {:<18} {}", agent.id, agent.description);
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
        assert_eq!(
            parse(&["--port", "8787"]),
            Ok(Command::Run {
                port: 8787,
                token_delay: Duration::from_millis(25)
            })
        );
        assert_eq!(
            parse(&["--token-delay-ms=0", "--port=0"]),
            Ok(Command::Run {
                port: 0,
                token_delay: Duration::ZERO
            })
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
        ] {
            let e = parse(args).expect_err(needle);
            assert!(e.contains(needle), "{e:?} should contain {needle:?}");
        }
    }
}
