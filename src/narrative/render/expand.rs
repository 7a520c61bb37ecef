//! The engine: a beat told in a register becomes text by expanding its
//! symbol. Choices are counter hashes of (run seed, beat seq, symbol,
//! depth, position), never a generator's state, so a telling renders the
//! same bytes whenever it is rendered again. The one memory a [`Renderer`]
//! keeps is, per (agent, symbol), the variant used last, so one life never
//! hears the same line twice in a row; its output is therefore a pure
//! function of the grammar and the sequence of tellings given to it (tell a
//! life in order from a fresh renderer to get its story back to the byte).
//! Depth, output length and work are capped: no input makes it panic,
//! overflow the stack or run long.

use std::collections::BTreeMap;

use thiserror::Error;

use super::grammar::{Grammar, Variant};
use super::syntax::{self, Piece, Ref};
use super::voice::Register;
use crate::core::rng::mix64;

/// Deepest nesting of symbols (the beat's own symbol is depth 1).
pub const MAX_DEPTH: usize = 8;
/// Longest text a telling renders, in bytes.
pub const MAX_OUTPUT: usize = 600;
/// Most symbol expansions in one telling: bounds the work that references
/// to empty symbols would do without ever growing the output.
pub const MAX_STEPS: usize = 512;
/// Most (agent, symbol) pairs remembered; when full the memory starts
/// over, which is as deterministic as anything else here.
pub const MAX_MEMORY: usize = 1 << 18;

/// Why a telling has no text.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RenderError {
    #[error("unknown symbol `{0}`")]
    UnknownSymbol(String),
    #[error("slot `{{{0}}}` was not given")]
    UnresolvedSlot(String),
    #[error("symbols nest deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("text over {MAX_OUTPUT} bytes (or over {MAX_STEPS} expansions)")]
    TooLong,
    #[error("a `#` or `{{` has no closing mark")]
    Unterminated,
}

/// One beat to tell, with everything its text may depend on.
#[derive(Clone, Copy, Debug)]
pub struct Telling<'a> {
    /// The run seed.
    pub seed: u64,
    /// The beat event's seq.
    pub seq: u64,
    /// Whose life.
    pub agent: u64,
    /// The beat's rule name.
    pub beat: &'a str,
    pub register: Register,
    /// Context tags a variant's tags must all be among, e.g. `tone:friendly`.
    pub tags: &'a [String],
    /// Slot values by name (`name`, `other`, `zone`, `age`, ...).
    pub slots: &'a BTreeMap<&'a str, String>,
}

/// Renders tellings from one grammar, remembering each agent's last
/// variant per symbol.
#[derive(Clone, Debug)]
pub struct Renderer {
    /// The grammar's symbols in name order (binary searched), with the
    /// hash of each name.
    symbols: Vec<(String, u64, Vec<Variant>)>,
    /// (agent, symbol index) → the variant index told last.
    last: BTreeMap<(u64, u32), u8>,
}

impl Renderer {
    pub fn new(grammar: Grammar) -> Self {
        let symbols = grammar
            .symbols()
            .iter()
            .map(|(name, v)| (name.clone(), hash_str(name), v.clone()))
            .collect();
        Renderer {
            symbols,
            last: BTreeMap::new(),
        }
    }

    /// The text of `t`. On an error nothing is remembered, so a failed
    /// telling does not change what later ones say.
    pub fn render(&mut self, t: &Telling) -> Result<String, RenderError> {
        let top = self.beat_symbol(t.beat, t.register)?;
        let mut run = Run {
            renderer: self,
            t,
            out: String::new(),
            steps: 0,
            chosen: BTreeMap::new(),
        };
        run.symbol(top, 1)?;
        let (out, chosen) = (run.out, run.chosen);
        self.remember(t.agent, chosen);
        Ok(out)
    }

    /// `B.R`, or `B.chronicle` when the grammar has no `B.R`.
    fn beat_symbol(&self, beat: &str, register: Register) -> Result<u32, RenderError> {
        let chronicle = Register::Chronicle.symbol(beat);
        self.find(&register.symbol(beat))
            .or_else(|| self.find(&chronicle))
            .ok_or(RenderError::UnknownSymbol(chronicle))
    }

    fn find(&self, name: &str) -> Option<u32> {
        let i = self
            .symbols
            .binary_search_by(|(n, _, _)| n.as_str().cmp(name))
            .ok()?;
        // At most MAX_SYMBOLS (4096) symbols: an index always fits.
        Some(i as u32)
    }

