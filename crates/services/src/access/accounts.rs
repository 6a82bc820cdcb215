//! The rules for accounts, wherever one is made or changed (the admin pages, a user's own
//! change of password, `probity user add`): what a password must be, that a place scope
//! names a real place, and that the provider is never left without an administrator; and
//! how a password is kept (an argon2id hash) and how random tokens are drawn, so the CLI and
//! the web server store and check passwords alike.

use super::{PlaceScope, Role, User};
use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use domain::org::Organisation;
use store::auth::UserRecord;

/// What every password must meet. Sources: NCSC password guidance (length over complexity;
/// refuse the most common passwords) and NIST SP 800-63B §5.1.1.2 (at least 8 characters,
/// 64 or more allowed, checked against breached and common values, repetitive or sequential
/// characters, and context-specific words such as the username).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_chars: usize,
    /// Long passphrases are welcome; the bound only keeps one request's hashing input sane.
    pub max_chars: usize,
    /// A password with fewer distinct characters than this is a repetition (`aaaaaaaaaaaa`).
    pub min_distinct: usize,
    pub source: &'static str,
}

pub const PASSWORDS: PasswordPolicy = PasswordPolicy {
    min_chars: 12,
    max_chars: 256,
    min_distinct: 5,
    source: "NCSC password guidance; NIST SP 800-63B 5.1.1.2; 12 characters is Probity's default (above NIST's 8)",
};

/// Words that make up most breached passwords once digits and symbols are stripped
/// (`password1234`, `Summer2024!!`, `P@ssw0rd1234`): a password made only of one of these,
/// repeated or not, is refused. Drawn from the most common entries of public breach corpora
/// (the NCSC's top 100,000 list) and the words a provider's staff would reach for first.
const COMMON_WORDS: &[&str] = &[
    "password",
    "passwort",
    "passport",
    "pass",
    "qwerty",
    "qwertz",
    "azerty",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "administrator",
    "root",
    "user",
    "login",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "soccer",
    "sunshine",
    "princess",
    "master",
    "shadow",
    "superman",
    "batman",
    "starwars",
    "whatever",
    "trustno",
    "changeme",
    "secret",
    "london",
    "england",
    "arsenal",
    "chelsea",
    "liverpool",
    "summer",
    "winter",
    "spring",
    "autumn",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "friday",
    "hello",
    "freedom",
    "computer",
    "internet",
    "michael",
    "jessica",
    "charlie",
    "thomas",
    "daniel",
    "ashley",
    "jordan",
    "hunter",
    "tigger",
    "pokemon",
    "cheese",
    "killer",
    "probity",
    "probation",
    "justice",
    "prison",
    "court",
    "office",
    "service",
    "default",
    "test",
    "guest",
    "abc",
    "xyz",
    "asdf",
    "zxcv",
    "love",
    "god",
    "jesus",
    "blink",
    "matrix",
    "mustang",
    "access",
    "flower",
];

/// Keyboard rows and the alphabet: a password whose letters are a run along one of these
/// (`qwertyuiopas`, `abcdefghijkl`) is sequential.
const RUNS: &[&str] = &["qwertyuiopasdfghjklzxcvbnm", "abcdefghijklmnopqrstuvwxyz", "1234567890", "0987654321"];

