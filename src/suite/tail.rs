//! The end of a stream, kept in bounded memory: a child's stderr can be
//! megabytes of log (a panic inside a loop, `RUST_LOG=debug`), while what a
//! report needs is where it ended.

use std::collections::VecDeque;

/// The last `cap` bytes of a stream.
pub struct Tail {
    cap: usize,
    buf: VecDeque<u8>,
    dropped: u64,
}

impl Tail {
    pub fn new(cap: usize) -> Tail {
        Tail {
            cap,
            buf: VecDeque::with_capacity(cap.min(8192)),
            dropped: 0,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend(bytes);
        let over = self.buf.len().saturating_sub(self.cap);
        self.buf.drain(..over);
        self.dropped += over as u64;
    }

    pub fn into_string(self) -> String {
        let (a, b) = self.buf.as_slices();
        let text = String::from_utf8_lossy(&[a, b].concat()).into_owned();
        if self.dropped == 0 {
            text
        } else {
            // The cut may split a line (or a character): start at a line.
            let from = text.find('\n').map_or(0, |i| i + 1);
            format!(
                "[{} earlier bytes left out]\n{}",
                self.dropped,
                &text[from..]
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stderr_tail_is_bounded_and_starts_at_a_line() {
        let mut t = Tail::new(16);
        t.push(b"first line\nsecond line\n");
        t.push(b"third\n");
        let s = t.into_string();
        assert!(s.starts_with("[13 earlier bytes left out]\n"), "{s}");
        assert!(s.ends_with("third\n"), "{s}");
        let mut short = Tail::new(64);
        short.push(b"all of it\n");
        assert_eq!(short.into_string(), "all of it\n");
    }
}
