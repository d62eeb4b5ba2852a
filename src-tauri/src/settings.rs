//! The app's settings file, `<data folder>/settings.json`, kept with
//! `tauri-plugin-store` from Rust only: the page reaches settings through the app's
//! commands, never through the store plugin's (no capability grants them).
//!
//! Opening reads the file's bytes first and judges them with
//! [`athena_core::settings::load`]. A damaged or hand-broken file is copied byte for
//! byte to `settings.json.bad-<yyyymmddThhmmssZ>` beside itself, a warning names the
//! copy (never the contents), and only then are the defaults written; when the copy
//! cannot be made, the file is left as it is and this run keeps the defaults in
//! memory. A newer app's file is copied too but never written. Then the store holds
//! exactly the validated settings, with auto-save off: every change is saved before
//! [`AppSettings::update`] returns.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use athena_core::settings::{MAX_SETTINGS_BYTES, Settings, SettingsLoad, SettingsProblem, load};
use serde_json::{Map, Value};
use tauri::{Manager, Runtime};
use tauri_plugin_store::{Store, StoreBuilder};

/// The settings file's name in the data folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// What went wrong with the settings file at start, for the UI to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsNotice {
    /// What was wrong.
    pub problem: SettingsProblem,
    /// Where the file was copied before anything replaced it; `None` when no copy
    /// could be made (the file was then left untouched) or there was nothing to copy.
    pub backup: Option<PathBuf>,
}

/// Why a change to the settings was not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsError {
    /// The changed settings break a rule; nothing changed.
    Invalid(SettingsProblem),
    /// The file could not be written; nothing changed.
    Save(String),
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Invalid(problem) => problem.fmt(f),
            Self::Save(reason) => write!(f, "the settings could not be saved: {reason}"),
        }
    }
}

impl std::error::Error for SettingsError {}

/// The settings as managed state: the current value, the store that writes it, and
/// what went wrong at start.
pub struct AppSettings {
    path: PathBuf,
    current: Mutex<Settings>,
    /// `None` when the file must not be written this run (a newer app's, unreadable,
    /// not backed up, or the store could not be built): changes then last for this
    /// run only.
    file: Option<Arc<dyn SettingsFile>>,
    notice: Option<SettingsNotice>,
}

impl std::fmt::Debug for AppSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppSettings")
            .field("path", &self.path)
            .field("current", &self.get())
            .field("read_only", &self.read_only())
            .field("notice", &self.notice)
            .finish()
    }
}

impl AppSettings {
    /// Opens `<data_dir>/settings.json` (an absolute path under the app's data
    /// folder, not the plugin's default folder). Never fails: whatever is wrong ends
    /// in the defaults and a [`notice`](Self::notice). The store plugin must be
    /// registered on the app.
    pub fn open<R: Runtime, M: Manager<R>>(manager: &M, data_dir: &Path) -> Self {
        let path = data_dir.join(SETTINGS_FILE);
        let loaded = match read_capped(&path) {
            Ok(raw) => load(raw.as_deref()),
            Err(err) => SettingsLoad::kept_aside(SettingsProblem::Unreadable {
                reason: err.kind().to_string(),
            }),
        };
        let SettingsLoad {
            settings,
            problem,
            read_only,
            rewrite,
        } = loaded;
        let mut writable = !read_only;
        let mut backup = None;
        if let Some(problem) = &problem {
            if !matches!(problem, SettingsProblem::Unreadable { .. }) {
                match back_up(&path) {
                    Ok(copy) => {
                        tracing::warn!(
                            backup = %copy.display(),
                            %problem,
                            "the settings file was copied aside{}",
                            if read_only { "; it is left as it is and defaults are used this run" } else { "; defaults replace it" }
                        );
                        backup = Some(copy);
                    }
                    Err(err) => {
                        tracing::error!(
                            path = %path.display(),
                            %problem,
                            error = %err,
                            "the settings file could not be copied aside; it is left as it is and defaults are used this run"
                        );
                        writable = false;
                    }
                }
            } else {
                tracing::error!(path = %path.display(), %problem, "defaults are used this run");
            }
        }
        let file = if writable {
            match open_store(manager, &path, &settings, rewrite) {
                Ok(file) => Some(file),
                Err(err) => {
                    tracing::error!(path = %path.display(), error = %err, "the settings store did not open; changes last for this run only");
                    None
                }
            }
        } else {
            None
        };
        Self {
            path,
            current: Mutex::new(settings),
            file,
            notice: problem.map(|problem| SettingsNotice { problem, backup }),
        }
    }

