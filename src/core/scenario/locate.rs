//! Finds where a field path such as `zones[2].rect` sits in RON text, so that
//! checks made after parsing can still point at a line and column. It is a
//! small structural scanner (strings, comments, brackets), not a parser: the
//! text has already parsed, so it only has to walk well-formed input.

/// 1-based (line, column) of the value at `path`, or of the deepest part of
/// the path that was found; `None` if not even the first segment was.
pub fn position_of(text: &str, path: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut pos = skip_trivia(bytes, 0);
    let mut found = None;
    for segment in path.split('.').filter(|s| !s.is_empty()) {
        let (name, indices) = split_indices(segment);
        if !name.is_empty() {
            pos = field_value(bytes, pos, name)?;
            found = Some(pos);
        }
        for index in indices {
            match element(bytes, pos, index) {
                Some(p) => {
                    pos = p;
                    found = Some(pos);
                }
                None => return found.map(|p| line_col(text, p)),
            }
        }
    }
    found.map(|p| line_col(text, p))
}

fn split_indices(segment: &str) -> (&str, Vec<usize>) {
    let name_end = segment.find('[').unwrap_or(segment.len());
    let indices = segment[name_end..]
        .split(['[', ']'])
        .filter_map(|s| s.parse().ok())
        .collect();
    (&segment[..name_end], indices)
}

fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = text.get(..pos.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1)
        + 1;
    (line, col)
}

fn skip_trivia(b: &[u8], i: usize) -> usize {
    let mut i = i.min(b.len());
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i = b[i + 2..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(b.len(), |p| i + 2 + p + 2);
        } else {
            return i;
        }
    }
}

/// Position just past the value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'"' => {
                j += 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                if depth == 0 {
                    return j;
                }
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            b',' if depth == 0 => return j,
            _ => {}
        }
        j += 1;
    }
    j.min(b.len())
}

/// Position just inside the bracket that opens the value at `i` (skipping a
/// struct name such as `Zone(`).
fn open(b: &[u8], i: usize) -> Option<usize> {
    let rel = b[i..]
        .iter()
        .position(|c| matches!(c, b'(' | b'[' | b'{'))?;
    Some(skip_trivia(b, i + rel + 1))
}

/// Position of the value of field or map key `name` in the struct at `i`.
fn field_value(b: &[u8], i: usize, name: &str) -> Option<usize> {
    let mut j = open(b, i)?;
    while j < b.len() && !matches!(b[j], b')' | b']' | b'}') {
        let key_end = b[j..].iter().position(|c| *c == b':').map(|p| j + p)?;
        let key = std::str::from_utf8(&b[j..key_end])
            .ok()?
            .trim()
            .trim_matches('"');
        let value = skip_trivia(b, key_end + 1);
        if key == name {
            return Some(value);
        }
        j = skip_value(b, value);
        j = skip_trivia(b, j);
        if j < b.len() && b[j] == b',' {
            j = skip_trivia(b, j + 1);
        }
    }
    None
}

/// Position of element `index` of the list or tuple at `i`.
fn element(b: &[u8], i: usize, index: usize) -> Option<usize> {
    let mut j = open(b, i)?;
    for _ in 0..index {
        j = skip_trivia(b, skip_value(b, j));
        if j >= b.len() || b[j] != b',' {
            return None;
        }
        j = skip_trivia(b, j + 1);
    }
    (j < b.len() && !matches!(b[j], b')' | b']' | b'}')).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::position_of;

    const TEXT: &str = r#"Scenario(
    name: "x", // a comment with zones: in it
    zones: [
        (name: "a", rect: (0, 0, 1, 1)),
        (name: "b, c", rect: (5, 5, 9, 9)),
    ],
    params: (weights: { merchant: { trade: 1.0 } }),
)"#;

    #[test]
    fn finds_nested_fields_list_elements_and_map_keys() {
        assert_eq!(position_of(TEXT, "name"), Some((2, 11)));
        assert_eq!(position_of(TEXT, "zones[1].rect"), Some((5, 30)));
        assert_eq!(position_of(TEXT, "zones[0].name"), Some((4, 16)));
        assert_eq!(position_of(TEXT, "params.weights.merchant"), Some((7, 35)));
    }

    #[test]
    fn never_panics_on_broken_text() {
        let paths = [
            "zones[1].rect",
            "params.weights.merchant",
            "name",
            "zones[0].name",
        ];
        for end in 0..TEXT.len() {
            for cut in [&TEXT[..end], &TEXT[end..]] {
                for p in paths {
                    let _ = position_of(cut, p);
                }
            }
        }
        let _ = position_of("(a: \"x\\", "a.b");
        let _ = position_of("(a: /* open", "a");
    }

    #[test]
    fn missing_parts_fall_back_to_the_deepest_found() {
        assert_eq!(position_of(TEXT, "zones[7].rect"), Some((3, 12)));
        assert_eq!(position_of(TEXT, "nope"), None);
    }
}
