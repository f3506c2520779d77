//! Bilingual text: Vietnamese always present, English optional.

use serde::{Deserialize, Serialize};

/// A language of the user interface and of content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// BCP 47 tag, as used in `<html lang>` and in xAPI language maps.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// A text in Vietnamese with an optional English version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LocalText {
    pub vi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl LocalText {
    pub fn vi(text: impl Into<String>) -> Self {
        Self {
            vi: text.into(),
            en: None,
        }
    }

    pub fn both(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            vi: vi.into(),
            en: Some(en.into()),
        }
    }

    /// The text in `lang`, falling back to Vietnamese when no English version exists.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => &self.vi,
        }
    }

    /// The language the text is actually shown in for a requested language.
    pub fn shown_lang(&self, lang: Lang) -> Lang {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.is_empty() => Lang::En,
            _ => Lang::Vi,
        }
    }
}

/// `x` with `places` decimals (at most 6) and a decimal point, rounded to the nearest (an
/// exact tie to even): `fixed(2.71, 1)` is `"2.7"`, `fixed(1.5, 0)` is `"2"`; not a
/// number, infinite or at least 10^12 gives `"—"`. Integer arithmetic on the float's exact
/// binary value, so a page that shows a figure does not pull the float formatting of
/// `core::fmt` (`{:.1}`) into the learner's download, and the digits are those of `{:.1}`.
pub fn fixed(x: f64, places: u32) -> String {
    if !x.is_finite() || x.abs() >= 1e12 {
        return "—".into();
    }
    let places = places.min(6);
    let scale = 10u64.pow(places);
    // x = m * 2^e exactly
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = u128::from(bits & ((1u64 << 52) - 1));
    let (m, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u128 << 52), biased - 1075)
    };
    let n = m * u128::from(scale);
    let rounded = if e >= 0 {
        n << e
    } else if -e >= 128 {
        0
    } else {
        let k = (-e) as u32;
        let q = n >> k;
        let r = n & ((1u128 << k) - 1);
        let half = 1u128 << (k - 1);
        if r > half || (r == half && q % 2 == 1) {
            q + 1
        } else {
            q
        }
    };
    let n = rounded as u64;
    let mut out = String::new();
    if x < 0.0 && n != 0 {
        out.push('-');
    }
    out.push_str(&(n / scale).to_string());
    if places > 0 {
        let frac = (n % scale).to_string();
        out.push('.');
        for _ in frac.len()..places as usize {
            out.push('0');
        }
        out.push_str(&frac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards the figures learners see (levels, percentages, gains): the same digits as
    // `format!("{:.N}")` (exact ties included), zeros kept, signs right, no panic on odd input.
    #[test]
    fn fixed_writes_rounded_decimals() {
        assert_eq!(fixed(3.04159, 1), "3.0");
        assert_eq!(fixed(3.96, 1), "4.0");
        assert_eq!(fixed(0.666, 2), "0.67");
        assert_eq!(fixed(1.0, 2), "1.00");
        assert_eq!(fixed(0.05, 2), "0.05");
        assert_eq!(fixed(99.95, 0), "100");
        assert_eq!(fixed(1.5, 0), "2");
        assert_eq!(fixed(0.5, 0), "0");
        assert_eq!(fixed(-2.35, 1), "-2.4");
        assert_eq!(fixed(-0.01, 1), "0.0");
        assert_eq!(fixed(12.0, 0), "12");
        assert_eq!(fixed(f64::NAN, 1), "—");
        assert_eq!(fixed(f64::INFINITY, 1), "—");
        assert_eq!(fixed(1e300, 1), "—");
        assert_eq!(fixed(1e-300, 2), "0.00");
        for i in 0..20_000 {
            let x = f64::from(i) * 0.0137 + 0.0001;
            for places in 0..4 {
                assert_eq!(
                    fixed(x, places),
                    format!("{x:.*}", places as usize),
                    "{x} {places}"
                );
            }
        }
    }

    // Guards against English readers getting an empty string where only Vietnamese exists.
    #[test]
    fn english_falls_back_to_vietnamese() {
        let t = LocalText::vi("Xin chào");
        assert_eq!(t.get(Lang::En), "Xin chào");
        assert_eq!(t.shown_lang(Lang::En), Lang::Vi);
        let t = LocalText::both("Xin chào", "Hello");
        assert_eq!(t.get(Lang::En), "Hello");
        assert_eq!(t.get(Lang::Vi), "Xin chào");
    }
}
