//! The process exit codes every command shares: 0 passed,
//! [`EXIT_FAILED`] a run failed or found a problem, [`EXIT_INVALID`] the
//! command line, scenario or database is invalid. Their own module so that
//! the suite and the benchmark name them without depending on the CLI.

/// Exit code for an invalid command line or scenario.
pub const EXIT_INVALID: u8 = 2;
/// Exit code for a failure while running.
pub const EXIT_FAILED: u8 = 1;
