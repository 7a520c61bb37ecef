//! Canonical text forms of STAT7 (rules 2 to 4 of docs/STAT7.md): millisecond UTC
//! timestamps and a canonical JSON writer (rule 1's floats are in `float`).
//! Any byte that differs here changes every address, so each choice below is
//! pinned by a conformance test.

use serde_json::{Map, Number, Value};

use super::Stat7Error;
use super::float::shortest_plain;

/// Formats Unix milliseconds as UTC `YYYY-MM-DDTHH:MM:SS.mmmZ` (rule 2).
///
/// Years outside 0000–9999 use ISO 8601's expanded form (`+10000`, `-0001`);
/// the original cannot represent them, so they never occur in its data.
pub fn format_timestamp_ms(unix_ms: i64) -> String {
    const MS_PER_DAY: i64 = 86_400_000;
    let (year, month, day) = civil_from_days(unix_ms.div_euclid(MS_PER_DAY));
    let ms = unix_ms.rem_euclid(MS_PER_DAY);
    let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else if year > 9999 {
        format!("+{year}")
    } else {
        format!("-{:04}", year.unsigned_abs())
    };
    format!("{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// Formats Unix microseconds like [`format_timestamp_ms`], truncating to the
/// millisecond toward the past (floor), so pre-1970 instants truncate too.
pub fn format_timestamp_micros(unix_us: i64) -> String {
    format_timestamp_ms(unix_us.div_euclid(1000))
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a proleptic
/// Gregorian (year, month, day). Exact over the whole `i64` millisecond range.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are in range by construction (1..=31, 1..=12).
    (year, day_or_month(month), day_or_month(day))
}

fn day_or_month(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// A value to write canonically: plain JSON, or pieces whose text the caller
/// has already fixed (rule-1 coordinate floats), so the writer never has to
/// guess which floats get rounded.
pub(crate) enum Node<'a> {
    /// A JSON object; its floats are written unrounded, as [`canonical_json`] does.
    JsonObject(&'a Map<String, Value>),
    /// A string, escaped on output.
    Str(&'a str),
    /// A number already in its canonical text.
    Number(String),
    /// An array, order kept.
    List(Vec<Node<'a>>),
    /// An object; keys are sorted on output.
    Object(Vec<(&'a str, Node<'a>)>),
}

impl Node<'_> {
    /// Appends the compact canonical JSON of `self` to `out`.
    pub(crate) fn write(&self, out: &mut String) -> Result<(), Stat7Error> {
        match self {
            Node::JsonObject(map) => write_map(map, out)?,
            Node::Str(s) => write_str(s, out),
            Node::Number(text) => out.push_str(text),
            Node::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out)?;
                }
                out.push(']');
            }
            Node::Object(entries) => {
                let mut sorted: Vec<&(&str, Node)> = entries.iter().collect();
                sorted.sort_unstable_by_key(|(key, _)| *key);
                out.push('{');
                for (i, (key, node)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(key, out);
                    out.push(':');
                    node.write(out)?;
                }
                out.push('}');
            }
        }
        Ok(())
    }
}

/// Serializes `value` as canonical JSON (rules 3 and 4 of docs/STAT7.md).
///
/// Keys are sorted by code point at every level, output is compact, strings
/// escape `"`, `\`, control characters and all non-ASCII (`\uXXXX`, lowercase,
/// UTF-16 surrogate pairs beyond the BMP). Integers print as integers; floats
/// print unrounded as their shortest round-trip text, with at least one digit
/// after the point and no exponent.
pub fn canonical_json(value: &Value) -> Result<String, Stat7Error> {
    let mut out = String::new();
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut String) -> Result<(), Stat7Error> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_text(n)?),
        Value::String(s) => write_str(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_map(map, out)?,
    }
    Ok(())
}

fn write_map(map: &Map<String, Value>, out: &mut String) -> Result<(), Stat7Error> {
    // serde_json's Map is a BTreeMap (byte order = code-point order for UTF-8)
    // unless some crate enables `preserve_order`; sorting here keeps the
    // output canonical either way.
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_unstable_by_key(|(key, _)| key.as_str());
    out.push('{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(key, out);
        out.push(':');
        write_value(value, out)?;
    }
    out.push('}');
    Ok(())
}

fn number_text(n: &Number) -> Result<String, Stat7Error> {
    if let Some(u) = n.as_u64() {
        return Ok(u.to_string());
    }
    if let Some(i) = n.as_i64() {
        return Ok(i.to_string());
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => Ok(shortest_plain(f)),
        _ => Err(Stat7Error::InvalidNumber(n.to_string())),
    }
}

/// Writes `s` as a JSON string literal, ASCII-only (rule 4).
pub(crate) fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            // Printable ASCII only: like the original's encoder, DEL is escaped too.
            ' '..='~' => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    push_unicode_escape(*unit, out);
                }
            }
        }
    }
    out.push('"');
}

fn push_unicode_escape(unit: u16, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((unit >> shift) & 0xf)]));
    }
}
