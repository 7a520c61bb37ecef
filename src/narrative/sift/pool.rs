//! The pool of partial matches: a slab of partials, an index from the id
//! each waits for to the partials waiting on it (so an event finds the few
//! partials it may move without scanning the pool), the order they began
//! in (the oldest is evicted when the pool is full) and their deadlines
//! (a partial whose window closed is dropped as time passes). Every queue
//! is compacted when stale entries outgrow the live ones, so nothing grows
//! with the length of the run.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use bevy::platform::collections::HashMap;

use crate::core::scenario::patterns::{MAX_ROLES, MAX_STAGES};

/// A partial match: the stages matched so far and the roles they bound.
#[derive(Clone, Debug)]
pub(super) struct Partial {
    pub pattern: u16,
    /// Stages matched: the next stage it waits for.
    pub matched: u8,
    pub roles: [u64; MAX_ROLES],
    /// Bit i: role i is bound.
    pub bound: u8,
    pub seqs: [u64; MAX_STAGES],
    /// Tick of the last stage matched.
    pub last_tick: u64,
    /// The tick after which its wait is over.
    pub deadline: u64,
    /// Order of beginning (the pool's age).
    pub serial: u64,
}

impl Partial {
    pub fn role(&self, r: u8) -> Option<u64> {
        (self.bound & (1 << r) != 0).then(|| self.roles[r as usize])
    }
}

/// A handle: slab index and generation (a freed slot's old handles are stale).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Handle {
    pub index: u32,
    pub generation: u32,
}

/// Where a waiting partial is filed: (pattern, slot, value). Slot `s` <
/// `MAX_STAGES` waits for stage `s`; `MAX_STAGES + g` under guard `g`.
pub(super) type IndexKey = (u16, u8, u64);

/// The partials filed under one key, in filing order. Most keys hold one
/// (an agent in one feud): that one is kept inline, without a heap
/// allocation to make and free for every partial.
#[derive(Debug)]
enum Filed {
    One(Handle),
    Many(Vec<Handle>),
}

#[derive(Default)]
pub(super) struct Pool {
    slots: Vec<(u32, Option<Partial>)>,
    free: Vec<u32>,
    live: usize,
    next_serial: u64,
    order: VecDeque<Handle>,
    deadlines: BinaryHeap<Reverse<(u64, u64, Handle)>>,
    index: HashMap<IndexKey, Filed>,
}

impl Pool {
    pub fn live(&self) -> usize {
        self.live
    }

    /// Entries in the age and deadline queues.
    pub fn queued(&self) -> usize {
        self.order.len() + self.deadlines.len()
    }

    pub fn get(&self, h: Handle) -> Option<&Partial> {
        match self.slots.get(h.index as usize) {
            Some((generation, Some(p))) if *generation == h.generation => Some(p),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, h: Handle) -> Option<&mut Partial> {
        match self.slots.get_mut(h.index as usize) {
            Some((generation, Some(p))) if *generation == h.generation => Some(p),
            _ => None,
        }
    }

    /// Adds a partial (its serial is set here) and returns its handle.
    pub fn insert(&mut self, mut p: Partial) -> Handle {
        p.serial = self.next_serial;
        self.next_serial += 1;
        let deadline = p.deadline;
        let serial = p.serial;
        let h = match self.free.pop() {
            Some(i) => {
                let slot = &mut self.slots[i as usize];
                slot.1 = Some(p);
                Handle {
                    index: i,
                    generation: slot.0,
                }
            }
            None => {
                self.slots.push((0, Some(p)));
                Handle {
                    index: (self.slots.len() - 1) as u32,
                    generation: 0,
                }
            }
        };
        self.live += 1;
        self.order.push_back(h);
        self.deadlines.push(Reverse((deadline, serial, h)));
        self.compact();
        h
    }

    /// Files `h` under `key`.
    pub fn file(&mut self, key: IndexKey, h: Handle) {
        use bevy::platform::collections::hash_map::Entry;
        match self.index.entry(key) {
            Entry::Vacant(v) => {
                v.insert(Filed::One(h));
            }
            Entry::Occupied(mut o) => match o.get_mut() {
                Filed::One(first) => {
                    let first = *first;
                    o.insert(Filed::Many(vec![first, h]));
                }
                Filed::Many(list) => list.push(h),
            },
        }
    }

    /// Takes `h` out from under `key` (keeping the others' order).
    pub fn unfile(&mut self, key: IndexKey, h: Handle) {
        let gone = match self.index.get_mut(&key) {
            None => false,
            Some(Filed::One(x)) => *x == h,
            Some(Filed::Many(list)) => {
                if let Some(i) = list.iter().position(|x| *x == h) {
                    list.remove(i);
                }
                if let [only] = list.as_slice() {
                    let only = *only;
                    self.index.insert(key, Filed::One(only));
                    false
                } else {
                    list.is_empty()
                }
            }
        };
        if gone {
            self.index.remove(&key);
        }
    }

    /// The partials filed under `key`.
    pub fn filed(&self, key: &IndexKey) -> &[Handle] {
        match self.index.get(key) {
            None => &[],
            Some(Filed::One(h)) => std::slice::from_ref(h),
            Some(Filed::Many(list)) => list.as_slice(),
        }
    }

    /// A new deadline for `h` (it moved on a stage).
    pub fn wait_until(&mut self, h: Handle, deadline: u64) {
        if let Some(p) = self.get_mut(h) {
            p.deadline = deadline;
            let serial = p.serial;
            self.deadlines.push(Reverse((deadline, serial, h)));
        }
    }

    /// Removes `h` (its index entries must be unfiled first).
    pub fn remove(&mut self, h: Handle) -> Option<Partial> {
        let slot = self.slots.get_mut(h.index as usize)?;
        if slot.0 != h.generation {
            return None;
        }
        let p = slot.1.take()?;
        slot.0 = slot.0.wrapping_add(1);
        self.free.push(h.index);
        self.live -= 1;
        Some(p)
    }

    /// The oldest live partial.
    pub fn oldest(&mut self) -> Option<Handle> {
        while let Some(&h) = self.order.front() {
            if self.get(h).is_some() {
                return Some(h);
            }
            self.order.pop_front();
        }
        None
    }

    /// A partial whose wait ended before `tick`, if any is due.
    pub fn overdue(&mut self, tick: u64) -> Option<Handle> {
        while let Some(Reverse((deadline, _, h))) = self.deadlines.peek().copied() {
            if deadline >= tick {
                return None;
            }
            self.deadlines.pop();
            if self.get(h).is_some_and(|p| p.deadline == deadline) {
                return Some(h);
            }
        }
        None
    }

    /// Drops stale queue entries once they outnumber the live partials.
    fn compact(&mut self) {
        let limit = 2 * self.live + 1024;
        if self.order.len() > limit {
            let slots = &self.slots;
            self.order.retain(
                |h| matches!(slots.get(h.index as usize), Some((g, Some(_))) if *g == h.generation),
            );
        }
        if self.deadlines.len() > 2 * limit {
            let live = self.slots.iter().enumerate().filter_map(|(i, (g, p))| {
                p.as_ref().map(|p| {
                    let h = Handle {
                        index: i as u32,
                        generation: *g,
                    };
                    Reverse((p.deadline, p.serial, h))
                })
            });
            self.deadlines = live.collect();
        }
    }
}
