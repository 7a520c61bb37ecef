//! What makes a store prove its own completeness (format 2). Three links
//! bind everything in `events.db` to everything before it, so `verify`
//! alone catches an edit or a cut anywhere:
//!
//! - the **genesis** the event chain starts from is a hash of the run's
//!   metadata (format, version, scenario file and text, seed, ticks asked
//!   for): an edited seed or scenario breaks the first event's link;
//! - each tick's **link** hashes the link before it, the tick's place, its
//!   events' chain hash, its state hash and a digest of its inputs: an
//!   edited state hash or input breaks that tick's link and every later one;
//! - the **closing** record, written when a run finishes, hashes the last
//!   tick's link with the counts of ticks and events: ticks cut from the
//!   end of a finished run no longer match it.
//!
//! A killed run has no closing record; it verifies up to its last
//! committed tick. Without a secret nothing stops someone from rebuilding
//! every hash by hand: this catches damage and careless edits, not forgery.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::schema;

/// The metadata the genesis binds, in this order.
pub const BOUND_META: [&str; 7] = [
    "format",
    "seedsim_version",
    "scenario_file",
    "scenario_text",
    "seed",
    "ticks",
    "narrative_pack_sha256",
];

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// The genesis of a run with this metadata (`(key, value)` in
/// [`BOUND_META`] order).
pub fn genesis(meta: &[(&str, &str)]) -> [u8; 32] {
    let mut h = Sha256::new();
    field(&mut h, b"seedsim genesis");
    for (key, value) in meta {
        field(&mut h, key.as_bytes());
        field(&mut h, value.as_bytes());
    }
    h.finalize().into()
}

/// The genesis a stored run's chain starts from, as recorded when it was
/// written (`meta.genesis`); 32 zero bytes for format 1, which bound
/// nothing. A replay chains from it, so an edited scenario shows where it
/// changes the run; `verify` also checks it against the metadata
/// ([`metadata_genesis`]). Err says what is missing or malformed.
pub fn stored_genesis(conn: &Connection) -> rusqlite::Result<Result<[u8; 32], String>> {
    if schema::meta(conn, "format")?.as_deref() == Some(schema::FORMAT_1) {
        return Ok(Ok(crate::events::chain::GENESIS));
    }
    let Some(text) = schema::meta(conn, "genesis")? else {
        return Ok(Err("meta has no genesis".into()));
    };
    Ok(unhex(&text).ok_or_else(|| format!("meta.genesis is not a 32-byte hex hash: {text:?}")))
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

/// The genesis the stored metadata gives now (format 2). Err names a
/// missing key.
pub fn metadata_genesis(conn: &Connection) -> rusqlite::Result<Result<[u8; 32], String>> {
    let mut values = Vec::with_capacity(BOUND_META.len());
    for key in BOUND_META {
        match schema::meta(conn, key)? {
            Some(v) => values.push(v),
            None => return Ok(Err(format!("meta has no {key}"))),
        }
    }
    let pairs: Vec<(&str, &str)> = BOUND_META
        .iter()
        .zip(&values)
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    Ok(Ok(genesis(&pairs)))
}

/// The digest of one tick's inputs, fed in id order.
#[derive(Clone, Default)]
pub struct InputsDigest(Sha256);

impl InputsDigest {
    pub fn add(&mut self, id: u64, source: &str, payload: &str) {
        self.0.update(id.to_be_bytes());
        field(&mut self.0, source.as_bytes());
        field(&mut self.0, payload.as_bytes());
    }

    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// One committed tick, as the `ticks` table holds it.
pub struct TickRecord<'a> {
    pub tick: u64,
    pub last_seq: u64,
    pub events: u64,
    /// The event chain's hash after the tick's last event.
    pub chain: &'a [u8],
    pub state_hash: &'a str,
    pub inputs: [u8; 32],
}

/// The link of `tick`, after `prev` (the genesis for tick 0).
pub fn tick_link(prev: &[u8; 32], t: &TickRecord) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(t.tick.to_be_bytes());
    h.update(t.last_seq.to_be_bytes());
    h.update(t.events.to_be_bytes());
    field(&mut h, t.chain);
    field(&mut h, t.state_hash.as_bytes());
    h.update(t.inputs);
    h.finalize().into()
}

/// The closing record of a finished run.
pub fn closing(last_link: &[u8; 32], ticks: u64, events: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    field(&mut h, b"seedsim closing");
    h.update(last_link);
    h.update(ticks.to_be_bytes());
    h.update(events.to_be_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_field_changes_its_hash() {
        let meta = [("format", "f"), ("seed", "7")];
        let base = genesis(&meta);
        assert_ne!(base, genesis(&[("format", "f"), ("seed", "8")]));
        // Lengths are framed: moving a byte between fields changes it.
        assert_ne!(genesis(&[("ab", "c")]), genesis(&[("a", "bc")]));
        let inputs = InputsDigest::default().finish();
        let t = TickRecord {
            tick: 3,
            last_seq: 10,
            events: 2,
            chain: &[1; 32],
            state_hash: "aa",
            inputs,
        };
        let link = tick_link(&base, &t);
        let edited = TickRecord {
            state_hash: "ab",
            ..t
        };
        assert_ne!(link, tick_link(&base, &edited));
        let mut other = InputsDigest::default();
        other.add(1, "client", "{}");
        let with_input = TickRecord {
            inputs: other.finish(),
            ..edited
        };
        assert_ne!(tick_link(&base, &with_input), tick_link(&base, &edited));
        assert_ne!(closing(&link, 4, 10), closing(&link, 3, 10));
    }
}
