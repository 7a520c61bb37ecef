//! Progress while a run goes: a bar on a terminal, a plain line every tenth
//! of the run otherwise (CI logs stay short and readable).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::record::TickFrame;

pub enum Progress {
    Bar(ProgressBar),
    Lines { total: u64, every: u64 },
    Silent,
}

impl Progress {
    pub fn new(total: u64, quiet: bool) -> Progress {
        if quiet {
            return Progress::Silent;
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} ticks {per_sec} eta {eta} {msg}")
            {
                bar.set_style(style);
            }
            Progress::Bar(bar)
        } else {
            Progress::Lines {
                total,
                every: (total / 10).max(1),
            }
        }
    }

    pub fn tick(&self, frame: &TickFrame, done: u64) {
        match self {
            Progress::Bar(bar) => {
                bar.set_position(done);
                if done.is_multiple_of(16) {
                    bar.set_message(format!("pop {}", frame.population));
                }
            }
            Progress::Lines { total, every } => {
                if done.is_multiple_of(*every) || done == *total {
                    eprintln!(
                        "tick {done}/{total} ({:.0}%) population {}",
                        done as f64 * 100.0 / *total as f64,
                        frame.population
                    );
                }
            }
            Progress::Silent => {}
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
