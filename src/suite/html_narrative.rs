//! A run's narrative in the suite's `report.html`: the story checker's
//! verdict, goals by kind and outcome, the most told beats, the
//! weightiest lives in words, the director's zones (time in band, raids)
//! and the stories the sifter found, a few told in full (all from the
//! run's `report.json`).

use std::fmt::Write;

use super::html::esc;
use crate::check::NarrativeReport;

/// Beats listed (the most told first).
const BEATS: usize = 12;

pub fn section(s: &mut String, n: &NarrativeReport) {
    *s += "<h3>Narrative</h3>\n";
    if n.checked {
        let _ = writeln!(
            s,
            "<p>story check: <b>{} findings</b>; {} of {} deaths told with an epitaph, {} of {} births told</p>",
            n.findings, n.epitaphs, n.deaths, n.born_told, n.births
        );
    } else {
        *s += "<p>story not checked (the run kept no store)</p>\n";
    }
    for f in &n.first_findings {
        let _ = writeln!(
            s,
            "<p class=\"fail\">seq {}: {} — {}</p>",
            f.seq,
            f.class.as_str(),
            esc(&f.message)
        );
    }
    goals(s, n);
    let mut beats: Vec<(&String, &u64)> = n.beats.iter().collect();
    beats.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let listed: Vec<String> = beats
        .iter()
        .take(BEATS)
        .map(|(b, k)| format!("{} {k}", esc(b)))
        .collect();
    if !listed.is_empty() {
        let _ = writeln!(s, "<p>beats: {}</p>", listed.join(", "));
    }
    for life in &n.lives {
        let _ = writeln!(
            s,
            "<details><summary>the life of #{}</summary><ul>",
            life.entity
        );
        for line in &life.lines {
            let _ = writeln!(s, "<li>{}</li>", esc(line));
        }
        *s += "</ul></details>\n";
    }
    director(s, n);
    stories(s, n);
}

fn director(s: &mut String, n: &NarrativeReport) {
    if n.director.is_empty() {
        return;
    }
    *s += "<h4>Director</h4>\n<table><tr><th>zone</th><th>band</th><th>time in band</th><th>mean / peak tension</th><th>raids</th><th>withdrawals</th><th>festivals</th><th>plagues</th><th>state changes</th></tr>\n";
    for z in &n.director {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}..{}</td><td>{:.1}%</td><td>{:.1} / {:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&z.zone),
            z.low,
            z.high,
            z.time_in_band,
            z.mean_tension,
            z.peak_tension,
            z.raids,
            z.withdrawals,
            z.festivals,
            z.plagues,
            z.shifts
        );
    }
    *s += "</table>\n";
}

fn stories(s: &mut String, n: &NarrativeReport) {
    let Some(sift) = &n.sift else {
        return;
    };
    let found: Vec<String> = sift
        .found
        .iter()
        .map(|(p, k)| format!("{} {k}", esc(p)))
        .collect();
    let _ = writeln!(
        s,
        "<h4>Stories</h4>\n<p>found live: {}; {} partial matches begun, {} evicted (pool full), at most {} held</p>",
        found.join(", "),
        sift.begun,
        sift.evicted,
        sift.peak_pool
    );
    for story in &sift.stories {
        let _ = writeln!(s, "<details><summary>{}</summary><ul>", esc(&story.title));
        for l in &story.lines {
            let _ = writeln!(s, "<li>tick {} (#{}): {}</li>", l.tick, l.seq, esc(&l.text));
        }
        *s += "</ul></details>\n";
    }
}

fn goals(s: &mut String, n: &NarrativeReport) {
    if n.goals.values().all(|g| g.adopted == 0) {
        return;
    }
    *s += "<table><tr><th>goal</th><th>adopted</th><th>ended</th></tr>\n";
    for (kind, g) in &n.goals {
        let ended: Vec<String> = g.ended.iter().map(|(o, k)| format!("{o} {k}")).collect();
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(kind),
            g.adopted,
            esc(&ended.join(", "))
        );
    }
    let _ = writeln!(
        s,
        "</table>\n<p>{} held at the end; books {}</p>",
        n.goals_active,
        if n.goals_balanced {
            "balance"
        } else {
            "<b>do not balance</b>"
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::narrative::{GoalLine, ToldLife};
    use crate::store::consistency::{Class, Finding};

    #[test]
    fn the_section_tells_findings_goals_beats_and_lives_escaped() {
        let mut n = NarrativeReport {
            checked: true,
            findings: 1,
            deaths: 4,
            epitaphs: 4,
            first_findings: vec![Finding {
                class: Class::DeadActing,
                seq: 17,
                message: "<script>".into(),
            }],
            lives: vec![ToldLife {
                entity: 3,
                lines: vec!["12: Ana & Bo".into()],
            }],
            ..NarrativeReport::default()
        };
        n.goals.insert(
            "revenge".into(),
            GoalLine {
                adopted: 2,
                ended: [("fulfilled".to_string(), 1)].into_iter().collect(),
            },
        );
        n.beats.insert("epitaph".into(), 4);
        let mut s = String::new();
        section(&mut s, &n);
        assert!(s.contains("<b>1 findings</b>"), "{s}");
        assert!(s.contains("seq 17: dead_acting — &lt;script&gt;"), "{s}");
        assert!(!s.contains("<script>"));
        assert!(
            s.contains("<td>revenge</td><td>2</td><td>fulfilled 1</td>"),
            "{s}"
        );
        assert!(s.contains("epitaph 4"), "{s}");
        assert!(s.contains("12: Ana &amp; Bo"), "{s}");
    }
}
