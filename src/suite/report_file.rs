//! Reading back a child's `report.json` as the [`Report`] it wrote: the
//! verdicts and the pass mark judge the run, the rest feeds the summary and
//! the HTML report. The file is untrusted (a run may have died mid-write, or
//! be of another version): bounded in size, read leniently, and an error
//! says in one line what was wrong.

use std::path::Path;

use crate::report::Report;

/// A `report.json` larger than this is not read (the series is bounded, so a
/// real one is a few hundred KiB; this keeps a corrupt file from costing memory).
const MAX_REPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads `dir/report.json`; the error says what was wrong in one line.
pub fn read_report(dir: &Path) -> Result<Report, String> {
    let path = dir.join("report.json");
    let size = std::fs::metadata(&path)
        .map_err(|e| format!("no report at {}: {e}", path.display()))?
        .len();
    if size > MAX_REPORT_BYTES {
        return Err(format!(
            "{} is {size} bytes, more than a report can be",
            path.display()
        ));
    }
    let text = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&text).map_err(|e| format!("{} is not a report: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::fixtures;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("seedsim-report-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[test]
    fn what_a_run_writes_reads_back_the_same() {
        let written = fixtures::report("smoke", vec![fixtures::verdict("tick_ms: p99 < 50", true)]);
        let dir = scratch("same");
        written.write_json(&dir).expect("written");
        let read = read_report(&dir).expect("read back");
        let json = |r: &Report| serde_json::to_value(r).expect("serializes");
        assert_eq!(json(&read), json(&written));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_without_what_judges_a_run_is_not_a_report() {
        let dir = scratch("partial");
        std::fs::write(dir.join("report.json"), r#"{"scenario":"smoke","seed":1}"#).unwrap();
        let e = read_report(&dir).unwrap_err();
        assert!(
            e.contains("is not a report") && e.contains("missing field"),
            "{e}"
        );
        // Unknown fields (a newer version's) are ignored.
        let mut v = serde_json::to_value(fixtures::report("smoke", vec![])).unwrap();
        v["from_the_future"] = serde_json::json!(1);
        std::fs::write(dir.join("report.json"), v.to_string()).unwrap();
        assert_eq!(read_report(&dir).expect("lenient").scenario, "smoke");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
