//! Who may see management information, and for which place (issue 6 items 2 and 5: measures
//! and workload "by area / borough / office / team / officer"). Pure, like the rest of
//! `access`: the caller passes the user, the scope asked for and the organisation.
//!
//! MI figures are aggregates: they never name a person on probation, so reaching a figure is
//! not reaching a case. What is decided here is how far up the organisation a user may look.

use super::{Place, PlaceScope, Role, User};
use analytics::measures::Scope;
use domain::org::Organisation;

/// How far a role reaches into the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MiReach {
    /// No MI pages at all.
    None,
    /// Only the figures of their own caseload (`officer:` their staff code).
    OwnCaseload,
    /// The figures of their place (team, office, borough, area or provider) and every part of it.
    Place,
}

/// One row per role; a test checks every role has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MiRolePolicy {
    pub role: Role,
    pub reach: MiReach,
    pub source: &'static str,
}

pub const MI_POLICY: &[MiRolePolicy] = &[
    MiRolePolicy {
        role: Role::ResponsibleOfficer,
        reach: MiReach::OwnCaseload,
        source: "issue 6: officers said caseload counts hid their real workload; an officer sees the figures and \
                 workload of their own caseload, cases they may already read one by one (docs/design.md#roles: a \
                 responsible officer works their caseload), and no one else's",
    },
    MiRolePolicy {
        role: Role::SeniorProbationOfficer,
        reach: MiReach::Place,
        source: "docs/design.md#roles: the SPO manages team caseloads and workload; issue 6: managers act on their own \
                 data",
    },
    MiRolePolicy {
        role: Role::AreaManager,
        reach: MiReach::Place,
        source: "docs/design.md#roles: area managers see service levels, completions and workload by area, borough, \
                 office, team, officer",
    },
    MiRolePolicy {
        role: Role::UpwSupervisor,
        reach: MiReach::None,
        source: "docs/design.md#roles: UPW staff run projects, sessions and placements, not the provider's measures",
    },
    MiRolePolicy {
        role: Role::Inspector,
        reach: MiReach::None,
        source: "docs/design.md#roles: inspector (read-only, sampled cases only); a figure over a place reaches beyond \
                 the sample",
    },
    MiRolePolicy {
        role: Role::MiAnalyst,
        reach: MiReach::Place,
        source: "docs/design.md#roles: MI analyst (aggregates only), by area, borough, office, team, officer",
    },
    MiRolePolicy {
        role: Role::Admin,
        reach: MiReach::Place,
        source: "issue 6 brief: an administrator sees the provider's aggregates, which name no one",
    },
];

pub fn mi_policy(role: Role) -> &'static MiRolePolicy {
    MI_POLICY.iter().find(|p| p.role == role).expect("every role has an MI policy row")
}

/// The widest scope whose figures `user` may see, or `None` when they may see none.
pub fn may_see_mi(user: &User) -> Option<Scope> {
    if user.disabled {
        return None;
    }
    match mi_policy(user.role).reach {
        MiReach::None => None,
        MiReach::OwnCaseload => user.officer.clone().map(Scope::Officer),
        MiReach::Place => Some(match &user.scope {
            PlaceScope::Provider => Scope::Provider,
            PlaceScope::Area(c) => Scope::Area(c.clone()),
            PlaceScope::Borough(c) => Scope::Borough(c.clone()),
            PlaceScope::Office(c) => Scope::Office(c.clone()),
            PlaceScope::Team(c) => Scope::Team(c.clone()),
        }),
    }
}

