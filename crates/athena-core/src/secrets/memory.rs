//! Keys kept in this process only.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use athena_api::ApiKey;

use super::{SecretStore, SecretStoreError};

/// A [`SecretStore`] in memory: the keys are gone when the app quits.
///
/// The app uses it when the user chooses to keep a key for this session only (no
/// keychain, or one they do not want to use); tests use it in place of the keychain.
/// [`MemorySecretStore::fail_with`] makes every call fail, to test how callers handle
/// a locked or missing keychain. `Debug` shows the accounts, never the keys.
#[derive(Default)]
pub struct MemorySecretStore {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, ApiKey>,
    failure: Option<SecretStoreError>,
}

impl MemorySecretStore {
    /// An empty store that works.
    pub fn new() -> Self {
        Self::default()
    }

    /// From now on, every call returns `failure` (a clone of it) and changes nothing;
    /// `None` makes the store work again, with the keys it held before.
    pub fn fail_with(&self, failure: Option<SecretStoreError>) {
        self.lock().failure = failure;
    }

    /// A poisoned lock still holds a consistent map: every change is one insert or one
    /// remove.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The state, unless the store was told to fail.
    fn working(&self) -> Result<MutexGuard<'_, State>, SecretStoreError> {
        let state = self.lock();
        match &state.failure {
            Some(failure) => Err(failure.clone()),
            None => Ok(state),
        }
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, account: &str) -> Result<Option<ApiKey>, SecretStoreError> {
        Ok(self.working()?.keys.get(account).cloned())
    }

    fn set(&self, account: &str, key: &ApiKey) -> Result<(), SecretStoreError> {
        self.working()?.keys.insert(account.to_owned(), key.clone());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretStoreError> {
        self.working()?.keys.remove(account);
        Ok(())
    }
}

impl std::fmt::Debug for MemorySecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        let mut accounts: Vec<&String> = state.keys.keys().collect();
        accounts.sort();
        f.debug_struct("MemorySecretStore")
            .field("accounts", &accounts)
            .field("failure", &state.failure)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const ACCOUNT: &str = "https://api.example#workspace:w1";

    #[test]
    fn a_key_set_is_read_back_replaced_and_deleted() {
        let store = MemorySecretStore::new();
        assert_eq!(store.get(ACCOUNT).unwrap(), None);

        store.set(ACCOUNT, &ApiKey::new("eak_first")).unwrap();
        assert_eq!(store.get(ACCOUNT).unwrap(), Some(ApiKey::new("eak_first")));
        assert_eq!(store.get("another account").unwrap(), None);

        store.set(ACCOUNT, &ApiKey::new("eak_second")).unwrap();
        assert_eq!(store.get(ACCOUNT).unwrap(), Some(ApiKey::new("eak_second")));

        store.delete(ACCOUNT).unwrap();
        assert_eq!(store.get(ACCOUNT).unwrap(), None);
    }

    #[test]
    fn deleting_a_missing_key_is_ok() {
        let store = MemorySecretStore::new();
        store.delete(ACCOUNT).unwrap();
        store.delete(ACCOUNT).unwrap();
    }

    #[test]
    fn a_failing_store_fails_every_call_and_changes_nothing() {
        let store = MemorySecretStore::new();
        store.set(ACCOUNT, &ApiKey::new("eak_kept")).unwrap();
        let locked = SecretStoreError::Unavailable {
            reason: "the keychain is locked".into(),
        };
        store.fail_with(Some(locked.clone()));

        assert_eq!(store.get(ACCOUNT), Err(locked.clone()));
        assert_eq!(
            store.set(ACCOUNT, &ApiKey::new("eak_refused")),
            Err(locked.clone())
        );
        assert_eq!(store.delete(ACCOUNT), Err(locked));

        store.fail_with(None);
        assert_eq!(store.get(ACCOUNT).unwrap(), Some(ApiKey::new("eak_kept")));
    }

    #[test]
    fn debug_names_accounts_and_never_keys() {
        let store = MemorySecretStore::new();
        store
            .set(ACCOUNT, &ApiKey::new("eak_live_0123456789"))
            .unwrap();
        let shown = format!("{store:?}");
        assert!(shown.contains(ACCOUNT), "{shown}");
        assert!(!shown.contains("0123456789"), "{shown}");
    }
}
