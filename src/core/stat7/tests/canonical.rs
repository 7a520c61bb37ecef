//! Tests of the canonical text rules on their own: rule-1 floats (including
//! the original's tie-breaking), timestamps and the JSON writer.

use serde_json::json;

use crate::core::stat7::canonical::civil_from_days;
use crate::core::stat7::*;

#[test]
#[expect(
    clippy::excessive_precision,
    reason = "inputs written as the spec writes them"
)]
fn float_rule_1_examples() {
    let cases: &[(f64, &str)] = &[
        (1.0, "1.0"),
        (0.75, "0.75"),
        (0.1 + 0.2, "0.3"),
        (999.999999999, "1000.0"),
        (1.123456789, "1.12345679"),
        (0.123456785, "0.12345678"),
        (0.100000015, "0.10000002"),
        (0.100000005, "0.1"),
        (1e-5, "0.00001"),
        (1e-9, "0.0"),
        (-0.5, "-0.5"),
        (0.000000005, "0.0"),
        (0.000000015, "0.00000002"),
        (12345678.123456789, "12345678.12345679"),
        (0.0, "0.0"),
        (-1.0, "-1.0"),
        (-0.999999999, "-1.0"),
        (-0.123456785, "-0.12345678"),
        (0.99999999, "0.99999999"),
        (0.999999995, "1.0"),
        (1e21, "1000000000000000000000.0"),
    ];
    for &(x, want) in cases {
        assert_eq!(format_float(x).unwrap(), want, "format_float({x:?})");
    }
}

#[test]
fn negative_zero_prints_as_positive_zero() {
    assert_eq!(format_float(-0.0).unwrap(), "0.0");
    assert_eq!(format_float(-1e-9).unwrap(), "0.0");
    assert_eq!(format_float(-0.000000005).unwrap(), "0.0");
}

#[test]
fn floats_never_use_an_exponent() {
    for x in [
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        1e-300,
        1e300,
        123456789e20,
    ] {
        let s = format_float(x).unwrap();
        assert!(!s.contains(['e', 'E']), "{s}");
        assert!(s.contains('.'), "{s}");
        // These are either integral or far below 1e-8.
        let want = if x.abs() >= 1.0 { x } else { 0.0 };
        assert_eq!(s.parse::<f64>().unwrap(), want, "{x:?}");
    }
}

