//! Checks that span several fields (zone rectangles inside the world, zone
//! names that groups refer to, ...). Single-value ranges are checked while
//! parsing, by the newtypes in `types`.

use std::collections::BTreeSet;

use super::limits::{MAX_ARRIVALS_PER_TICK, MAX_POPULATION, MAX_RATE, MAX_WEIGHT};
use super::policies::PolicySet;
use super::types::Scenario;
use crate::core::agent::weights::default_weights;

/// Most grid cells a world may have (the grid keeps 4 bytes per cell).
pub const MAX_GRID_CELLS: usize = 4_000_000;

/// One problem: the field path (as `serde_path_to_error` writes it) and why.
#[derive(Debug)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

fn problem(field: impl Into<String>, message: impl Into<String>) -> Result<(), Problem> {
    Err(Problem {
        field: field.into(),
        message: message.into(),
    })
}

/// Most agents a scenario may ever hold at once (about 15 GiB of memory).
/// Most zones (the zone table is built per grid cell and per zone).
const MAX_ZONES: usize = 4096;

pub fn check(s: &Scenario) -> Result<(), Problem> {
    let (w, h) = (s.world.size.0.0, s.world.size.1.0);
    let cell = s.world.cell_size.0;
    let cells = (w / cell).ceil() as f64 * (h / cell).ceil() as f64;
    if cells > MAX_GRID_CELLS as f64 {
        return problem(
            "world.cell_size",
            format!("{w}x{h} m in {cell} m cells is {cells} cells; at most {MAX_GRID_CELLS}"),
        );
    }
    let name_ok = !s.name.is_empty()
        && !s.name.starts_with('.')
        && s.name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !name_ok {
        return problem(
            "name",
            format!(
                "{:?} cannot name a run folder: use letters, digits, '-', '_' and '.', not starting with '.'",
                s.name
            ),
        );
    }
    if s.zones.is_empty() {
        return problem("zones", "a world needs at least one zone");
    }
    if s.zones.len() > MAX_ZONES {
        return problem(
            "zones",
            format!("{} zones; at most {MAX_ZONES}", s.zones.len()),
        );
    }
    let mut names = BTreeSet::new();
    for (i, z) in s.zones.iter().enumerate() {
        if !names.insert(z.name.as_str()) {
            return problem(
                format!("zones[{i}].name"),
                format!("zone {:?} is declared twice", z.name),
            );
        }
        let r = z.rect;
        if r.0 < 0.0 || r.1 < 0.0 || r.2 > w || r.3 > h {
            return problem(
                format!("zones[{i}].rect"),
                format!(
                    "({}, {}, {}, {}) reaches outside the {w}x{h} m world",
                    r.0, r.1, r.2, r.3
                ),
            );
        }
        if let Some((x, y)) = z.poi
            && !(x >= r.0 && x <= r.2 && y >= r.1 && y <= r.3)
        {
            return problem(
                format!("zones[{i}].poi"),
                format!("({x}, {y}) is outside the zone's rect"),
            );
        }
    }
    // Everyone who could ever be alive at once: initial groups, every wave
    // and the arrival caps (births are bounded by the zones' caps and lives).
    let initial: u64 = s.population.groups.iter().map(|g| g.count.0 as u64).sum();
    let waves: u64 = s.waves.iter().map(|w| w.count.0 as u64).sum();
    let caps = s.spawn.max_players as u64 + s.spawn.max_monsters as u64;
    for (field, n) in [
        ("population.groups", initial),
        ("waves", initial + waves),
        ("spawn", initial + waves + caps),
    ] {
        if n > MAX_POPULATION {
            return problem(
                field,
                format!("up to {n} agents in all; at most {MAX_POPULATION}"),
            );
        }
    }
    for (field, rate) in [
        ("spawn.players_per_tick", s.spawn.players_per_tick.0),
        ("spawn.monsters_per_tick", s.spawn.monsters_per_tick.0),
    ] {
        if rate > MAX_ARRIVALS_PER_TICK {
            return problem(
                field,
                format!("{rate} per tick; at most {MAX_ARRIVALS_PER_TICK}"),
            );
        }
    }
    for (field, rate) in [
        ("params.birth_rate", s.params.birth_rate.0),
        ("params.death_rate", s.params.death_rate.0),
    ] {
        if rate > MAX_RATE {
            return problem(field, format!("{rate}; at most {MAX_RATE}"));
        }
    }
    if let Some(i) = s.waves.iter().position(|w| w.tick == 0) {
        return problem(
            format!("waves[{i}].tick"),
            "tick 0 is the initial state: waves run from tick 1 (put tick-0 agents in population.groups)",
        );
    }
    let known = |field: String, zone: &Option<String>| match zone {
        Some(name) if !names.contains(name.as_str()) => problem(
            field,
            format!(
                "no zone is named {name:?} (zones: {})",
                names.iter().copied().collect::<Vec<_>>().join(", ")
            ),
        ),
        _ => Ok(()),
    };
    for (i, g) in s.population.groups.iter().enumerate() {
        known(format!("population.groups[{i}].zone"), &g.zone)?;
        if g.wealth.0 > g.wealth.1 {
            return problem(
                format!("population.groups[{i}].wealth"),
                format!("({}, {}): min is above max", g.wealth.0, g.wealth.1),
            );
        }
    }
    for (i, wave) in s.waves.iter().enumerate() {
        known(format!("waves[{i}].zone"), &wave.zone)?;
    }
    known("spawn.player_zone".to_string(), &s.spawn.player_zone)?;
    if let Some(set) = &s.reactions
        && let Err((i, message)) = set.check()
    {
        return problem(format!("reactions.rules[{i}]"), message);
    }
    if let Some(p) = &s.policies {
        let own = PolicySet {
            rules: p.rules.clone(),
        };
        if let Err((i, message)) = own.check() {
            return problem(format!("policies.rules[{i}]"), message);
        }
    }
    if let Some(pack) = &s.narrative
        && let Err((at, message)) = pack.check()
    {
        return problem(format!("narrative.{at}"), message);
    }
    if let Some(d) = &s.director {
        if let Err((at, message)) = d.check() {
            return problem(format!("director.{at}"), message);
        }
        for (i, name) in d.zones.iter().enumerate() {
            if !s.zones.iter().any(|z| &z.name == name) {
                return problem(
                    format!("director.zones[{i}]"),
                    format!("no zone named {name:?}"),
                );
            }
        }
    }
    if let Some(c) = &s.clients {
        clients(c)?;
    }
    super::actors_valid::validate(s).map_err(|(field, message)| Problem { field, message })?;
    super::checks_valid::validate(s).map_err(|(field, message)| Problem { field, message })?;
    super::faults_valid::validate(s).map_err(|(field, message)| Problem { field, message })?;
    if s.params.goal_strength.0 > super::goals::MAX_GOAL_STRENGTH {
        return problem(
            "params.goal_strength",
            format!(
                "{}; at most {}",
                s.params.goal_strength.0,
                super::goals::MAX_GOAL_STRENGTH
            ),
        );
    }
    let defaults = default_weights();
    for (kind, overrides) in &s.params.weights {
        let mut row = defaults[kind.index()];
        for (activity, weight) in overrides {
            if weight.0 > MAX_WEIGHT {
                return problem(
                    format!("params.weights.{}.{}", kind.name(), activity.as_str()),
                    format!("{}; at most {MAX_WEIGHT}", weight.0),
                );
            }
            row[*activity as usize] = weight.0;
        }
        if row.iter().sum::<f32>() <= 0.0 {
            return problem(
                format!("params.weights.{}", kind.name()),
                "every weight of this kind is 0: it could never do anything",
            );
        }
    }
    Ok(())
}