/// Whether `password` may be set for `username`; `Err` names `field` and says what is wrong.
/// The current password, where there is one, is the caller's to compare (it alone knows it).
pub fn check_password_strength(field: &str, password: &str, username: &str) -> Result<(), String> {
    let p = &PASSWORDS;
    let chars = password.chars().count();
    if chars < p.min_chars {
        return Err(format!("{field}: must be at least {} characters", p.min_chars));
    }
    if chars > p.max_chars {
        return Err(format!("{field}: must be at most {} characters", p.max_chars));
    }
    if password.trim().is_empty() {
        return Err(format!("{field}: must not be only spaces"));
    }
    let lower = password.to_lowercase();
    let mut distinct: Vec<char> = lower.chars().filter(|c| !c.is_whitespace()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < p.min_distinct {
        return Err(format!("{field}: repeats too few characters; use a few words you will remember"));
    }
    let name = username.trim().to_lowercase();
    if !name.is_empty() && lower.contains(&name) {
        return Err(format!("{field}: must not contain the username"));
    }
    if is_common(&lower) {
        return Err(format!("{field}: is too common and easy to guess; use three or more random words"));
    }
    if is_sequential(&lower) {
        return Err(format!("{field}: is a sequence of keys or letters and easy to guess"));
    }
    Ok(())
}

/// A password that meets the policy for `username`, drawn from `draw` (a source of random
/// text: each draw is cut to 20 characters). Random hex very rarely fails the rule (all
/// digits, say); such a draw is simply drawn again.
pub fn generated_password(username: &str, draw: &mut dyn FnMut() -> String) -> String {
    loop {
        let candidate: String = draw().chars().take(20).collect();
        if check_password_strength("password", &candidate, username).is_ok() {
            return candidate;
        }
    }
}

/// An argon2id hash (PHC string) of `password` with a random salt and the default (OWASP)
/// parameters; `Err` says why hashing failed. This is the raw computation, tens of
/// milliseconds of a core and 19 MiB: a server bounds how many run at once
/// (`services::accounts::password_work`).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("password hashing: {e}"))
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// 256 random bits from the operating system, as 64 hex digits: session ids, CSRF tokens and
/// the draws of [`generated_password`].
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The letters of a password with common substitutions undone (`p@ssw0rd` is `password`).
fn letters(lower: &str) -> String {
    lower
        .chars()
        .filter_map(|c| match c {
            '@' | '4' => Some('a'),
            '3' => Some('e'),
            '1' | '!' => Some('i'),
            '0' => Some('o'),
            '$' | '5' => Some('s'),
            '7' => Some('t'),
            c if c.is_alphabetic() => Some(c),
            _ => None,
        })
        .collect()
}

/// Made only of common words (each perhaps repeated), once digits and symbols go: the shape
/// of most breached passwords. Digits alone (`123456789012`) count as common too.
fn is_common(lower: &str) -> bool {
    let core: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    if core.is_empty() {
        return true;
    }
    // Substitutions are undone within the word, not in the digits around it (`p@ssw0rd1234`).
    let word = lower.trim_matches(|c: char| !c.is_alphabetic());
    [core, letters(lower), letters(word)].iter().any(|w| made_of_common_words(w))
}

fn made_of_common_words(word: &str) -> bool {
    if word.is_empty() {
        return true;
    }
    COMMON_WORDS.iter().any(|w| word.strip_prefix(w).is_some_and(made_of_common_words))
}

/// The characters (spaces aside) run along a keyboard row or the alphabet, either way.
fn is_sequential(lower: &str) -> bool {
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    let reversed: String = compact.chars().rev().collect();
    RUNS.iter().any(|run| {
        let twice = format!("{run}{run}");
        twice.contains(&compact) || twice.contains(&reversed)
    })
}

/// Who may add and change users and keep the limited-access lists: a signed-in user whose
/// role `administers` (`ROLE_POLICY`), or the operator at the command line, who holds the
/// database itself and so every right already (`probity user add` makes the first
/// administrator).
#[derive(Debug, Clone, Copy)]
pub enum Administrator<'a> {
    User(&'a User),
    Operator,
}

impl<'a> Administrator<'a> {
    /// `user` as an administrator, or `None` when their role does not administer.
    pub fn of(user: &'a User) -> Option<Self> {
        user.policy().administers.then_some(Administrator::User(user))
    }

    /// Who is named as having made a change.
    pub fn name(&self) -> &str {
        match self {
            Administrator::User(u) => u.username.as_str(),
            Administrator::Operator => "operator",
        }
    }
}

/// That `scope` names a place the organisation has; `Err` names `field`.
pub fn check_scope_exists(field: &str, scope: &PlaceScope, org: &Organisation) -> Result<(), String> {
    let known = match scope {
        PlaceScope::Team(c) => org.teams.iter().any(|t| &t.code == c),
        PlaceScope::Office(c) => org.offices.iter().any(|o| &o.code == c),
        PlaceScope::Borough(c) => org.boroughs.iter().any(|b| &b.code == c),
        PlaceScope::Area(c) => org.areas.iter().any(|a| &a.code == c),
        PlaceScope::Provider => true,
    };
    if known { Ok(()) } else { Err(format!("{field}: there is no {} {}", scope.kind().as_str(), scope_code(scope))) }
}

fn scope_code(scope: &PlaceScope) -> String {
    scope.code().map(|c| c.to_string()).unwrap_or_default()
}

/// Whether `changed` (a new role, or disabled) leaves at least one enabled user whose role
/// administers: without one, nobody could add users or manage limited access again.
/// `Err` names the field the change came through.
pub fn keeps_an_administrator(users: &[UserRecord], changed: &UserRecord, field: &str) -> Result<(), String> {
    let administers = |u: &UserRecord| !u.disabled && Role::parse(&u.role).is_ok_and(|r| r.policy().administers);
    let was = users.iter().any(|u| u.username == changed.username && administers(u));
    let remaining = users.iter().filter(|u| u.username != changed.username).filter(|u| administers(u)).count();
    if was && remaining == 0 && !administers(changed) {
        return Err(format!(
            "{field}: {} is the last administrator; make someone else an administrator first",
            changed.username
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_follow_ncsc_and_nist() {
        // (password, username, accepted, why)
        let rows: &[(&str, &str, bool, &str)] = &[
            ("correct horse battery staple", "priya", true, "a passphrase of random words"),
            ("a brand new passphrase", "priya", true, "the browser test's passphrase"),
            ("8d1f0c2e9a7b6c5d4e3f", "priya", true, "a generated password"),
            ("short", "priya", false, "too short"),
            ("aaaaaaaaaaaa", "priya", false, "one character repeated"),
            ("            ", "priya", false, "twelve spaces"),
            ("abababababab", "priya", false, "two characters repeated"),
            ("password1234", "priya", false, "the commonest word with digits"),
            ("P@ssw0rd1234", "priya", false, "substitutions undone"),
            ("Summer2024!!", "priya", false, "a season and a year"),
            ("letmeinletmein", "priya", false, "a common word repeated"),
            ("123456789012", "priya", false, "digits only"),
            ("qwertyuiopas", "priya", false, "a keyboard row"),
            ("zyxwvutsrqpo", "priya", false, "the alphabet backwards"),
            ("priya.sharma-2026", "priya.sharma", false, "contains the username"),
            ("PRIYA.SHARMA my pass", "priya.sharma", false, "the username in capitals"),
            (&"x1y2z3w4".repeat(40), "priya", false, "over the bound"),
        ];
        for (password, username, accepted, why) in rows {
            let got = check_password_strength("password", password, username);
            assert_eq!(got.is_ok(), *accepted, "{why}: {password:?} {got:?}");
            if let Err(e) = got {
                assert!(e.starts_with("password: "), "names the field: {e}");
            }
        }
    }

    fn user(name: &str, role: &str, disabled: bool) -> UserRecord {
        UserRecord {
            username: name.into(),
            password_hash: String::new(),
            role: role.into(),
            scope_kind: "provider".into(),
            scope_code: None,
            officer: None,
            disabled,
            created_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_generated_password_meets_the_rule_drawing_again_when_it_must() {
        let mut draws = ["123456789012345678901234".to_owned(), "8d1f0c2e9a7b6c5d4e3f2a1b".to_owned()].into_iter();
        let got = generated_password("priya", &mut || draws.next().unwrap());
        assert_eq!(got, "8d1f0c2e9a7b6c5d4e3f", "the all-digit draw is refused, the next taken and cut to 20");
    }

    #[test]
    fn passwords_are_stored_as_argon2id_and_verified() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        assert!(verify_password(&hash, "correct horse battery staple"));
        assert!(!verify_password(&hash, "correct horse battery stapl"));
        assert!(!verify_password("not a hash", "anything"));
        assert_ne!(hash, hash_password("correct horse battery staple").unwrap(), "a fresh salt every time");
    }

    #[test]
    fn tokens_are_256_random_bits() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        let password = generated_password("priya", &mut new_token);
        assert_eq!(password.chars().count(), 20, "a draw cut to 20 characters");
        assert!(check_password_strength("password", &password, "priya").is_ok());
    }

    #[test]
    fn the_last_administrator_stays() {
        let users = [user("ada", "admin", false), user("bob", "admin", true), user("cy", "spo", false)];
        let demoted = user("ada", "spo", false);
        assert!(keeps_an_administrator(&users, &demoted, "role").is_err(), "ada is the only enabled admin");
        assert!(keeps_an_administrator(&users, &user("ada", "admin", true), "role").is_err(), "nor disabled");
        assert!(keeps_an_administrator(&users, &user("cy", "responsible_officer", false), "role").is_ok());
        let none = [user("cy", "spo", false)];
        assert!(
            keeps_an_administrator(&none, &user("cy", "spo", true), "username").is_ok(),
            "removes no administrator"
        );
        let two = [user("ada", "admin", false), user("dee", "admin", false)];
        assert!(keeps_an_administrator(&two, &demoted, "role").is_ok(), "dee remains");
    }
}