    fn remember(&mut self, agent: u64, chosen: BTreeMap<u32, u8>) {
        for (symbol, variant) in chosen {
            let key = (agent, symbol);
            if self.last.len() >= MAX_MEMORY && !self.last.contains_key(&key) {
                self.last.clear();
            }
            self.last.insert(key, variant);
        }
    }
}

/// One telling in progress.
struct Run<'r, 'a> {
    renderer: &'r Renderer,
    t: &'r Telling<'a>,
    out: String,
    /// Symbols expanded so far: the position half of each choice's salt.
    steps: usize,
    /// Variants chosen in this telling, by symbol; kept apart until it
    /// succeeds.
    chosen: BTreeMap<u32, u8>,
}

impl<'r> Run<'r, '_> {
    fn symbol(&mut self, index: u32, depth: usize) -> Result<(), RenderError> {
        if depth > MAX_DEPTH {
            return Err(RenderError::TooDeep);
        }
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(RenderError::TooLong);
        }
        let renderer = self.renderer;
        let (_, _, variants) = &renderer.symbols[index as usize];
        let pick = self.choose(index, depth);
        self.text(&variants[pick].text, depth)
    }

    fn text(&mut self, text: &'r str, depth: usize) -> Result<(), RenderError> {
        for piece in syntax::pieces(text) {
            let start = self.out.len();
            match piece.map_err(|_| RenderError::Unterminated)? {
                Piece::Text(s) => self.push(s)?,
                Piece::Symbol(r) => {
                    let index = self.renderer.find(r.name);
                    let index = index.ok_or_else(|| RenderError::UnknownSymbol(r.name.into()))?;
                    self.symbol(index, depth + 1)?;
                    self.modify(r, start)?;
                }
                Piece::Slot(r) => {
                    let value = self.t.slots.get(r.name);
                    let value = value.ok_or_else(|| RenderError::UnresolvedSlot(r.name.into()))?;
                    self.push(value)?;
                    self.modify(r, start)?;
                }
            }
        }
        Ok(())
    }

    fn push(&mut self, s: &str) -> Result<(), RenderError> {
        // Checked before copying, so a long slot value never lands.
        if self.out.len() + s.len() > MAX_OUTPUT {
            return Err(RenderError::TooLong);
        }
        self.out.push_str(s);
        Ok(())
    }

    fn modify(&mut self, r: Ref, start: usize) -> Result<(), RenderError> {
        for m in r.modifiers() {
            syntax::apply(m, &mut self.out, start);
        }
        if self.out.len() > MAX_OUTPUT {
            return Err(RenderError::TooLong);
        }
        Ok(())
    }

    /// The variant of symbol `index` told here: a hash of the seed, the
    /// beat's seq and a salt of the symbol's name, depth and position,
    /// among the variants that fit; never the one this agent heard last
    /// when another fits.
    fn choose(&mut self, index: u32, depth: usize) -> usize {
        let renderer = self.renderer;
        let (_, name_hash, variants) = &renderer.symbols[index as usize];
        let fitting = fitting(variants, self.t.tags);
        let position = mix64(((depth as u64) << 32) | self.steps as u64);
        let salt = name_hash ^ position;
        let hash = mix64(self.t.seed ^ mix64(self.t.seq) ^ mix64(salt));
        let mut pick = (hash % fitting.len() as u64) as usize;
        let last = self.chosen.get(&index).copied().or_else(|| {
            let key = (self.t.agent, index);
            renderer.last.get(&key).copied()
        });
        if fitting.len() > 1 && last == Some(fitting[pick]) {
            pick = (pick + 1) % fitting.len();
        }
        self.chosen.insert(index, fitting[pick]);
        usize::from(fitting[pick])
    }
}

/// Indexes of the variants whose tags are all among `tags` (an untagged
/// one always fits). A symbol with only tagged variants, none of which
/// fits, offers them all rather than no text (the linter flags it).
fn fitting(variants: &[Variant], tags: &[String]) -> Vec<u8> {
    // At most MAX_VARIANTS (64) variants: an index always fits in a u8.
    let fits = |v: &Variant| v.tags.iter().all(|tag| tags.contains(tag));
    let chosen: Vec<u8> = (0..variants.len())
        .filter(|&i| fits(&variants[i]))
        .map(|i| i as u8)
        .collect();
    if chosen.is_empty() {
        (0..variants.len() as u8).collect()
    } else {
        chosen
    }
}

/// A symbol name's hash: every byte and the length folded through mix64.
pub fn hash_str(s: &str) -> u64 {
    s.bytes()
        .fold(mix64(s.len() as u64), |h, b| mix64(h ^ u64::from(b)))
}
