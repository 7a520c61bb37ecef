//! Which scenario files a suite runs. The parent reads every file once, before
//! anything runs: it needs the scenario's name for `--filter` and its seed to
//! name the run folder, and a file that does not load is reported as invalid
//! without starting a child. A file that opts out of suites is found here too.
//!
//! Opting out: a line that starts with `// suite: skip` (at column 0, so a
//! top-level comment; a reason may follow) makes a file found by expanding a
//! directory count as skipped. Naming the file itself on the command line runs
//! it anyway: the marker keeps long runs out of "run everything", not out of
//! reach.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::core::scenario::parse_str;

/// The line that opts a scenario file out of directory suites.
pub const SKIP_MARKER: &str = "// suite: skip";

/// Why the paths given cannot make a suite (an invalid command line).
#[derive(Debug, Error)]
pub enum SelectError {
    #[error("{}: no such file or directory", .0.display())]
    Missing(PathBuf),
    #[error("{}: cannot read: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: no *.ron scenario files in this directory", .0.display())]
    EmptyDir(PathBuf),
    #[error("no scenario file or name contains {0:?} (--filter)")]
    NoMatch(String),
}

/// What reading a scenario file gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    Valid {
        name: String,
        seed: u64,
    },
    /// The loader's message: `file:line:col: field: problem`.
    Invalid {
        message: String,
    },
}

/// One scenario file of the suite.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioFile {
    /// As given or as found in a directory given (relative paths stay relative).
    pub path: PathBuf,
    pub stem: String,
    pub loaded: Loaded,
}

impl ScenarioFile {
    /// The scenario's name, or the file stem when the file does not load.
    pub fn name(&self) -> &str {
        match &self.loaded {
            Loaded::Valid { name, .. } => name,
            Loaded::Invalid { .. } => &self.stem,
        }
    }
}

/// A file that opted out with [`SKIP_MARKER`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Skipped {
    pub file: String,
    pub scenario: String,
    pub reason: String,
}

/// The files to run, in order, and those skipped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub files: Vec<ScenarioFile>,
    pub skipped: Vec<Skipped>,
}

/// Expands `paths` (files, or directories meaning every `*.ron` directly in
/// them, by name) in the order given; a file reached twice runs once.
pub fn select(paths: &[PathBuf], filter: Option<&str>) -> Result<Selection, SelectError> {
    let mut seen = HashSet::new();
    let mut out = Selection::default();
    for given in paths {
        let meta = std::fs::metadata(given).map_err(|_| SelectError::Missing(given.clone()))?;
        let from_dir = meta.is_dir();
        let candidates = if from_dir {
            let found = ron_files_in(given)?;
            if found.is_empty() {
                return Err(SelectError::EmptyDir(given.clone()));
            }
            found
        } else {
            vec![given.clone()]
        };
        for path in candidates {
            let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if !seen.insert(key) {
                continue;
            }
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            let text = std::fs::read_to_string(&path);
            let skip = match (&text, from_dir) {
                (Ok(text), true) => skip_reason(text),
                _ => None,
            };
            let loaded = match text {
                Ok(text) => match parse_str(&path.display().to_string(), &text) {
                    Ok(s) => Loaded::Valid {
                        name: s.name,
                        seed: s.seed,
                    },
                    Err(e) => Loaded::Invalid {
                        message: e.to_string(),
                    },
                },
                Err(e) => Loaded::Invalid {
                    message: format!("{}: cannot read scenario: {e}", path.display()),
                },
            };
            let file = ScenarioFile { path, stem, loaded };
            if !matches(filter, &file) {
                continue;
            }
            match skip {
                Some(reason) => out.skipped.push(Skipped {
                    file: file.path.display().to_string(),
                    scenario: file.name().to_string(),
                    reason,
                }),
                None => out.files.push(file),
            }
        }
    }
    if let Some(f) = filter
        && out.files.is_empty()
        && out.skipped.is_empty()
    {
        return Err(SelectError::NoMatch(f.to_string()));
    }
    Ok(out)
}

fn matches(filter: Option<&str>, file: &ScenarioFile) -> bool {
    filter.is_none_or(|f| file.stem.contains(f) || file.name().contains(f))
}

fn ron_files_in(dir: &Path) -> Result<Vec<PathBuf>, SelectError> {
    let unreadable = |source| SelectError::Unreadable {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|e| e == "ron") && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// The reason given after [`SKIP_MARKER`] (a default one if none), when a
/// line starts with it.
pub fn skip_reason(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(SKIP_MARKER)?;
        if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
            return None; // e.g. `// suite: skipped-by-nobody`
        }
        let reason = rest.trim().trim_start_matches(['-', '—', ':', '(']);
        let reason = reason.trim().trim_end_matches(')').trim();
        Some(if reason.is_empty() {
            format!("marked `{SKIP_MARKER}`")
        } else {
            reason.to_string()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_marker_needs_its_own_top_level_line() {
        assert_eq!(
            skip_reason("// x\n// suite: skip\nScenario()"),
            Some("marked `// suite: skip`".to_string())
        );
        assert_eq!(
            skip_reason("// suite: skip - 1M agents take minutes\n"),
            Some("1M agents take minutes".to_string())
        );
        assert_eq!(skip_reason("    // suite: skip\n"), None);
        assert_eq!(skip_reason("// suite: skipper\n"), None);
        assert_eq!(skip_reason("Scenario(name: \"suite: skip\")"), None);
    }

    fn file(stem: &str, name: Option<&str>) -> ScenarioFile {
        ScenarioFile {
            path: PathBuf::from(format!("{stem}.ron")),
            stem: stem.to_string(),
            loaded: match name {
                Some(n) => Loaded::Valid {
                    name: n.to_string(),
                    seed: 1,
                },
                None => Loaded::Invalid {
                    message: "bad".to_string(),
                },
            },
        }
    }

    #[test]
    fn filter_matches_stem_or_name() {
        let f = file("market-day", Some("bazaar"));
        assert!(matches(None, &f));
        assert!(matches(Some("market"), &f));
        assert!(matches(Some("baz"), &f));
        assert!(!matches(Some("town"), &f));
        assert!(matches(Some("broke"), &file("broken", None)));
    }
}
