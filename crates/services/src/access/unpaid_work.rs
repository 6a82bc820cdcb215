//! Who may use the unpaid work pages (issue 5, "also a page for UPW staff"): the week's
//! schedule, a session's register and the supervisor's record, a person's progress and
//! placement notice. Pure, like the rest of `access`: the caller passes the user, the
//! project's borough and the organisation, or the user's access to the case.

use super::{CaseAccess, Place, PlaceScope, Role, User};
use domain::ids::Code;
use domain::org::Organisation;

/// What a user may do with the sessions of a borough's projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UpwAccess {
    None,
    /// See the schedule and the registers.
    View,
    /// Also schedule the week, record attendance and mark a supervisor absent.
    Run,
}

/// One row per role: the sessions it may reach (within its place) and whether it may see a
/// person's UPW progress and placement notice (on a case it may read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpwRolePolicy {
    pub role: Role,
    pub sessions: UpwAccess,
    pub progress: bool,
    pub source: &'static str,
}

pub const UPW_POLICY: &[UpwRolePolicy] = &[
    UpwRolePolicy {
        role: Role::ResponsibleOfficer,
        sessions: UpwAccess::None,
        progress: true,
        source: "issue 5: the officer follows their cases' hours and what the person was told",
    },
    UpwRolePolicy {
        role: Role::SeniorProbationOfficer,
        sessions: UpwAccess::Run,
        progress: true,
        source: "issue 5 brief: SPOs run UPW within their place",
    },
    UpwRolePolicy {
        role: Role::AreaManager,
        sessions: UpwAccess::View,
        progress: true,
        source: "docs/design.md#roles: managers oversee, they do not record on cases",
    },
    UpwRolePolicy {
        role: Role::UpwSupervisor,
        sessions: UpwAccess::Run,
        progress: true,
        source: "issue 5 Running the day: the record is made on the day by the supervisor",
    },
    UpwRolePolicy {
        role: Role::Inspector,
        sessions: UpwAccess::None,
        progress: false,
        source: "docs/design.md#roles: inspector reads sampled case records only",
    },
    UpwRolePolicy {
        role: Role::MiAnalyst,
        sessions: UpwAccess::None,
        progress: false,
        source: "docs/design.md#roles: MI analyst (aggregates only)",
    },
    UpwRolePolicy {
        role: Role::Admin,
        sessions: UpwAccess::None,
        progress: false,
        source: "docs/design.md#roles: admin manages users, not cases",
    },
];

pub fn upw_policy(role: Role) -> &'static UpwRolePolicy {
    UPW_POLICY.iter().find(|p| p.role == role).expect("every role has a UPW policy row")
}

/// The most the user's role allows anywhere: whether the UPW pages are theirs at all.
pub fn upw_role_access(user: &User) -> UpwAccess {
    if user.disabled { UpwAccess::None } else { upw_policy(user.role).sessions }
}

/// Whether a place scope covers a borough's projects. Projects belong to a borough, not to a
/// team or office, so a team or office scope covers the borough it sits in.
pub fn covers_borough(scope: &PlaceScope, borough: &Code, org: &Organisation) -> bool {
    match scope {
        PlaceScope::Team(t) => Place::of_team(Some(t), None, org).borough.as_ref() == Some(borough),
        PlaceScope::Office(o) => org.offices.iter().any(|x| &x.code == o && &x.borough == borough),
        PlaceScope::Borough(b) => b == borough,
        PlaceScope::Area(a) => org.boroughs.iter().any(|x| &x.code == borough && &x.area == a),
        PlaceScope::Provider => true,
    }
}

/// What `user` may do with the sessions of projects in `borough`.
pub fn upw_access(user: &User, borough: &Code, org: &Organisation) -> UpwAccess {
    match upw_role_access(user) {
        UpwAccess::None => UpwAccess::None,
        _ if !covers_borough(&user.scope, borough, org) => UpwAccess::None,
        allowed => allowed,
    }
}

/// Whether `user`, with `case` access to a person's record, may see their UPW progress and
/// placement notices.
pub fn may_see_upw_progress(user: &User, case: CaseAccess) -> bool {
    !user.disabled && case != CaseAccess::None && upw_policy(user.role).progress
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Username;
    use domain::example::code;
    use domain::ids::Name;
    use domain::org::{Area, Borough, Office, Team};

    fn org() -> Organisation {
        let name = |s: &str| Name::parse(s).unwrap();
        Organisation {
            areas: vec![Area { code: code("LDN"), name: name("London") }],
            boroughs: vec![
                Borough { code: code("CAM"), area: code("LDN"), name: name("Camden") },
                Borough { code: code("KEN"), area: code("KENT"), name: name("Kent") },
            ],
            offices: vec![Office { code: code("CAM1"), borough: code("CAM"), name: name("Camden office") }],
            teams: vec![Team { code: code("TEAM1"), office: code("CAM1"), name: name("Camden North") }],
            staff: vec![],
        }
    }

    fn user(role: Role, scope: &str) -> User {
        User {
            username: Username::parse("priya").unwrap(),
            role,
            scope: PlaceScope::parse(scope).unwrap(),
            officer: None,
            disabled: false,
        }
    }

    #[test]
    fn every_role_has_one_upw_row() {
        for role in Role::ALL {
            assert_eq!(UPW_POLICY.iter().filter(|p| p.role == role).count(), 1, "{role:?}");
        }
    }

    #[test]
    fn sessions_by_role_and_place() {
        use UpwAccess as U;
        // (role, scope, project borough, expected, source)
        let rows: &[(Role, &str, &str, UpwAccess, &str)] = &[
            (Role::UpwSupervisor, "borough:CAM", "CAM", U::Run, "their borough's projects"),
            (Role::UpwSupervisor, "borough:CAM", "KEN", U::None, "another borough"),
            (Role::SeniorProbationOfficer, "team:TEAM1", "CAM", U::Run, "a team covers its borough"),
            (Role::SeniorProbationOfficer, "office:CAM1", "KEN", U::None, "an office covers its borough only"),
            (Role::AreaManager, "area:LDN", "CAM", U::View, "managers oversee, do not record"),
            (Role::AreaManager, "area:LDN", "KEN", U::None, "another area"),
            (Role::ResponsibleOfficer, "provider", "CAM", U::None, "officers see progress, not registers"),
            (Role::Inspector, "provider", "CAM", U::None, "sampled cases only"),
            (Role::MiAnalyst, "provider", "CAM", U::None, "aggregates only"),
            (Role::Admin, "provider", "CAM", U::None, "users, not cases"),
        ];
        for &(role, scope, borough, expected, source) in rows {
            assert_eq!(upw_access(&user(role, scope), &code(borough), &org()), expected, "{role:?} {scope}: {source}");
        }
        let mut disabled = user(Role::UpwSupervisor, "provider");
        disabled.disabled = true;
        assert_eq!(upw_access(&disabled, &code("CAM"), &org()), U::None, "a disabled user");
    }

    #[test]
    fn progress_needs_the_case_and_a_role_that_follows_hours() {
        use CaseAccess as C;
        let rows: &[(Role, CaseAccess, bool)] = &[
            (Role::ResponsibleOfficer, C::ReadWrite, true),
            (Role::ResponsibleOfficer, C::None, false),
            (Role::UpwSupervisor, C::Read, true),
            (Role::AreaManager, C::Read, true),
            (Role::Inspector, C::Read, false),
            (Role::MiAnalyst, C::None, false),
        ];
        for &(role, case, expected) in rows {
            assert_eq!(may_see_upw_progress(&user(role, "provider"), case), expected, "{role:?} with {case:?}");
        }
    }
}
