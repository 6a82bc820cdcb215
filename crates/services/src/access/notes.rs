//! Who reads a sensitive case note (docs/rules/practice.md#case-notes). A note marked
//! sensitive (a disclosure about a victim, a health matter, a child) is read by those who
//! manage the case, not by everyone who may open it: another officer of the team covering a
//! duty, or an unpaid work supervisor, sees that there is a sensitive note and who wrote it,
//! not what it says. Reaching the case at all is still [`super::case_access`]'s.

use super::{Role, User};
use domain::event::{CaseEvent, RecordedEvent};
use domain::ids::Code;

/// Who reads a sensitive note, beyond its author, on a case they may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteReader {
    /// The role reads sensitive notes on any case it may read.
    Always,
    /// Only when the reader is the case's responsible officer.
    ResponsibleOfficerOnly,
    /// Never (its author aside).
    Never,
}

/// One row per role; a test checks every role has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SensitiveNoteRule {
    pub role: Role,
    pub reads: NoteReader,
    pub source: &'static str,
}

const MANAGES: &str = "docs/rules/practice.md#case-notes: those who manage the case read what is sensitive in it \
                       (Probity default, as nDelius restricts sensitive contacts)";

pub const SENSITIVE_NOTES: &[SensitiveNoteRule] = &[
    SensitiveNoteRule {
        role: Role::ResponsibleOfficer,
        reads: NoteReader::ResponsibleOfficerOnly,
        source: "docs/rules/practice.md#case-notes: the responsible officer reads their own cases' sensitive notes; \
                 a colleague covering on duty does not need them to keep an appointment (Probity default)",
    },
    SensitiveNoteRule { role: Role::SeniorProbationOfficer, reads: NoteReader::Always, source: MANAGES },
    SensitiveNoteRule { role: Role::AreaManager, reads: NoteReader::Always, source: MANAGES },
    SensitiveNoteRule {
        role: Role::UpwSupervisor,
        reads: NoteReader::Never,
        source: "docs/rules/practice.md#case-notes: a supervisor runs the work party, not the case (Probity default)",
    },
    SensitiveNoteRule {
        role: Role::Inspector,
        reads: NoteReader::Always,
        source: "docs/rules/practice.md#case-notes: an inspector judges the whole record of a sampled case",
    },
    SensitiveNoteRule {
        role: Role::MiAnalyst,
        reads: NoteReader::Never,
        source: "docs/design.md#roles: MI analysts read no case",
    },
    SensitiveNoteRule {
        role: Role::Admin,
        reads: NoteReader::Never,
        source: "docs/design.md#roles: administrators read no case",
    },
];

/// Whether `user`, who may read the case, reads a sensitive note on it written by `author`,
/// the case's responsible officer being `officer`.
pub fn reads_sensitive_note(user: &User, officer: Option<&Code>, author: &Code) -> bool {
    if user.disabled {
        return false;
    }
    if &user.recorder() == author {
        return true;
    }
    let rule = SENSITIVE_NOTES.iter().find(|r| r.role == user.role).map_or(NoteReader::Never, |r| r.reads);
    match rule {
        NoteReader::Always => true,
        NoteReader::ResponsibleOfficerOnly => officer.is_some() && user.officer.as_ref() == officer,
        NoteReader::Never => false,
    }
}

/// The case's events as `user` may read them: the text of each sensitive note they may not
/// read is taken out (the event still says a sensitive note was written, and by whom). Returns
/// how many were withheld.
pub fn withhold_sensitive_notes(user: &User, officer: Option<&Code>, events: &mut [RecordedEvent]) -> usize {
    let mut withheld = 0;
    for e in events.iter_mut() {
        if let CaseEvent::OutcomeRecorded { note: note @ Some(_), sensitive: true, .. } = &mut e.event
            && !reads_sensitive_note(user, officer, &e.recorded_by)
        {
            *note = None;
            withheld += 1;
        }
    }
    withheld
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{PlaceScope, Username};
    use domain::example::code;

    fn user(role: Role, officer: Option<&str>) -> User {
        User {
            username: Username::parse("someone").unwrap(),
            role,
            scope: PlaceScope::Provider,
            officer: officer.map(code),
            disabled: false,
        }
    }

    #[test]
    fn every_role_has_one_sensitive_note_rule() {
        for role in Role::ALL {
            assert_eq!(SENSITIVE_NOTES.iter().filter(|r| r.role == role).count(), 1, "{role:?}");
        }
    }

    /// (role, their staff code, the case's officer, the note's author, reads it)
    type Row<'a> = (Role, Option<&'a str>, Option<&'a str>, &'a str, bool);

    #[test]
    fn a_sensitive_note_is_read_by_those_who_manage_the_case() {
        let rows: &[Row] = &[
            (Role::ResponsibleOfficer, Some("OFF1"), Some("OFF1"), "OFF2", true),
            (Role::ResponsibleOfficer, Some("OFF2"), Some("OFF1"), "OFF1", false),
            (Role::ResponsibleOfficer, Some("OFF2"), Some("OFF1"), "OFF2", true),
            (Role::ResponsibleOfficer, Some("OFF2"), None, "OFF1", false),
            (Role::SeniorProbationOfficer, Some("SPO1"), Some("OFF1"), "OFF1", true),
            (Role::AreaManager, None, Some("OFF1"), "OFF1", true),
            (Role::Inspector, None, Some("OFF1"), "OFF1", true),
            (Role::UpwSupervisor, None, Some("OFF1"), "OFF1", false),
            (Role::MiAnalyst, None, Some("OFF1"), "OFF1", false),
        ];
        for (role, me, officer, author, reads) in rows {
            let u = user(*role, *me);
            assert_eq!(
                reads_sensitive_note(&u, officer.map(code).as_ref(), &code(author)),
                *reads,
                "{role:?} {me:?} on {officer:?}'s case, by {author}"
            );
        }
    }
}
