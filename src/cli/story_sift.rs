//! `seedsim story <events.db> --sift PATTERN [--patterns PACK] [--json]`:
//! the stories of a pattern found over a whole stored run (no pool cap),
//! each told with its title and one line per stage (tick, and the seq that
//! `seedsim events --chain SEQ` walks back from), then what the sifter
//! counted.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::EXIT_INVALID;
use crate::core::scenario::NarrativePack;
use crate::store::sift::{PatternSource, choose, roles_of, sift_store, stored_patterns, tell};

pub fn sift_cmd(
    conn: &rusqlite::Connection,
    pattern: &str,
    pack: Option<&Path>,
    json: bool,
) -> ExitCode {
    let (patterns, source) = match pack {
        Some(path) => match read_pack(path) {
            Ok(p) => (p, "the pack given"),
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return ExitCode::from(EXIT_INVALID);
            }
        },
        None => match stored_patterns(conn) {
            Ok((p, PatternSource::Run)) => (p, "the run's"),
            Ok((p, PatternSource::Shipped)) => (p, "the shipped ones (the run kept none)"),
            Err(e) => return super::story::failed(&e),
        },
    };
    let patterns = match choose(patterns, pattern) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let sifted = match sift_store(conn, &patterns, Default::default()) {
        Ok(s) => s,
        Err(e) => return super::story::failed(&e),
    };
    let mut stories = Vec::with_capacity(sifted.found.len());
    for f in &sifted.found {
        let pattern = &patterns[f.pattern as usize];
        match tell(conn, pattern, &roles_of(&sifted.sifter, f), &f.events) {
            Ok(s) => stories.push(s),
            Err(e) => return super::story::failed(&e),
        }
    }
    let st = sifted.sifter.stats;
    let mut out = std::io::stdout().lock();
    if json {
        let doc = serde_json::json!({
            "patterns": source,
            "stories": stories,
            "events": st.events, "begun": st.begun, "found": st.found,
            "expired": st.expired, "vetoed": st.vetoed, "peak_pool": st.peak,
        });
        let _ = writeln!(out, "{doc}");
        return ExitCode::SUCCESS;
    }
    for s in &stories {
        let _ = writeln!(out, "{}", s.title);
        for l in &s.lines {
            let _ = writeln!(out, "  tick {:>6}  #{:<9} {}", l.tick, l.seq, l.text);
        }
    }
    let _ = writeln!(
        out,
        "{} stories ({pattern}; patterns: {source}); {} events read, {} begun, {} expired, {} ended by unless, at most {} partial matches held",
        stories.len(),
        st.events,
        st.begun,
        st.expired,
        st.vetoed,
        st.peak
    );
    ExitCode::SUCCESS
}

/// The patterns of a narrative pack file, checked.
fn read_pack(path: &Path) -> Result<Vec<crate::core::scenario::patterns::Pattern>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let pack = NarrativePack::parse(&text).map_err(|e| e.to_string())?;
    pack.check().map_err(|(at, m)| format!("{at}: {m}"))?;
    Ok(pack.patterns)
}
