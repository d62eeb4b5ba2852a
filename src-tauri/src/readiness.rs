use std::sync::atomic::{AtomicBool, Ordering};

/// The line printed on stdout once the first screen has rendered. `cargo xtask run
/// --screenshot` waits for it instead of sleeping.
pub(crate) const READY_LINE: &str = "athena-desktop: first screen ready";

/// Whether the first screen has been reported.
#[derive(Debug, Default)]
pub(crate) struct Readiness(AtomicBool);

impl Readiness {
    /// True the first time only.
    pub(crate) fn mark(&self) -> bool {
        !self.0.swap(true, Ordering::SeqCst)
    }
}
