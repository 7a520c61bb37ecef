//! The grammar's linter: what a grammar that parses can still get wrong,
//! found before a story is told rather than by the reader. It reads texts
//! with the renderer's own tokenizer, so what it calls a reference or a
//! slot is exactly what rendering would expand. Findings come sorted by
//! symbol, so a report over the same grammar is the same text.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use super::grammar::{Grammar, Variant};
use super::syntax::{self, Piece};
use super::voice::{Register, Tone};

/// The slots a caller may give.
pub const KNOWN_SLOTS: [&str; 10] = [
    "name", "other", "zone", "age", "tick", "goal", "kind", "stage", "outcome", "cause",
];

/// The prefixes a tag may have.
pub const TAG_PREFIXES: [&str; 4] = ["tone:", "arch:", "realm:", "tag:"];

/// One thing wrong with a grammar, and the symbol it is wrong in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub symbol: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.symbol, self.message)
    }
}

impl Grammar {
    /// Everything wrong with this grammar as the telling of `beats`.
    pub fn lint(&self, beats: &[&str]) -> Vec<Finding> {
        let mut lint = Lint::default();
        for (name, variants) in self.symbols() {
            lint.symbol(self, name, variants);
        }
        lint.beats(self, beats);
        lint.unused(self, beats);
        lint.cycles();
        lint.found.sort();
        lint.found
    }
}

#[derive(Default)]
struct Lint<'g> {
    found: Vec<Finding>,
    /// Symbol → the existing symbols each of its variants references.
    edges: BTreeMap<&'g str, Vec<BTreeSet<&'g str>>>,
    referenced: BTreeSet<&'g str>,
}

impl<'g> Lint<'g> {
    fn note(&mut self, symbol: &str, message: String) {
        self.found.push(Finding {
            symbol: symbol.to_string(),
            message,
        });
    }

    fn symbol(&mut self, g: &Grammar, name: &'g str, variants: &'g [Variant]) {
        let mut edges = Vec::with_capacity(variants.len());
        for (i, v) in variants.iter().enumerate() {
            edges.push(self.text(g, name, i, &v.text));
            self.tags(name, i, &v.tags);
        }
        self.edges.insert(name, edges);
        if variants.iter().all(|v| !v.tags.is_empty()) {
            let why = "every variant is tagged: a context none fits gets any of them";
            self.note(name, why.to_string());
        }
    }

    /// The symbols a text references; notes what it gets wrong.
    fn text(&mut self, g: &Grammar, name: &str, i: usize, text: &'g str) -> BTreeSet<&'g str> {
        let mut refs = BTreeSet::new();
        for piece in syntax::pieces(text) {
            match piece {
                Err(_) => self.note(
                    name,
                    format!("variant {i}: a `#` or `{{` has no closing mark"),
                ),
                Ok(Piece::Text(_)) => {}
                Ok(Piece::Symbol(r)) if g.get(r.name).is_none() => {
                    self.note(name, format!("variant {i}: `#{}#` names no symbol", r.name));
                }
                Ok(Piece::Symbol(r)) => {
                    self.referenced.insert(r.name);
                    refs.insert(r.name);
                }
                Ok(Piece::Slot(r)) if !KNOWN_SLOTS.contains(&r.name) => {
                    let known = KNOWN_SLOTS.join(", ");
                    let why = format!(
                        "variant {i}: unknown slot `{{{}}}` (known: {known})",
                        r.name
                    );
                    self.note(name, why);
                }
                Ok(Piece::Slot(_)) => {}
            }
        }
        refs
    }

    fn tags(&mut self, name: &str, i: usize, tags: &[String]) {
        for tag in tags {
            if !TAG_PREFIXES.iter().any(|p| tag.starts_with(p)) {
                let known = TAG_PREFIXES.join(" ");
                let why =
                    format!("variant {i}: tag `{tag}` has an unknown prefix (known: {known})");
                self.note(name, why);
            } else if let Some(tone) = tag.strip_prefix("tone:")
                && Tone::named(tone).is_none()
            {
                self.note(name, format!("variant {i}: tag `{tag}` names no tone"));
            }
        }
    }

    fn beats(&mut self, g: &Grammar, beats: &[&str]) {
        for beat in beats {
            let symbol = Register::Chronicle.symbol(beat);
            if g.get(&symbol).is_none() {
                self.note(&symbol, format!("beat `{beat}` has no chronicle symbol"));
            }
        }
    }

    fn unused(&mut self, g: &Grammar, beats: &[&str]) {
        let tellers: BTreeSet<String> = beats
            .iter()
            .flat_map(|b| Register::ALL.map(|r| r.symbol(b)))
            .collect();
        for name in g.symbols().keys() {
            if !self.referenced.contains(name.as_str()) && !tellers.contains(name) {
                let why = "unused: no variant references it and it tells no beat";
                self.note(name, why.to_string());
            }
        }
    }

    /// A symbol is bounded when everything it references is; peeling the
    /// bounded ones off from the leaves leaves exactly those that can
    /// expand without end (on a cycle, or leading into one).
    fn cycles(&mut self) {
        let unbounded = self.unbounded();
        for (name, variants) in &self.edges {
            if !unbounded.contains(name) {
                continue;
            }
            for (i, refs) in variants.iter().enumerate() {
                if let Some(next) = refs.iter().find(|r| unbounded.contains(*r)) {
                    let why = format!("variant {i} can recurse without bound (through `{next}`)");
                    self.found.push(Finding {
                        symbol: name.to_string(),
                        message: why,
                    });
                }
            }
        }
    }

    fn unbounded(&self) -> BTreeSet<&'g str> {
        let mut waiting: BTreeMap<&str, usize> = BTreeMap::new();
        let mut users: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (&name, variants) in &self.edges {
            let refs: BTreeSet<&str> = variants.iter().flatten().copied().collect();
            waiting.insert(name, refs.len());
            for r in refs {
                users.entry(r).or_default().push(name);
            }
        }
        let mut ready: VecDeque<&str> = waiting
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(s, _)| *s)
            .collect();
        while let Some(done) = ready.pop_front() {
            for user in users.get(done).into_iter().flatten() {
                if let Some(n) = waiting.get_mut(user) {
                    *n -= 1;
                    if *n == 0 {
                        ready.push_back(user);
                    }
                }
            }
        }
        self.edges
            .keys()
            .filter(|k| waiting.get(*k).is_some_and(|n| *n > 0))
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::grammar;
    use super::*;

