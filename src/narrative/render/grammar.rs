//! The grammar as data: symbols, each a list of variant texts with tags,
//! read from RON (`assets/narrative/grammar.ron` is compiled in). Every way
//! of building a [`Grammar`] goes through [`Grammar::from_symbols`], which
//! enforces the limits, so the renderer and the linter can rely on them
//! (bounded names, variant counts and text lengths) without checking again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::syntax::MODIFIERS;

/// The grammar seedsim ships.
pub const SHIPPED: &str = include_str!("../../../assets/narrative/grammar.ron");

/// Most symbols in a grammar.
pub const MAX_SYMBOLS: usize = 4096;
/// Most variants of one symbol.
pub const MAX_VARIANTS: usize = 64;
/// Longest variant text, in bytes.
pub const MAX_TEXT: usize = 1024;
/// Longest symbol name, in bytes.
pub const MAX_NAME: usize = 64;

/// One way to say a symbol. `tags` restrict it to contexts that carry all
/// of them; an untagged variant fits every context.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl Variant {
    /// An untagged variant.
    pub fn plain(text: &str) -> Variant {
        Variant {
            text: text.to_string(),
            tags: Vec::new(),
        }
    }
}

/// Symbols by name, in name order (a `BTreeMap`, so every walk over a
/// grammar visits symbols in the same order on every machine).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename = "Grammar")]
pub struct Grammar {
    symbols: BTreeMap<String, Vec<Variant>>,
}

/// The file's shape; [`Grammar`] itself is only built through the checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Grammar")]
struct GrammarFile {
    symbols: BTreeMap<String, Vec<Variant>>,
}

