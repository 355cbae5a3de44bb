//! The repository's own state under `.git/shenbao/` (the portal's accounts and keys, the log of
//! reminders sent): never in the work tree, never committed, readable by its owner only. A JSON
//! document there is changed under a lock and replaced whole, so that two processes (a portal
//! and `shenbao remind` run by cron) never lose each other's writes.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug)]
pub enum StateError {
    Io(PathBuf, std::io::Error),
    Corrupt(PathBuf, String),
}

impl StateError {
    /// What went wrong, in `lang`.
    pub fn message(&self, lang: shenbao_core::lang::Lang) -> String {
        match self {
            StateError::Io(p, e) => format!(
                "{}{}{}",
                p.display(),
                lang.pick("：", ": "),
                shenbao_core::lang::io_reason(e, lang)
            ),
            StateError::Corrupt(p, e) => format!(
                "{}{}{e}",
                p.display(),
                lang.pick("：内容已损坏：", ": corrupt: ")
            ),
        }
    }
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(shenbao_core::lang::Lang::En))
    }
}

impl std::error::Error for StateError {}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + use<> {
    let path = path.to_path_buf();
    move |e| StateError::Io(path, e)
}

/// The folder, made if needed, private to its owner.
pub fn private_dir(dir: &Path) -> Result<(), StateError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io(dir))?;
    }
    Ok(())
}

/// Write a file only its owner may read.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io(path))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(io(path))
}

/// The JSON document `dir/name`, or its default when there is none yet.
pub fn read_json<T: DeserializeOwned + Default>(dir: &Path, name: &str) -> Result<T, StateError> {
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => parse_json(&path, &bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(StateError::Io(path, e)),
    }
}

/// The JSON document `bytes`, read from `path`.
pub fn parse_json<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, StateError> {
    serde_json::from_slice(bytes)
        .map_err(|e| StateError::Corrupt(path.to_path_buf(), e.to_string()))
}

/// Change the JSON document `dir/name` under its lock, and write it back whole.
pub fn update_json<T, R>(
    dir: &Path,
    name: &str,
    change: impl FnOnce(&mut T) -> R,
) -> Result<R, StateError>
where
    T: DeserializeOwned + Serialize + Default,
{
    private_dir(dir)?;
    let lock_path = dir.join(format!("{name}.lock"));
    let lock = File::create(&lock_path).map_err(io(&lock_path))?;
    lock.lock().map_err(io(&lock_path))?;
    let mut doc: T = read_json(dir, name)?;
    let out = change(&mut doc);
    let temp = dir.join(format!("{name}.{}", std::process::id()));
    let json = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    write_private(&temp, &json)?;
    let path = dir.join(name);
    std::fs::rename(&temp, &path).map_err(io(&path))?;
    Ok(out)
}