    fn messages(g: &Grammar, beats: &[&str]) -> Vec<String> {
        g.lint(beats).iter().map(ToString::to_string).collect()
    }

    fn has(found: &[String], symbol: &str, part: &str) -> bool {
        found
            .iter()
            .any(|f| f.starts_with(&format!("{symbol}: ")) && f.contains(part))
    }

    #[test]
    fn a_clean_grammar_has_no_findings() {
        let g = grammar(&[
            (
                "born.chronicle",
                &[("{name} in {zone}, #sky.a#", &[]), ("x", &["tone:hostile"])],
            ),
            (
                "born.gossip",
                &[
                    ("they say", &["arch:merchant", "realm:narrative", "tag:x"]),
                    ("y", &[]),
                ],
            ),
            ("sky", &[("owl", &[])]),
        ]);
        assert_eq!(messages(&g, &["born"]), Vec::<String>::new());
    }

    #[test]
    fn each_kind_of_mistake_is_found() {
        let g = grammar(&[
            (
                "born.chronicle",
                &[("#nowhere# {stranger} {name", &["mood:sad", "tone:grumpy"])],
            ),
            ("loop", &[("#loop#", &[])]),
            ("lead", &[("#loop#", &[]), ("fine", &[])]),
            ("a", &[("#b#", &[])]),
            ("b", &[("#a#", &[])]),
            ("only_tagged", &[("x", &["tone:hostile"])]),
        ]);
        let found = messages(&g, &["born", "died"]);
        let expect = [
            ("born.chronicle", "`#nowhere#` names no symbol"),
            ("born.chronicle", "unknown slot `{stranger}`"),
            ("born.chronicle", "no closing mark"),
            ("born.chronicle", "tag `mood:sad` has an unknown prefix"),
            ("born.chronicle", "tag `tone:grumpy` names no tone"),
            ("died.chronicle", "beat `died` has no chronicle symbol"),
            ("lead", "unused"),
            ("only_tagged", "unused"),
            ("only_tagged", "every variant is tagged"),
            (
                "loop",
                "variant 0 can recurse without bound (through `loop`)",
            ),
            (
                "lead",
                "variant 0 can recurse without bound (through `loop`)",
            ),
            ("a", "variant 0 can recurse without bound (through `b`)"),
            ("b", "variant 0 can recurse without bound (through `a`)"),
        ];
        for (symbol, part) in expect {
            assert!(has(&found, symbol, part), "{symbol}: {part}\n{found:#?}");
        }
        assert!(!has(&found, "lead", "variant 1"), "{found:#?}");
        assert!(
            !has(&found, "loop", "unused"),
            "referenced by itself and lead"
        );
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(found, sorted, "findings come sorted");
    }

    #[test]
    fn a_long_chain_is_bounded() {
        // Deep but finite: nothing on it is a cycle.
        let symbols: BTreeMap<String, Vec<Variant>> = (0..3000)
            .map(|i| {
                (
                    format!("s{i}"),
                    vec![Variant::plain(&format!("#s{}#", i + 1))],
                )
            })
            .chain([("s3000".to_string(), vec![Variant::plain("end")])])
            .collect();
        let g = Grammar::from_symbols(symbols).expect("valid");
        let found = messages(&g, &[]);
        assert!(!found.iter().any(|f| f.contains("recurse")), "{found:?}");
        assert_eq!(
            found,
            vec!["s0: unused: no variant references it and it tells no beat"]
        );
    }
}