/// Why a grammar was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum GrammarError {
    #[error("{line}:{col}: {message}")]
    Syntax {
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{count} symbols; at most {MAX_SYMBOLS}")]
    TooManySymbols { count: usize },
    #[error("symbol `{symbol}`: {count} variants; at most {MAX_VARIANTS}")]
    TooManyVariants { symbol: String, count: usize },
    #[error("symbol `{symbol}` has no variants")]
    NoVariants { symbol: String },
    #[error("symbol `{symbol}`, variant {index}: {len} bytes; at most {MAX_TEXT}")]
    TextTooLong {
        symbol: String,
        index: usize,
        len: usize,
    },
    #[error("symbol name `{name}`: {why}")]
    BadName { name: String, why: &'static str },
}

impl Grammar {
    /// The grammar seedsim ships.
    pub fn shipped() -> Grammar {
        // Compiled in and checked by a test: it always parses.
        Grammar::parse(SHIPPED).unwrap_or_default()
    }

    /// Reads a grammar from RON text; a syntax error says where (line:col).
    pub fn parse(text: &str) -> Result<Grammar, GrammarError> {
        let file: GrammarFile = ron::from_str(text).map_err(|e| GrammarError::Syntax {
            line: e.span.start.line,
            col: e.span.start.col,
            message: e.code.to_string(),
        })?;
        Grammar::from_symbols(file.symbols)
    }

    /// A grammar from symbols built in code, held to the same limits as a
    /// parsed one.
    pub fn from_symbols(symbols: BTreeMap<String, Vec<Variant>>) -> Result<Grammar, GrammarError> {
        if symbols.len() > MAX_SYMBOLS {
            return Err(GrammarError::TooManySymbols {
                count: symbols.len(),
            });
        }
        for (name, variants) in &symbols {
            check_name(name)?;
            check_variants(name, variants)?;
        }
        Ok(Grammar { symbols })
    }

    /// Every symbol, in name order.
    pub fn symbols(&self) -> &BTreeMap<String, Vec<Variant>> {
        &self.symbols
    }

    /// One symbol's variants.
    pub fn get(&self, name: &str) -> Option<&[Variant]> {
        self.symbols.get(name).map(Vec::as_slice)
    }

    /// The grammar as RON text that [`Grammar::parse`] reads back.
    pub fn to_ron(&self) -> String {
        let pretty = ron::ser::PrettyConfig::default().struct_names(true);
        // Strings and lists only: serialising them cannot fail.
        ron::ser::to_string_pretty(self, pretty).unwrap_or_default()
    }
}

fn check_variants(name: &str, variants: &[Variant]) -> Result<(), GrammarError> {
    if variants.is_empty() {
        // A symbol nothing can be chosen from would only fail at render time.
        return Err(GrammarError::NoVariants {
            symbol: name.to_string(),
        });
    }
    if variants.len() > MAX_VARIANTS {
        return Err(GrammarError::TooManyVariants {
            symbol: name.to_string(),
            count: variants.len(),
        });
    }
    match variants.iter().position(|v| v.text.len() > MAX_TEXT) {
        Some(index) => Err(GrammarError::TextTooLong {
            symbol: name.to_string(),
            index,
            len: variants[index].text.len(),
        }),
        None => Ok(()),
    }
}

/// Names are `[a-z0-9_.]{1,64}`, and a dotted name may not end in a
/// modifier's name: `#x.a#` must mean "x with the article", never a symbol
/// called `x.a`.
pub fn check_name(name: &str) -> Result<(), GrammarError> {
    let bad = |why| {
        Err(GrammarError::BadName {
            name: name.chars().take(MAX_NAME + 8).collect(),
            why,
        })
    };
    if name.is_empty() || name.len() > MAX_NAME {
        return bad("must be 1 to 64 bytes");
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.';
    if !name.chars().all(allowed) {
        return bad("only a-z, 0-9, `_` and `.` are allowed");
    }
    if name.split('.').any(str::is_empty) {
        return bad("empty segment between dots");
    }
    match name.rsplit_once('.') {
        Some((_, last)) if MODIFIERS.contains(&last) => bad("ends in a modifier's name"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str, texts: &[&str]) -> BTreeMap<String, Vec<Variant>> {
        let variants = texts.iter().map(|t| Variant::plain(t)).collect();
        BTreeMap::from([(name.to_string(), variants)])
    }

    #[test]
    fn the_shipped_grammar_parses() {
        let g = Grammar::parse(SHIPPED).expect("grammar.ron parses");
        assert!(g.get("born.chronicle").is_some_and(|v| v.len() >= 3));
        assert_eq!(Grammar::shipped(), g);
    }

    #[test]
    fn a_parse_error_says_where() {
        let text = "Grammar(\n  symbols: {\n    \"a\": [(text: \"x\", colour: 3)],\n  },\n)";
        match Grammar::parse(text) {
            Err(GrammarError::Syntax { line, col, message }) => {
                assert_eq!(line, 3, "{message}");
                assert!(col > 1, "{col}");
                assert!(message.contains("colour"), "{message}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        let shown = Grammar::parse("Grammar(symbols: {\"a\": [(text: 1)]})")
            .expect_err("a number is not text")
            .to_string();
        assert!(shown.starts_with("1:"), "{shown}");
    }

    #[test]
    fn tags_are_optional_and_round_trip() {
        let g = Grammar::parse(
            r#"Grammar(symbols: {"a": [(text: "x"), (text: "y", tags: ["tone:hostile"])]})"#,
        )
        .expect("parses");
        let a = g.get("a").expect("a");
        assert!(a[0].tags.is_empty());
        assert_eq!(a[1].tags, vec!["tone:hostile".to_string()]);
        assert_eq!(Grammar::parse(&g.to_ron()), Ok(g));
    }

    #[test]
    fn limits_are_enforced() {
        let long = "x".repeat(MAX_TEXT + 1);
        assert!(matches!(
            Grammar::from_symbols(one("a", &[&long])),
            Err(GrammarError::TextTooLong { index: 0, .. })
        ));
        let many = vec!["x"; MAX_VARIANTS + 1];
        assert!(matches!(
            Grammar::from_symbols(one("a", &many)),
            Err(GrammarError::TooManyVariants { count: 65, .. })
        ));
        assert!(matches!(
            Grammar::from_symbols(one("a", &[])),
            Err(GrammarError::NoVariants { .. })
        ));
        let symbols: BTreeMap<_, _> = (0..=MAX_SYMBOLS)
            .map(|i| (format!("s{i}"), vec![Variant::plain("x")]))
            .collect();
        assert!(matches!(
            Grammar::from_symbols(symbols),
            Err(GrammarError::TooManySymbols { count: 4097 })
        ));
    }

    #[test]
    fn names_are_checked() {
        for good in ["a", "born.chronicle", "x_1.y2", &"a".repeat(MAX_NAME)] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "A",
            "a b",
            "a..b",
            ".a",
            "b.",
            "x.a",
            "x.capitalize",
            "é",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name(&"a".repeat(MAX_NAME + 1)).is_err());
    }
}
