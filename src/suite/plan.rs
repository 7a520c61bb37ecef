//! From selected files to runs: one run per file and seed, each with its own
//! run folder under the report folder, the arguments of its child and the
//! command a person types to reproduce it. The order here is the order of
//! every report, whatever order the children finish in.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::select::{Loaded, ScenarioFile};

/// The most seeds `--seeds` may ask for per scenario (each is a process).
pub const MAX_SEEDS: u64 = 10_000;

/// An inclusive range of seeds, written `A..B`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedRange {
    pub first: u64,
    pub last: u64,
}

impl FromStr for SeedRange {
    type Err = String;

    fn from_str(s: &str) -> Result<SeedRange, String> {
        let (a, b) = s
            .split_once("..")
            .ok_or_else(|| format!("{s:?}: expected A..B (inclusive), e.g. 1..10"))?;
        let number = |t: &str| {
            t.trim()
                .parse::<u64>()
                .map_err(|e| format!("{s:?}: {t:?} is not a seed: {e}"))
        };
        let (first, last) = (number(a)?, number(b)?);
        if first > last {
            return Err(format!("{s:?}: the first seed is after the last"));
        }
        if last - first >= MAX_SEEDS {
            return Err(format!("{s:?}: at most {MAX_SEEDS} seeds per scenario"));
        }
        Ok(SeedRange { first, last })
    }
}

/// Which seeds each scenario runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seeds {
    /// The seed written in each scenario file.
    Scenario,
    One(u64),
    Range(SeedRange),
}

/// One run of the suite, before it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedRun {
    pub file: PathBuf,
    pub scenario: String,
    /// `None` only for a file that did not load and no seed was given.
    pub seed: Option<u64>,
    pub ticks: Option<u64>,
    /// `<report-dir>/<stem>-<seed>`, made unique within the suite.
    pub run_dir: PathBuf,
    /// The loader's message for a file that did not load: the run is
    /// reported invalid without starting a child.
    pub invalid: Option<String>,
}

impl PlannedRun {
    /// `<scenario>[seed=S]`, how reports name the run.
    pub fn label(&self) -> String {
        match self.seed {
            Some(s) => format!("{}[seed={s}]", self.scenario),
            None => self.scenario.clone(),
        }
    }

    /// The arguments of the child `seedsim` that does the run.
    pub fn child_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["run".into(), self.file.clone().into_os_string()];
        if let Some(s) = self.seed {
            args.extend(["--seed".into(), s.to_string().into()]);
        }
        args.extend([
            "--out".into(),
            self.run_dir.clone().into_os_string(),
            "--quiet".into(),
        ]);
        if let Some(t) = self.ticks {
            args.extend(["--ticks".into(), t.to_string().into()]);
        }
        args
    }

    /// The shell command that runs it again by hand, in the same directory.
    pub fn repro(&self) -> String {
        let mut cmd = format!("seedsim run {}", shell_word(&self.file.to_string_lossy()));
        if let Some(s) = self.seed {
            cmd += &format!(" --seed {s}");
        }
        if let Some(t) = self.ticks {
            cmd += &format!(" --ticks {t}");
        }
        cmd
    }
}

/// Every file with every seed, in file order then seed order. A file that
/// did not load runs once (its seed does not matter to its error).
pub fn plan(
    files: &[ScenarioFile],
    seeds: Seeds,
    ticks: Option<u64>,
    report_dir: &Path,
) -> Vec<PlannedRun> {
    let mut used = HashSet::new();
    let mut runs = Vec::new();
    for file in files {
        let (file_seeds, invalid): (Vec<Option<u64>>, _) = match (&file.loaded, seeds) {
            (Loaded::Invalid { message }, Seeds::One(s)) => (vec![Some(s)], Some(message)),
            (Loaded::Invalid { message }, _) => (vec![None], Some(message)),
            (Loaded::Valid { seed, .. }, Seeds::Scenario) => (vec![Some(*seed)], None),
            (Loaded::Valid { .. }, Seeds::One(s)) => (vec![Some(s)], None),
            (Loaded::Valid { .. }, Seeds::Range(r)) => {
                ((r.first..=r.last).map(Some).collect(), None)
            }
        };
        for seed in file_seeds {
            let base = match seed {
                Some(s) => format!("{}-{s}", file.stem),
                None => file.stem.clone(),
            };
            // Two files may share a stem (`a/smoke.ron`, `b/smoke.ron`).
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            runs.push(PlannedRun {
                file: file.path.clone(),
                scenario: file.name().to_string(),
                seed,
                ticks,
                run_dir: report_dir.join(name),
                invalid: invalid.cloned(),
            });
        }
    }
    runs
}

