//! Where a run writes: a folder of its own. A run's `events.db` may hold
//! what can never be made again (a served session's client inputs), so no
//! run writes into a folder that holds an earlier one, and nothing here
//! ever deletes what it did not create.
//!
//! - Without `--out`: `runs/<name>-<seed>/`, else the first free of
//!   `runs/<name>-<seed>-2/`, `-3/`…; `runs/latest` (a symbolic link) names
//!   the newest.
//! - With `--out DIR`: DIR must be new or empty. `--force` moves an occupied
//!   DIR aside to `DIR.replaced-N` first (the first free N), never deletes.
//!
//! A folder is claimed with `create_dir`, which fails when another run took
//! the name first, so two runs started at once never share one. A run that
//! cannot start gives its claim back ([`RunFolder::abandon`]): the folder it
//! created goes, and a folder it moved aside comes back.

use std::io;
use std::path::{Path, PathBuf};

/// Most numbered folders tried for one scenario and seed.
const MAX_NUMBERED: u32 = 10_000;

/// Why a run has no folder.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error(
        "{0} already holds files of an earlier run; choose another --out, or pass --force to move it aside (nothing is deleted)"
    )]
    Occupied(PathBuf),
    #[error("{0} is not a folder")]
    NotAFolder(PathBuf),
    #[error("no free run folder among {0}, {0}-2 … -{MAX_NUMBERED}")]
    Exhausted(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> FolderError + '_ {
    move |source| FolderError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A run's folder, claimed.
#[derive(Debug)]
pub struct RunFolder {
    path: PathBuf,
    /// This run created the folder (so may remove it if it never starts).
    created: bool,
    /// Where an occupied folder was moved by `--force`.
    moved_aside: Option<PathBuf>,
    /// What `latest` named before this run took it (None: no link).
    latest_before: Option<Option<PathBuf>>,
}

impl RunFolder {
    /// `base`, or the first free `base-N`, created; `latest` beside it
    /// points at it.
    pub fn numbered(base: &Path) -> Result<RunFolder, FolderError> {
        let parent = base.parent().filter(|p| !p.as_os_str().is_empty());
        if let Some(parent) = parent {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        for n in 1..=MAX_NUMBERED {
            let candidate = if n == 1 {
                base.to_path_buf()
            } else {
                PathBuf::from(format!("{}-{n}", base.display()))
            };
            match std::fs::create_dir(&candidate) {
                Ok(()) => {
                    let latest_before = point_latest(&candidate);
                    return Ok(RunFolder {
                        path: candidate,
                        created: true,
                        moved_aside: None,
                        latest_before,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_error(&candidate)(e)),
            }
        }
        Err(FolderError::Exhausted(base.to_path_buf()))
    }

    /// Exactly `dir`: new or empty, or moved aside first with `force`.
    pub fn exact(dir: &Path, force: bool) -> Result<RunFolder, FolderError> {
        let mut moved_aside = None;
        if dir.exists() || dir.is_symlink() {
            if !dir.is_dir() {
                return Err(FolderError::NotAFolder(dir.to_path_buf()));
            }
            let empty = std::fs::read_dir(dir)
                .map_err(io_error(dir))?
                .next()
                .is_none();
            if empty {
                // A folder the run could not write would only say so
                // after the whole run: find out now.
                let probe = dir.join(".seedsim-probe");
                std::fs::write(&probe, b"")
                    .and_then(|()| std::fs::remove_file(&probe))
                    .map_err(io_error(dir))?;
                return Ok(RunFolder {
                    path: dir.to_path_buf(),
                    created: false,
                    moved_aside: None,
                    latest_before: None,
                });
            }
            if !force {
                return Err(FolderError::Occupied(dir.to_path_buf()));
            }
            moved_aside = Some(move_aside(dir)?);
        }
        if let Err(e) = std::fs::create_dir_all(dir) {
            let err = io_error(dir)(e);
            if let Some(aside) = &moved_aside {
                let _ = std::fs::rename(aside, dir);
            }
            return Err(err);
        }
        Ok(RunFolder {
            path: dir.to_path_buf(),
            created: true,
            moved_aside,
            latest_before: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where `--force` moved the folder that was there, if it did.
    pub fn moved_aside(&self) -> Option<&Path> {
        self.moved_aside.as_deref()
    }

    /// Gives the claim back for a run that never started: the folder this
    /// run created goes (with what the failed start left in it), and what
    /// `--force` moved aside comes back, and `latest` names what it named
    /// before. A folder that was there stays.
    pub fn abandon(self) {
        if self.created {
            let _ = std::fs::remove_dir_all(&self.path);
        }
        if let Some(aside) = &self.moved_aside {
            let _ = std::fs::rename(aside, &self.path);
        }
        if let Some(before) = &self.latest_before {
            restore_latest(&self.path, before.as_deref());
        }
    }
}

/// Renames `dir` to the first free `dir.replaced-N`; returns where it went.
pub fn move_aside(dir: &Path) -> Result<PathBuf, FolderError> {
    for n in 1..=MAX_NUMBERED {
        let aside = PathBuf::from(format!("{}.replaced-{n}", dir.display()));
        if aside.exists() || aside.is_symlink() {
            continue;
        }
        std::fs::rename(dir, &aside).map_err(io_error(dir))?;
        return Ok(aside);
    }
    Err(FolderError::Exhausted(dir.to_path_buf()))
}

/// The `latest` link beside `dir`.
fn latest_of(dir: &Path) -> Option<PathBuf> {
    Some(dir.parent()?.join("latest"))
}

/// Points `latest`, beside `dir`, at it; gives what it named before (None
/// if there was no link), or None when it was left alone. A convenience: a
/// `latest` that is not a link (someone's own file or folder) is not
/// touched, and a failure changes nothing about the run.
fn point_latest(dir: &Path) -> Option<Option<PathBuf>> {
    let latest = latest_of(dir)?;
    if latest.exists() && !latest.is_symlink() {
        return None;
    }
    let before = std::fs::read_link(&latest).ok();
    link(&latest, Path::new(dir.file_name()?)).then_some(before)
}

/// Puts `latest` back as it was, if it still names `dir`.
fn restore_latest(dir: &Path, before: Option<&Path>) {
    let Some(latest) = latest_of(dir) else {
        return;
    };
    if std::fs::read_link(&latest).ok().as_deref() != dir.file_name().map(Path::new) {
        return;
    }
    match before {
        Some(target) => {
            link(&latest, target);
        }
        None => {
            let _ = std::fs::remove_file(&latest);
        }
    }
}

/// Makes `latest` a link to `target`: a new link renamed over the old one,
/// so there is never a moment without one.
fn link(latest: &Path, target: &Path) -> bool {
    #[cfg(unix)]
    {
        let Some(parent) = latest.parent() else {
            return false;
        };
        let staging = parent.join(format!(".latest-{}", std::process::id()));
        let _ = std::fs::remove_file(&staging);
        if std::os::unix::fs::symlink(target, &staging).is_err() {
            return false;
        }
        if std::fs::rename(&staging, latest).is_err() {
            let _ = std::fs::remove_file(&staging);
            return false;
        }
        true
    }
    #[cfg(not(unix))]
    {
        let _ = (latest, target);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("seedsim-folder-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn numbered_folders_never_reuse_a_name_and_latest_follows() {
        let root = scratch("numbered");
        let base = root.join("smoke-7");
        let a = RunFolder::numbered(&base).unwrap();
        std::fs::write(a.path().join("events.db"), b"first").unwrap();
        let b = RunFolder::numbered(&base).unwrap();
        let c = RunFolder::numbered(&base).unwrap();
        assert_eq!(a.path(), base);
        assert_eq!(b.path(), root.join("smoke-7-2"));
        assert_eq!(c.path(), root.join("smoke-7-3"));
        assert_eq!(std::fs::read(base.join("events.db")).unwrap(), b"first");
        #[cfg(unix)]
        assert_eq!(
            std::fs::read_link(root.join("latest")).unwrap(),
            Path::new("smoke-7-3")
        );
        // Abandoned, a numbered folder goes, its name is free again and
        // `latest` names the run before it.
        c.abandon();
        assert!(!root.join("smoke-7-3").exists());
        #[cfg(unix)]
        assert_eq!(
            std::fs::read_link(root.join("latest")).unwrap(),
            Path::new("smoke-7-2")
        );
        assert_eq!(
            RunFolder::numbered(&base).unwrap().path(),
            root.join("smoke-7-3")
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_exact_folder_must_be_free_unless_forced_and_force_deletes_nothing() {
        let root = scratch("exact");
        let dir = root.join("x");
        // New, then empty: both fine.
        RunFolder::exact(&dir, false).unwrap();
        let empty = RunFolder::exact(&dir, false).unwrap();
        std::fs::write(empty.path().join("events.db"), b"kept").unwrap();
        // Occupied: refused, untouched.
        let e = RunFolder::exact(&dir, false).unwrap_err();
        assert!(matches!(e, FolderError::Occupied(_)), "{e}");
        assert!(e.to_string().contains("--force"), "{e}");
        assert_eq!(std::fs::read(dir.join("events.db")).unwrap(), b"kept");
        // Forced: the old one is moved aside whole, then given back when the
        // run never starts.
        let forced = RunFolder::exact(&dir, true).unwrap();
        let aside = forced.moved_aside().unwrap().to_path_buf();
        assert_eq!(aside, root.join("x.replaced-1"));
        assert_eq!(std::fs::read(aside.join("events.db")).unwrap(), b"kept");
        assert!(std::fs::read_dir(&dir).unwrap().next().is_none());
        forced.abandon();
        assert_eq!(std::fs::read(dir.join("events.db")).unwrap(), b"kept");
        assert!(!aside.exists());
        // A file where the folder should be is named.
        std::fs::write(root.join("f"), b"").unwrap();
        assert!(matches!(
            RunFolder::exact(&root.join("f"), true),
            Err(FolderError::NotAFolder(_))
        ));
        let _ = std::fs::remove_dir_all(&root);
    }
}
