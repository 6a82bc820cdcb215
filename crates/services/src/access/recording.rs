//! Who may record what on a case they may change (issue 17 item 3): one row per kind of
//! event. Reaching the case at all is [`super::case_access`]'s (an officer their own and their
//! team's cases, an SPO their team's; inspectors, analysts and administrators record nothing,
//! since they never have write access to a case); this table says which of those roles may
//! record each decision. Every form and the JSON API go through it (`cases::record_events`).

use super::{Role, User};
use domain::event::CaseEvent;

/// The roles that may record one kind of event, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordingRule {
    /// `CaseEvent::event_type`.
    pub event_type: &'static str,
    pub roles: &'static [Role],
    pub source: &'static str,
}

const CASEWORK: &[Role] = &[Role::ResponsibleOfficer, Role::SeniorProbationOfficer];
const MANAGER: &[Role] = &[Role::SeniorProbationOfficer];

const OFFICER_WORK: &str = "docs/design.md#roles: the responsible officer records the casework of their caseload (and \
                            their team's, on duty cover); the SPO may record it too";

const fn casework(event_type: &'static str) -> RecordingRule {
    RecordingRule { event_type, roles: CASEWORK, source: OFFICER_WORK }
}

/// One row per kind of case event; a test checks every kind has exactly one.
pub const RECORDING: &[RecordingRule] = &[
    casework("person_registered"),
    casework("personal_details_updated"),
    casework("sentence_imposed"),
    casework("released_from_custody"),
    casework("sentence_ended"),
    RecordingRule {
        event_type: "officer_allocated",
        roles: MANAGER,
        source: "docs/rules/practice.md#allocation: the SPO allocates, reallocates and transfers the team's cases",
    },
    casework("assessment_completed"),
    casework("registration_added"),
    casework("registration_removed"),
    casework("mappa_set"),
    casework("mappa_ended"),
    casework("tier_calculated"),
    casework("escalated_to_nps"),
    RecordingRule {
        event_type: "transfer_requested",
        roles: MANAGER,
        source: "docs/rules/practice.md#transfer: the sending team's SPO asks another team to take the case",
    },
    RecordingRule {
        event_type: "transfer_withdrawn",
        roles: MANAGER,
        source: "docs/rules/practice.md#transfer: the sending team's SPO withdraws a transfer, or the receiving \
                 team's declines it",
    },
    casework("objective_agreed"),
    casework("appointment_booked"),
    casework("outcome_recorded"),
    casework("warning_letter_issued"),
    RecordingRule {
        event_type: "enforcement_exception_recorded",
        roles: MANAGER,
        source: "docs/rules/practice.md#enforcement: breach after a second failure is mandatory; only a manager may \
                 record an exception to it",
    },
    casework("breach_referred"),
    casework("breach_pack_completed"),
    casework("breach_resolved"),
    casework("recall_recommended"),
    RecordingRule {
        event_type: "recall_decided",
        roles: MANAGER,
        source: "docs/rules/practice.md#recall: the officer recommends recall; a manager decides",
    },
    casework("plan_gap_reason_recorded"),
    casework("review_triggered"),
    casework("review_completed"),
    casework("safeguarding_in_view"),
    casework("safeguarding_check_requested"),
    casework("safeguarding_check_chased"),
    casework("safeguarding_response_received"),
    casework("unpaid_work_needs_recorded"),
    casework("unpaid_work_time_recorded"),
    casework("intervention_referred"),
    casework("referral_accepted"),
    casework("referral_started"),
    casework("referral_closed"),
    casework("referral_outcomes_recorded"),
    RecordingRule {
        event_type: "oversight_recorded",
        roles: MANAGER,
        source: "docs/rules/practice.md#management-oversight: a senior probation officer records oversight",
    },
    RecordingRule {
        event_type: "oversight_action_completed",
        roles: CASEWORK,
        source: "docs/rules/practice.md#management-oversight: the officer does the action and records it done",
    },
    casework("reoffence_proven"),
];

/// The rule for one kind of event.
pub fn recording_rule(event_type: &str) -> Option<&'static RecordingRule> {
    RECORDING.iter().find(|r| r.event_type == event_type)
}

/// Whether `user` may record `event` on a case they may change.
pub fn may_record(user: &User, event: &CaseEvent) -> bool {
    may_record_kind(user, event.event_type())
}

/// Whether `user`'s role may record events of this kind (an unknown kind: nobody).
pub fn may_record_kind(user: &User, event_type: &str) -> bool {
    recording_rule(event_type).is_some_and(|r| r.roles.contains(&user.role))
}

/// What a refused recording says: the roles that may record it, in words.
pub fn who_records(event_type: &str) -> String {
    let roles: Vec<&str> = recording_rule(event_type).map_or(&[][..], |r| r.roles).iter().map(|r| r.label()).collect();
    match roles.as_slice() {
        [] => "nobody records this by hand".to_owned(),
        [one] => format!("only a {} records this", one.to_lowercase()),
        many => format!("only a {} records this", many.join(" or a ").to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_case_event_has_one_recording_rule() {
        // serde lists every variant when it refuses an unknown tag: the enum's own list.
        let err = serde_json::from_str::<CaseEvent>(r#"{"type":"no_such_event"}"#).unwrap_err().to_string();
        let expected = err.split("expected one of ").nth(1).expect("serde lists the variants");
        let kinds: Vec<&str> = expected
            .split(", ")
            .map(|s| s.trim_matches(|c: char| c == '`' || c.is_whitespace()))
            .map(|s| s.split('`').next().unwrap_or(s))
            .collect();
        let rows: Vec<&str> = RECORDING.iter().map(|r| r.event_type).collect();
        assert_eq!(rows, kinds, "one row per kind of event, in the enum's order");
        for r in RECORDING {
            assert!(!r.roles.is_empty() && !r.source.is_empty(), "{}", r.event_type);
            for role in r.roles {
                assert_eq!(role.policy().within_scope, super::super::CaseAccess::ReadWrite, "{}", r.event_type);
            }
        }
    }

    #[test]
    fn decisions_kept_for_managers_are_refused_to_officers() {
        assert_eq!(recording_rule("recall_decided").map(|r| r.roles), Some(MANAGER));
        assert!(!MANAGER.contains(&Role::ResponsibleOfficer));
        assert_eq!(who_records("recall_decided"), "only a senior probation officer records this");
        assert_eq!(
            who_records("breach_referred"),
            "only a responsible officer or a senior probation officer records this"
        );
        assert_eq!(who_records("nothing"), "nobody records this by hand");
    }
}
