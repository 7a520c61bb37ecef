//! Reading a scenario file: RON syntax and types first (errors positioned by
//! the RON parser, field paths tracked by `serde_path_to_error`), then the
//! cross-field checks of [`super::validate`], positioned by [`super::locate`].

use std::path::Path;

use ron::extensions::Extensions;
use thiserror::Error;

use super::types::Scenario;
use super::{locate, validate};

/// Why a scenario could not be used. Every variant names the file; invalid
/// content also names line:column and the field.
#[derive(Debug, Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read scenario: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}:{line}:{col}: {field}: {message}")]
    Invalid {
        file: String,
        line: usize,
        col: usize,
        field: String,
        message: String,
    },
}

/// Reads and validates a scenario file. Returns the scenario and its text (the
/// text is kept with the run's records so the run can be reproduced).
pub fn load_file(path: &Path) -> Result<(Scenario, String), ScenarioError> {
    let file = path.display().to_string();
    let io = |source| ScenarioError::Io {
        file: file.clone(),
        source,
    };
    // Not a FIFO or a device that would block for ever, nor a file past
    // any scenario's size.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::other("not a regular file")));
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(io(std::io::Error::other(format!(
            "{} bytes; a scenario is at most {MAX_SCENARIO_BYTES}",
            meta.len()
        ))));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Valid up to here, so this slice is text.
        let before = std::str::from_utf8(valid).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ScenarioError::Invalid {
            file: file.clone(),
            line,
            col,
            field: "(document)".into(),
            message: "the file is not UTF-8 text".into(),
        }
    })?;
    let scenario = parse_str(&file, &text)?;
    Ok((scenario, text))
}

/// Largest scenario file read (the biggest shipped one is a few KiB).
const MAX_SCENARIO_BYTES: u64 = 16 * 1024 * 1024;

/// Parses and validates scenario text; `file` is only used in messages.
pub fn parse_str(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    let invalid = |line: usize, col: usize, field: &str, message: String| ScenarioError::Invalid {
        file: file.to_string(),
        line,
        col,
        field: if field.is_empty() || field == "." {
            "(document)".to_string()
        } else {
            field.to_string()
        },
        message,
    };
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    let mut de = ron::Deserializer::from_str_with_options(text, &options)
        .map_err(|e| invalid(e.span.start.line, e.span.start.col, "", e.code.to_string()))?;
    let scenario: Scenario = match serde_path_to_error::deserialize(&mut de) {
        Ok(s) => s,
        Err(e) => {
            let field = e.path().to_string();
            let code = e.into_inner();
            let span = de.span_error(code.clone()).span;
            return Err(invalid(
                span.start.line,
                span.start.col,
                &field,
                code.to_string(),
            ));
        }
    };
    if let Err(e) = de.end() {
        let span = de.span_error(e).span;
        return Err(invalid(
            span.start.line,
            span.start.col,
            "",
            "unexpected text after the scenario".to_string(),
        ));
    }
    if let Err(problem) = validate::check(&scenario) {
        let (line, col) = locate::position_of(text, &problem.field).unwrap_or((1, 1));
        return Err(invalid(line, col, &problem.field, problem.message));
    }
    Ok(scenario)
}