    /// The current settings.
    pub fn get(&self) -> Settings {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Applies `change`, checks the result ([`Settings::validate`]) and saves it: the
    /// file holds the new settings when this returns. Blocks on the disk: call it off
    /// the main thread. When the file is [`read_only`](Self::read_only) the change
    /// lasts for this run only.
    ///
    /// # Errors
    /// [`SettingsError::Invalid`] when the result breaks a rule, [`SettingsError::Save`]
    /// when it could not be written; the settings are then unchanged.
    pub fn update(&self, change: impl FnOnce(&mut Settings)) -> Result<Settings, SettingsError> {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = current.clone();
        change(&mut next);
        next.validate().map_err(SettingsError::Invalid)?;
        if let Some(file) = &self.file
            && let Err(reason) = file.write(&next.to_json())
        {
            // The store's memory goes back too, so its save at exit keeps the old.
            file.replace(&current.to_json());
            tracing::error!(path = %self.path.display(), error = %reason, "the settings were not saved");
            return Err(SettingsError::Save(reason));
        }
        *current = next.clone();
        Ok(next)
    }

    /// What went wrong with the file at start, and where its copy is.
    pub fn notice(&self) -> Option<SettingsNotice> {
        self.notice.clone()
    }

    /// Whether changes stay in memory this run instead of reaching the file.
    pub fn read_only(&self) -> bool {
        self.file.is_none()
    }

    /// The settings file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The file's bytes, at most one more than [`MAX_SETTINGS_BYTES`] (enough for
/// `load` to call it too large); `None` when there is no file.
fn read_capped(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err),
    };
    let mut raw = Vec::new();
    file.take(MAX_SETTINGS_BYTES as u64 + 1)
        .read_to_end(&mut raw)?;
    Ok(Some(raw))
}

/// Copies `path` to `<name>.bad-<yyyymmddThhmmssZ>` beside it (`-2`, `-3`... when
/// that exists), byte for byte.
fn back_up(path: &Path) -> std::io::Result<PathBuf> {
    let target = athena_core::set_aside::free_path_beside(path, "bad")?;
    std::fs::copy(path, &target)?;
    Ok(target)
}

/// The store at `path`, holding exactly `settings`; written at once when `rewrite`.
/// Built with `create_new` so the store's memory is the validated settings, not a
/// second reading of the file merged over them.
fn open_store<R: Runtime, M: Manager<R>>(
    manager: &M,
    path: &Path,
    settings: &Settings,
    rewrite: bool,
) -> Result<Arc<dyn SettingsFile>, String> {
    let store = StoreBuilder::new(manager, path)
        .disable_auto_save()
        .create_new()
        .build()
        .map_err(|e| e.to_string())?;
    let json = settings.to_json();
    if rewrite {
        store.write(&json)?;
    } else {
        store.replace(&json);
    }
    Ok(store)
}

/// The store, without its runtime type, so [`AppSettings`] is one managed type.
trait SettingsFile: Send + Sync {
    /// Makes the store hold exactly `object`'s entries, in memory.
    fn replace(&self, object: &Map<String, Value>);
    /// [`replace`](Self::replace), then saves to the file.
    fn write(&self, object: &Map<String, Value>) -> Result<(), String> {
        self.replace(object);
        self.save()
    }
    /// Writes the store to the file.
    fn save(&self) -> Result<(), String>;
}

impl<R: Runtime> SettingsFile for Store<R> {
    fn replace(&self, object: &Map<String, Value>) {
        for key in self.keys() {
            if !object.contains_key(&key) {
                self.delete(&key);
            }
        }
        for (key, value) in object {
            if self.get(key).as_ref() != Some(value) {
                self.set(key.clone(), value.clone());
            }
        }
    }

    fn save(&self) -> Result<(), String> {
        Store::save(self).map_err(|e| e.to_string())
    }
}
