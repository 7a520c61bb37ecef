//! The renderer held to its promises: the shipped grammar tells every
//! beat in every register, choices are reproducible and vary by seq, tags
//! and the no-repeat rule pick as documented, every cap turns into an
//! error rather than a crash, and no generated text makes it panic.

use std::collections::BTreeMap;

use super::expand::{MAX_OUTPUT, RenderError, Renderer, Telling};
use super::grammar::{Grammar, Variant};
use super::voice::{Register, Tone};
use super::{BEATS_WITH_OTHER, SHIPPED_BEATS};
use crate::core::rng::mix64;

/// A symbol of a test grammar: its name and its variants' (text, tags).
pub(super) type Symbol<'s> = (&'s str, &'s [(&'s str, &'s [&'s str])]);

/// A grammar of test symbols.
pub(super) fn grammar(symbols: &[Symbol]) -> Grammar {
    let symbols = symbols
        .iter()
        .map(|(name, variants)| {
            let variants = variants
                .iter()
                .map(|(text, tags)| Variant {
                    text: text.to_string(),
                    tags: tags.iter().map(|t| t.to_string()).collect(),
                })
                .collect();
            (name.to_string(), variants)
        })
        .collect();
    Grammar::from_symbols(symbols).expect("a valid test grammar")
}

fn slots() -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("name", "Maren Ashford".to_string()),
        ("zone", "Dunmere".to_string()),
        ("age", "41".to_string()),
        ("kind", "villager".to_string()),
    ])
}

/// Renders `beat` (chronicle) for agent 1 with `tags`.
fn tell(r: &mut Renderer, seq: u64, beat: &str, tags: &[String]) -> Result<String, RenderError> {
    let slots = slots();
    let t = Telling {
        seed: 7,
        seq,
        agent: 1,
        beat,
        register: Register::Chronicle,
        tags,
        slots: &slots,
    };
    r.render(&t)
}

fn three() -> Grammar {
    grammar(&[("x.chronicle", &[("one", &[]), ("two", &[]), ("three", &[])])])
}

#[test]
fn the_shipped_grammar_lints_clean() {
    let findings = Grammar::shipped().lint(&SHIPPED_BEATS);
    let shown: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(findings.is_empty(), "{shown:#?}");
}

#[test]
fn the_shipped_grammar_tells_every_beat_with_the_slots_it_is_given() {
    let mut r = Renderer::new(Grammar::shipped());
    let mut told = 0;
    for (i, beat) in SHIPPED_BEATS.iter().enumerate() {
        let mut slots = slots();
        if BEATS_WITH_OTHER.contains(beat) {
            slots.insert("other", "Tobin Reedwell".to_string());
        }
        if *beat == "goal_lost" {
            slots.insert("goal", "the pilgrimage to Saltmere".to_string());
        }
        for (j, tone) in Tone::ALL.into_iter().enumerate() {
            for arch in ["villager", "merchant", "guard", "monster"] {
                let tags = [tone.tag(), format!("arch:{arch}"), "realm:narrative".into()];
                for register in Register::ALL {
                    let t = Telling {
                        seed: 11,
                        seq: (i * 100 + j) as u64,
                        agent: i as u64,
                        beat,
                        register,
                        tags: &tags,
                        slots: &slots,
                    };
                    let text = r
                        .render(&t)
                        .unwrap_or_else(|e| panic!("{beat} {register:?}: {e}"));
                    assert!(text.len() <= MAX_OUTPUT && !text.is_empty(), "{text}");
                    assert!(!text.contains(['#', '{', '}']), "{beat}: {text}");
                    told += 1;
                }
            }
        }
    }
    assert_eq!(told, SHIPPED_BEATS.len() * 5 * 4 * 4);
}

#[test]
fn the_same_telling_renders_the_same_bytes() {
    let g = Grammar::shipped();
    let tags = [Tone::Friendly.tag()];
    let first = tell(&mut Renderer::new(g.clone()), 99, "born", &tags).expect("born");
    let again = tell(&mut Renderer::new(g.clone()), 99, "born", &tags).expect("born");
    assert_eq!(first, again);
    // The same sequence of tellings, on two renderers, says the same.
    let (mut a, mut b) = (Renderer::new(g.clone()), Renderer::new(g));
    for seq in 0..40 {
        assert_eq!(
            tell(&mut a, seq, "born", &tags),
            tell(&mut b, seq, "born", &tags)
        );
    }
}

#[test]
fn different_seqs_choose_different_variants() {
    let g = three();
    let outputs: std::collections::BTreeSet<String> = (0..200)
        .map(|seq| tell(&mut Renderer::new(g.clone()), seq, "x", &[]).expect("x"))
        .collect();
    assert!(outputs.len() >= 2, "{outputs:?}");
    assert_eq!(outputs.len(), 3, "all three variants come up: {outputs:?}");
}

