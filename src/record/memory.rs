//! Resident memory of this process, from /proc (Linux). Used for the run
//! summary and the benchmark's bytes-per-entity figure; `None` elsewhere.

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Peak resident set size so far, in bytes. Linux updates the high-water
/// mark lazily, so the current size can be above it: take the larger.
pub fn peak_rss_bytes() -> Option<u64> {
    let hwm = status_kib("VmHWM:")?;
    Some(hwm.max(status_kib("VmRSS:").unwrap_or(0)) * 1024)
}

/// Current resident set size, in bytes.
pub fn current_rss_bytes() -> Option<u64> {
    status_kib("VmRSS:").map(|k| k * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_own_memory_on_linux() {
        if cfg!(target_os = "linux") {
            // Other tests allocate and free concurrently, so the two reads
            // cannot be compared; each must parse and be plausible.
            let now = super::current_rss_bytes().expect("VmRSS");
            let peak = super::peak_rss_bytes().expect("VmHWM");
            assert!(now > 1 << 20 && peak > 1 << 20, "{now} {peak}");
        }
    }
}
