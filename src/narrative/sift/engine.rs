//! The sifter: one engine for both modes. Fed a run's events in seq order,
//! it begins a partial match at every event that fits a pattern's first
//! stage, moves partials on (each independently: a partial's fate depends
//! on the events alone, never on the others) and reports every completed
//! one. Live, the pool is capped and the oldest partial is evicted (and
//! counted); over a stored run it is not. Removing a partial only removes
//! the stories that would have grown from it, so a live run finds a subset
//! of what the stored run gives, short by what its evictions took.

use std::collections::BTreeSet;

use super::compile::{Compiled, Hook, Key, SiftEvent, Source, compile, hooks};
use super::pool::{Handle, IndexKey, Partial, Pool};
use crate::core::scenario::patterns::{MAX_ROLES, MAX_STAGES, Pattern, RoleKind};

/// A completed match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub pattern: u16,
    /// Role values, in the pattern's role order.
    pub roles: Vec<u64>,
    /// Each stage's event seq, in stage order.
    pub events: Vec<u64>,
    pub tick: u64,
}

impl Found {
    /// Its identity: the pattern, its roles and the event that completed
    /// it (partials begun at different events may complete as one story).
    pub fn identity(&self) -> (u16, Vec<u64>, u64) {
        (
            self.pattern,
            self.roles.clone(),
            *self.events.last().unwrap_or(&0),
        )
    }
}

/// What the sifter did, for reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SiftStats {
    pub events: u64,
    pub begun: u64,
    pub found: u64,
    /// Partials dropped because the pool was full.
    pub evicted: u64,
    pub expired: u64,
    /// Partials ended by an `unless` clause.
    pub vetoed: u64,
    pub peak: u64,
}

/// The sift engine.
pub struct Sifter {
    names: Vec<String>,
    patterns: Vec<Compiled>,
    by_kind: Vec<Vec<Hook>>,
    /// Kinds whose payload a pattern reads (detail, zone or amount).
    reads: Vec<bool>,
    pool: Pool,
    cap: usize,
    tick: u64,
    pub stats: SiftStats,
    /// When kept: (pattern, seq of its first event) of every eviction.
    pub evictions: Option<Vec<(u16, u64)>>,
    /// Partials never to begin: (pattern, seq of its first event).
    pub exclude: BTreeSet<(u16, u64)>,
}