/// Where a scope sits in the organisation; all `None` for a code the organisation lacks.
fn place_of(scope: &Scope, org: &Organisation) -> Place {
    let office_place = |office: Option<domain::ids::Code>| {
        let borough =
            office.as_ref().and_then(|o| org.offices.iter().find(|x| &x.code == o)).map(|o| o.borough.clone());
        let area = borough.as_ref().and_then(|b| org.boroughs.iter().find(|x| &x.code == b)).map(|b| b.area.clone());
        Place { officer: None, team: None, office, borough, area }
    };
    match scope {
        Scope::Provider => Place::default(),
        Scope::Officer(c) => Place::of_officer(c, org),
        Scope::Team(c) => Place::of_team(Some(c), None, org),
        Scope::Office(c) => office_place(org.offices.iter().any(|o| &o.code == c).then(|| c.clone())),
        Scope::Borough(c) => {
            let area = org.boroughs.iter().find(|b| &b.code == c).map(|b| b.area.clone());
            Place { borough: area.as_ref().map(|_| c.clone()), area, ..Place::default() }
        }
        Scope::Area(c) => Place { area: org.areas.iter().any(|a| &a.code == c).then(|| c.clone()), ..Place::default() },
    }
}

/// Whether `user` may see the figures of `scope`: it lies within the widest scope they may
/// see ([`may_see_mi`]). A unit the organisation does not have lies within the provider only.
pub fn mi_scope_within(user: &User, scope: &Scope, org: &Organisation) -> bool {
    let Some(widest) = may_see_mi(user) else { return false };
    let place = place_of(scope, org);
    match &widest {
        Scope::Provider => true,
        // An officer's own figures: exactly theirs, not their team's.
        Scope::Officer(c) => scope == &Scope::Officer(c.clone()),
        Scope::Area(c) => place.area.as_ref() == Some(c),
        Scope::Borough(c) => place.borough.as_ref() == Some(c),
        Scope::Office(c) => place.office.as_ref() == Some(c),
        Scope::Team(c) => place.team.as_ref() == Some(c),
    }
}

/// Whether `user` may see provider-wide figures that cannot be narrowed to a place, such as
/// the disproportionality tables: only when their MI scope is the whole provider, since a
/// group's rate across the provider is not any one area's to see.
pub fn may_see_provider_mi(user: &User) -> bool {
    may_see_mi(user) == Some(Scope::Provider)
}

/// The roles that may see aggregates over staff's declared protected characteristics (the
/// staff process disproportionality table), with why; only with the whole provider as their
/// MI scope. Managers, who run the staff processes themselves, are not among them.
pub const STAFF_EQUALITY_ROLES: &[(Role, &str)] = &[
    (
        Role::MiAnalyst,
        "issue 6 item 4 brief: staff characteristics are sensitive; only MI analysts and administrators at \
         provider level see the aggregate",
    ),
    (Role::Admin, "issue 6 item 4 brief: as for MI analysts"),
];

