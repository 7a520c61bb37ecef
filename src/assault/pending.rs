//! The bounded bookkeeping that correlates what a client sent with what came
//! back: request ids waiting for their `ack`, and event seqs (named by acks)
//! waiting for their event on the stream. A server that never answers must
//! not make a client grow without limit, so each map has a capacity; when it
//! is full the oldest entry (lowest key: req ids and seqs only grow) is
//! evicted, and what is still waiting when a connection ends is abandoned.
//! Either way it is never matched, so it stays counted as missing (the
//! report's missing counts are "expected minus matched"); the caller is told
//! how many entries left so its "still waiting" gauges stay exact.

use std::collections::BTreeMap;

/// What an insert did to the number of entries waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Insert {
    /// One more.
    New,
    /// As many as before: the key was already waiting.
    Replaced,
    /// As many as before: the oldest entry made room.
    Evicted,
}

/// Keys waiting for an answer, each with what was remembered when it was sent.
#[derive(Debug)]
pub struct Pending<V> {
    waiting: BTreeMap<u64, V>,
    capacity: usize,
}

impl<V> Pending<V> {
    /// `capacity` is at least 1: a map that holds nothing could match nothing.
    pub fn new(capacity: usize) -> Pending<V> {
        Pending {
            waiting: BTreeMap::new(),
            capacity: capacity.max(1),
        }
    }

    /// Remembers `key`. Inserting a key already waiting replaces its value
    /// (a server that repeats a seq gets one measurement, not two).
    pub fn insert(&mut self, key: u64, value: V) -> Insert {
        if let Some(old) = self.waiting.get_mut(&key) {
            *old = value;
            return Insert::Replaced;
        }
        let full = self.waiting.len() >= self.capacity;
        if full {
            self.waiting.pop_first();
        }
        self.waiting.insert(key, value);
        if full { Insert::Evicted } else { Insert::New }
    }

    /// The answer for `key` arrived: what was remembered for it, if it was
    /// still waiting.
    pub fn take(&mut self, key: u64) -> Option<V> {
        self.waiting.remove(&key)
    }

    /// Everything waiting, oldest key first.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&u64, &mut V)> {
        self.waiting.iter_mut()
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.waiting.values()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Hands over everything still waiting, oldest key first, to be waited
    /// for elsewhere (the next connection).
    pub fn drain(&mut self) -> Vec<(u64, V)> {
        std::mem::take(&mut self.waiting).into_iter().collect()
    }

    /// Gives up on everything still waiting (the connection ended); returns
    /// how many that was.
    pub fn abandon(&mut self) -> u64 {
        let n = self.waiting.len() as u64;
        self.waiting.clear();
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_matched_once() {
        let mut p = Pending::new(4);
        p.insert(7, "a");
        p.insert(8, "b");
        assert_eq!(p.take(7), Some("a"));
        assert_eq!(p.take(7), None, "a second answer matches nothing");
        assert_eq!(p.take(99), None);
        assert_eq!(p.abandon(), 1);
        assert!(p.is_empty());
    }

    #[test]
    fn stays_bounded_and_reports_every_eviction() {
        let mut p = Pending::new(1024);
        let mut evicted = 0;
        for seq in 0..5000u64 {
            let out = p.insert(seq, seq);
            let expected = if seq >= 1024 {
                Insert::Evicted
            } else {
                Insert::New
            };
            assert_eq!(out, expected, "seq {seq}");
            evicted += (out == Insert::Evicted) as u64;
        }
        assert_eq!(evicted, 5000 - 1024);
        // The oldest went first: the newest are still matchable.
        assert_eq!(p.take(4999), Some(4999));
        assert_eq!(p.take(3975), None);
        assert_eq!(p.take(3976), Some(3976));
        assert_eq!(p.abandon(), 1022);
        assert_eq!(p.abandon(), 0);
    }

    #[test]
    fn a_repeated_key_is_one_entry() {
        let mut p = Pending::new(2);
        p.insert(1, 10);
        assert_eq!(p.insert(1, 11), Insert::Replaced);
        assert_eq!(p.insert(2, 20), Insert::New);
        assert_eq!(p.take(1), Some(11));
    }

    #[test]
    fn zero_capacity_still_holds_one() {
        let mut p = Pending::new(0);
        p.insert(1, ());
        assert_eq!(p.insert(2, ()), Insert::Evicted);
        assert_eq!(p.take(2), Some(()));
    }
}
