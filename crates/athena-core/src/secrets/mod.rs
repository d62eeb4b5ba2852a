//! Where API keys are kept: the OS keychain behind a small trait.
//!
//! A key is stored per profile, under the profile's id (the *account*, an opaque string
//! such as `https://api.example#workspace:w1` or a uuid). Core asks a [`SecretStore`]
//! for it and never writes it anywhere else: not to the history, not to a log, not
//! across IPC. [`KeychainSecretStore`] is the OS keychain (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows); [`MemorySecretStore`] keeps keys
//! for this session only (the user's choice when there is no keychain) and stands in
//! for the keychain in tests.
//!
//! Errors never carry the key: a [`SecretStoreError`]'s reason is safe to log and show.

mod keychain;
mod memory;

use athena_api::ApiKey;

pub use keychain::{KEYCHAIN_SERVICE, KeychainSecretStore};
pub use memory::MemorySecretStore;

/// A place that keeps one API key per account.
///
/// Calls may block (a keychain is another process; a locked keyring may ask the user for
/// its password first): call them from a blocking thread, never from the main
/// thread or an async task's executor thread.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    /// The key stored for `account`, or `None` when there is none.
    ///
    /// # Errors
    /// [`SecretStoreError::Unavailable`] when the store cannot be reached or is locked,
    /// [`SecretStoreError::Failed`] when it answered with an error (for instance, the
    /// stored value is not text).
    fn get(&self, account: &str) -> Result<Option<ApiKey>, SecretStoreError>;

    /// Stores `key` for `account`, replacing any key stored before.
    ///
    /// # Errors
    /// As [`SecretStore::get`]; after an error the previous key may or may not remain.
    fn set(&self, account: &str, key: &ApiKey) -> Result<(), SecretStoreError>;

    /// Forgets the key of `account`. Deleting an account that has no key is `Ok`.
    ///
    /// # Errors
    /// As [`SecretStore::get`].
    fn delete(&self, account: &str) -> Result<(), SecretStoreError>;

    /// Whether the store can be used now; the error says why not. A store that is
    /// always there (memory) says yes.
    ///
    /// # Errors
    /// [`SecretStoreError::Unavailable`] when there is no usable store.
    fn probe(&self) -> Result<(), SecretStoreError> {
        Ok(())
    }
}

/// Why a secret store could not do what was asked. The reason never contains a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretStoreError {
    /// There is no usable store on this computer right now: no keychain on this
    /// platform, no Secret Service on the session bus, or the keychain is locked and
    /// was not unlocked. The user can unlock it, install one, or keep the key for this
    /// session only.
    #[error("no keychain is available: {reason}")]
    Unavailable {
        /// What the platform said, for the log.
        reason: String,
    },
    /// The store was reached and failed (an unreadable or ambiguous entry, a refused
    /// value).
    #[error("the keychain failed: {reason}")]
    Failed {
        /// What went wrong, for the log.
        reason: String,
    },
}
