//! The hash chain. An event's stored form is a [`Row`]; its hash is SHA-256
//! over the previous event's hash and the row's canonical bytes, so changing,
//! removing or reordering any stored event breaks every hash after it. The
//! writer, `verify` and `replay` all use this one definition.
//!
//! Canonical bytes, in order: `seq`, `tick` (u64 big-endian), `kind` (u32
//! length + UTF-8), `actor`, `target`, `cause`, `correlation` (each a presence
//! byte 0/1 + u64 big-endian), `depth` (one byte), `payload` (u32 length +
//! UTF-8 JSON). The first event chains from 32 zero bytes.

use sha2::{Digest, Sha256};

use super::log::Event;
use crate::core::event::EventHeader;

/// The hash the first event chains from.
pub const GENESIS: [u8; 32] = [0; 32];

/// An event as stored: plain values only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub header: EventHeader,
    /// As stored: a file may name a kind this build does not know, and its
    /// hash still covers exactly these bytes.
    pub kind: String,
    pub payload: String,
}

impl Row {
    pub fn from_event(e: &Event) -> Row {
        Row {
            header: e.header(),
            kind: e.payload.kind().as_str().to_string(),
            // Payloads are plain data (numbers, strings, enums): always serializable.
            payload: serde_json::to_string(&e.payload).unwrap_or_default(),
        }
    }

    /// The hash of this row chained after `prev`.
    pub fn link(&self, prev: &[u8; 32]) -> [u8; 32] {
        let head = &self.header;
        let mut h = Sha256::new();
        h.update(prev);
        h.update(head.seq.to_be_bytes());
        h.update(head.tick.to_be_bytes());
        h.update((self.kind.len() as u32).to_be_bytes());
        h.update(self.kind.as_bytes());
        for v in [head.actor, head.target, head.cause, head.correlation] {
            match v {
                Some(x) => {
                    h.update([1]);
                    h.update(x.to_be_bytes());
                }
                None => h.update([0; 9]),
            }
        }
        h.update([head.depth]);
        h.update((self.payload.len() as u32).to_be_bytes());
        h.update(self.payload.as_bytes());
        h.finalize().into()
    }
}

/// Lowercase hex of a hash.
pub fn hex(hash: &[u8; 32]) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Row {
        Row {
            kind: "trade".into(),
            header: EventHeader {
                seq: 1,
                tick: 1,
                actor: Some(3),
                target: Some(4),
                cause: None,
                correlation: None,
                depth: 0,
            },
            payload: r#"{"kind":"trade"}"#.into(),
        }
    }

    #[test]
    fn every_field_and_the_previous_hash_matter() {
        let base = row().link(&GENESIS);
        let mut variants = vec![row().link(&[1; 32])];
        let mut r = row();
        r.header.seq = 2;
        variants.push(r.link(&GENESIS));
        let mut r = row();
        r.header.actor = None;
        variants.push(r.link(&GENESIS));
        let mut r = row();
        r.header.cause = Some(0);
        variants.push(r.link(&GENESIS));
        let mut r = row();
        r.header.depth = 1;
        variants.push(r.link(&GENESIS));
        let mut r = row();
        r.payload.push(' ');
        variants.push(r.link(&GENESIS));
        // Moving bytes between adjacent fields must not collide.
        let mut r = row();
        r.kind = "trad".into();
        r.payload = format!("e{}", r.payload);
        variants.push(r.link(&GENESIS));
        for v in variants {
            assert_ne!(v, base);
        }
        assert_eq!(row().link(&GENESIS), base);
        assert_eq!(hex(&base).len(), 64);
    }
}
