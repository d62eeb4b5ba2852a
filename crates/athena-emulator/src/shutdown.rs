//! The stop signal from the handle to the server and every open stream.

use tokio::sync::watch;

/// Sending side, owned by the handle. Dropping it also counts as "stop".
#[derive(Debug)]
pub struct ShutdownTrigger(watch::Sender<bool>);

/// Receiving side; cheap to clone, one per open stream.
#[derive(Debug, Clone)]
pub struct ShutdownSignal(watch::Receiver<bool>);

/// A connected trigger and signal.
pub fn channel() -> (ShutdownTrigger, ShutdownSignal) {
    let (tx, rx) = watch::channel(false);
    (ShutdownTrigger(tx), ShutdownSignal(rx))
}

impl ShutdownTrigger {
    /// Tells every signal to stop (idempotent).
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }
}

impl ShutdownSignal {
    /// Resolves once the trigger fired or was dropped.
    pub async fn wait(mut self) {
        // An error means the trigger is gone, which also means stop.
        let _ = self.0.wait_for(|stopped| *stopped).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn trigger_and_drop_both_resolve() {
        let (trigger, signal) = channel();
        let waiting = tokio::spawn(signal.clone().wait());
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(!waiting.is_finished());
        trigger.trigger();
        tokio::time::timeout(Duration::from_secs(1), waiting)
            .await
            .expect("resolves after trigger")
            .expect("no panic");

        let (trigger, signal) = channel();
        drop(trigger);
        tokio::time::timeout(Duration::from_secs(1), signal.wait())
            .await
            .expect("resolves after drop");
    }
}
