//! What the case pages and the unpaid-work pages both show of attendance: the outcomes a
//! form offers, the reasons for an acceptable absence, and hours as people say them.

/// An outcome the supervisor may record (docs/rules/practice.md#contact-compliance-and-enforcement).
pub const OUTCOMES: &[(&str, &str)] = &[
    ("attended_complied", "Attended - complied"),
    ("attended_failed_to_comply", "Attended - failed to comply"),
    ("sent_home_behaviour", "Attended - sent home (behaviour)"),
    ("sent_home_service", "Attended - sent home (service issue)"),
    ("acceptable_absence", "Acceptable absence"),
    ("unacceptable_absence", "Unacceptable absence"),
    ("failed_to_attend", "Failed to attend - evidence awaited"),
    ("rescheduled_person", "Rescheduled at the person's request"),
    ("rescheduled_service", "Rescheduled by the service"),
];

/// Reasons for an acceptable absence, as the case record spells them.
pub const ABSENCE_REASONS: &[(&str, &str)] = &[
    ("court_or_legal", "Court or legal"),
    ("employment", "Employment"),
    ("family_or_childcare", "Family or childcare"),
    ("holiday", "Holiday"),
    ("medical", "Medical"),
    ("religious", "Religious"),
    ("remanded_in_custody", "Remanded in custody"),
    ("stood_down", "Stood down"),
    ("other", "Other"),
];

/// "7 hours 30 minutes", "45 minutes", "0 hours".
pub fn hours(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, 0) => "0 hours".to_owned(),
        (0, m) => format!("{m} minutes"),
        (1, 0) => "1 hour".to_owned(),
        (h, 0) => format!("{h} hours"),
        (1, m) => format!("1 hour {m} minutes"),
        (h, m) => format!("{h} hours {m} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use services::upw::outcome_of;

    #[test]
    fn every_outcome_and_reason_offered_parses() {
        for (value, label) in OUTCOMES {
            let o = outcome_of(value, "medical").unwrap_or_else(|e| panic!("{value}: {}", e.message));
            // The label shown is the record's own, but for the two kinds of rescheduling.
            if !value.starts_with("rescheduled") {
                assert_eq!(o.label(), *label);
            }
        }
        for (value, _) in ABSENCE_REASONS {
            assert!(outcome_of("acceptable_absence", value).is_ok(), "{value}");
        }
    }

    #[test]
    fn hours_read_as_people_say_them() {
        for (m, text) in [
            (0, "0 hours"),
            (45, "45 minutes"),
            (60, "1 hour"),
            (90, "1 hour 30 minutes"),
            (420, "7 hours"),
            (450, "7 hours 30 minutes"),
        ] {
            assert_eq!(hours(m), text);
        }
    }
}
