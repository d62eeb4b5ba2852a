//! A virtual X display for running the real window where there is no screen.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Result;

/// An Xvfb server; stopped when dropped.
pub struct VirtualDisplay {
    child: Child,
    /// The DISPLAY value, e.g. `:99`.
    pub display: String,
}

impl VirtualDisplay {
    /// Starts Xvfb on the first free display number from :99 and waits for its socket.
    pub fn start(width: u32, height: u32) -> Result<Self> {
        let number = (99..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .ok_or("no free X display number between :99 and :199")?;
        let display = format!(":{number}");
        let child = Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start Xvfb (is the xvfb package installed?): {e}"))?;
        let mut this = Self { child, display };
        let socket = format!("/tmp/.X11-unix/X{number}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !Path::new(&socket).exists() {
            if let Ok(Some(status)) = this.child.try_wait() {
                return Err(format!("Xvfb exited at start with {status}"));
            }
            if Instant::now() > deadline {
                this.stop();
                return Err("Xvfb did not start within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(this)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        self.stop();
    }
}
