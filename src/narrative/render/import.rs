//! The original prototype's template packs, imported as a grammar: each
//! JSON template (`{{slot}}` text with required slots and tags) becomes a
//! variant of the symbol named by its intent. The pack is refused, naming
//! the template, when its slots and its `required_slots` disagree or when
//! it holds what the grammar cannot say (a `#` or a lone brace); input is
//! bounded before and while it is read, so a huge pack costs nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, Error as _, SeqAccess, Visitor};
use thiserror::Error;

use super::grammar::{Grammar, GrammarError, MAX_NAME, MAX_VARIANTS, Variant};
use super::voice::Tone;

/// Most templates in a pack.
pub const MAX_TEMPLATES: usize = 10_000;
/// Longest template text, in bytes.
pub const MAX_TEMPLATE: usize = 1024;
/// Largest pack, in bytes (room for every template with its fields).
pub const MAX_INPUT: usize = 16 << 20;

/// Why a pack was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ImportError {
    #[error("{line}:{col}: {message}")]
    Json {
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{len} bytes; at most {MAX_INPUT}")]
    TooLarge { len: usize },
    #[error("template {index} `{id}`: {message}")]
    Template {
        index: usize,
        id: String,
        message: String,
    },
    #[error(transparent)]
    Grammar(#[from] GrammarError),
}

/// One prototype template; fields it does not know are ignored.
#[derive(Deserialize)]
struct Template {
    id: String,
    template: String,
    #[serde(default)]
    intent: Option<String>,
    #[serde(default)]
    required_slots: Option<Vec<String>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    tone: Option<String>,
}

/// `{"templates": [...]}`.
#[derive(Deserialize)]
struct Pack {
    templates: Templates,
}

/// A list of templates that stops reading past [`MAX_TEMPLATES`].
struct Templates(Vec<Template>);

impl<'de> Deserialize<'de> for Templates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(Bounded)
    }
}

struct Bounded;

impl<'de> Visitor<'de> for Bounded {
    type Value = Templates;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of at most {MAX_TEMPLATES} templates")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Templates, A::Error> {
        let mut out = Vec::new();
        while let Some(t) = seq.next_element::<Template>()? {
            if out.len() == MAX_TEMPLATES {
                return Err(A::Error::custom(format!(
                    "more than {MAX_TEMPLATES} templates"
                )));
            }
            out.push(t);
        }
        Ok(Templates(out))
    }
}

/// A prototype pack (`{"templates": [...]}` or a bare list) as a grammar.
pub fn import_prototype(json: &str) -> Result<Grammar, ImportError> {
    if json.len() > MAX_INPUT {
        return Err(ImportError::TooLarge { len: json.len() });
    }
    let templates = read(json)?;
    let mut symbols: BTreeMap<String, Vec<Variant>> = BTreeMap::new();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, t) in templates.iter().enumerate() {
        let refuse = |message: String| ImportError::Template {
            index,
            id: t.id.chars().take(80).collect(),
            message,
        };
        if let Some(first) = ids.insert(&t.id, index) {
            return Err(refuse(format!("the id of template {first} again")));
        }
        let variants = symbols
            .entry(sanitise(t.intent.as_deref(), "misc"))
            .or_default();
        if variants.len() == MAX_VARIANTS {
            return Err(refuse(format!(
                "its intent has more than {MAX_VARIANTS} templates"
            )));
        }
        variants.push(variant(t).map_err(refuse)?);
    }
    Ok(Grammar::from_symbols(symbols)?)
}

/// The templates, whichever of the two shapes the pack has; a position
/// for every error, shape errors included.
fn read(json: &str) -> Result<Vec<Template>, ImportError> {
    let bare = json.trim_start().starts_with('[');
    let read = if bare {
        serde_json::from_str::<Templates>(json)
    } else {
        serde_json::from_str::<Pack>(json).map(|p| p.templates)
    };
    read.map(|t| t.0).map_err(|e| {
        let at = format!(" at line {} column {}", e.line(), e.column());
        let message = e.to_string();
        ImportError::Json {
            line: e.line(),
            col: e.column(),
            message: message.strip_suffix(&at).unwrap_or(&message).to_string(),
        }
    })
}

