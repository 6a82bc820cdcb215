//! The case assessment instrument: the questions an inspector answers for each sampled
//! case, with stable ids (docs/rules/practice.md#the-case-assessment-instrument).
//!
//! Ids are a contract: assessment files, comparison files and saved reports refer to
//! them, so they never change. The wording is the report's, shortened.

/// The groups a person may pose a risk of harm to, for `PP.I.<group>`.
pub const HARM_GROUPS: [(&str, &str); 5] = [
    ("public", "the public"),
    ("known_adult", "a known adult"),
    ("children", "children"),
    ("staff", "staff"),
    ("prisoners", "prisoners"),
];

/// The criminogenic needs, for `RR.N.<need>.<aspect>`.
pub const NEEDS: [(&str, &str); 10] = [
    ("accommodation", "accommodation"),
    ("ete", "education, training and employment"),
    ("finance", "finance, benefit and debt"),
    ("relationships", "relationships"),
    ("lifestyle", "lifestyle and associates"),
    ("drugs", "drug misuse"),
    ("alcohol", "alcohol misuse"),
    ("emotional", "emotional well-being"),
    ("thinking", "thinking and behaviour"),
    ("attitudes", "attitudes to offending"),
];

/// What is asked about each need.
const NEED_ASPECTS: [(&str, &str); 5] = [
    ("plan", "addressed in the plan"),
    ("progress", "sufficient progress, or the outcome achieved"),
    ("officer", "the responsible officer contributed to progress"),
    ("provider", "contracted providers contributed to progress"),
    ("partner", "partners contributed to progress"),
];

/// The report's domains, used to group questions in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Domain {
    ProtectingThePublic,
    ReducingReoffending,
    AbidingByTheSentence,
    WorkingTogether,
}

impl Domain {
    pub fn title(self) -> &'static str {
        match self {
            Domain::ProtectingThePublic => "Protecting the public",
            Domain::ReducingReoffending => "Reducing reoffending",
            Domain::AbidingByTheSentence => "Abiding by the sentence",
            Domain::WorkingTogether => "Working together",
        }
    }
}

/// One question of the instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub domain: Domain,
    /// Questions are charted in groups (one chart per group), like the report's Appendix 4.
    pub group: String,
    pub text: String,
}

fn q(id: &str, domain: Domain, group: &str, text: &str) -> Question {
    Question { id: id.to_string(), domain, group: group.to_string(), text: text.to_string() }
}

