//! `seedsim story <events.db> --entity ID | --top N [--json]`: the lives a
//! stored run tells (see [`crate::store::story`]), each line with its tick
//! and the seq of the event it tells, for `seedsim events --chain SEQ`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{EXIT_FAILED, EXIT_INVALID};
use crate::store::story::{Line, life, top};
use crate::store::verify::open_read_only;

#[derive(Debug, clap::Args)]
pub struct StoryArgs {
    /// The run's events.db.
    pub db: PathBuf,
    /// The life of this entity id.
    #[arg(long, conflicts_with = "top", required_unless_present = "top")]
    pub entity: Option<u64>,
    /// The N lives that weigh most (their beats' salience summed).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub top: Option<u64>,
    /// JSON (one object per life) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn story_cmd(args: &StoryArgs) -> ExitCode {
    let conn = match open_read_only(&args.db) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let who: Vec<u64> = match (args.entity, args.top) {
        (Some(id), _) => vec![id],
        (None, Some(n)) => match top(&conn, n as usize) {
            Ok(lives) => lives.into_iter().map(|(id, _)| id).collect(),
            Err(e) => return failed(&e),
        },
        (None, None) => Vec::new(),
    };
    let mut lives = Vec::with_capacity(who.len());
    for id in who {
        match life(&conn, id) {
            Ok(lines) => lives.push((id, lines)),
            Err(e) => return failed(&e),
        }
    }
    // A closed stdout (piped into `head`) ends the output, not the command.
    let mut out = std::io::stdout().lock();
    if args.json {
        let all: Vec<_> = lives
            .iter()
            .map(|(id, lines)| serde_json::json!({ "entity": id, "lines": lines }))
            .collect();
        let _ = writeln!(out, "{}", serde_json::Value::Array(all));
    } else {
        for (id, lines) in &lives {
            let _ = writeln!(out, "{}", told(*id, lines));
        }
    }
    ExitCode::SUCCESS
}

fn failed(e: &rusqlite::Error) -> ExitCode {
    eprintln!("error: reading the story failed: {e}");
    ExitCode::from(EXIT_FAILED)
}

/// A life as text: one line per beat.
fn told(id: u64, lines: &[Line]) -> String {
    if lines.is_empty() {
        return format!("entity {id}: no beats (no such entity, or nothing told of it)\n");
    }
    let mut s = format!("entity {id}: {} moments\n", lines.len());
    for l in lines {
        s.push_str(&format!(
            "  tick {:>7}  {:<14} ({} #{}; seedsim events --chain {})\n",
            l.tick, l.beat, l.told_kind, l.told_seq, l.told_seq
        ));
    }
    s
}