fn variant(t: &Template) -> Result<Variant, String> {
    if t.template.len() > MAX_TEMPLATE {
        let len = t.template.len();
        return Err(format!("{len} bytes of text; at most {MAX_TEMPLATE}"));
    }
    let (text, used) = convert(&t.template)?;
    if let Some(required) = &t.required_slots {
        check_slots(&used, required)?;
    }
    let mut tags: Vec<String> = Vec::new();
    for tag in t.tags.iter().flatten().chain(&t.tone) {
        let tag = tag_of(tag);
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Ok(Variant { text, tags })
}

/// `{{slot}}` → `{slot}`, and the slots used. What the grammar would read
/// as syntax (`#`, a lone `{`) is refused: it has no escape.
fn convert(template: &str) -> Result<(String, BTreeSet<String>), String> {
    let mut text = String::with_capacity(template.len());
    let mut used = BTreeSet::new();
    let mut rest = template;
    loop {
        let open = rest.find("{{").unwrap_or(rest.len());
        let literal = &rest[..open];
        if let Some(c) = literal.chars().find(|c| matches!(c, '#' | '{')) {
            return Err(format!(
                "`{c}` would be grammar syntax, which has no escape"
            ));
        }
        text.push_str(literal);
        if open == rest.len() {
            return Ok((text, used));
        }
        let after = &rest[open + 2..];
        let close = after.find("}}").ok_or("a `{{` has no closing `}}`")?;
        let slot = after[..close].trim();
        if slot.is_empty() || slot.len() > MAX_NAME || !slot.chars().all(is_name_char) {
            return Err(format!(
                "slot `{{{{{slot}}}}}` is not 1 to 64 of a-z, 0-9, _"
            ));
        }
        text.push_str(&format!("{{{slot}}}"));
        used.insert(slot.to_string());
        rest = &after[close + 2..];
    }
}

fn check_slots(used: &BTreeSet<String>, required: &[String]) -> Result<(), String> {
    if let Some(extra) = used.iter().find(|s| !required.contains(s)) {
        return Err(format!("slot `{extra}` is used but not in required_slots"));
    }
    if let Some(unused) = required.iter().find(|s| !used.contains(*s)) {
        return Err(format!("required slot `{unused}` is never used"));
    }
    Ok(())
}

/// A tone's name becomes `tone:<name>`, anything else `tag:<name>`.
fn tag_of(tag: &str) -> String {
    let tag = tag.trim().to_ascii_lowercase();
    match Tone::named(&tag) {
        Some(tone) => tone.tag(),
        None => format!("tag:{}", sanitise(Some(&tag), "untitled")),
    }
}

/// `[a-z0-9_]`, at most 64 bytes, `fallback` when nothing is left.
fn sanitise(name: Option<&str>, fallback: &str) -> String {
    let mut out: String = name
        .unwrap_or_default()
        .trim()
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if is_name_char(c) { c } else { '_' })
        .take(MAX_NAME)
        .collect();
    if out.trim_matches('_').is_empty() {
        out = fallback.to_string();
    }
    out
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"{
      "name": "tavern pack",
      "templates": [
        {"id": "greet_friendly", "intent": "greeting",
         "template": "Well met, {{player_name}}! The {{location}} is quiet today.",
         "required_slots": ["player_name", "location"], "tags": ["friendly", "tavern"]},
        {"id": "greet_cold", "intent": "greeting", "template": "What do you want, {{ player_name }}?",
         "tone": "hostile", "priority": 3},
        {"id": "weather", "template": "Rain again."}
      ]
    }"#;

    fn template_error(json: &str) -> (usize, String, String) {
        match import_prototype(json) {
            Err(ImportError::Template { index, id, message }) => (index, id, message),
            other => panic!("expected a template error, got {other:?}"),
        }
    }

    #[test]
    fn a_pack_converts() {
        let g = import_prototype(PACK).expect("imports");
        let greeting = g.get("greeting").expect("greeting");
        assert_eq!(
            greeting[0].text,
            "Well met, {player_name}! The {location} is quiet today."
        );
        assert_eq!(greeting[0].tags, ["tone:friendly", "tag:tavern"]);
        assert_eq!(greeting[1].text, "What do you want, {player_name}?");
        assert_eq!(greeting[1].tags, ["tone:hostile"]);
        assert_eq!(g.get("misc").expect("misc")[0].text, "Rain again.");
        let bare = PACK
            .find('[')
            .zip(PACK.rfind(']'))
            .map(|(a, b)| &PACK[a..=b]);
        assert_eq!(import_prototype(bare.expect("the list")), Ok(g));
    }

    #[test]
    fn intents_become_symbol_names() {
        let json = r#"[{"id": "a", "intent": "Say Hello!", "template": "hi"},
                       {"id": "b", "intent": "???", "template": "hm"}]"#;
        let g = import_prototype(json).expect("imports");
        let names: Vec<&String> = g.symbols().keys().collect();
        assert_eq!(names, ["misc", "say_hello_"]);
    }

    #[test]
    fn slot_mismatches_name_the_template() {
        let unlisted = r#"[{"id": "ok", "template": "x"},
            {"id": "greet", "template": "Hi {{name}} of {{zone}}", "required_slots": ["name"]}]"#;
        let (index, id, message) = template_error(unlisted);
        assert_eq!((index, id.as_str()), (1, "greet"));
        assert!(
            message.contains("`zone` is used but not in required_slots"),
            "{message}"
        );
        let unused = r#"[{"id": "bye", "template": "Bye", "required_slots": ["name"]}]"#;
        let (_, id, message) = template_error(unused);
        assert_eq!(id, "bye");
        assert!(
            message.contains("required slot `name` is never used"),
            "{message}"
        );
        let shown = import_prototype(unused).expect_err("unused").to_string();
        assert!(shown.starts_with("template 0 `bye`:"), "{shown}");
    }

    #[test]
    fn what_the_grammar_cannot_say_is_refused() {
        for (template, part) in [
            ("You are #1!", "`#`"),
            ("a {b} c", "`{`"),
            ("Hi {{name", "no closing"),
            ("Hi {{first name}}", "is not 1 to 64"),
        ] {
            let json = format!(r#"[{{"id": "t", "template": {template:?}}}]"#);
            let (_, id, message) = template_error(&json);
            assert_eq!(id, "t");
            assert!(message.contains(part), "{template}: {message}");
        }
        let twice = r#"[{"id": "t", "template": "a"}, {"id": "t", "template": "b"}]"#;
        assert!(template_error(twice).2.contains("template 0 again"));
    }

    #[test]
    fn malformed_json_says_where() {
        let json = "{\"templates\": [\n  {\"id\": \"a\", \"template\": \"x\"},\n  {\"id\": 3}\n]}";
        match import_prototype(json) {
            Err(ImportError::Json { line, col, message }) => {
                assert_eq!(line, 3, "{message}");
                assert!(col > 0);
                assert!(!message.contains("at line"), "{message}");
            }
            other => panic!("expected a JSON error, got {other:?}"),
        }
        let missing = import_prototype(r#"[{"id": "a"}]"#).expect_err("no template");
        assert!(missing.to_string().contains("template"), "{missing}");
        assert!(matches!(
            import_prototype("[1,"),
            Err(ImportError::Json { line: 1, .. })
        ));
    }

    #[test]
    fn unbounded_input_is_refused() {
        let one = r#"{"id": "t", "template": "x"}"#;
        let many = format!("[{}]", vec![one; MAX_TEMPLATES + 1].join(","));
        let err = import_prototype(&many).expect_err("too many");
        assert!(
            err.to_string().contains("more than 10000 templates"),
            "{err}"
        );
        let long = format!(
            r#"[{{"id": "t", "template": "{}"}}]"#,
            "x".repeat(MAX_TEMPLATE + 1)
        );
        assert!(template_error(&long).2.contains("at most 1024"));
        let huge = " ".repeat(MAX_INPUT + 1);
        assert_eq!(
            import_prototype(&huge),
            Err(ImportError::TooLarge { len: MAX_INPUT + 1 })
        );
        let crowded: Vec<String> = (0..=MAX_VARIANTS)
            .map(|i| format!(r#"{{"id": "t{i}", "intent": "chat", "template": "x"}}"#))
            .collect();
        let (index, _, message) = template_error(&format!("[{}]", crowded.join(",")));
        assert_eq!(index, MAX_VARIANTS);
        assert!(message.contains("more than 64"), "{message}");
    }
}