fn clients(c: &super::ClientsSpec) -> Result<(), Problem> {
    for (field, n) in [("clients.count", c.count), ("clients.viewers", c.viewers)] {
        if n > super::limits::MAX_CLIENTS {
            return problem(
                field,
                format!(
                    "{n} connections; at most {} in one process",
                    super::limits::MAX_CLIENTS
                ),
            );
        }
    }
    if c.count == 0 && c.viewers == 0 {
        return problem(
            "clients.count",
            "no players and no viewers: nothing would connect",
        );
    }
    if c.session_ticks.is_some() && c.arrival_rate.is_none() {
        return problem(
            "clients.session_ticks",
            "sessions end only in the open model: give arrival_rate too",
        );
    }
    if c.session_ticks == Some(0) {
        return problem(
            "clients.session_ticks",
            "0 ticks: a session needs at least 1",
        );
    }
    if c.duration_ticks == Some(0) {
        return problem("clients.duration_ticks", "0 ticks: clients need at least 1");
    }
    let total: u64 = c.mix.values().map(|w| *w as u64).sum();
    if !c.mix.is_empty() && !(1..=10_000).contains(&total) {
        return problem(
            "clients.mix",
            format!("the weights add up to {total}: expected 1..=10000"),
        );
    }
    Ok(())
}