/// `s` as one POSIX shell word: as is when it is plainly safe, else quoted.
pub fn shell_word(s: &str) -> Cow<'_, str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{}'", s.replace('\'', r"'\''")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(stem: &str, dir: &str, seed: u64) -> ScenarioFile {
        ScenarioFile {
            path: PathBuf::from(format!("{dir}/{stem}.ron")),
            stem: stem.to_string(),
            loaded: Loaded::Valid {
                name: format!("{stem}-name"),
                seed,
            },
        }
    }

    #[test]
    fn seed_ranges_are_inclusive_and_bounded() {
        assert_eq!(
            "1..3".parse::<SeedRange>(),
            Ok(SeedRange { first: 1, last: 3 })
        );
        assert_eq!(
            "5..5".parse::<SeedRange>(),
            Ok(SeedRange { first: 5, last: 5 })
        );
        assert!("3..1".parse::<SeedRange>().is_err());
        assert!("1-3".parse::<SeedRange>().is_err());
        assert!("a..3".parse::<SeedRange>().is_err());
        assert!(format!("0..{MAX_SEEDS}").parse::<SeedRange>().is_err());
    }

    #[test]
    fn runs_go_by_file_then_seed_with_unique_folders() {
        let files = [
            valid("smoke", "a", 7),
            valid("smoke", "b", 7),
            valid("town", "a", 3),
        ];
        let range = Seeds::Range(SeedRange { first: 1, last: 2 });
        let runs = plan(&files, range, Some(30), Path::new("out"));
        let got: Vec<_> = runs
            .iter()
            .map(|r| (r.file.display().to_string(), r.seed, r.run_dir.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("a/smoke.ron".into(), Some(1), PathBuf::from("out/smoke-1")),
                ("a/smoke.ron".into(), Some(2), PathBuf::from("out/smoke-2")),
                (
                    "b/smoke.ron".into(),
                    Some(1),
                    PathBuf::from("out/smoke-1-2")
                ),
                (
                    "b/smoke.ron".into(),
                    Some(2),
                    PathBuf::from("out/smoke-2-2")
                ),
                ("a/town.ron".into(), Some(1), PathBuf::from("out/town-1")),
                ("a/town.ron".into(), Some(2), PathBuf::from("out/town-2")),
            ]
        );
        let own = plan(&files[2..], Seeds::Scenario, None, Path::new("out"));
        assert_eq!(own[0].seed, Some(3));
        assert_eq!(own[0].label(), "town-name[seed=3]");
    }

    #[test]
    fn an_invalid_file_runs_once_whatever_the_seeds() {
        let bad = ScenarioFile {
            path: PathBuf::from("s/bad.ron"),
            stem: "bad".into(),
            loaded: Loaded::Invalid {
                message: "s/bad.ron:3:9: seed: oops".into(),
            },
        };
        let range = Seeds::Range(SeedRange { first: 1, last: 3 });
        let runs = plan(std::slice::from_ref(&bad), range, None, Path::new("o"));
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].seed, None);
        assert_eq!(runs[0].label(), "bad");
        assert_eq!(
            runs[0].invalid.as_deref(),
            Some("s/bad.ron:3:9: seed: oops")
        );
        assert_eq!(runs[0].repro(), "seedsim run s/bad.ron");
    }

    #[test]
    fn repro_and_child_arguments() {
        let files = [valid("market", "scenarios", 1)];
        let run = &plan(&files, Seeds::One(17), Some(50), Path::new("runs/test"))[0];
        assert_eq!(
            run.repro(),
            "seedsim run scenarios/market.ron --seed 17 --ticks 50"
        );
        let args: Vec<String> = run
            .child_args()
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "run",
                "scenarios/market.ron",
                "--seed",
                "17",
                "--out",
                "runs/test/market-17",
                "--quiet",
                "--ticks",
                "50"
            ]
        );
    }

    #[test]
    fn odd_paths_are_quoted_for_the_shell() {
        assert_eq!(shell_word("scenarios/a-b_c.ron"), "scenarios/a-b_c.ron");
        assert_eq!(shell_word("my scen.ron"), "'my scen.ron'");
        assert_eq!(shell_word("it's.ron"), r"'it'\''s.ron'");
        assert_eq!(shell_word(""), "''");
    }
}
