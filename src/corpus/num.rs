//! Figures exactly as a source prints them.
//!
//! A figure keeps its text ("0.80", "15.0") beside its value, so that evidex never shows a
//! number other than the one the source wrote: a JSON number `15.0` keeps "15.0"; write a
//! string (`"0.80"`) where a trailing zero matters. P-values keep their comparator
//! ("<0.001").

use std::fmt;

use compact_str::{CompactString, ToCompactString};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A number with the text it was written as. The text is stored in place (a figure is never
/// longer than 24 bytes), not in an allocation of its own: a registry has millions of figures.
#[derive(Debug, Clone, Default)]
pub struct Num {
    value: f64,
    text: CompactString,
}

impl PartialEq for Num {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Num {
    /// Parses a decimal as written ("15.0", "-0.5", "1e-3"); `None` when it is not one.
    pub fn parse(text: &str) -> Option<Num> {
        let t = text.trim();
        if t.is_empty() || !t.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let value: f64 = t.parse().ok()?;
        value.is_finite().then(|| Num {
            value,
            text: t.into(),
        })
    }

    pub fn from_f64(value: f64) -> Num {
        Num {
            value,
            text: format_f64(value).into(),
        }
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

fn format_f64(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A figure whose text survives a round trip through a JSON number is written as one.
        match serde_json::Number::from_f64(self.value) {
            Some(n) if n.to_string() == self.text => n.serialize(s),
            _ if self.value.fract() == 0.0 && self.text == format_f64(self.value) => {
                s.serialize_i64(self.value as i64)
            }
            _ => s.serialize_str(&self.text),
        }
    }
}

struct NumVisitor;

impl Visitor<'_> for NumVisitor {
    type Value = Num;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number, or a string holding a decimal number such as \"0.80\"")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
        Ok(Num {
            value: v as f64,
            text: v.to_compact_string(),
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
        Ok(Num {
            value: v as f64,
            text: v.to_compact_string(),
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
        let text = serde_json::Number::from_f64(v)
            .map(|n| n.to_compact_string())
            .ok_or_else(|| E::custom("number is not finite"))?;
        Ok(Num { value: v, text })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
        Num::parse(v).ok_or_else(|| E::custom(format!("{v:?} is not a decimal number")))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        d.deserialize_any(NumVisitor)
    }
}

/// How a p-value relates to its figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cmp {
    #[default]
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Lt => "<",
            Cmp::Le => "≤",
            Cmp::Gt => ">",
            Cmp::Ge => "≥",
        }
    }
}

/// A p-value as printed: "0.032", "<0.001".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PValue {
    pub cmp: Cmp,
    pub value: Num,
}

impl PValue {
    pub fn parse(text: &str) -> Option<PValue> {
        let t = text.trim();
        let t = t
            .strip_prefix('P')
            .or_else(|| t.strip_prefix('p'))
            .unwrap_or(t)
            .trim_start();
        let (cmp, rest) = if let Some(r) = t.strip_prefix("<=").or_else(|| t.strip_prefix('≤')) {
            (Cmp::Le, r)
        } else if let Some(r) = t.strip_prefix(">=").or_else(|| t.strip_prefix('≥')) {
            (Cmp::Ge, r)
        } else if let Some(r) = t.strip_prefix('<') {
            (Cmp::Lt, r)
        } else if let Some(r) = t.strip_prefix('>') {
            (Cmp::Gt, r)
        } else if let Some(r) = t.strip_prefix('=') {
            (Cmp::Eq, r)
        } else {
            (Cmp::Eq, t)
        };
        Some(PValue {
            cmp,
            value: Num::parse(rest)?,
        })
    }
}

impl fmt::Display for PValue {
    /// `P=0.032`, `P<0.001`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}{}", self.cmp.symbol(), self.value)
    }
}

impl Serialize for PValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.cmp {
            Cmp::Eq => s.serialize_str(self.value.text()),
            c => s.serialize_str(&format!("{}{}", c.symbol(), self.value.text())),
        }
    }
}

impl<'de> Deserialize<'de> for PValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PValue, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = PValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a p-value such as 0.032 or \"<0.001\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PValue, E> {
                NumVisitor.visit_f64(v).map(|value| PValue {
                    cmp: Cmp::Eq,
                    value,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PValue, E> {
                NumVisitor.visit_u64(v).map(|value| PValue {
                    cmp: Cmp::Eq,
                    value,
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PValue, E> {
                NumVisitor.visit_i64(v).map(|value| PValue {
                    cmp: Cmp::Eq,
                    value,
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PValue, E> {
                PValue::parse(v).ok_or_else(|| E::custom(format!("{v:?} is not a p-value")))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_as_written() {
        let n: Num = serde_json::from_str("15.0").unwrap();
        assert_eq!(n.text(), "15.0");
        assert_eq!(n.value(), 15.0);
        let n: Num = serde_json::from_str("\"0.80\"").unwrap();
        assert_eq!(n.text(), "0.80");
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"0.80\"");
        let n: Num = serde_json::from_str("43.6").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "43.6");
        let n: Num = serde_json::from_str("131").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "131");
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        assert!(serde_json::from_str::<Num>("\"NA\"").is_err());
        assert!(serde_json::from_str::<Num>("\"\"").is_err());
        assert!(serde_json::from_str::<Num>("\"inf\"").is_err());
        assert!(serde_json::from_str::<Num>("true").is_err());
    }

    #[test]
    fn p_values_keep_their_comparator() {
        let p: PValue = serde_json::from_str("\"<0.001\"").unwrap();
        assert_eq!(p.cmp, Cmp::Lt);
        assert_eq!(p.to_string(), "P<0.001");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"<0.001\"");
        let p: PValue = serde_json::from_str("0.032").unwrap();
        assert_eq!(p.to_string(), "P=0.032");
        assert_eq!(PValue::parse("P = 0.65").unwrap().value.text(), "0.65");
        assert!(PValue::parse("NA").is_none());
    }
}
