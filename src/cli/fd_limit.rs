//! The process's limit on open file descriptors. A live server holds one per
//! connection (a scenario's in-process clients two), so seedsim raises its
//! soft limit to the hard one, as servers do, and checks a load against it
//! before it starts rather than failing mid-run on "too many open files".

/// Raises the soft limit to the hard one (once is enough; again is
/// harmless) and returns the limit now in force, if the system tells.
pub fn raise() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid resource and a pointer to a
    // live, initialised rlimit.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return None;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim = raised;
            }
        }
    }
    // rlim_t is u64 on Linux, but its width is the platform's.
    #[allow(clippy::unnecessary_cast)]
    Some(lim.rlim_cur as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_limit_is_at_least_what_it_was() {
        let first = super::raise().expect("getrlimit works on Linux");
        assert!(first >= 64);
        assert_eq!(super::raise(), Some(first));
    }
}
