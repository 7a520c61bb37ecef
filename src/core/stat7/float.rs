//! Float text (rule 1 of docs/STAT7.md): rounding coordinate floats to 8 places on
//! their decimal digits, and printing any float as the original did, i.e. as
//! Python's `repr` digits but never in scientific notation.

use super::Stat7Error;

/// Decimal places kept by rule 1.
const PLACES: i32 = 8;

/// Formats a coordinate float by rule 1 of docs/STAT7.md.
///
/// The float's shortest round-trip text is rounded to 8 decimal places,
/// half-to-even on its decimal digits, and the result printed as the shortest
/// round-trip decimal with at least one digit after the point, never in
/// scientific notation. So that zero has one form, `-0.0` and negatives that
/// round to zero print as `0.0`. NaN and ±infinity are rejected.
pub fn format_float(x: f64) -> Result<String, Stat7Error> {
    format_float_field(x, "value")
}

/// [`format_float`], naming `field` in the error so callers can tell which
/// coordinate was bad.
pub(crate) fn format_float_field(x: f64, field: &'static str) -> Result<String, Stat7Error> {
    if !x.is_finite() {
        return Err(Stat7Error::NonFinite { field, value: x });
    }
    if x == 0.0 {
        return Ok("0.0".to_owned());
    }
    let text = Decimal::shortest(x.abs());
    let rounded = text.round_half_even(text.point + PLACES);
    if rounded.digits.is_empty() {
        return Ok("0.0".to_owned());
    }
    if rounded == text {
        return Ok(text.render(x < 0.0));
    }
    // Past ~15 significant digits the rounded decimal need not be the shortest
    // text of the float it denotes; taking that float's shortest text fixes
    // it and can only drop digits, so it never exceeds 8 places.
    let value: f64 = rounded.render(false).parse().unwrap_or(x.abs());
    Ok(Decimal::shortest(value).render(x < 0.0))
}

/// Shortest round-trip text of a finite float, with at least one digit after
/// the point and no exponent; `-0.0` stays `-0.0` (as the original's JSON).
pub(crate) fn shortest_plain(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    Decimal::shortest(x.abs()).render(x < 0.0)
}

/// A nonnegative decimal `0.d₁d₂… × 10^point`, without trailing zeros;
/// no digits means zero.
#[derive(Clone, Debug, PartialEq)]
struct Decimal {
    digits: Vec<u8>,
    point: i32,
}

impl Decimal {
    fn new(mut digits: Vec<u8>, point: i32) -> Self {
        while digits.last() == Some(&0) {
            digits.pop();
        }
        Decimal { digits, point }
    }

    /// Shortest round-trip digits of a positive finite `x`, an exact tie
    /// between two shortest candidates going to the even one as in the
    /// original's (Python's) `repr`; Rust's formatter breaks it upward.
    fn shortest(x: f64) -> Self {
        let sci = format!("{x:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let digits = mantissa
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0');
        let rust = Decimal::new(digits.collect(), exp + 1);
        let n = rust.digits.len();
        if let Some(exact) = Decimal::exact(x)
            && exact.digits.len() == n + 1
            && exact.digits.last() == Some(&5)
        {
            let even = exact.round_half_even(i32::try_from(n).unwrap_or(i32::MAX));
            if even != rust && even.render(false).parse::<f64>() == Ok(x) {
                return even;
            }
        }
        rust
    }

    /// The exact value of a positive finite `x` when it has at most 38
    /// digits, which covers every float where a tie can occur (a tie needs
    /// at most 18 digits).
    fn exact(x: f64) -> Option<Self> {
        let bits = x.to_bits();
        let biased = i32::try_from((bits >> 52) & 0x7ff).ok()?;
        let fraction = bits & ((1 << 52) - 1);
        let (mut m, mut e) = match biased {
            0 => (fraction, -1074),
            _ => (fraction | (1 << 52), biased - 1075),
        };
        if m == 0 {
            return None;
        }
        e += i32::try_from(m.trailing_zeros()).ok()?;
        m >>= m.trailing_zeros();
        // x = m·2^e = m·5^k / 10^k for e = -k.
        let (n, scale) = if e >= 0 {
            (
                u128::from(m).checked_mul(2u128.checked_pow(e.unsigned_abs())?)?,
                0,
            )
        } else {
            let k = e.unsigned_abs();
            (u128::from(m).checked_mul(5u128.checked_pow(k)?)?, k)
        };
        let text = n.to_string();
        let point = i32::try_from(text.len()).ok()? - i32::try_from(scale).ok()?;
        Some(Decimal::new(
            text.bytes().map(|b| b - b'0').collect(),
            point,
        ))
    }

    /// Keeps the first `keep` digits (may be ≤ 0 or past the end), rounding
    /// half-to-even on the dropped ones.
    fn round_half_even(&self, keep: i32) -> Self {
        let Ok(keep) = usize::try_from(keep) else {
            // Everything dropped is below half a unit of the kept position.
            return Decimal::new(Vec::new(), self.point);
        };
        if keep >= self.digits.len() {
            return self.clone();
        }
        let (kept, dropped) = self.digits.split_at(keep);
        let first = dropped.first().copied().unwrap_or(0);
        let beyond_half = dropped.iter().skip(1).any(|&d| d != 0);
        let last_odd = kept.last().is_some_and(|d| d % 2 == 1);
        let mut digits = kept.to_vec();
        let mut point = self.point;
        if first > 5 || (first == 5 && (beyond_half || last_odd)) {
            let mut carry = true;
            for d in digits.iter_mut().rev() {
                if *d == 9 {
                    *d = 0;
                } else {
                    *d += 1;
                    carry = false;
                    break;
                }
            }
            if carry {
                digits.insert(0, 1);
                point += 1;
            }
        }
        Decimal::new(digits, point)
    }

    /// Plain decimal text, at least one digit after the point.
    fn render(&self, negative: bool) -> String {
        let digit = |d: &u8| char::from(b'0' + d);
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        let len = self.digits.len();
        match usize::try_from(self.point) {
            _ if len == 0 => out.push_str("0.0"),
            Err(_) | Ok(0) => {
                out.push_str("0.");
                out.extend(std::iter::repeat_n('0', self.point.unsigned_abs() as usize));
                out.extend(self.digits.iter().map(digit));
            }
            Ok(p) if p >= len => {
                out.extend(self.digits.iter().map(digit));
                out.extend(std::iter::repeat_n('0', p - len));
                out.push_str(".0");
            }
            Ok(p) => {
                out.extend(self.digits[..p].iter().map(digit));
                out.push('.');
                out.extend(self.digits[p..].iter().map(digit));
            }
        }
        out
    }
}
