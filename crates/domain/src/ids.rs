//! Validated identifiers. Each is parsed once at the edge (API, CSV, CLI) so the rest of
//! Probity never sees a malformed one.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Why a value could not be accepted, naming the field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InvalidValue {
    pub field: &'static str,
    pub problem: String,
}

impl InvalidValue {
    pub fn new(field: &'static str, problem: impl Into<String>) -> Self {
        Self { field, problem: problem.into() }
    }
}

macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident, $field:literal, $check:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Parses and validates; the error names the field.
            pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
                let check: fn(&str) -> Result<String, String> = $check;
                check(raw).map($name).map_err(|p| InvalidValue::new($field, p))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $name::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s)
            }
        }
    };
}

string_newtype!(
    /// Case reference number: one upper-case letter and six digits, e.g. `X123456`.
    Crn,
    "crn",
    |raw| {
        let b = raw.as_bytes();
        if b.len() == 7 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit) {
            Ok(raw.to_owned())
        } else {
            Err(format!("`{raw}` is not a CRN (one capital letter and six digits, e.g. X123456)"))
        }
    }
);

string_newtype!(
    /// Police National Computer number: a 2- or 4-digit year, `/`, up to seven digits and a
    /// check letter, e.g. `2012/0034567A`.
    Pnc,
    "pnc",
    |raw| {
        let ok = raw.split_once('/').is_some_and(|(year, rest)| {
            (year.len() == 2 || year.len() == 4)
                && year.bytes().all(|c| c.is_ascii_digit())
                && (2..=8).contains(&rest.len())
                && rest[..rest.len() - 1].bytes().all(|c| c.is_ascii_digit())
                && rest.as_bytes()[rest.len() - 1].is_ascii_uppercase()
        });
        if ok {
            Ok(raw.to_owned())
        } else {
            Err(format!("`{raw}` is not a PNC number (e.g. 2012/0034567A)"))
        }
    }
);

impl Pnc {
    /// The PNC as a duplicate check compares it: the year's last two digits, the serial number
    /// without leading zeros and the check letter, so `2012/0034567A` and `12/34567A` (the same
    /// record written two ways) have one key.
    pub fn key(&self) -> String {
        let (year, rest) = self.0.split_once('/').expect("a parsed PNC has a `/`");
        let (serial, letter) = rest.split_at(rest.len() - 1);
        let serial = serial.trim_start_matches('0');
        format!("{}/{}{letter}", &year[year.len() - 2..], if serial.is_empty() { "0" } else { serial })
    }
}

string_newtype!(
    /// A code for an organisational unit or a member of staff: 1-16 upper-case letters,
    /// digits, `-` or `_` (nDelius uses short codes such as `N07`, `N07ABC`).
    Code,
    "code",
    |raw| {
        if !raw.is_empty()
            && raw.len() <= 16
            && raw.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
        {
            Ok(raw.to_owned())
        } else {
            Err(format!("`{raw}` is not a code (1-16 of A-Z, 0-9, - and _)"))
        }
    }
);

string_newtype!(
    /// An identifier of a thing inside a case (a sentence, appointment, objective...):
    /// 1-40 characters of letters, digits, `-` and `_`, unique within the case.
    LocalId,
    "id",
    |raw| {
        if !raw.is_empty()
            && raw.len() <= 40
            && raw.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        {
            Ok(raw.to_owned())
        } else {
            Err(format!("`{raw}` is not an id (1-40 of letters, digits, - and _)"))
        }
    }
);

string_newtype!(
    /// A person's name part or a short free-text label: trimmed, 1-100 characters, no control
    /// characters.
    Name,
    "name",
    |raw| {
        let t = raw.trim();
        if t.is_empty() {
            Err("must not be empty".to_owned())
        } else if t.chars().count() > 100 {
            Err("must be at most 100 characters".to_owned())
        } else if t.chars().any(char::is_control) {
            Err("must not contain control characters".to_owned())
        } else {
            Ok(t.to_owned())
        }
    }
);

string_newtype!(
    /// Free text recorded by staff (a reason, a note): 1-4000 characters.
    Note,
    "note",
    |raw| {
        let t = raw.trim();
        if t.is_empty() {
            Err("must not be empty".to_owned())
        } else if t.chars().count() > 4000 {
            Err("must be at most 4000 characters".to_owned())
        } else {
            Ok(t.to_owned())
        }
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pnc_written_two_ways_has_one_key() {
        let rows = [
            ("2012/0034567A", "12/34567A"),
            ("12/34567A", "12/34567A"),
            ("1999/0000001Z", "99/1Z"),
            ("99/00Z", "99/0Z"),
        ];
        for (raw, key) in rows {
            assert_eq!(Pnc::parse(raw).unwrap().key(), key, "{raw}");
        }
    }

    #[test]
    fn crn_accepts_a_letter_and_six_digits_only() {
        let cases = [
            ("X123456", true),
            ("A000000", true),
            ("x123456", false),
            ("X12345", false),
            ("X1234567", false),
            ("1234567", false),
            ("XX23456", false),
            ("", false),
            ("X12345a", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(Crn::parse(raw).is_ok(), ok, "{raw}");
        }
        assert_eq!(Crn::parse("bad").unwrap_err().field, "crn");
    }

    #[test]
    fn pnc_accepts_year_slash_digits_and_check_letter() {
        let cases = [
            ("2012/0034567A", true),
            ("98/12345Z", true),
            ("2012/0034567", false),
            ("2012-0034567A", false),
            ("201/0034567A", false),
            ("2012/A", false),
            ("2012/00345678A", false),
        ];
        for (raw, ok) in cases {
            assert_eq!(Pnc::parse(raw).is_ok(), ok, "{raw}");
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Ada ").unwrap().as_str(), "Ada");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"a".repeat(101)).is_err());
        assert!(Name::parse("a\u{7}b").is_err());
    }

    #[test]
    fn serde_rejects_invalid_values() {
        let err = serde_json::from_str::<Crn>("\"Q12\"").unwrap_err();
        assert!(err.to_string().contains("crn"));
        let ok: Code = serde_json::from_str("\"N07_T1\"").unwrap();
        assert_eq!(ok.as_str(), "N07_T1");
    }
}
