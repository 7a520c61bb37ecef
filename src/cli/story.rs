//! `seedsim story <events.db> --entity ID | --top N | --all | --zone NAME |
//! --director | --sift PATTERN | --check [--json]`: the lives a stored run tells (see [`crate::store::story`]),
//! each line with its tick and the seq of the event it tells, for
//! `seedsim events --chain SEQ`; or the story's consistency check
//! ([`crate::store::consistency`]), which fails (exit 1) on any finding.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{EXIT_FAILED, EXIT_INVALID};
use crate::store::consistency::audit;
use crate::store::story::{Line, all, life, top};
use crate::store::telling::{Teller, audit_text};
use crate::store::verify::open_read_only;
use crate::store::zone_story::{ZoneLine, zone_lines};

#[derive(Debug, clap::Args)]
pub struct StoryArgs {
    /// The run's events.db; or `lint`, to check a narrative pack, grammar
    /// or prototype template pack (the next argument; the shipped ones if
    /// absent).
    pub db: PathBuf,
    /// With `lint`: the pack to check.
    pub pack: Option<PathBuf>,
    /// The life of this entity id.
    #[arg(long, group = "what")]
    pub entity: Option<u64>,
    /// The N lives that weigh most (their beats' salience summed).
    #[arg(long, group = "what", value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub top: Option<u64>,
    /// Every life told, in id order.
    #[arg(long, group = "what")]
    pub all: bool,
    /// A zone's chronicle: its gazettes and headlines, in order.
    #[arg(long, group = "what")]
    pub zone: Option<String>,
    /// Check the story's consistency instead: exit 1 on any finding.
    #[arg(long, group = "what")]
    pub check: bool,
    /// The director's decisions, zone by zone, each with its reasons.
    #[arg(long, group = "what")]
    pub director: bool,
    /// The stories of a pattern (`feud`, `avenged`...; `all`: every
    /// pattern), found over the whole run.
    #[arg(long, group = "what", value_name = "PATTERN")]
    pub sift: Option<String>,
    /// With --sift: take the patterns from this narrative pack instead of
    /// the run's.
    #[arg(long, requires = "sift", value_name = "PACK")]
    pub patterns: Option<PathBuf>,
    /// JSON (one object per life) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn story_cmd(args: &StoryArgs) -> ExitCode {
    if args.db.as_os_str() == "lint" {
        return super::story_lint::lint_cmd(args.pack.as_deref());
    }
    if args.pack.is_some() {
        eprintln!("error: one events.db at a time (a second path is for `story lint`)");
        return ExitCode::from(EXIT_INVALID);
    }
    if args.entity.is_none()
        && args.top.is_none()
        && !args.all
        && !args.check
        && !args.director
        && args.zone.is_none()
        && args.sift.is_none()
    {
        eprintln!(
            "error: say which lives: --entity ID, --top N, --all, --zone NAME, --director, --sift PATTERN or --check"
        );
        return ExitCode::from(EXIT_INVALID);
    }
    let conn = match open_read_only(&args.db) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if args.check {
        return check(&conn, args.json);
    }
    if let Some(zone) = &args.zone {
        return zone_cmd(&conn, zone, args.json);
    }
    if args.director {
        return super::story_director::director_cmd(&conn, args.json);
    }
    if let Some(pattern) = &args.sift {
        return super::story_sift::sift_cmd(&conn, pattern, args.patterns.as_deref(), args.json);
    }
    let who: Vec<u64> = match (args.entity, args.top) {
        (Some(id), _) => vec![id],
        (None, Some(n)) => match top(&conn, n as usize) {
            Ok(lives) => lives.into_iter().map(|(id, _)| id).collect(),
            Err(e) => return failed(&e),
        },
        (None, None) => match all(&conn) {
            Ok(ids) => ids,
            Err(e) => return failed(&e),
        },
    };
    let mut teller = match Teller::open(&conn) {
        Ok(t) => t,
        Err(e) => return failed(&e),
    };
    let mut lives = Vec::with_capacity(who.len());
    for id in who {
        match told_life(&conn, &mut teller, id) {
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

/// A life's beats with their words (a beat the grammar cannot tell keeps
/// its rule's name, and `--check` reports it).
fn told_life(
    conn: &rusqlite::Connection,
    teller: &mut Teller,
    id: u64,
) -> rusqlite::Result<Vec<Line>> {
    let mut lines = life(conn, id)?;
    let texts = teller.tell(conn, id, &lines)?;
    for (l, t) in lines.iter_mut().zip(texts) {
        l.text = t.ok();
    }
    Ok(lines)
}

/// `--zone NAME`: the zone's gazettes and headlines, in order.
fn zone_cmd(conn: &rusqlite::Connection, name: &str, json: bool) -> ExitCode {
    let lines = match zone_lines(conn, name) {
        Ok(Some(l)) => l,
        Ok(None) => {
            eprintln!("error: the stored run has no zone {name:?}");
            return ExitCode::from(EXIT_INVALID);
        }
        Err(e) => return failed(&e),
    };
    let mut teller = match Teller::open(conn) {
        Ok(t) => t,
        Err(e) => return failed(&e),
    };
    let mut told = Vec::with_capacity(lines.len());
    for mut l in lines {
        if let ZoneLine::Headline { entity, line } = &mut l {
            let words = teller.tell(conn, *entity, std::slice::from_ref(line));
            match words {
                Ok(w) => line.text = w.into_iter().next().and_then(Result::ok),
                Err(e) => return failed(&e),
            }
        }
        told.push(l);
    }
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string(&told).unwrap_or_default());
        return ExitCode::SUCCESS;
    }
    let _ = writeln!(out, "zone {name}: {} lines", told.len());
    for l in &told {
        let _ = match l {
            ZoneLine::Gazette {
                tick,
                births,
                deaths,
                arrivals,
                departures,
                feuds,
                ..
            } => writeln!(
                out,
                "  tick {tick:>7}  GAZETTE: {births} born, {deaths} dead, {arrivals} arrived, {departures} left, {feuds} feuds sworn"
            ),
            ZoneLine::Headline { line, .. } => writeln!(
                out,
                "  tick {:>7}  {}\n                 [{}: {} #{}; seedsim events --chain {}]",
                line.tick,
                line.text.as_deref().unwrap_or(&line.beat),
                line.beat,
                line.told_kind,
                line.told_seq,
                line.told_seq
            ),
        };
    }
    ExitCode::SUCCESS
}

/// `--check`: every finding with its first bad seq; exit 1 if any.
fn check(conn: &rusqlite::Connection, json: bool) -> ExitCode {
    let mut audit = match audit(conn) {
        Ok(a) => a,
        Err(e) => return failed(&e),
    };
    if let Err(e) = audit_text(conn, &mut audit) {
        return failed(&e);
    }
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string(&audit).unwrap_or_default());
    } else {
        let _ = writeln!(
            out,
            "{} events checked; goals {} adopted, {} ended, {} active; {} findings",
            audit.events,
            audit.goals_adopted,
            audit.goals_ended,
            audit.goals_active,
            audit.total()
        );
        for f in &audit.findings {
            let _ = writeln!(
                out,
                "  seq {:>9}  {:<22} {}",
                f.seq,
                f.class.as_str(),
                f.message
            );
        }
        if audit.total() > audit.findings.len() as u64 {
            let _ = writeln!(
                out,
                "  … and {} more",
                audit.total() - audit.findings.len() as u64
            );
        }
    }
    if audit.total() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILED)
    }
}

pub(super) fn failed(e: &dyn std::fmt::Display) -> ExitCode {
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
        let words = l.text.as_deref().unwrap_or(&l.beat);
        s.push_str(&format!(
            "  tick {:>7}  {words}\n                 [{}: {} #{}; seedsim events --chain {}]\n",
            l.tick, l.beat, l.told_kind, l.told_seq, l.told_seq
        ));
    }
    s
}