/// Every question, in the instrument's order, with `PP.I.<group>` and
/// `RR.N.<need>.<aspect>` expanded (83 questions).
pub fn questions() -> Vec<Question> {
    use Domain::*;
    let pp = "Protecting the public";
    let mut out = vec![
        q("PP.A1", ProtectingThePublic, pp, "Initial assessment of risk of harm sufficient"),
        q("PP.P1", ProtectingThePublic, pp, "Initial plan sufficiently addresses risk of harm"),
        q("PP.D1", ProtectingThePublic, pp, "Interventions delivered focused sufficiently on protecting those at risk"),
        q(
            "PP.D2",
            ProtectingThePublic,
            pp,
            "Responsible officer took all reasonable action to keep risk of harm to a minimum",
        ),
        q(
            "PP.D3",
            ProtectingThePublic,
            pp,
            "Providers and partners took all reasonable action to keep risk of harm to a minimum",
        ),
        q(
            "PP.D4",
            ProtectingThePublic,
            pp,
            "Safeguarding checks (children's social care, police domestic abuse) made where needed",
        ),
        q(
            "PP.R1",
            ProtectingThePublic,
            pp,
            "Responded appropriately to changing circumstances relating to risk of harm",
        ),
        q("PP.R2", ProtectingThePublic, pp, "Management oversight had a positive impact on public protection"),
    ];
    let harm = "Progress in minimising the risk of harm";
    for (group, label) in HARM_GROUPS {
        out.push(q(
            &format!("PP.I.{group}"),
            ProtectingThePublic,
            harm,
            &format!("Sufficient progress in minimising the risk of harm posed to {label}"),
        ));
    }
    let rr = "Reducing reoffending";
    out.extend([
        q(
            "RR.A1",
            ReducingReoffending,
            rr,
            "Assessment of factors linked to reoffending sufficient, within an appropriate time of allocation",
        ),
        q("RR.P1", ReducingReoffending, rr, "Sentence plan sufficient"),
        q("RR.D1", ReducingReoffending, rr, "Sufficient progress in delivering the required interventions"),
        q("RR.R1", ReducingReoffending, rr, "Progress reviewed"),
        q("RR.R2", ReducingReoffending, rr, "Plan adjusted where necessary"),
    ]);
    for (need, need_label) in NEEDS {
        let group = format!("Need: {need_label}");
        for (aspect, aspect_label) in NEED_ASPECTS {
            out.push(q(
                &format!("RR.N.{need}.{aspect}"),
                ReducingReoffending,
                &group,
                &format!("{}: {aspect_label}", capitalise(need_label)),
            ));
        }
    }
    out.push(q(
        "RR.O1",
        ReducingReoffending,
        rr,
        "Proven reoffending since the start of the sentence or licence (yes = reoffended)",
    ));
    let ab = "Abiding by the sentence";
    out.extend([
        q("AS.A1", AbidingByTheSentence, ab, "Diversity and personal circumstances taken into account"),
        q("AS.P1", AbidingByTheSentence, ab, "The person was involved in planning"),
        q("AS.R1", AbidingByTheSentence, ab, "The person was involved in reviewing"),
        q("AS.D1", AbidingByTheSentence, ab, "Barriers to engagement identified and addressed"),
        q("AS.D2", AbidingByTheSentence, ab, "Legal requirements of the order or licence delivered"),
        q("AS.D3", AbidingByTheSentence, ab, "Absence and non-compliance responded to appropriately"),
        q("AS.D4", AbidingByTheSentence, ab, "Enforcement action taken when appropriate"),
        q("AS.D5", AbidingByTheSentence, ab, "The same responsible officer throughout"),
        q("AS.D6", AbidingByTheSentence, ab, "Number of appointments offered sufficient for the person's needs"),
        q("AS.D7", AbidingByTheSentence, ab, "Unpaid work delivered effectively"),
        q("AS.O1", AbidingByTheSentence, ab, "The person complied with the sentence"),
    ]);
    let wt = "Working together";
    out.extend([
        q(
            "WT.1",
            WorkingTogether,
            wt,
            "The pre-sentence report identified and analysed the areas linked to reoffending",
        ),
        q("WT.2", WorkingTogether, wt, "The pre-sentence report's proposal focused on the right issues"),
        q(
            "WT.3",
            WorkingTogether,
            wt,
            "Assessment at the point of allocation sufficient (allocation form and safeguarding checks complete)",
        ),
    ]);
    out
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The four case supervision standards and the questions each is rated from
/// (docs/rules/practice.md#file-formats). A standard takes the band of its lowest question.
pub const CASE_STANDARDS: [(&str, &[&str]); 4] = [
    ("assessment", &["PP.A1", "RR.A1", "AS.A1"]),
    ("planning", &["PP.P1", "RR.P1", "AS.P1"]),
    ("delivery", &["PP.D1", "PP.D2", "RR.D1", "AS.D2", "AS.D3"]),
    ("reviewing", &["PP.R1", "RR.R1", "RR.R2", "AS.R1"]),
];

/// Standards rated by the inspectors themselves (not from case answers), common to CRC and NPS.
pub const INSPECTOR_STANDARDS: [&str; 4] = ["leadership", "staff", "services", "information_and_facilities"];

/// The two provider-specific standards for a CRC.
pub const CRC_STANDARDS: [&str; 2] = ["unpaid_work", "through_the_gate"];

/// The two provider-specific standards for the NPS.
pub const NPS_STANDARDS: [&str; 2] = ["court_reports", "victim_contact"];

/// Human-readable name of a standard id, for the HTML report.
pub fn standard_title(id: &str) -> &'static str {
    match id {
        "leadership" => "Leadership",
        "staff" => "Staff",
        "services" => "Services",
        "information_and_facilities" => "Information and facilities",
        "assessment" => "Assessment",
        "planning" => "Planning",
        "delivery" => "Implementation and delivery",
        "reviewing" => "Reviewing",
        "unpaid_work" => "Unpaid work",
        "through_the_gate" => "Through the gate",
        "court_reports" => "Court reports",
        "victim_contact" => "Victim contact",
        _ => "Unknown standard",
    }
}
