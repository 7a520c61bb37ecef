//! The layer table of ARCHITECTURE.md, enforced: an import only points down. Every
//! file under `src/` belongs to a module of the table below; every `crate::…`
//! (or `super::…`) path in it, comments and doc links included, must name a
//! module at its own rank or below.
//! Within a layer the order of the table is the order of dependence, so
//! peers never form a cycle either. A new module gets a row here; an import
//! that points up fails with the file, the line and the two modules.

use std::path::{Path, PathBuf};

/// From the bottom. A module path owns its sub-modules unless they have a
/// row of their own.
const TABLE: &[(&str, &str)] = &[
    ("core", "core"),
    ("core", "core::rng"),
    ("core", "core::order"),
    ("core", "core::tick"),
    ("core", "core::panic"),
    ("core", "core::stat7"),
    ("core", "core::agent"),
    ("core", "core::event"),
    ("core", "core::protocol"),
    ("core", "core::scenario"),
    ("model", "events"),
    ("model", "world"),
    ("model", "population"),
    ("model", "govern"),
    ("model", "react"),
    ("model", "input"),
    ("model", "fault"),
    ("model", "actor"),
    ("model", "narrative"),
    ("model", "record"),
    ("store", "store"),
    ("net", "net"),
    ("run", "run"),
    ("tools", "exit"),
    ("tools", "assault"),
    ("tools", "check"),
    ("tools", "report"),
    ("tools", "suite"),
    ("tools", "bench"),
    ("tools", "window"),
    ("tools", "cli"),
];

/// The row that owns a module path: the longest matching prefix.
fn owner(path: &str) -> Option<usize> {
    TABLE
        .iter()
        .enumerate()
        .filter(|(_, (_, m))| path == *m || path.starts_with(&format!("{m}::")))
        .max_by_key(|(_, (_, m))| m.len())
        .map(|(i, _)| i)
}

/// The module path of a file under `src/` (`src/net/hub.rs` → `net::hub`).
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The absolute module paths a line names: `crate::a::b` and `super::…`
/// chains resolved against `module`, with each item of a `{…}` group that
/// is itself a path.
fn targets(module: &str, line: &str) -> Vec<String> {
    // Comments count: a doc link or a "see crate::x" is a dependency the
    // reader follows, and it must point down too.
    let code = line;
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let boundary = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':');
        let (base, after) = if boundary && rest.starts_with("crate::") {
            (Vec::new(), &rest["crate::".len()..])
        } else if boundary && rest.starts_with("super::") {
            let mut base: Vec<&str> = module.split("::").collect();
            let mut after = rest;
            while let Some(r) = after.strip_prefix("super::") {
                base.pop();
                after = r;
            }
            (base.into_iter().map(str::to_string).collect(), after)
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut path = base;
        let mut tail = after;
        loop {
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(tail.len());
            let segment = &tail[..end];
            // Types and values end a module path (they start upper case or
            // are followed by something other than `::`).
            if segment.is_empty() || !segment.starts_with(|c: char| c.is_ascii_lowercase()) {
                if let Some(group) = tail.strip_prefix('{') {
                    for item in group.split([',', '}']) {
                        let item = item.trim();
                        if item.starts_with(|c: char| c.is_ascii_lowercase()) && item != "self" {
                            let head = item.split("::").next().unwrap_or(item);
                            let mut full = path.clone();
                            full.push(head.to_string());
                            out.push(full.join("::"));
                        }
                    }
                }
                break;
            }
            path.push(segment.to_string());
            match tail[end..].strip_prefix("::") {
                Some(next) => tail = next,
                None => break,
            }
        }
        if !path.is_empty() {
            out.push(path.join("::"));
        }
        i += rest.len() - tail.len() + 1;
    }
    out
}

/// Every import in `text` (the file at `module`) that points up the table.
fn upward(file: &str, module: &str, text: &str) -> Vec<String> {
    let Some(from) = owner(module) else {
        return vec![format!(
            "{file}: module `{module}` has no row in the layer table"
        )];
    };
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for target in targets(module, line) {
            if let Some(to) = owner(&target).filter(|to| *to > from) {
                let (fl, fm) = TABLE[from];
                let (tl, tm) = TABLE[to];
                let how = if fl == tl {
                    "a later peer in its layer"
                } else {
                    "a layer above"
                };
                found.push(format!(
                    "{file}:{}: `{fm}` ({fl}) imports `{tm}` ({tl}), {how}: {}",
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_import_points_down_the_layer_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).expect("under src");
        if rel == Path::new("lib.rs") || rel == Path::new("main.rs") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("readable");
        problems.extend(upward(
            &format!("src/{}", rel.display()),
            &module_of(rel),
            &text,
        ));
    }
    assert!(files.len() > 100, "the scan found the sources");
    assert!(
        problems.is_empty(),
        "imports that point up:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_top_level_module_has_a_row() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("lib.rs");
    for line in lib.lines() {
        if let Some(name) = line
            .trim()
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            assert!(
                TABLE.iter().any(|(_, m)| *m == name),
                "`{name}` is in no layer"
            );
        }
    }
}

#[test]
fn the_guard_catches_upward_imports() {
    // A model plugin reaching into the store, a core type into a model
    // plugin, and a peer into a later peer, through `crate::`, a group and
    // `super::` from a top-level module.
    let up = upward(
        "src/events/log.rs",
        "events::log",
        "use crate::store::StoreSink;",
    );
    assert_eq!(up.len(), 1, "{up:?}");
    assert!(
        up[0].starts_with(
            "src/events/log.rs:1: `events` (model) imports `store` (store), a layer above"
        ),
        "{}",
        up[0]
    );
    let up = upward(
        "src/core/agent/intent.rs",
        "core::agent::intent",
        "x\nuse crate::{world::ZoneId, core::rng};",
    );
    assert_eq!(up.len(), 1, "{up:?}");
    assert!(
        up[0].contains("intent.rs:2:") && up[0].contains("`world` (model)"),
        "{}",
        up[0]
    );
    let up = upward(
        "src/world/mod.rs",
        "world",
        "    .before(crate::population::DecideSystems),",
    );
    assert!(up[0].contains("a later peer in its layer"), "{up:?}");
    let up = upward("src/store/mod.rs", "store", "use super::run::Simulation;");
    assert_eq!(up.len(), 1, "{up:?}");
    // Downward and sideways within a module are fine; a comment or doc link
    // that names a module above is a dependency too.
    assert!(upward("src/run/app.rs", "run::app", "use crate::store::StoreSink;").is_empty());
    assert!(upward("src/net/hub.rs", "net::hub", "use super::bridge::SimSide;").is_empty());
    assert_eq!(
        upward("src/net/hub.rs", "net::hub", "/// see crate::cli").len(),
        1
    );
    assert_eq!(
        upward(
            "src/input/take.rs",
            "input::take",
            "// struck by `crate::fault`"
        )
        .len(),
        1
    );
    assert!(upward("src/nowhere.rs", "nowhere", "")[0].contains("no row"));
}
