//! Reading forms (`application/x-www-form-urlencoded` bodies, field by field) and showing
//! their problems again: the message beside a field and the summary above the form.

use services::FieldProblem;

/// One field of an `application/x-www-form-urlencoded` body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_pairs(body).into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Every field of an urlencoded body, decoded.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The message of the problem with `field`, if any: what a form shows beside the field.
pub fn error_for<'a>(errors: &'a [FieldProblem], field: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
}

/// "Check the type and the from date.": the fields at fault, in words.
pub fn check_list(errors: &[FieldProblem]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for e in errors {
        let name = match e.field.as_str() {
            "from" => "from date",
            "to" => "to date",
            "on" => "date",
            "form" => "form",
            f => f,
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("Check the {one}."),
        [rest @ .., last] => format!("Check the {} and the {last}.", rest.join(", the ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode() {
        let pairs = form_pairs(b"username=priya&password=a%26b+c%3D&csrf_token=");
        assert_eq!(pairs[1], ("password".into(), "a&b c=".into()));
        assert_eq!(form_field(b"a=1&csrf_token=xyz", "csrf_token"), Some("xyz".into()));
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn the_summary_says_which_fields_to_check() {
        let e = |field| FieldProblem::new(field, String::new());
        assert_eq!(check_list(&[]), "");
        assert_eq!(check_list(&[e("type")]), "Check the type.");
        assert_eq!(check_list(&[e("type"), e("from"), e("to")]), "Check the type, the from date and the to date.");
        assert_eq!(check_list(&[e("outcome"), e("outcome")]), "Check the outcome.");
    }
}