impl Sifter {
    /// A sifter for `patterns` keeping at most `cap` partials (`None`: no
    /// cap, as over a stored run). Err names the pattern that is wrong.
    pub fn new(patterns: &[Pattern], cap: Option<usize>) -> Result<Sifter, String> {
        let compiled = patterns
            .iter()
            .map(|p| compile(p).map_err(|m| format!("pattern {:?}: {m}", p.name)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Sifter {
            names: patterns.iter().map(|p| p.name.clone()).collect(),
            by_kind: hooks(&compiled),
            reads: super::compile::reads(&compiled),
            patterns: compiled,
            pool: Pool::default(),
            cap: cap.unwrap_or(usize::MAX).max(1),
            tick: 0,
            stats: SiftStats::default(),
            evictions: None,
            exclude: BTreeSet::new(),
        })
    }

    pub fn name(&self, pattern: u16) -> &str {
        &self.names[pattern as usize]
    }

    /// The names of pattern `p`'s roles, in order, with their kind.
    pub fn roles(&self, pattern: u16) -> &[(String, RoleKind)] {
        &self.patterns[pattern as usize].roles
    }

    /// Whether events of this kind can matter (a stored run's other rows
    /// need not be read whole).
    pub fn wants(&self, kind: crate::core::event::EventKind) -> bool {
        !self.by_kind[kind as usize].is_empty()
    }

    /// Whether a pattern reads more of this kind's events than their
    /// header (a stored row's payload need not be parsed otherwise).
    pub fn reads_payload(&self, kind: crate::core::event::EventKind) -> bool {
        self.reads[kind as usize]
    }

    /// Entries the pool's queues hold (live and stale): bounded by the
    /// live partials, however long the run.
    pub fn queued(&self) -> usize {
        self.pool.queued()
    }

    /// Partials held now.
    pub fn pool_len(&self) -> usize {
        self.pool.live()
    }

    /// Feeds one event (in seq order); completed matches go to `out`.
    pub fn feed(&mut self, ev: &SiftEvent, out: &mut Vec<Found>) {
        self.stats.events += 1;
        if ev.tick != self.tick {
            self.tick = ev.tick;
            self.expire(ev.tick);
        }
        let Some(kind) = ev.kind else { return };
        let hooks = std::mem::take(&mut self.by_kind[kind as usize]);
        let mut movers: Vec<(u64, Handle, u8)> = Vec::new();
        let first_found = out.len();
        for hook in &hooks {
            match *hook {
                Hook::Guard { pattern, guard } => self.veto(pattern, guard, ev),
                Hook::Stage { pattern, stage } => self.waiting(pattern, stage, ev, &mut movers),
                Hook::Start { .. } => {}
            }
        }
        // Oldest first: a story that completes twice at one event is told
        // once, from its earliest beginning.
        movers.sort_unstable();
        movers.dedup();
        for (_, h, stage) in movers {
            self.advance(h, stage, ev, out);
        }
        for hook in &hooks {
            if let Hook::Start { pattern } = *hook {
                self.begin(pattern, ev, out);
            }
        }
        self.by_kind[kind as usize] = hooks;
        dedup_found(out, first_found);
        self.stats.found += (out.len() - first_found) as u64;
    }

    /// Drops the partials whose window closed before `tick`.
    fn expire(&mut self, tick: u64) {
        while let Some(h) = self.pool.overdue(tick) {
            self.drop_partial(h);
            self.stats.expired += 1;
        }
    }

    fn veto(&mut self, pattern: u16, guard: u8, ev: &SiftEvent) {
        let g = &self.patterns[pattern as usize].guards[guard as usize];
        if !g.test.admits(ev) {
            return;
        }
        let Some(value) = g.key.field.of(ev) else {
            return;
        };
        let binds = g.test.binds.clone();
        let key = (pattern, MAX_STAGES as u8 + guard, value);
        let filed: Vec<Handle> = self.pool.filed(&key).to_vec();
        for h in filed {
            let Some(p) = self.pool.get(h) else { continue };
            let binds_agree = binds.iter().all(|&(field, r)| match p.role(r) {
                Some(v) => field.of(ev) == Some(v),
                None => true,
            });
            if binds_agree {
                self.drop_partial(h);
                self.stats.vetoed += 1;
            }
        }
    }

    /// The partials waiting for `stage` under the key `ev` gives.
    fn waiting(
        &self,
        pattern: u16,
        stage: u8,
        ev: &SiftEvent,
        movers: &mut Vec<(u64, Handle, u8)>,
    ) {
        let c = &self.patterns[pattern as usize];
        if !c.stages[stage as usize].admits(ev) {
            return;
        }
        let Some(key) = c.keys[stage as usize] else {
            return;
        };
        let Some(value) = key.field.of(ev) else {
            return;
        };
        for &h in self.pool.filed(&(pattern, stage, value)) {
            if let Some(p) = self.pool.get(h) {
                movers.push((p.serial, h, stage));
            }
        }
    }

    /// Moves `h` on by `ev` if `ev` fits its next stage with its roles.
    fn advance(&mut self, h: Handle, stage: u8, ev: &SiftEvent, out: &mut Vec<Found>) {
        let Some(p) = self.pool.get(h) else { return };
        if p.matched != stage {
            return;
        }
        let c = &self.patterns[p.pattern as usize];
        let m = &c.stages[stage as usize];
        if ev.tick > p.deadline {
            return;
        }
        let Some(next) = bind(c, m, p, ev) else {
            return;
        };
        let before = keys(c, p);
        for k in before {
            self.pool.unfile(k, h);
        }
        let done = next.matched as usize == c.stages.len();
        if done {
            self.pool.remove(h);
            out.push(found(c, &next, ev.tick));
            return;
        }
        let within = c.stages[next.matched as usize].within;
        let deadline = ev.tick.saturating_add(within);
        if let Some(slot) = self.pool.get_mut(h) {
            *slot = next;
        }
        self.pool.wait_until(h, deadline);
        self.file_all(h);
    }

    /// Begins a partial of `pattern` at `ev`, if `ev` fits its first stage.
    fn begin(&mut self, pattern: u16, ev: &SiftEvent, out: &mut Vec<Found>) {
        let c = &self.patterns[pattern as usize];
        if !c.stages[0].admits(ev) {
            return;
        }
        let empty = Partial {
            pattern,
            matched: 0,
            roles: [0; MAX_ROLES],
            bound: 0,
            seqs: [0; MAX_STAGES],
            last_tick: ev.tick,
            deadline: u64::MAX,
            serial: 0,
        };
        let Some(mut p) = bind(c, &c.stages[0], &empty, ev) else {
            return;
        };
        if self.exclude.contains(&(pattern, ev.seq)) {
            return;
        }
        self.stats.begun += 1;
        if c.stages.len() == 1 {
            out.push(found(c, &p, ev.tick));
            return;
        }
        p.deadline = ev.tick.saturating_add(c.stages[1].within);
        while self.pool.live() >= self.cap {
            let Some(oldest) = self.pool.oldest() else {
                break;
            };
            if let (Some(log), Some(old)) = (&mut self.evictions, self.pool.get(oldest)) {
                log.push((old.pattern, old.seqs[0]));
            }
            self.drop_partial(oldest);
            self.stats.evicted += 1;
        }
        let h = self.pool.insert(p);
        self.file_all(h);
        self.stats.peak = self.stats.peak.max(self.pool.live() as u64);
    }

    fn file_all(&mut self, h: Handle) {
        let Some(p) = self.pool.get(h) else { return };
        for k in keys(&self.patterns[p.pattern as usize], p) {
            self.pool.file(k, h);
        }
    }

    fn drop_partial(&mut self, h: Handle) {
        let Some(p) = self.pool.get(h) else { return };
        for k in keys(&self.patterns[p.pattern as usize], p) {
            self.pool.unfile(k, h);
        }
        self.pool.remove(h);
    }
}

/// `p` moved on by `ev` as stage `m`, if the event agrees with its roles
/// (a new role's value must differ from every other bound role's of its
/// kind: two roles are two agents).
fn bind(c: &Compiled, m: &super::compile::Matcher, p: &Partial, ev: &SiftEvent) -> Option<Partial> {
    if let Some(stage) = m.caused_by
        && ev.cause != Some(p.seqs[stage as usize])
    {
        return None;
    }
    let mut next = p.clone();
    for &(field, r) in &m.binds {
        let value = field.of(ev)?;
        match next.role(r) {
            Some(v) if v != value => return None,
            Some(_) => {}
            None => {
                let kind = c.roles[r as usize].1;
                let clash = (0..c.roles.len() as u8).any(|o| {
                    o != r && c.roles[o as usize].1 == kind && next.role(o) == Some(value)
                });
                if clash {
                    return None;
                }
                next.roles[r as usize] = value;
                next.bound |= 1 << r;
            }
        }
    }
    next.seqs[next.matched as usize] = ev.seq;
    next.matched += 1;
    next.last_tick = ev.tick;
    Some(next)
}

/// Every index key `p` is filed under: its next stage's, and each guard's
/// it is waiting within.
fn keys(c: &Compiled, p: &Partial) -> Vec<IndexKey> {
    let mut out = Vec::with_capacity(1 + c.guards.len());
    if let Some(Some(k)) = c.keys.get(p.matched as usize)
        && let Some(v) = value(k, p)
    {
        out.push((p.pattern, p.matched, v));
    }
    for (g, guard) in c.guards.iter().enumerate() {
        if guard.from < p.matched
            && p.matched <= guard.to
            && let Some(v) = value(&guard.key, p)
        {
            out.push((p.pattern, MAX_STAGES as u8 + g as u8, v));
        }
    }
    out
}

fn value(k: &Key, p: &Partial) -> Option<u64> {
    match k.source {
        Source::Role(r) => p.role(r),
        Source::StageSeq(s) => (s < p.matched).then(|| p.seqs[s as usize]),
    }
}

fn found(c: &Compiled, p: &Partial, tick: u64) -> Found {
    Found {
        pattern: p.pattern,
        roles: (0..c.roles.len()).map(|r| p.roles[r]).collect(),
        events: p.seqs[..c.stages.len()].to_vec(),
        tick,
    }
}

/// One story per (pattern, roles) completed at one event: the first found
/// (the oldest partial's) stays.
fn dedup_found(out: &mut Vec<Found>, from: usize) {
    let mut i = from;
    while i < out.len() {
        let dup = out[from..i]
            .iter()
            .any(|f| f.pattern == out[i].pattern && f.roles == out[i].roles);
        if dup {
            out.remove(i);
        } else {
            i += 1;
        }
    }
}