/// Whether `user` may see the staff process disproportionality table: a role of
/// [`STAFF_EQUALITY_ROLES`] whose MI scope is the whole provider. No one sees one member of
/// staff's characteristics in the web UI.
pub fn may_see_staff_equality(user: &User) -> bool {
    may_see_provider_mi(user) && STAFF_EQUALITY_ROLES.iter().any(|(role, _)| *role == user.role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Username;
    use domain::example::code;
    use domain::ids::Name;
    use domain::org::{Area, Borough, ContractedHours, Employment, Grade, Office, Staff, Team};

    fn org() -> Organisation {
        let name = |s: &str| Name::parse(s).unwrap();
        let staff = |c: &str, team: &str| Staff {
            code: code(c),
            team: code(team),
            name: name("Priya Shah"),
            grade: Grade::Po,
            contracted_hours: ContractedHours::FULL_TIME,
            employment: Employment::Permanent,
            specialisms: vec![],
        };
        Organisation {
            areas: vec![
                Area { code: code("LDN"), name: name("London") },
                Area { code: code("KENT"), name: name("Kent") },
            ],
            boroughs: vec![
                Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") },
                Borough { code: code("MAI"), area: code("KENT"), name: name("Maidstone") },
            ],
            offices: vec![
                Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") },
                Office { code: code("MAI1"), borough: code("MAI"), name: name("Maidstone office") },
            ],
            teams: vec![
                Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") },
                Team { code: code("TEAM2"), office: code("CAM1"), name: name("Camden South") },
                Team { code: code("TEAM9"), office: code("MAI1"), name: name("Maidstone") },
            ],
            staff: vec![staff("OFF1", "TEAM1"), staff("OFF2", "TEAM2"), staff("OFF9", "TEAM9")],
        }
    }

    fn user(role: Role, scope: &str, officer: Option<&str>) -> User {
        User {
            username: Username::parse("priya").unwrap(),
            role,
            scope: PlaceScope::parse(scope).unwrap(),
            officer: officer.map(code),
            disabled: false,
        }
    }

    #[test]
    fn every_role_has_one_mi_policy_row() {
        for role in Role::ALL {
            assert_eq!(MI_POLICY.iter().filter(|p| p.role == role).count(), 1, "{role:?}");
        }
    }

    #[test]
    fn the_widest_scope_by_role() {
        // (role, place scope, staff code, widest MI scope, why)
        type Row<'a> = (Role, &'a str, Option<&'a str>, Option<&'a str>, &'a str);
        let rows: &[Row] = &[
            (Role::ResponsibleOfficer, "team:TEAM1", Some("OFF1"), Some("officer:OFF1"), "their own caseload"),
            (Role::ResponsibleOfficer, "team:TEAM1", None, None, "no caseload, no figures"),
            (Role::SeniorProbationOfficer, "team:TEAM1", None, Some("team:TEAM1"), "their team"),
            (Role::AreaManager, "area:LDN", None, Some("area:LDN"), "their area"),
            (Role::UpwSupervisor, "borough:CAM", None, None, "UPW staff"),
            (Role::Inspector, "provider", None, None, "sampled cases only"),
            (Role::MiAnalyst, "provider", None, Some("provider"), "aggregates"),
            (Role::Admin, "provider", None, Some("provider"), "aggregates"),
        ];
        for (role, scope, officer, expected, why) in rows {
            let got = may_see_mi(&user(*role, scope, *officer)).map(|s| s.to_string());
            assert_eq!(got.as_deref(), *expected, "{role:?} {scope}: {why}");
        }
        let mut disabled = user(Role::MiAnalyst, "provider", None);
        disabled.disabled = true;
        assert_eq!(may_see_mi(&disabled), None);
    }

    #[test]
    fn a_scope_is_within_reach_when_it_lies_inside_the_widest() {
        // (role, place scope, staff code, scope asked for, allowed, why)
        type Row<'a> = (Role, &'a str, Option<&'a str>, &'a str, bool, &'a str);
        let rows: &[Row] = &[
            (Role::AreaManager, "area:LDN", None, "area:LDN", true, "their area"),
            (Role::AreaManager, "area:LDN", None, "borough:CAM", true, "a borough of it"),
            (Role::AreaManager, "area:LDN", None, "office:CAM1", true, "an office of it"),
            (Role::AreaManager, "area:LDN", None, "team:TEAM2", true, "a team of it"),
            (Role::AreaManager, "area:LDN", None, "officer:OFF1", true, "an officer of it"),
            (Role::AreaManager, "area:LDN", None, "area:KENT", false, "another area"),
            (Role::AreaManager, "area:LDN", None, "team:TEAM9", false, "a team of another area"),
            (Role::AreaManager, "area:LDN", None, "provider", false, "wider than their area"),
            (Role::AreaManager, "area:LDN", None, "team:NOSUCH", false, "no such team"),
            (Role::SeniorProbationOfficer, "team:TEAM1", None, "team:TEAM1", true, "their team"),
            (Role::SeniorProbationOfficer, "team:TEAM1", None, "officer:OFF1", true, "an officer of it"),
            (Role::SeniorProbationOfficer, "team:TEAM1", None, "officer:OFF2", false, "another team's officer"),
            (Role::SeniorProbationOfficer, "team:TEAM1", None, "office:CAM1", false, "wider than their team"),
            (Role::SeniorProbationOfficer, "office:CAM1", None, "team:TEAM2", true, "a team of their office"),
            (Role::ResponsibleOfficer, "team:TEAM1", Some("OFF1"), "officer:OFF1", true, "their own"),
            (Role::ResponsibleOfficer, "team:TEAM1", Some("OFF1"), "team:TEAM1", false, "not their team's"),
            (Role::ResponsibleOfficer, "team:TEAM1", Some("OFF1"), "officer:OFF2", false, "not a colleague's"),
            (Role::MiAnalyst, "provider", None, "team:TEAM9", true, "anywhere"),
            (Role::MiAnalyst, "provider", None, "team:NOSUCH", true, "the provider reaches every code"),
            (Role::Inspector, "provider", None, "provider", false, "no MI"),
            (Role::UpwSupervisor, "borough:CAM", None, "borough:CAM", false, "no MI"),
        ];
        for (role, place, officer, scope, allowed, why) in rows {
            let scope: Scope = scope.parse().unwrap();
            assert_eq!(
                mi_scope_within(&user(*role, place, *officer), &scope, &org()),
                *allowed,
                "{role:?} {place} asking for {scope}: {why}"
            );
        }
    }

    #[test]
    fn provider_wide_figures_need_the_provider_as_scope() {
        // (role, place scope, staff code, may see, why)
        type Row<'a> = (Role, &'a str, Option<&'a str>, bool, &'a str);
        let rows: &[Row] = &[
            (Role::MiAnalyst, "provider", None, true, "an analyst of the provider"),
            (Role::Admin, "provider", None, true, "an administrator of the provider"),
            (Role::MiAnalyst, "area:LDN", None, false, "an analyst of one area"),
            (Role::AreaManager, "area:LDN", None, false, "their area only"),
            (Role::SeniorProbationOfficer, "team:TEAM1", None, false, "their team only"),
            (Role::ResponsibleOfficer, "team:TEAM1", Some("OFF1"), false, "their own caseload only"),
            (Role::Inspector, "provider", None, false, "no MI"),
            (Role::UpwSupervisor, "provider", None, false, "no MI"),
        ];
        for (role, place, officer, allowed, why) in rows {
            assert_eq!(may_see_provider_mi(&user(*role, place, *officer)), *allowed, "{role:?} {place}: {why}");
        }
        let mut disabled = user(Role::MiAnalyst, "provider", None);
        disabled.disabled = true;
        assert!(!may_see_provider_mi(&disabled), "a disabled user sees nothing");
    }

    #[test]
    fn staff_equality_needs_an_analyst_or_administrator_of_the_provider() {
        // (role, place scope, staff code, may see, why)
        type Row<'a> = (Role, &'a str, Option<&'a str>, bool, &'a str);
        let rows: &[Row] = &[
            (Role::MiAnalyst, "provider", None, true, "an analyst of the provider"),
            (Role::Admin, "provider", None, true, "an administrator of the provider"),
            (Role::MiAnalyst, "area:LDN", None, false, "an analyst of one area"),
            (Role::Admin, "team:TEAM1", None, false, "an administrator of one team"),
            (Role::AreaManager, "provider", None, false, "a manager sees provider MI, but not staff's"),
            (Role::SeniorProbationOfficer, "provider", None, false, "a manager"),
            (Role::ResponsibleOfficer, "team:TEAM1", Some("OFF1"), false, "their own caseload only"),
            (Role::Inspector, "provider", None, false, "no MI"),
            (Role::UpwSupervisor, "provider", None, false, "no MI"),
        ];
        for (role, place, officer, allowed, why) in rows {
            assert_eq!(may_see_staff_equality(&user(*role, place, *officer)), *allowed, "{role:?} {place}: {why}");
        }
        assert!(may_see_provider_mi(&user(Role::AreaManager, "provider", None)), "the difference is the role");
        let mut disabled = user(Role::Admin, "provider", None);
        disabled.disabled = true;
        assert!(!may_see_staff_equality(&disabled), "a disabled user sees nothing");
    }
}
