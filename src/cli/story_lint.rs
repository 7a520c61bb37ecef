//! `seedsim story lint [PACK]`: what a narrative pack or grammar gets wrong
//! before a run tells anything with it. PACK is a narrative pack
//! (`Narrative(...)`: parsed and checked, and the grammar checked to tell
//! each of its beats), a grammar (`Grammar(...)`: linted against the
//! shipped pack's beats) or a prototype template pack (`.json`: imported,
//! then linted). Without PACK, the shipped pack and grammar. Exit 0 when
//! clean, 1 with findings, 2 when it does not even parse.

use std::path::Path;
use std::process::ExitCode;

use super::{EXIT_FAILED, EXIT_INVALID};
use crate::core::scenario::NarrativePack;
use crate::core::scenario::narrative::SHIPPED;
use crate::narrative::render::{Grammar, import_prototype};

/// What the file holds.
enum Linted {
    Pack(NarrativePack),
    Grammar(Grammar),
    /// A prototype pack: its symbols are its intents, not beats.
    Imported(Grammar),
}

pub fn lint_cmd(pack: Option<&Path>) -> ExitCode {
    let linted = match pack {
        None => NarrativePack::parse(SHIPPED)
            .map(Linted::Pack)
            .map_err(|e| format!("the shipped pack: {e}")),
        Some(path) => read(path),
    };
    let linted = match linted {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let mut findings: Vec<String> = Vec::new();
    let (grammar, beats) = match linted {
        Linted::Pack(p) => {
            if let Err((at, message)) = p.check() {
                findings.push(format!("pack {at}: {message}"));
            }
            let beats = p.beats.iter().map(|b| b.name.clone()).collect();
            (Grammar::shipped(), beats)
        }
        Linted::Grammar(g) => {
            let shipped = NarrativePack::shipped();
            (
                g,
                shipped
                    .beats
                    .iter()
                    .map(|b| b.name.clone())
                    .collect::<Vec<_>>(),
            )
        }
        Linted::Imported(g) => (g, Vec::new()),
    };
    let names: Vec<&str> = beats.iter().map(String::as_str).collect();
    findings.extend(grammar.lint(&names).iter().map(|f| format!("grammar {f}")));
    for f in &findings {
        println!("{f}");
    }
    println!(
        "{} beats, {} grammar symbols: {} findings",
        names.len(),
        grammar.symbols().len(),
        findings.len()
    );
    if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

fn read(path: &Path) -> Result<Linted, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let at = |e: &dyn std::fmt::Display| format!("{}:{e}", path.display());
    if path.extension().is_some_and(|x| x == "json") {
        return import_prototype(&text)
            .map(Linted::Imported)
            .map_err(|e| at(&e));
    }
    let body = text
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with("//"))
        .unwrap_or("");
    if body.starts_with("Grammar") {
        Grammar::parse(&text)
            .map(Linted::Grammar)
            .map_err(|e| at(&e))
    } else {
        NarrativePack::parse(&text)
            .map(Linted::Pack)
            .map_err(|e| at(&e))
    }
}
