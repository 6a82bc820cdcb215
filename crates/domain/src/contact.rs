//! Appointments and their outcomes (docs/rules/practice.md#contact-compliance-and-enforcement).

use crate::ids::LocalId;
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    OfficeVisit,
    HomeVisit,
    Telephone,
    Video,
    UnpaidWork,
    Programme,
    RarActivity,
}

impl ContactKind {
    /// Face-to-face contacts count towards the monthly face-to-face service level.
    pub fn is_face_to_face(self) -> bool {
        !matches!(self, ContactKind::Telephone | ContactKind::Video)
    }
    pub fn label(self) -> &'static str {
        match self {
            ContactKind::OfficeVisit => "Office visit",
            ContactKind::HomeVisit => "Home visit",
            ContactKind::Telephone => "Telephone",
            ContactKind::Video => "Video call",
            ContactKind::UnpaidWork => "Unpaid work session",
            ContactKind::Programme => "Programme session",
            ContactKind::RarActivity => "RAR activity",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: LocalId,
    /// Local (UK) time of the appointment.
    pub at: DateTime,
    pub minutes: u16,
    pub kind: ContactKind,
    /// The requirement this appointment delivers (UPW, RAR, programme), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<LocalId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentHomeReason {
    /// Sent home for the person's behaviour: enforceable.
    Behaviour,
    /// Sent home because of the service (e.g. over-booked UPW): not enforceable.
    ServiceIssue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceReason {
    CourtOrLegal,
    Employment,
    FamilyOrChildcare,
    Holiday,
    Medical,
    Religious,
    RemandedInCustody,
    StoodDown,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RescheduledBy {
    Person,
    Service,
}

/// The outcome of an appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    AttendedComplied,
    AttendedFailedToComply,
    AttendedSentHome {
        reason: SentHomeReason,
    },
    AcceptableAbsence {
        reason: AbsenceReason,
    },
    UnacceptableAbsence,
    /// A holding state while evidence for the absence is awaited (5 working days).
    FailedToAttend,
    Rescheduled {
        by: RescheduledBy,
    },
}

impl Outcome {
    /// Every outcome's kind, as [`Outcome::kind`] names it.
    pub const KINDS: [&'static str; 7] = [
        "attended_complied",
        "attended_failed_to_comply",
        "attended_sent_home",
        "acceptable_absence",
        "unacceptable_absence",
        "failed_to_attend",
        "rescheduled",
    ];

    /// The outcome's kind as the record names it (its `outcome` tag), without its reason.
    pub fn kind(self) -> &'static str {
        match self {
            Outcome::AttendedComplied => "attended_complied",
            Outcome::AttendedFailedToComply => "attended_failed_to_comply",
            Outcome::AttendedSentHome { .. } => "attended_sent_home",
            Outcome::AcceptableAbsence { .. } => "acceptable_absence",
            Outcome::UnacceptableAbsence => "unacceptable_absence",
            Outcome::FailedToAttend => "failed_to_attend",
            Outcome::Rescheduled { .. } => "rescheduled",
        }
    }

    pub fn attended(self) -> bool {
        matches!(self, Outcome::AttendedComplied | Outcome::AttendedFailedToComply | Outcome::AttendedSentHome { .. })
    }

    /// An unacceptable failure to comply: counts towards warnings and breach.
    pub fn is_enforceable(self) -> bool {
        matches!(
            self,
            Outcome::AttendedFailedToComply
                | Outcome::UnacceptableAbsence
                | Outcome::AttendedSentHome { reason: SentHomeReason::Behaviour }
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::AttendedComplied => "Attended - complied",
            Outcome::AttendedFailedToComply => "Attended - failed to comply",
            Outcome::AttendedSentHome { reason: SentHomeReason::Behaviour } => "Attended - sent home (behaviour)",
            Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue } => {
                "Attended - sent home (service issue)"
            }
            Outcome::AcceptableAbsence { .. } => "Acceptable absence",
            Outcome::UnacceptableAbsence => "Unacceptable absence",
            Outcome::FailedToAttend => "Failed to attend - evidence awaited",
            Outcome::Rescheduled { .. } => "Rescheduled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforceability_follows_rules() {
        // docs/rules/practice.md#appointment-outcomes: sent home for behaviour is
        // enforceable, for a service issue it is not.
        let cases = [
            (Outcome::AttendedComplied, true, false),
            (Outcome::AttendedFailedToComply, true, true),
            (Outcome::AttendedSentHome { reason: SentHomeReason::Behaviour }, true, true),
            (Outcome::AttendedSentHome { reason: SentHomeReason::ServiceIssue }, true, false),
            (Outcome::AcceptableAbsence { reason: AbsenceReason::Medical }, false, false),
            (Outcome::UnacceptableAbsence, false, true),
            (Outcome::FailedToAttend, false, false),
            (Outcome::Rescheduled { by: RescheduledBy::Person }, false, false),
        ];
        for (o, attended, enforceable) in cases {
            assert_eq!(o.attended(), attended, "{o:?}");
            assert_eq!(o.is_enforceable(), enforceable, "{o:?}");
        }
    }
}
