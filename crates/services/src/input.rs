//! Reading what people type into a field, one rule for the web and the CLI: each problem names
//! its field.

use crate::FieldProblem;
use jiff::civil::Date;

/// A date written `YYYY-MM-DD`, or `None` when nothing was typed.
pub fn parse_date(field: &str, raw: &str) -> Result<Option<Date>, FieldProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = |why: &str| FieldProblem::new(field, format!("{field}: `{raw}` {why}"));
    let shaped = raw.len() == 10
        && raw.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(bad("is not a date written YYYY-MM-DD (e.g. 2026-04-13)"));
    }
    raw.parse::<Date>().map(Some).map_err(|_| bad("is not a calendar date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_as_written_or_refused_by_field() {
        for (raw, expect) in [
            ("", Ok(None)),
            ("  ", Ok(None)),
            (" 2026-04-13 ", Ok(Some(jiff::civil::date(2026, 4, 13)))),
            ("13/04/2026", Err("starts_on: `13/04/2026` is not a date written YYYY-MM-DD (e.g. 2026-04-13)")),
            ("2026-4-13", Err("starts_on: `2026-4-13` is not a date written YYYY-MM-DD (e.g. 2026-04-13)")),
            ("2026-02-30", Err("starts_on: `2026-02-30` is not a calendar date")),
        ] {
            let got = parse_date("starts_on", raw);
            match expect {
                Ok(d) => assert_eq!(got, Ok(d), "{raw:?}"),
                Err(m) => assert_eq!(got, Err(FieldProblem::new("starts_on", m)), "{raw:?}"),
            }
        }
    }
}
