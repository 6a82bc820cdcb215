//! Who may use a team's view and allocate its cases (issue 4 item 5, "team view for SPOs
//! (caseloads, allocation queue, allocate with capacity shown)"; issue 6 item 1, the
//! allocation screen). Pure, like the rest of `access`: the caller passes the user, the team
//! and the organisation.

use super::{Place, Role, User};
use domain::ids::Code;
use domain::org::Organisation;

/// What a user may do with a team's view: its officers' caseloads and workload, and the cases
/// waiting to be allocated to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TeamAccess {
    None,
    /// See the officers' caseloads, workload and capacity, the queue and the allocation
    /// screen's figures.
    View,
    /// Also allocate a waiting case to one of the team's officers.
    Allocate,
}

/// One row per role: how far it may reach into the views of the teams within its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamRolePolicy {
    pub role: Role,
    pub team: TeamAccess,
    pub source: &'static str,
}

pub const TEAM_POLICY: &[TeamRolePolicy] = &[
    TeamRolePolicy {
        role: Role::ResponsibleOfficer,
        team: TeamAccess::None,
        source: "issue 4 item 5: the team view is for SPOs; an officer has their own caseload",
    },
    TeamRolePolicy {
        role: Role::SeniorProbationOfficer,
        team: TeamAccess::Allocate,
        source: "docs/rules/practice.md#allocation and docs/design.md#roles: the SPO allocates and reallocates the \
                 team's cases",
    },
    TeamRolePolicy {
        role: Role::AreaManager,
        team: TeamAccess::View,
        source: "docs/design.md#roles: managers see workload by team; they oversee and do not record on cases",
    },
    TeamRolePolicy {
        role: Role::UpwSupervisor,
        team: TeamAccess::None,
        source: "docs/design.md#roles: UPW staff run projects and sessions, not teams",
    },
    TeamRolePolicy {
        role: Role::Inspector,
        team: TeamAccess::None,
        source: "docs/design.md#roles: inspector (read-only, sampled cases only)",
    },
    TeamRolePolicy {
        role: Role::MiAnalyst,
        team: TeamAccess::None,
        source: "docs/design.md#roles: MI analyst (aggregates only, no names; the queue names people)",
    },
    TeamRolePolicy {
        role: Role::Admin,
        team: TeamAccess::None,
        source: "docs/design.md#roles: admin manages users, not cases",
    },
];

pub fn team_policy(role: Role) -> &'static TeamRolePolicy {
    TEAM_POLICY.iter().find(|p| p.role == role).expect("every role has a team policy row")
}

/// The most the user's role allows on any team: whether to offer team views at all.
pub fn team_role_access(user: &User) -> TeamAccess {
    if user.disabled { TeamAccess::None } else { team_policy(user.role).team }
}

/// What `user` may do with the view of `team`: their role's reach, if their place covers the
/// team; nothing for a team the organisation does not have.
pub fn team_access(user: &User, team: &Code, org: &Organisation) -> TeamAccess {
    if !org.teams.iter().any(|t| &t.code == team) {
        return TeamAccess::None;
    }
    match team_role_access(user) {
        TeamAccess::None => TeamAccess::None,
        _ if !user.scope.contains(&Place::of_team(Some(team), None, org)) => TeamAccess::None,
        allowed => allowed,
    }
}

pub const QUEUE_SOURCE: &str = "Probity default: the case record names no team before its first allocation, \
     so a case waits in the borough where the person lives (PersonDetails::home_borough), on the queue of every \
     team in that borough; a case with no home borough waits on no team's queue";

/// Whether a case not yet allocated, of a person living in `home_borough`, waits on the
/// allocation queue of `team` (see [`QUEUE_SOURCE`]).
pub fn waits_for(team: &Code, home_borough: Option<&Code>, org: &Organisation) -> bool {
    let borough = Place::of_team(Some(team), None, org).borough;
    home_borough.is_some_and(|b| borough.as_ref() == Some(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{PlaceScope, Username};
    use domain::example::code;
    use domain::ids::Name;
    use domain::org::{Area, Borough, Office, Team};

    fn org() -> Organisation {
        let name = |s: &str| Name::parse(s).unwrap();
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
    fn every_role_has_one_team_policy_row() {
        for role in Role::ALL {
            assert_eq!(TEAM_POLICY.iter().filter(|p| p.role == role).count(), 1, "{role:?}");
        }
    }

    #[test]
    fn team_access_by_role_and_place() {
        use TeamAccess as T;
        // (role, scope, team, expected, why)
        let rows: &[(Role, &str, &str, TeamAccess, &str)] = &[
            (Role::SeniorProbationOfficer, "team:TEAM1", "TEAM1", T::Allocate, "their own team"),
            (Role::SeniorProbationOfficer, "team:TEAM1", "TEAM2", T::None, "another team in the office"),
            (Role::SeniorProbationOfficer, "office:CAM1", "TEAM2", T::Allocate, "a team in their office"),
            (Role::SeniorProbationOfficer, "area:LDN", "TEAM9", T::None, "another area"),
            (Role::SeniorProbationOfficer, "team:TEAM1", "NOSUCH", T::None, "no such team"),
            (Role::AreaManager, "area:LDN", "TEAM1", T::View, "managers look"),
            (Role::AreaManager, "area:LDN", "TEAM9", T::None, "not their area"),
            (Role::ResponsibleOfficer, "team:TEAM1", "TEAM1", T::None, "the view is the SPO's"),
            (Role::UpwSupervisor, "provider", "TEAM1", T::None, "UPW staff"),
            (Role::Inspector, "provider", "TEAM1", T::None, "sampled cases only"),
            (Role::MiAnalyst, "provider", "TEAM1", T::None, "no names"),
            (Role::Admin, "provider", "TEAM1", T::None, "not cases"),
        ];
        for (role, scope, team, expected, why) in rows {
            assert_eq!(
                team_access(&user(*role, scope), &code(team), &org()),
                *expected,
                "{role:?} {scope} {team}: {why}"
            );
        }
        let mut disabled = user(Role::SeniorProbationOfficer, "team:TEAM1");
        disabled.disabled = true;
        assert_eq!(team_access(&disabled, &code("TEAM1"), &org()), T::None);
    }

    #[test]
    fn a_waiting_case_is_on_the_queues_of_its_home_borough() {
        let org = org();
        assert!(waits_for(&code("TEAM1"), Some(&code("CAM")), &org));
        assert!(waits_for(&code("TEAM2"), Some(&code("CAM")), &org), "every team of the borough");
        assert!(!waits_for(&code("TEAM9"), Some(&code("CAM")), &org));
        assert!(!waits_for(&code("TEAM1"), None, &org), "no home borough: no queue");
        assert!(!waits_for(&code("NOSUCH"), Some(&code("CAM")), &org));
    }
}
