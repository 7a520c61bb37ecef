//! The replay's cache of drawn frames, by tick: what lets a seek back to a
//! tick already seen show it at once while the world is re-simulated
//! behind it. Bounded by a byte budget (what the frames' agents, heatmap,
//! denials and zone tensions hold); a full cache drops the oldest frame kept.

use std::collections::{BTreeMap, VecDeque};

use super::super::{Agent, Frame};

/// Drawn frames by tick, within a byte budget; the oldest go first.
pub struct FrameCache {
    budget: usize,
    bytes: usize,
    frames: BTreeMap<u64, (Frame, usize)>,
    order: VecDeque<u64>,
}

/// What a frame holds on to, roughly (its agents dominate).
pub(super) fn frame_bytes(frame: &Frame) -> usize {
    std::mem::size_of::<Frame>()
        + frame.agents.len() * std::mem::size_of::<Agent>()
        + frame.heat.counts.len() * std::mem::size_of::<u32>()
        + frame
            .stats
            .denials
            .iter()
            .map(|(rule, _)| rule.len() + std::mem::size_of::<(String, u64)>())
            .sum::<usize>()
        + match &frame.direction {
            super::super::Direction::Measured(d) => {
                d.zones.len() * std::mem::size_of::<super::super::ZoneReading>()
            }
            _ => 0,
        }
}

impl FrameCache {
    pub fn new(budget: usize) -> FrameCache {
        FrameCache {
            budget,
            bytes: 0,
            frames: BTreeMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Keeps `frame` (without its inspected entity, which is asked per
    /// frame); a tick already kept is not replaced (a replay redraws the
    /// same tick the same way).
    pub fn insert(&mut self, frame: &Frame) {
        let size = frame_bytes(frame);
        if size > self.budget || self.frames.contains_key(&frame.tick) {
            return;
        }
        while self.bytes + size > self.budget {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, s)) = self.frames.remove(&oldest) {
                self.bytes -= s;
            }
        }
        let kept = Frame {
            inspected: None,
            ..frame.clone()
        };
        self.frames.insert(frame.tick, (kept, size));
        self.order.push_back(frame.tick);
        self.bytes += size;
    }

    pub fn get(&self, tick: u64) -> Option<&Frame> {
        self.frames.get(&tick).map(|(f, _)| f)
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}
