//! A private D-Bus session bus for the real-window suite, as `dbus-run-session` gives
//! one: plugins that need a bus (single instance, notifications, Secret Service) behave
//! as on a desktop, and the tests never touch the developer's own session. The Secret
//! Service on it comes from `keyring.rs`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::Result;

/// A `dbus-daemon --session`; stopped when dropped.
pub struct SessionBus {
    child: Child,
    /// The value for `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
}

impl SessionBus {
    /// Starts the daemon and reads the address it listens on. `env` is added to the
    /// daemon's environment, and so to that of every service the bus starts on demand
    /// (a throwaway HOME keeps them away from the developer's files).
    pub fn start(env: &[(&'static str, String)]) -> Result<Self> {
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
            .envs(env.iter().cloned())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!("could not start dbus-daemon (is the dbus-daemon package installed?): {e}")
            })?;
        let stdout = child.stdout.take().ok_or("no stdout from dbus-daemon")?;
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let address = line.trim().to_owned();
        if read.is_err() || address.is_empty() {
            let _ = child.kill();
            let _ = child.wait();
            return Err("dbus-daemon printed no address".into());
        }
        Ok(Self { child, address })
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