#[test]
fn a_tagged_variant_needs_every_tag() {
    let g = grammar(&[(
        "x.chronicle",
        &[
            ("plain", &[]),
            ("also plain", &[]),
            ("HOSTILE", &["tone:hostile"]),
            ("GRUMPY GUARD", &["tone:hostile", "arch:guard"]),
        ],
    )]);
    let chosen = |tags: &[String]| -> Vec<String> {
        (0..200)
            .map(|seq| tell(&mut Renderer::new(g.clone()), seq, "x", tags).expect("x"))
            .collect()
    };
    let none = chosen(&[]);
    assert!(none.iter().all(|t| t.contains("plain")), "{none:?}");
    let hostile = chosen(&[Tone::Hostile.tag()]);
    assert!(hostile.iter().any(|t| t == "HOSTILE"));
    assert!(!hostile.iter().any(|t| t.contains("GUARD")));
    let friendly = chosen(&[Tone::Friendly.tag(), "arch:guard".into()]);
    assert!(friendly.iter().all(|t| t.contains("plain")), "{friendly:?}");
    let both = chosen(&[Tone::Hostile.tag(), "arch:guard".into()]);
    assert!(both.iter().any(|t| t == "GRUMPY GUARD"));
}

#[test]
fn no_line_twice_in_a_row_for_one_agent() {
    for g in [
        three(),
        grammar(&[("x.chronicle", &[("one", &[]), ("two", &[])])]),
        Grammar::shipped(),
    ] {
        let beat = if g.get("x.chronicle").is_some() {
            "x"
        } else {
            "born"
        };
        let mut r = Renderer::new(g);
        let told: Vec<String> = (0..50)
            .map(|seq| tell(&mut r, seq, beat, &[]).expect("told"))
            .collect();
        for pair in told.windows(2) {
            assert_ne!(pair[0], pair[1], "{beat}: {told:#?}");
        }
    }
    // One fitting variant: it repeats, and that is not an error.
    let mut r = Renderer::new(grammar(&[("x.chronicle", &[("only", &[])])]));
    assert_eq!(tell(&mut r, 1, "x", &[]), tell(&mut r, 2, "x", &[]));
}

#[test]
fn a_failed_telling_is_not_remembered() {
    let g = grammar(&[
        ("x.chronicle", &[("one", &[]), ("two", &[])]),
        ("y.chronicle", &[("#x.chronicle# {missing}", &[])]),
    ]);
    let mut a = Renderer::new(g.clone());
    let mut b = Renderer::new(g);
    assert!(tell(&mut a, 5, "y", &[]).is_err());
    assert_eq!(tell(&mut a, 6, "x", &[]), tell(&mut b, 6, "x", &[]));
}

#[test]
fn registers_fall_back_to_the_chronicle() {
    let g = grammar(&[
        ("x.chronicle", &[("plainly", &[])]),
        ("x.gossip", &[("they say", &[])]),
    ]);
    let mut r = Renderer::new(g);
    let slots = slots();
    let mut t = Telling {
        seed: 1,
        seq: 1,
        agent: 1,
        beat: "x",
        register: Register::Gossip,
        tags: &[],
        slots: &slots,
    };
    assert_eq!(r.render(&t).as_deref(), Ok("they say"));
    t.register = Register::Headline;
    assert_eq!(r.render(&t).as_deref(), Ok("plainly"));
    t.beat = "y";
    assert_eq!(
        r.render(&t),
        Err(RenderError::UnknownSymbol("y.chronicle".into()))
    );
}

#[test]
fn modifiers_on_symbols_and_slots() {
    let g = grammar(&[
        (
            "x.chronicle",
            &[(
                "#animal.a.capitalize# met {name.a}; {zone.capitalize}.",
                &[],
            )],
        ),
        ("animal", &[("owl", &[])]),
    ]);
    let mut slots = slots();
    slots.insert("zone", "dunmere".into());
    let t = Telling {
        seed: 1,
        seq: 1,
        agent: 1,
        beat: "x",
        register: Register::Chronicle,
        tags: &[],
        slots: &slots,
    };
    let text = Renderer::new(g).render(&t);
    assert_eq!(text.as_deref(), Ok("An owl met a Maren Ashford; Dunmere."));
}

#[test]
fn errors_name_what_is_missing() {
    let g = grammar(&[
        ("slot.chronicle", &[("{name} met {stranger}", &[])]),
        ("sym.chronicle", &[("#nowhere#", &[])]),
        ("hash.chronicle", &[("a # b", &[])]),
        ("brace.chronicle", &[("a {name", &[])]),
    ]);
    let mut r = Renderer::new(g);
    let err = |r: &mut Renderer, beat| tell(r, 1, beat, &[]).expect_err(beat);
    assert_eq!(
        err(&mut r, "slot"),
        RenderError::UnresolvedSlot("stranger".into())
    );
    assert!(err(&mut r, "slot").to_string().contains("stranger"));
    assert_eq!(
        err(&mut r, "sym"),
        RenderError::UnknownSymbol("nowhere".into())
    );
    assert_eq!(err(&mut r, "hash"), RenderError::Unterminated);
    assert_eq!(err(&mut r, "brace"), RenderError::Unterminated);
}

