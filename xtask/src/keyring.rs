//! A real, throwaway Secret Service for the keychain tests: a private session bus with
//! an unlocked gnome-keyring on it, both living in a temporary home folder, so that a
//! test stores and reads keys the way the app does on a desktop and never touches the
//! developer's own keyring.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;
use crate::bus::SessionBus;
use crate::process;

/// The name the Secret Service owns on the session bus.
const SECRET_SERVICE: &str = "org.freedesktop.secrets";
/// The login keyring's password. The keyring is thrown away after the step.
const PASSWORD: &str = "athena-xtask";
/// How long gnome-keyring may take to claim its name on the bus.
const STARTUP_LIMIT: Duration = Duration::from_secs(15);

/// A private session bus with an unlocked gnome-keyring (secrets component) on it.
/// Dropping it stops the keyring, then the bus, then deletes the home folder.
pub struct SecretServiceBus {
    keyring: Child,
    bus: SessionBus,
    home: ThrowawayHome,
}

impl SecretServiceBus {
    /// Starts the bus and the keyring, and waits until the keyring owns
    /// `org.freedesktop.secrets` on the bus.
    pub fn start() -> Result<Self> {
        let home = ThrowawayHome::create()?;
        // The bus daemon gets the throwaway home too: anything it activates (a second
        // keyring, if ours died) stays away from the developer's files.
        let bus = SessionBus::start(&home.env())?;
        let log = home.root.join("gnome-keyring.log");
        let log_file =
            std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(home.env())
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .map_err(|e| {
                format!(
                    "could not start gnome-keyring-daemon (is the gnome-keyring package \
                     installed? `cargo xtask setup` installs it): {e}"
                )
            })?;
        // --unlock reads the password from stdin up to its end.
        let unlocked = keyring
            .stdin
            .take()
            .map(|mut stdin| std::io::Write::write_all(&mut stdin, PASSWORD.as_bytes()));
        let mut secrets = Self { keyring, bus, home };
        if !matches!(unlocked, Some(Ok(()))) {
            return Err(secrets.failure("could not give gnome-keyring-daemon its password"));
        }
        secrets.wait_for_secret_service()?;
        println!(
            "xtask: Secret Service up: a throwaway gnome-keyring on a private bus ({})",
            secrets.home.root.display()
        );
        Ok(secrets)
    }

    /// The variables a process needs to use this Secret Service.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![("DBUS_SESSION_BUS_ADDRESS", self.bus.address.clone())]
    }

    /// The value for `DBUS_SESSION_BUS_ADDRESS`.
    pub fn address(&self) -> &str {
        &self.bus.address
    }

    fn wait_for_secret_service(&mut self) -> Result {
        let deadline = Instant::now() + STARTUP_LIMIT;
        loop {
            if let Ok(Some(status)) = self.keyring.try_wait() {
                return Err(self.failure(&format!("gnome-keyring-daemon exited with {status}")));
            }
            if name_has_owner(&self.bus.address, SECRET_SERVICE)? {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(self.failure(&format!(
                    "{SECRET_SERVICE} did not appear on the private bus within {STARTUP_LIMIT:?}"
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// An error message with what gnome-keyring-daemon said.
    fn failure(&self, what: &str) -> String {
        let log =
            std::fs::read_to_string(self.home.root.join("gnome-keyring.log")).unwrap_or_default();
        let log = log.trim();
        if log.is_empty() {
            what.to_owned()
        } else {
            format!("{what}; gnome-keyring-daemon said:\n{log}")
        }
    }
}

impl Drop for SecretServiceBus {
    /// SIGTERM lets gnome-keyring leave the bus cleanly; the fields (bus, then home)
    /// drop after this.
    fn drop(&mut self) {
        process::terminate(&mut self.keyring);
    }
}

/// Asks the bus whether `name` has an owner (without starting anything that would own it).
fn name_has_owner(address: &str, name: &str) -> Result<bool> {
    let output = Command::new("dbus-send")
        .arg(format!("--bus={address}"))
        .args([
            "--print-reply",
            "--reply-timeout=2000",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
        ])
        .arg(format!("string:{name}"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            format!("could not run dbus-send (is the dbus-bin package installed?): {e}")
        })?;
    if !output.status.success() {
        return Err(format!(
            "dbus-send could not ask the private bus about {name}: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).contains("boolean true"))
}

/// A temporary folder standing in for a user's home and XDG folders; deleted on drop.
struct ThrowawayHome {
    root: PathBuf,
}

impl ThrowawayHome {
    fn create() -> Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let root = std::env::temp_dir().join(format!(
            "athena-xtask-keyring-{}-{nanos:x}",
            std::process::id()
        ));
        let home = Self { root };
        for dir in ["home", "data", "config", "cache", "runtime"] {
            private_dir(&home.root.join(dir))?;
        }
        Ok(home)
    }

    /// HOME and the XDG folders, all inside the throwaway folder. gnome-keyring keeps its
    /// keyrings in `XDG_DATA_HOME/keyrings` and its control socket in `XDG_RUNTIME_DIR`.
    fn env(&self) -> Vec<(&'static str, String)> {
        let path = |dir: &str| self.root.join(dir).to_string_lossy().into_owned();
        vec![
            ("HOME", path("home")),
            ("XDG_DATA_HOME", path("data")),
            ("XDG_CONFIG_HOME", path("config")),
            ("XDG_CACHE_HOME", path("cache")),
            ("XDG_RUNTIME_DIR", path("runtime")),
        ]
    }
}

impl Drop for ThrowawayHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Creates `dir` (and its parents), readable by its owner only, as XDG_RUNTIME_DIR must be.
fn private_dir(dir: &Path) -> Result {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))
}
