//! The real OS keychain: a key stored by one process is read by another, and is gone
//! once deleted.
//!
//! The parent test stores a random key, then runs this test binary again as a child
//! (only `keychain_child`, with [`ACCOUNT_ENV`] naming the account) that reads the key
//! and prints whether its hash is the expected one; the parent deletes the key and runs
//! the child again, which must find nothing. No key is ever printed.
//!
//! `cargo xtask test` runs this against a throwaway gnome-keyring on a private session
//! bus and sets [`REQUIRE_ENV`], so a missing Secret Service fails the run. Elsewhere,
//! with no keychain to talk to, the test says loudly that it skipped.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::process::Command;

use athena_api::ApiKey;
use athena_core::secrets::{KeychainSecretStore, SecretStore, SecretStoreError};

/// A service name of the tests' own, so a leftover entry is never taken for the app's.
const TEST_SERVICE: &str = "Athena Desktop tests";
/// Set (to the account) only in the child.
const ACCOUNT_ENV: &str = "ATHENA_KEYCHAIN_CHILD_ACCOUNT";
/// Set (to the expected key's hash) only in the child.
const HASH_ENV: &str = "ATHENA_KEYCHAIN_CHILD_HASH";
/// `1`: a keychain must be there; its absence fails the test instead of skipping it.
const REQUIRE_ENV: &str = "ATHENA_REQUIRE_KEYCHAIN";
/// The child's verdict follows this on its line.
const VERDICT: &str = "KEYCHAIN-CHILD ";

#[test]
fn a_key_stored_by_one_process_is_read_by_another_and_gone_once_deleted() {
    let Some(store) = keychain_or_skip() else {
        return;
    };
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let account = format!("https://keychain-test.invalid#workspace:{nonce}");
    let key = ApiKey::new(format!("eak_test_{}", uuid::Uuid::new_v4().simple()));
    let cleanup = DeleteOnDrop {
        store: &store,
        account: &account,
    };

    store.set(&account, &key).unwrap();
    assert_eq!(
        child_reads(&account, &key),
        "matches",
        "another process reads the key just stored"
    );

    store.delete(&account).unwrap();
    assert_eq!(
        child_reads(&account, &key),
        "absent",
        "another process finds no key once it is deleted"
    );
    assert_eq!(store.get(&account).unwrap(), None);
    store
        .delete(&account)
        .expect("deleting a missing entry is Ok");
    drop(cleanup);
}

/// The other process: reads the account named by the parent and prints one verdict
/// line. Run only by the parent test (ignored otherwise).
#[test]
#[ignore = "run by a_key_stored_by_one_process_is_read_by_another_and_gone_once_deleted"]
fn keychain_child() {
    let (Ok(account), Ok(expected)) = (std::env::var(ACCOUNT_ENV), std::env::var(HASH_ENV)) else {
        eprintln!("keychain_child runs only as the child of the keychain test");
        return;
    };
    let verdict = match KeychainSecretStore::new(TEST_SERVICE).get(&account) {
        Ok(Some(key)) if hash(&key) == expected => "matches".to_owned(),
        Ok(Some(_)) => "differs".to_owned(),
        Ok(None) => "absent".to_owned(),
        Err(e) => format!("error {e}"),
    };
    println!("{VERDICT}{verdict}");
}

/// Runs [`keychain_child`] in a new process; returns its verdict.
fn child_reads(account: &str, key: &ApiKey) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "keychain::keychain_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ACCOUNT_ENV, account)
        .env(HASH_ENV, hash(key))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let verdict = stdout
        .lines()
        // libtest prints "test keychain::keychain_child ... " on the same line first.
        .find_map(|line| line.split_once(VERDICT))
        .map(|(_, verdict)| verdict.trim().to_owned());
    match verdict {
        Some(verdict) if output.status.success() => verdict,
        _ => panic!(
            "the child gave no verdict ({}):\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// A hash of the key, to compare across processes without printing the key. The same
/// binary hashes the same way: `DefaultHasher::new` has fixed keys.
fn hash(key: &ApiKey) -> String {
    let mut hasher = DefaultHasher::new();
    key.expose().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// The keychain, or `None` after a loud skip line when there is none and none is
/// required.
fn keychain_or_skip() -> Option<KeychainSecretStore> {
    let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1");
    let store = KeychainSecretStore::new(TEST_SERVICE);
    let missing = if cfg!(target_os = "linux")
        && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|a| a.is_empty())
    {
        // Without an address libdbus would try to autolaunch a bus of its own.
        Some("DBUS_SESSION_BUS_ADDRESS is not set".to_owned())
    } else {
        match store.probe() {
            Ok(()) => None,
            Err(SecretStoreError::Unavailable { reason }) => Some(reason),
            Err(e) => panic!("the keychain answered the probe with an error: {e}"),
        }
    };
    let Some(reason) = missing else {
        return Some(store);
    };
    assert!(
        !required,
        "{REQUIRE_ENV}=1 but there is no Secret Service / keychain: {reason}"
    );
    // Straight to stderr, past the test harness's capture, so a plain `cargo test`
    // shows it.
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! keychain test SKIPPED: no Secret Service ({reason}); \
         `cargo xtask test` runs it against a throwaway keyring\n"
    );
    None
}

/// Deletes the test's entry even when an assertion failed, so no run leaves one behind.
struct DeleteOnDrop<'a> {
    store: &'a KeychainSecretStore,
    account: &'a str,
}

impl Drop for DeleteOnDrop<'_> {
    fn drop(&mut self) {
        let _ = self.store.delete(self.account);
    }
}