#[test]
fn depth_is_capped() {
    let g = grammar(&[
        ("self.chronicle", &[("again #self.chronicle#", &[])]),
        ("ping.chronicle", &[("#pong#", &[])]),
        ("pong", &[("#ping.chronicle#", &[])]),
    ]);
    let mut r = Renderer::new(g);
    assert_eq!(tell(&mut r, 1, "self", &[]), Err(RenderError::TooDeep));
    assert_eq!(tell(&mut r, 1, "ping", &[]), Err(RenderError::TooDeep));
    // A chain of exactly eight symbols is fine; nine is too deep.
    let chain = |n: usize| {
        let mut symbols: BTreeMap<String, Vec<Variant>> = (1..n)
            .map(|i| {
                (
                    format!("s{i}"),
                    vec![Variant::plain(&format!("#s{}#", i + 1))],
                )
            })
            .collect();
        symbols.insert(format!("s{n}"), vec![Variant::plain("end")]);
        symbols.insert("c.chronicle".into(), vec![Variant::plain("#s1#")]);
        Renderer::new(Grammar::from_symbols(symbols).expect("chain"))
    };
    assert_eq!(tell(&mut chain(7), 1, "c", &[]).as_deref(), Ok("end"));
    assert_eq!(tell(&mut chain(8), 1, "c", &[]), Err(RenderError::TooDeep));
}

#[test]
fn length_and_work_are_capped() {
    let long = "x".repeat(MAX_OUTPUT + 1);
    let g = grammar(&[
        ("long.chronicle", &[(&long, &[])]),
        ("twice.chronicle", &[("#half##half#", &[])]),
        ("half", &[(&"y".repeat(MAX_OUTPUT / 2 + 1), &[])]),
        ("fits.chronicle", &[(&"z".repeat(MAX_OUTPUT), &[])]),
    ]);
    let mut r = Renderer::new(g);
    assert_eq!(tell(&mut r, 1, "long", &[]), Err(RenderError::TooLong));
    assert_eq!(tell(&mut r, 1, "twice", &[]), Err(RenderError::TooLong));
    assert_eq!(
        tell(&mut r, 1, "fits", &[]).map(|t| t.len()),
        Ok(MAX_OUTPUT)
    );
    // Four references per level, six levels, all empty: 4^6 expansions
    // that never grow the text stop at the work cap.
    let mut symbols: BTreeMap<String, Vec<Variant>> = (1..7)
        .map(|i| {
            (
                format!("e{i}"),
                vec![Variant::plain(&format!("#e{0}##e{0}##e{0}##e{0}#", i + 1))],
            )
        })
        .collect();
    symbols.insert("e7".into(), vec![Variant::plain("")]);
    symbols.insert("e.chronicle".into(), vec![Variant::plain("#e1#")]);
    let mut r = Renderer::new(Grammar::from_symbols(symbols).expect("fan"));
    assert_eq!(tell(&mut r, 1, "e", &[]), Err(RenderError::TooLong));
}

/// Text over `#{}.a-z ` from a mix64 stream.
fn generated(seed: u64, len: usize) -> String {
    const CHARS: &[u8] = b"#{}. abcnamezo#{}.";
    (0..len as u64)
        .map(|i| CHARS[(mix64(seed ^ mix64(i)) % CHARS.len() as u64) as usize] as char)
        .collect()
}

#[test]
fn generated_text_never_panics() {
    let mut ok = 0;
    for case in 0..1000u64 {
        let texts: Vec<Variant> = (0..3)
            .map(|v| Variant::plain(&generated(case * 3 + v, (mix64(case ^ v) % 40) as usize)))
            .collect();
        let mut symbols = BTreeMap::from([("x.chronicle".to_string(), texts.clone())]);
        for name in ["a", "b", "ab", "name", "zone"] {
            symbols.insert(name.to_string(), texts.clone());
        }
        let g = Grammar::from_symbols(symbols).expect("names are valid");
        let _ = g.lint(&["x"]);
        let mut r = Renderer::new(g);
        for seq in 0..3 {
            ok += usize::from(tell(&mut r, seq, "x", &[]).is_ok());
        }
        let _ = Grammar::parse(&generated(case, 60));
    }
    // Some render and some fail; both paths ran.
    assert!(ok > 0 && ok < 3000, "{ok}");
}
