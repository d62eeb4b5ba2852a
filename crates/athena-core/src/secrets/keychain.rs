//! The OS keychain, through the keyring ecosystem with one explicit store per platform:
//! the Secret Service over D-Bus on Linux, the login Keychain on macOS, the Credential
//! Manager on Windows. Other platforms have no keychain here: every call is
//! [`SecretStoreError::Unavailable`].

use std::sync::{Arc, Mutex, PoisonError};

use athena_api::ApiKey;
use keyring_core::Entry;
use keyring_core::api::CredentialStore;

use super::{SecretStore, SecretStoreError};

/// The service name the app's keys are stored under (with the profile id as the
/// account). It names the entries the user sees in their keychain app; it never changes,
/// or stored keys would be lost.
pub const KEYCHAIN_SERVICE: &str = "Athena Desktop";

/// The account [`KeychainSecretStore::probe`] reads. Nothing is ever stored under it.
const PROBE_ACCOUNT: &str = "athena-desktop-keychain-probe";

/// A [`SecretStore`] in the OS keychain, under one service name.
///
/// The connection to the keychain is opened on first use and kept; when the keychain
/// turns out to be unavailable the connection is dropped and the next call opens a new
/// one, so a keyring started or unlocked later is found. Calls block (see
/// [`SecretStore`]); on Linux a locked keyring may show its unlock prompt and wait for
/// the user.
pub struct KeychainSecretStore {
    service: String,
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl KeychainSecretStore {
    /// A store for the entries of `service` (the app uses [`KEYCHAIN_SERVICE`]; tests use
    /// a name of their own). Opens nothing yet.
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
            store: Mutex::new(None),
        }
    }

    /// Runs `action` on the entry of `account`, forgetting the connection when the
    /// keychain turns out to be unavailable.
    fn with_entry<T>(
        &self,
        account: &str,
        action: impl FnOnce(&Entry) -> keyring_core::Result<T>,
    ) -> Result<T, SecretStoreError> {
        let store = self.connection()?;
        let outcome = store
            .build(&self.service, account, None)
            .and_then(|entry| action(&entry))
            .map_err(map_error);
        if let Err(SecretStoreError::Unavailable { .. }) = outcome {
            *self.store.lock().unwrap_or_else(PoisonError::into_inner) = None;
        }
        outcome
    }

    fn connection(&self) -> Result<Arc<CredentialStore>, SecretStoreError> {
        let mut slot = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(store) = slot.as_ref() {
            return Ok(Arc::clone(store));
        }
        let store = open_platform_store()?;
        *slot = Some(Arc::clone(&store));
        Ok(store)
    }
}

impl SecretStore for KeychainSecretStore {
    /// Whether a keychain answers: reads an account that is never written.
    ///
    /// `Ok` does not promise that a write will succeed without asking the user (a locked
    /// keyring may still prompt on the first write), only that there is a keychain to
    /// ask.
    ///
    /// # Errors
    /// [`SecretStoreError::Unavailable`] when there is no keychain (no Secret Service on
    /// the session bus, an unsupported platform) or it refuses access;
    /// [`SecretStoreError::Failed`] when it answered with another error.
    fn probe(&self) -> Result<(), SecretStoreError> {
        self.get(PROBE_ACCOUNT).map(|_| ())
    }

    fn get(&self, account: &str) -> Result<Option<ApiKey>, SecretStoreError> {
        self.with_entry(account, |entry| match entry.get_password() {
            Ok(text) => Ok(Some(ApiKey::new(text))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn set(&self, account: &str, key: &ApiKey) -> Result<(), SecretStoreError> {
        self.with_entry(account, |entry| entry.set_password(key.expose()))
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        self.with_entry(account, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }
}

impl std::fmt::Debug for KeychainSecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let connected = self
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("KeychainSecretStore")
            .field("service", &self.service)
            .field("connected", &connected)
            .finish()
    }
}

#[cfg(target_os = "linux")]
fn open_platform_store() -> Result<Arc<CredentialStore>, SecretStoreError> {
    // Connects to the session bus and opens an encrypted session with the Secret
    // Service; fails when neither is there.
    let store = dbus_secret_service_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn open_platform_store() -> Result<Arc<CredentialStore>, SecretStoreError> {
    let store = apple_native_keyring_store::keychain::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn open_platform_store() -> Result<Arc<CredentialStore>, SecretStoreError> {
    let store = windows_native_keyring_store::Store::new().map_err(map_error)?;
    Ok(store)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open_platform_store() -> Result<Arc<CredentialStore>, SecretStoreError> {
    Err(SecretStoreError::Unavailable {
        reason: "this platform has no supported keychain".into(),
    })
}

/// keyring's errors in our two kinds. Some of keyring's errors carry the stored bytes
/// (`BadEncoding`, `BadDataFormat`) or whole entries (`Ambiguous`): those are described
/// here, never formatted, so no reason can contain a key.
fn map_error(error: keyring_core::Error) -> SecretStoreError {
    use keyring_core::Error as E;
    let failed = |reason: String| SecretStoreError::Failed { reason };
    match error {
        E::NoStorageAccess(e) => SecretStoreError::Unavailable {
            reason: format!("the keychain refused access (locked?): {e}"),
        },
        E::PlatformFailure(e) => SecretStoreError::Unavailable {
            reason: format!("the keychain did not answer: {e}"),
        },
        E::NoDefaultStore => SecretStoreError::Unavailable {
            reason: "no keychain store was opened".into(),
        },
        E::NoEntry => failed("no entry".into()),
        E::BadEncoding(_) => failed("the stored key is not UTF-8 text".into()),
        E::BadDataFormat(..) => failed("the stored key is not in the expected format".into()),
        E::BadStoreFormat(why) => failed(format!("the keychain's data is malformed: {why}")),
        E::TooLong(field, limit) => failed(format!(
            "the {field} is longer than the keychain's limit of {limit}"
        )),
        E::Invalid(field, why) => failed(format!("invalid {field}: {why}")),
        E::Ambiguous(entries) => failed(format!(
            "{} keychain entries match this account",
            entries.len()
        )),
        E::NotSupportedByStore(what) => failed(format!("not supported by the keychain: {what}")),
        _ => failed("the keychain failed with an error this version does not know".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_that_carry_secret_bytes_never_show_them() {
        let secret = b"eak_live_0123456789".to_vec();
        let errors = [
            keyring_core::Error::BadEncoding(secret.clone()),
            keyring_core::Error::BadDataFormat(
                secret,
                "eak_live_0123456789 could not be decrypted".into(),
            ),
        ];
        for error in errors {
            let mapped = map_error(error);
            let shown = format!("{mapped} {mapped:?}");
            assert!(matches!(mapped, SecretStoreError::Failed { .. }), "{shown}");
            assert!(!shown.contains("0123456789"), "{shown}");
        }
    }

    #[test]
    fn no_access_and_platform_failures_mean_unavailable() {
        for error in [
            keyring_core::Error::NoStorageAccess("locked".into()),
            keyring_core::Error::PlatformFailure("org.freedesktop.secrets not provided".into()),
        ] {
            assert!(
                matches!(map_error(error), SecretStoreError::Unavailable { .. }),
                "should be Unavailable"
            );
        }
        assert!(matches!(
            map_error(keyring_core::Error::Invalid("user".into(), "empty".into())),
            SecretStoreError::Failed { .. }
        ));
    }
}