#[test]
fn timestamps() {
    assert_eq!(format_timestamp_ms(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(
        format_timestamp_ms(1_736_937_000_000),
        "2025-01-15T10:30:00.000Z"
    );
    assert_eq!(
        format_timestamp_ms(1_709_251_199_999),
        "2024-02-29T23:59:59.999Z"
    );
    assert_eq!(
        format_timestamp_ms(1_709_251_200_000),
        "2024-03-01T00:00:00.000Z"
    );
    assert_eq!(format_timestamp_ms(-1), "1969-12-31T23:59:59.999Z");
    assert_eq!(
        format_timestamp_ms(-2_203_891_200_000),
        "1900-03-01T00:00:00.000Z"
    );
    assert_eq!(
        format_timestamp_ms(-62_135_596_800_000),
        "0001-01-01T00:00:00.000Z"
    );
    assert_eq!(
        format_timestamp_ms(253_402_300_799_999),
        "9999-12-31T23:59:59.999Z"
    );
    assert_eq!(
        format_timestamp_ms(253_402_300_800_000),
        "+10000-01-01T00:00:00.000Z"
    );
    assert!(format_timestamp_ms(-62_135_596_800_001 - 366 * 86_400_000).starts_with("-0001-"));
    // Extremes must not panic.
    assert!(format_timestamp_ms(i64::MAX).ends_with('Z'));
    assert!(format_timestamp_ms(i64::MIN).ends_with('Z'));
}

#[test]
fn micros_truncate_toward_the_past() {
    assert_eq!(
        format_timestamp_micros(1_736_937_000_123_999),
        "2025-01-15T10:30:00.123Z"
    );
    assert_eq!(format_timestamp_micros(999), "1970-01-01T00:00:00.000Z");
    assert_eq!(format_timestamp_micros(-1), "1969-12-31T23:59:59.999Z");
    assert_eq!(format_timestamp_micros(-1000), "1969-12-31T23:59:59.999Z");
    assert_eq!(format_timestamp_micros(-1001), "1969-12-31T23:59:59.998Z");
    assert!(format_timestamp_micros(i64::MIN).ends_with('Z'));
}

/// Hinnant's inverse, written independently to check `civil_from_days`.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let (m, d) = (i64::from(m), i64::from(d));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[test]
fn civil_date_conversion_round_trips() {
    let mut previous = civil_from_days(-800_001);
    for days in -800_000..800_000 {
        let (y, m, d) = civil_from_days(days);
        assert!(
            (1..=12).contains(&m) && (1..=31).contains(&d),
            "{days}: {y}-{m}-{d}"
        );
        assert_eq!(days_from_civil(y, m, d), days);
        assert!((y, m, d) > previous);
        previous = (y, m, d);
    }
}

#[test]
fn canonical_json_escapes_non_ascii_and_controls() {
    let v = json!({"s": "é😀\"\\\n\r\t\u{8}\u{c}\u{1}\u{7f}/~"});
    assert_eq!(
        canonical_json(&v).unwrap(),
        r#"{"s":"\u00e9\ud83d\ude00\"\\\n\r\t\b\f\u0001\u007f/~"}"#
    );
    assert_eq!(canonical_json(&json!("\u{ffff}")).unwrap(), r#""\uffff""#);
}

#[test]
fn canonical_json_sorts_keys_by_code_point_at_every_level() {
    let v = json!({
        "b": {"z": 1, "a": [{"y": null, "x": false}], "é": 0},
        "a": 1,
        "\u{fffd}": 2,
        "😀": 3,
        "B": 4,
    });
    // Code-point order puts U+FFFD before U+1F600 (UTF-16 order would not).
    assert_eq!(
        canonical_json(&v).unwrap(),
        r#"{"B":4,"a":1,"b":{"a":[{"x":false,"y":null}],"z":1,"\u00e9":0},"\ufffd":2,"\ud83d\ude00":3}"#
    );
}

#[test]
fn canonical_json_numbers_are_not_rounded() {
    let v = json!([
        1,
        -7,
        u64::MAX,
        i64::MIN,
        1.0,
        0.123456789012,
        1e-7,
        -0.0,
        1e21,
        2.5e-10
    ]);
    assert_eq!(
        canonical_json(&v).unwrap(),
        "[1,-7,18446744073709551615,-9223372036854775808,1.0,0.123456789012,0.0000001,-0.0,\
         1000000000000000000000.0,0.00000000025]"
    );
}

#[test]
#[expect(
    clippy::excessive_precision,
    reason = "exact binary values, to show the tie"
)]
fn shortest_ties_break_to_even_like_the_original() {
    // Exact binary values 779229648999232.25 etc. lie halfway between two
    // 16-digit candidates; Python's repr picks the even one, Rust's Display
    // the upper one.
    let cases: &[(f64, &str)] = &[
        (779_229_648_999_232.25, "779229648999232.2"),
        (779_229_648_999_232.75, "779229648999232.8"),
        (1_234_567_890_123_456.2, "1234567890123456.2"),
        (-1_234_567_890_123_456.8, "-1234567890123456.8"),
    ];
    for &(x, want) in cases {
        assert_eq!(format_float(x).unwrap(), want, "format_float({x:?})");
        assert_eq!(
            canonical_json(&json!(x)).unwrap(),
            want,
            "canonical_json({x:?})"
        );
    }
    assert_eq!(
        canonical_json(&json!(2f64.powi(54) + 2.0)).unwrap(),
        "18014398509481984.0"
    );
}
