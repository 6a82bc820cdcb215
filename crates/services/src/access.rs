//! Who may see and change which case: roles, place scopes, granted cases (an inspector's
//! sample), limited-access lists, sign-in lockout and session expiry. Pure: the caller
//! fetches the case's place, the user's grants and the case's limited-access entries, and
//! passes "now"/"today"; nothing here reads a store or a clock.
//!
//! Source of the rules: docs/design.md#reliability-and-security and issue 4 of the tracker
//! (roles and place scopes; an officer sees their caseload and their team's cases; an
//! inspector only the sampled cases, read-only; an MI analyst aggregates, no names;
//! exclusion and restriction lists with start and end dates).

use domain::ids::{Code, Crn};
use domain::org::{Organisation, Staff};
use domain::projection::CaseSummary;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeSet, HashMap};
use store::SearchReach;
use store::auth::{LimitKind, LimitedAccess, UserRecord};

mod accounts;
pub use accounts::{
    Administrator, PASSWORDS, PasswordPolicy, check_password_strength, check_scope_exists, generated_password,
    hash_password, keeps_an_administrator, new_token, verify_password,
};
mod unpaid_work;
pub use unpaid_work::{
    UPW_POLICY, UpwAccess, UpwRolePolicy, covers_borough, may_see_upw_progress, upw_access, upw_policy, upw_role_access,
};
mod mi;
pub use mi::{
    MI_POLICY, MiReach, MiRolePolicy, STAFF_EQUALITY_ROLES, may_see_mi, may_see_provider_mi, may_see_staff_equality,
    mi_policy, mi_scope_within,
};
mod notes;
pub use notes::{NoteReader, SENSITIVE_NOTES, SensitiveNoteRule, reads_sensitive_note, withhold_sensitive_notes};
mod recording;
pub use recording::{RECORDING, RecordingRule, may_record, may_record_kind, recording_rule, who_records};
mod team;
pub use team::{
    QUEUE_SOURCE, TEAM_POLICY, TeamAccess, TeamRolePolicy, team_access, team_policy, team_role_access, waits_for,
};

/// What a user does in the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    ResponsibleOfficer,
    SeniorProbationOfficer,
    AreaManager,
    UpwSupervisor,
    Inspector,
    MiAnalyst,
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::ResponsibleOfficer,
        Role::SeniorProbationOfficer,
        Role::AreaManager,
        Role::UpwSupervisor,
        Role::Inspector,
        Role::MiAnalyst,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::ResponsibleOfficer => "responsible_officer",
            Role::SeniorProbationOfficer => "spo",
            Role::AreaManager => "area_manager",
            Role::UpwSupervisor => "upw_supervisor",
            Role::Inspector => "inspector",
            Role::MiAnalyst => "mi_analyst",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::ResponsibleOfficer => "Responsible officer",
            Role::SeniorProbationOfficer => "Senior probation officer",
            Role::AreaManager => "Area manager",
            Role::UpwSupervisor => "Unpaid work supervisor",
            Role::Inspector => "Inspector",
            Role::MiAnalyst => "MI analyst",
            Role::Admin => "Administrator",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        Role::ALL.into_iter().find(|r| r.as_str() == raw).ok_or_else(|| {
            let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("role: `{raw}` is not a role (one of {})", all.join(", "))
        })
    }

    pub fn policy(self) -> &'static RolePolicy {
        ROLE_POLICY.iter().find(|p| p.role == self).expect("every role has a policy row")
    }
}

/// How much of a case a user may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CaseAccess {
    None,
    Read,
    ReadWrite,
}

/// What each role may do. One row per role; a test checks every role has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RolePolicy {
    pub role: Role,
    /// Access to cases whose place lies within the user's scope.
    pub within_scope: CaseAccess,
    /// Access to cases granted to the user by name (an inspector's sample).
    pub granted: CaseAccess,
    /// Whether the role may see people's names (an MI analyst sees aggregates only).
    pub sees_people: bool,
    /// Whether the role manages users and limited-access lists.
    pub administers: bool,
    /// Whether the role allocates cases to officers (`officer_allocated`: allocation,
    /// reallocation and transfer), on the cases it may change.
    pub allocates: bool,
    /// Whether the role answers the case assessment instrument on the cases it may read: an
    /// inspection, or the provider's own internal audit with the same instrument (issue 7).
    pub assesses_cases: bool,
    pub source: &'static str,
}

pub const ROLE_POLICY: &[RolePolicy] = &[
    RolePolicy {
        role: Role::ResponsibleOfficer,
        within_scope: CaseAccess::ReadWrite,
        granted: CaseAccess::None,
        sees_people: true,
        administers: false,
        allocates: false,
        assesses_cases: false,
        source: "issue 4: an officer sees their caseload and the cases in their team (duty cover records on them)",
    },
    RolePolicy {
        role: Role::SeniorProbationOfficer,
        within_scope: CaseAccess::ReadWrite,
        granted: CaseAccess::None,
        sees_people: true,
        administers: false,
        allocates: true,
        assesses_cases: false,
        source: "docs/rules/practice.md#allocation: the SPO allocates and oversees the cases of their team (the team \
                 view's allocation screen); officers record on cases but do not allocate them",
    },
    RolePolicy {
        role: Role::AreaManager,
        within_scope: CaseAccess::Read,
        granted: CaseAccess::None,
        sees_people: true,
        administers: false,
        allocates: false,
        assesses_cases: true,
        source: "docs/design.md#roles: managers oversee, they do not record on cases",
    },
    RolePolicy {
        role: Role::UpwSupervisor,
        within_scope: CaseAccess::Read,
        granted: CaseAccess::None,
        sees_people: true,
        administers: false,
        allocates: false,
        assesses_cases: false,
        source: "docs/design.md#roles: UPW staff see the people on their projects' boroughs",
    },
    RolePolicy {
        role: Role::Inspector,
        within_scope: CaseAccess::None,
        granted: CaseAccess::Read,
        sees_people: true,
        administers: false,
        allocates: false,
        assesses_cases: true,
        source: "docs/design.md#roles: inspector (read-only, sampled cases only)",
    },
    RolePolicy {
        role: Role::MiAnalyst,
        within_scope: CaseAccess::None,
        granted: CaseAccess::None,
        sees_people: false,
        administers: false,
        allocates: false,
        assesses_cases: false,
        source: "docs/design.md#roles: MI analyst (aggregates only)",
    },
    RolePolicy {
        role: Role::Admin,
        within_scope: CaseAccess::None,
        granted: CaseAccess::None,
        sees_people: false,
        administers: true,
        allocates: false,
        assesses_cases: false,
        source: "docs/design.md#roles: admin manages users, roles and limited-access lists, not cases",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScopeKind {
    Team,
    Office,
    Borough,
    Area,
    Provider,
}

impl ScopeKind {
    pub const ALL: [ScopeKind; 5] =
        [ScopeKind::Team, ScopeKind::Office, ScopeKind::Borough, ScopeKind::Area, ScopeKind::Provider];

    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Team => "team",
            ScopeKind::Office => "office",
            ScopeKind::Borough => "borough",
            ScopeKind::Area => "area",
            ScopeKind::Provider => "provider",
        }
    }
}

/// The place a user works over: a team, office, borough or area by code, or the whole
/// provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceScope {
    Team(Code),
    Office(Code),
    Borough(Code),
    Area(Code),
    Provider,
}

impl PlaceScope {
    pub fn kind(&self) -> ScopeKind {
        match self {
            PlaceScope::Team(_) => ScopeKind::Team,
            PlaceScope::Office(_) => ScopeKind::Office,
            PlaceScope::Borough(_) => ScopeKind::Borough,
            PlaceScope::Area(_) => ScopeKind::Area,
            PlaceScope::Provider => ScopeKind::Provider,
        }
    }

    pub fn code(&self) -> Option<&Code> {
        match self {
            PlaceScope::Team(c) | PlaceScope::Office(c) | PlaceScope::Borough(c) | PlaceScope::Area(c) => Some(c),
            PlaceScope::Provider => None,
        }
    }

    /// From a kind and a code (`provider` takes none).
    pub fn new(kind: &str, code: Option<&str>) -> Result<Self, String> {
        let kind = kind.trim();
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        let code_of = |k: &str| -> Result<Code, String> {
            let c = code.ok_or_else(|| format!("scope: a {k} scope needs a code, e.g. {k}:CODE"))?;
            Code::parse(c).map_err(|e| format!("scope: {e}"))
        };
        match kind {
            "team" => Ok(PlaceScope::Team(code_of(kind)?)),
            "office" => Ok(PlaceScope::Office(code_of(kind)?)),
            "borough" => Ok(PlaceScope::Borough(code_of(kind)?)),
            "area" => Ok(PlaceScope::Area(code_of(kind)?)),
            "provider" => Ok(PlaceScope::Provider),
            _ => Err(format!("scope: `{kind}` is not a place (one of team, office, borough, area, provider)")),
        }
    }

    /// `KIND:CODE`, or `provider`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.split_once(':') {
            Some((kind, code)) => PlaceScope::new(kind, Some(code)),
            None => PlaceScope::new(raw, None),
        }
    }

    pub fn contains(&self, place: &Place) -> bool {
        let is = |c: &Code, p: &Option<Code>| p.as_ref() == Some(c);
        match self {
            PlaceScope::Team(c) => is(c, &place.team),
            PlaceScope::Office(c) => is(c, &place.office),
            PlaceScope::Borough(c) => is(c, &place.borough),
            PlaceScope::Area(c) => is(c, &place.area),
            PlaceScope::Provider => true,
        }
    }
}

impl std::fmt::Display for PlaceScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.code() {
            Some(c) => write!(f, "{}:{c}", self.kind().as_str()),
            None => f.write_str(self.kind().as_str()),
        }
    }
}

/// A sign-in name: 3 to 64 of lower-case letters, digits, `.`, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
        if !(3..=64).contains(&raw.len()) {
            return Err(format!("username: `{raw}` must be 3 to 64 characters long"));
        }
        if !raw.chars().all(ok_char) {
            return Err(format!("username: `{raw}` may use only lower-case letters, digits, '.', '_' and '-'"));
        }
        Ok(Username(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A signed-in user as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub username: Username,
    pub role: Role,
    pub scope: PlaceScope,
    /// Their staff code, when they hold a caseload.
    pub officer: Option<Code>,
    pub disabled: bool,
}

impl User {
    /// A stored user, validated; a bad row is reported as the store's damage.
    pub fn from_record(r: &UserRecord) -> Result<Self, String> {
        Ok(User {
            username: Username::parse(&r.username)?,
            role: Role::parse(&r.role)?,
            scope: PlaceScope::new(&r.scope_kind, r.scope_code.as_deref())?,
            officer: r.officer.as_deref().map(Code::parse).transpose().map_err(|e| format!("officer: {e}"))?,
            disabled: r.disabled,
        })
    }

    pub fn policy(&self) -> &'static RolePolicy {
        self.role.policy()
    }

    /// Who this user is in what they record (events, attendance, answers): their staff code,
    /// or, for a user who holds no caseload, their username as a code (capitals; `.` becomes
    /// `_`). The one rule for every path that writes; never taken from a request.
    pub fn recorder(&self) -> Code {
        if let Some(officer) = &self.officer {
            return officer.clone();
        }
        let raw: String = self
            .username
            .as_str()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_uppercase() } else { '_' })
            .take(16)
            .collect();
        // A username is 3 to 64 of [a-z0-9._-], so its first 16, so mapped, are a code.
        Code::parse(&raw).expect("a username maps to a code")
    }
}

/// Where a case sits in the organisation: its officer and their team, office, borough, area.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub officer: Option<Code>,
    pub team: Option<Code>,
    pub office: Option<Code>,
    pub borough: Option<Code>,
    pub area: Option<Code>,
}

impl Place {
    /// The place of a team (and of an officer in it).
    pub fn of_team(team: Option<&Code>, officer: Option<&Code>, org: &Organisation) -> Self {
        let team_row = team.and_then(|t| org.teams.iter().find(|x| &x.code == t));
        let office = team_row.map(|t| t.office.clone());
        let borough =
            office.as_ref().and_then(|o| org.offices.iter().find(|x| &x.code == o)).map(|o| o.borough.clone());
        let area = borough.as_ref().and_then(|b| org.boroughs.iter().find(|x| &x.code == b)).map(|b| b.area.clone());
        Place { officer: officer.cloned(), team: team.cloned(), office, borough, area }
    }

    /// The place of a case from its summary.
    pub fn of_case(case: &CaseSummary, org: &Organisation) -> Self {
        Place::of_team(case.team.as_ref(), case.officer.as_ref(), org)
    }

    /// The place of a case waiting for allocation: the borough that received it (the person's
    /// home borough) and its area; no team, office or officer yet.
    pub fn awaiting_allocation(borough: Option<&Code>, org: &Organisation) -> Self {
        let row = borough.and_then(|b| org.boroughs.iter().find(|x| &x.code == b));
        Place { borough: row.map(|b| b.code.clone()), area: row.map(|b| b.area.clone()), ..Place::default() }
    }

    /// The place of a member of staff: their team's.
    pub fn of_officer(officer: &Code, org: &Organisation) -> Self {
        let team = org.staff.iter().find(|s| &s.code == officer).map(|s| &s.team);
        Place::of_team(team, Some(officer), org)
    }
}

/// The organisation's places by team and its staff by code, built once for an organisation:
/// deciding on a page of cases, or on every officer of a provider, then costs a hash lookup
/// each instead of a walk along the organisation's lists. Answers exactly as [`Place`]'s
/// own functions do.
#[derive(Debug, Default)]
pub struct OrgIndex {
    /// Each team's place, without an officer.
    teams: HashMap<Code, Place, foldhash::fast::RandomState>,
    /// Each member of staff's place in `Organisation::staff`.
    staff: HashMap<Code, usize, foldhash::fast::RandomState>,
    /// Each office's borough.
    offices: HashMap<Code, Code, foldhash::fast::RandomState>,
}

impl OrgIndex {
    pub fn new(org: &Organisation) -> Self {
        let mut index = OrgIndex::default();
        // The first of a duplicated code, as `Iterator::find` in `Place` would give.
        for t in &org.teams {
            index.teams.entry(t.code.clone()).or_insert_with(|| Place::of_team(Some(&t.code), None, org));
        }
        for (i, s) in org.staff.iter().enumerate() {
            index.staff.entry(s.code.clone()).or_insert(i);
        }
        for o in &org.offices {
            index.offices.entry(o.code.clone()).or_insert_with(|| o.borough.clone());
        }
        index
    }

    /// The one borough a team, office or borough scope lies in; `None` for wider scopes,
    /// whose reach [`PlaceScope::contains`] answers, and for places the organisation lacks.
    pub fn borough_of_scope(&self, scope: &PlaceScope) -> Option<Code> {
        match scope {
            PlaceScope::Team(t) => self.teams.get(t).and_then(|p| p.borough.clone()),
            PlaceScope::Office(o) => self.offices.get(o).cloned(),
            PlaceScope::Borough(b) => Some(b.clone()),
            PlaceScope::Area(_) | PlaceScope::Provider => None,
        }
    }

    /// The teams whose cases lie within `scope`: each team of the organisation whose place
    /// it contains, and a team scope's own code (which reaches that team's cases even if the
    /// organisation lacks it). `None` for the provider: every team.
    pub fn teams_within(&self, scope: &PlaceScope) -> Option<Vec<Code>> {
        if *scope == PlaceScope::Provider {
            return None;
        }
        let mut teams: Vec<Code> =
            self.teams.iter().filter(|(_, place)| scope.contains(place)).map(|(code, _)| code.clone()).collect();
        if let PlaceScope::Team(own) = scope
            && !teams.contains(own)
        {
            teams.push(own.clone());
        }
        teams.sort();
        Some(teams)
    }

    /// As [`Place::of_team`].
    pub fn place(&self, team: Option<&Code>, officer: Option<&Code>) -> Place {
        let known = team.and_then(|t| self.teams.get(t));
        Place { officer: officer.cloned(), team: team.cloned(), ..known.cloned().unwrap_or_default() }
    }

    /// As [`Place::of_case`].
    pub fn place_of_case(&self, case: &CaseSummary) -> Place {
        self.place(case.team.as_ref(), case.officer.as_ref())
    }

    /// The places a case is reached from: where it is supervised and, while a transfer waits,
    /// the team receiving it (see [`TRANSFER_REACH_SOURCE`]). Access is the most any gives.
    pub fn places_of_case(&self, case: &CaseSummary) -> Vec<Place> {
        let mut places = vec![self.place_of_case(case)];
        places.extend(case.transfer_to.as_ref().map(|t| self.place(Some(t), None)));
        places
    }

    /// As [`Place::of_officer`], given the same organisation.
    pub fn place_of_officer(&self, officer: &Code, org: &Organisation) -> Place {
        self.place(self.staff_member(officer, org).map(|s| &s.team), Some(officer))
    }

    /// The member of staff with this code in `org` (the organisation indexed).
    pub fn staff_member<'o>(&self, code: &Code, org: &'o Organisation) -> Option<&'o Staff> {
        self.staff.get(code).and_then(|i| org.staff.get(*i))
    }
}

pub const TRANSFER_REACH_SOURCE: &str = "docs/rules/practice.md#transfer: until the receiving team allocates a \
     case transferred to it, the sending team keeps it, and the receiving team reaches it as it reaches its own, to \
     read it and allocate it";

/// Whether a limited-access entry is in force on `today` (both dates inclusive).
pub fn in_force(entry: &LimitedAccess, today: Date) -> bool {
    entry.starts_on <= today && entry.ends_on.is_none_or(|end| today <= end)
}

/// Whether the case's limited-access entries bar `username` today: an exclusion naming
/// them, or a restriction in force that does not name them.
pub fn barred(username: &Username, entries: &[LimitedAccess], today: Date) -> bool {
    let live = || entries.iter().filter(|e| in_force(e, today));
    let named = |e: &&LimitedAccess| e.username == username.as_str();
    let excluded = live().filter(|e| e.kind == LimitKind::Exclusion).any(|e| named(&e));
    let restricted = live().any(|e| e.kind == LimitKind::Restriction);
    let listed = live().filter(|e| e.kind == LimitKind::Restriction).any(|e| named(&e));
    excluded || (restricted && !listed)
}

/// What `user` may do with a case at `place`. `granted` says whether the case is granted to
/// them by name (an inspector's sample); `entries` are the case's limited-access entries,
/// which override every role. `index` places the user's own scope, for a case waiting for
/// allocation ([`Place::awaiting_allocation`]).
pub fn case_access(
    user: &User,
    place: &Place,
    granted: bool,
    entries: &[LimitedAccess],
    today: Date,
    index: &OrgIndex,
) -> CaseAccess {
    if user.disabled || barred(&user.username, entries, today) {
        return CaseAccess::None;
    }
    let policy = user.policy();
    let mut access = CaseAccess::None;
    if policy.within_scope != CaseAccess::None && user.scope.contains(place) {
        access = access.max(policy.within_scope);
    }
    // A case not yet allocated sits in the borough that received it (the person's home
    // borough): those who work there reach it, to record its sentence and assessment and
    // allocate it; nobody else does (docs/rules/practice.md#allocation: allocation follows registration and sentence).
    if place.team.is_none()
        && place.officer.is_none()
        && policy.within_scope != CaseAccess::None
        && place.borough.is_some()
        && index.borough_of_scope(&user.scope).is_some_and(|b| Some(&b) == place.borough.as_ref())
    {
        access = access.max(policy.within_scope);
    }
    // Their own caseload, wherever it sits.
    if policy.within_scope != CaseAccess::None && user.officer.is_some() && user.officer == place.officer {
        access = access.max(policy.within_scope);
    }
    if granted {
        access = access.max(policy.granted);
    }
    access
}

/// What a search may narrow its matches to before [`case_access`] decides on each: every
/// case this user reaches by any rule of it (their scope's teams, a transfer waiting for one of
/// them, their own caseload, a case with no team yet, a case granted to them), perhaps more,
/// never less. `None` when that is every case, or too long a list to be worth binding.
pub fn search_reach(user: &User, index: &OrgIndex, granted: &BTreeSet<Crn>) -> Option<SearchReach> {
    let policy = user.policy();
    let mut reach = SearchReach::default();
    if policy.within_scope != CaseAccess::None {
        reach.teams = index.teams_within(&user.scope)?;
        reach.officer = user.officer.clone();
    }
    if policy.granted != CaseAccess::None {
        reach.crns = granted.iter().cloned().collect();
    }
    (reach.bound_values() <= SearchReach::MAX_BOUND).then_some(reach)
}

/// Whether the start page shows this user every officer's count of cases without opening
/// any caseload (an MI analyst: aggregates, never people).
pub fn counts_every_caseload(user: &User) -> bool {
    user.role == Role::MiAnalyst
}

/// Whether names of officers on the start page link to their caseloads: not for a role that
/// sees counts only.
pub fn links_caseloads(user: &User) -> bool {
    !counts_every_caseload(user)
}

/// Whether `user` may open an officer's caseload (the list; each case on it is still checked).
pub fn may_see_caseload(user: &User, officer: &Code, org: &Organisation) -> bool {
    may_see_caseload_at(user, officer, &Place::of_officer(officer, org))
}

/// As [`may_see_caseload`], given the officer's place (`OrgIndex::place_of_officer`).
pub fn may_see_caseload_at(user: &User, officer: &Code, place: &Place) -> bool {
    let policy = user.policy();
    if user.disabled || policy.within_scope == CaseAccess::None || !policy.sees_people {
        return false;
    }
    user.officer.as_ref() == Some(officer) || user.scope.contains(place)
}

/// Sign-in lockout: after `failures` failed sign-ins within `window`, the username is locked
/// for `locked_for` from the last of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub failures: usize,
    pub window: SignedDuration,
    pub locked_for: SignedDuration,
    pub source: &'static str,
}

pub const LOCKOUT: LockoutPolicy = LockoutPolicy {
    failures: 5,
    window: SignedDuration::from_mins(15),
    locked_for: SignedDuration::from_mins(15),
    source: "issue 4 (lockout after repeated failures); NCSC password guidance: throttle, 5 tries then lock",
};

/// Sign-in attempts allowed from one client address: `attempts` in each `per`, counted for at
/// most `addresses` addresses at once (beyond that, new addresses wait for the oldest to
/// expire), so a flood from one place is turned away before any password work, and the
/// table of addresses stays bounded whatever arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub attempts: u32,
    pub per: std::time::Duration,
    pub addresses: usize,
    pub source: &'static str,
}

pub const SIGN_IN_THROTTLE: ThrottlePolicy = ThrottlePolicy {
    attempts: 30,
    per: std::time::Duration::from_secs(60),
    addresses: 100_000,
    source: "Probity default, after NCSC password guidance (throttle guessing); generous enough for an \
             office behind one address signing in at nine",
};

/// The attempts each address has made in its current window (a fixed window per address).
#[derive(Debug)]
pub struct AddressThrottle {
    policy: ThrottlePolicy,
    seen: std::sync::Mutex<HashMap<std::net::IpAddr, (std::time::Instant, u32), foldhash::fast::RandomState>>,
}

impl Default for AddressThrottle {
    fn default() -> Self {
        Self::new(SIGN_IN_THROTTLE)
    }
}

impl AddressThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self { policy, seen: Default::default() }
    }

    /// Counts an attempt from `address` at `now`; `false` when it is over the allowance.
    pub fn allow(&self, address: std::net::IpAddr, now: std::time::Instant) -> bool {
        let p = &self.policy;
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.len() >= p.addresses && !seen.contains_key(&address) {
            seen.retain(|_, (start, _)| now.saturating_duration_since(*start) < p.per);
            if seen.len() >= p.addresses {
                return false;
            }
        }
        let entry = seen.entry(address).or_insert((now, 0));
        if now.saturating_duration_since(entry.0) >= p.per {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= p.attempts
    }
}

/// Until when a username is locked, given its recent failed sign-ins (any order), or `None`.
pub fn locked_until(policy: &LockoutPolicy, failures: &[Timestamp], now: Timestamp) -> Option<Timestamp> {
    let mut times: Vec<Timestamp> = failures.iter().copied().filter(|t| *t <= now).collect();
    times.sort();
    // The latest run of `failures` failures that fits in the window.
    let until = times
        .windows(policy.failures)
        .filter(|w| w[w.len() - 1].duration_since(w[0]) <= policy.window)
        .map(|w| w[w.len() - 1] + policy.locked_for)
        .max()?;
    (until > now).then_some(until)
}

/// How long a session lives: it ends after `idle` without a request, and after `absolute`
/// whatever happens, so a stolen cookie does not work forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: SignedDuration,
    pub absolute: SignedDuration,
    pub source: &'static str,
}

pub const SESSIONS: SessionPolicy = SessionPolicy {
    idle: SignedDuration::from_mins(30),
    absolute: SignedDuration::from_hours(10),
    source: "issue 4 (sessions expire); OWASP session management: idle 15-30 min, absolute for a working day",
};

/// Whether a session created at `created` and last used at `last_seen` is still alive `now`.
pub fn session_alive(policy: &SessionPolicy, created: Timestamp, last_seen: Timestamp, now: Timestamp) -> bool {
    now.duration_since(last_seen) < policy.idle && now.duration_since(created) < policy.absolute
}

/// The times before which a session has expired under `policy` at `now`: last seen before
/// the first, or created before the second (what a sweep deletes; a session exactly at either
/// is swept by the next one).
pub fn expired_before(policy: &SessionPolicy, now: Timestamp) -> (Timestamp, Timestamp) {
    let back = |d: SignedDuration| now.checked_sub(d).unwrap_or(Timestamp::MIN);
    (back(policy.idle), back(policy.absolute))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::example::{code, date};
    use domain::ids::Crn;
    use proptest::prelude::*;

    fn user(role: Role, scope: &str, officer: Option<&str>) -> User {
        User {
            username: Username::parse("priya").unwrap(),
            role,
            scope: PlaceScope::parse(scope).unwrap(),
            officer: officer.map(code),
            disabled: false,
        }
    }

    fn place(officer: &str, team: &str) -> Place {
        Place {
            officer: Some(code(officer)),
            team: Some(code(team)),
            office: Some(code("CAM1")),
            borough: Some(code("CAM")),
            area: Some(code("LDN")),
        }
    }

    #[test]
    fn the_index_places_as_the_organisation_does() {
        use domain::org::{ContractedHours, Employment, Grade};
        let mut org = domain::example::two_team_org();
        // OFF1 twice: the first is the one found. OFF3's team is not in the organisation.
        for (officer, team) in [("OFF1", "T1"), ("OFF2", "T2"), ("OFF1", "T2"), ("OFF3", "T9")] {
            org.staff.push(Staff {
                code: code(officer),
                team: code(team),
                name: domain::ids::Name::parse("Priya Shah").unwrap(),
                grade: Grade::Po,
                contracted_hours: ContractedHours::FULL_TIME,
                employment: Employment::Permanent,
                specialisms: vec![],
            });
        }
        let index = OrgIndex::new(&org);
        let teams = org.teams.iter().map(|t| Some(t.code.clone())).chain([Some(code("NOPE")), None]);
        for team in teams {
            for officer in [Some(code("OFF1")), None] {
                let want = Place::of_team(team.as_ref(), officer.as_ref(), &org);
                assert_eq!(index.place(team.as_ref(), officer.as_ref()), want, "{team:?} {officer:?}");
            }
        }
        let staff = org.staff.iter().map(|s| s.code.clone()).chain([code("NOPE")]);
        for officer in staff {
            assert_eq!(index.place_of_officer(&officer, &org), Place::of_officer(&officer, &org), "{officer}");
            let want = org.staff.iter().find(|s| s.code == officer);
            assert_eq!(index.staff_member(&officer, &org), want, "{officer}");
        }
    }

    #[test]
    fn every_role_has_one_policy_row() {
        for role in Role::ALL {
            assert_eq!(ROLE_POLICY.iter().filter(|p| p.role == role).count(), 1, "{role:?}");
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("superuser").unwrap_err().starts_with("role:"));
    }

    /// docs/rules/practice.md#transfer: while a transfer waits, the receiving team reaches the
    /// case as it reaches its own, and the sending team keeps it; once it is taken up or
    /// withdrawn (no `transfer_to`), only the team supervising it does.
    #[test]
    fn a_case_being_transferred_is_reached_from_both_teams() {
        let org = domain::example::two_team_org();
        let index = OrgIndex::new(&org);
        let mut case = CaseSummary::from_state(&{
            let mut s = domain::case::CaseState::new(domain::ids::Crn::parse("X000001").unwrap());
            s.apply(
                &domain::event::CaseEvent::PersonRegistered { person: domain::example::person("Ada", "Lovelace") },
                date("2026-03-02"),
            )
            .unwrap();
            s
        })
        .unwrap();
        case.officer = Some(code("OFF1"));
        case.team = Some(code("T1"));
        let reach = |scope: &str, case: &CaseSummary| {
            let u = user(Role::SeniorProbationOfficer, scope, None);
            let places = index.places_of_case(case);
            places.iter().map(|p| case_access(&u, p, false, &[], date("2026-03-20"), &index)).max()
        };
        assert_eq!(reach("team:T2", &case), Some(CaseAccess::None), "no transfer: not the other team's");
        case.transfer_to = Some(code("T2"));
        assert_eq!(reach("team:T2", &case), Some(CaseAccess::ReadWrite), "{TRANSFER_REACH_SOURCE}");
        assert_eq!(reach("team:T1", &case), Some(CaseAccess::ReadWrite), "the sending team keeps it");
        assert_eq!(reach("office:OF2", &case), Some(CaseAccess::ReadWrite), "the receiving team's office");
    }

    /// A search narrowed to the searcher's reach never hides a case they may read: for every
    /// role, scope and kind of case (each team, none, one the organisation lacks; each officer;
    /// a transfer waiting or not; granted or not), a case any rule lets them reach is within it.
    #[test]
    fn a_search_reach_holds_every_case_the_user_may_read() {
        let org = domain::example::two_team_org();
        let index = OrgIndex::new(&org);
        let today = date("2026-03-20");
        let case_crn = Crn::parse("X000001").unwrap();
        let teams = [Some("T1"), Some("T2"), Some("T9"), None];
        let scopes = ["team:T1", "team:T9", "office:OF2", "borough:BR1", "area:AR1", "area:AR9", "provider"];
        for role in Role::ALL {
            for scope in scopes {
                for own in [Some("OFF1"), None] {
                    let u = user(role, scope, own);
                    for granted in [false, true] {
                        let grants: BTreeSet<Crn> = granted.then(|| case_crn.clone()).into_iter().collect();
                        let reach = search_reach(&u, &index, &grants);
                        for team in teams {
                            for officer in [Some("OFF1"), Some("OFF2"), None] {
                                for transfer_to in [None, Some("T1"), Some("T2")] {
                                    let mut places =
                                        vec![index.place(team.map(code).as_ref(), officer.map(code).as_ref())];
                                    places.extend(transfer_to.map(|t| index.place(Some(&code(t)), None)));
                                    if team.is_none() && officer.is_none() {
                                        places.push(Place::awaiting_allocation(Some(&code("BR1")), &org));
                                    }
                                    let access = places
                                        .iter()
                                        .map(|p| case_access(&u, p, granted, &[], today, &index))
                                        .max()
                                        .unwrap_or(CaseAccess::None);
                                    let within = reach.as_ref().is_none_or(|r| {
                                        let has = |t: Option<&str>| t.is_some_and(|t| r.teams.contains(&code(t)));
                                        team.is_none()
                                            || has(team)
                                            || has(transfer_to)
                                            || (officer.is_some() && officer.map(code) == r.officer)
                                            || r.crns.contains(&case_crn)
                                    });
                                    assert!(
                                        access == CaseAccess::None || within,
                                        "{role:?} {scope} {own:?} granted {granted}: case in {team:?} of {officer:?}, \
                                         transfer to {transfer_to:?}, outside {reach:?}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        let ro = user(Role::ResponsibleOfficer, "borough:BR1", Some("OFF1"));
        let narrowed = search_reach(&ro, &index, &BTreeSet::new()).expect("a borough is not every case");
        assert_eq!(narrowed.teams, vec![code("T1")], "the borough's one team");
        assert!(search_reach(&user(Role::AreaManager, "provider", None), &index, &BTreeSet::new()).is_none());
    }

    #[test]
    fn access_by_role_and_place() {
        use CaseAccess as A;
        /// (role, scope, officer, case officer, case team, granted, expected, source)
        type Row =
            (Role, &'static str, Option<&'static str>, &'static str, &'static str, bool, CaseAccess, &'static str);
        let rows: &[Row] = &[
            (Role::ResponsibleOfficer, "team:T1", Some("OFF1"), "OFF1", "T1", false, A::ReadWrite, "own caseload"),
            (Role::ResponsibleOfficer, "team:T1", Some("OFF1"), "OFF2", "T1", false, A::ReadWrite, "team's cases"),
            (Role::ResponsibleOfficer, "team:T1", Some("OFF1"), "OFF9", "T2", false, A::None, "another team"),
            (Role::ResponsibleOfficer, "team:T9", Some("OFF1"), "OFF1", "T1", false, A::ReadWrite, "own, moved team"),
            (Role::ResponsibleOfficer, "team:T1", Some("OFF1"), "OFF9", "T2", true, A::None, "grants are inspectors'"),
            (Role::SeniorProbationOfficer, "office:CAM1", None, "OFF9", "T2", false, A::ReadWrite, "SPO's office"),
            (Role::AreaManager, "area:LDN", None, "OFF9", "T2", false, A::Read, "managers read"),
            (Role::AreaManager, "area:KENT", None, "OFF9", "T2", false, A::None, "another area"),
            (Role::UpwSupervisor, "borough:CAM", None, "OFF9", "T2", false, A::Read, "UPW in their borough"),
            (Role::Inspector, "provider", None, "OFF1", "T1", false, A::None, "DESIGN: sampled cases only"),
            (Role::Inspector, "provider", None, "OFF1", "T1", true, A::Read, "DESIGN: sample, read-only"),
            (Role::MiAnalyst, "provider", None, "OFF1", "T1", true, A::None, "DESIGN: aggregates only"),
            (Role::Admin, "provider", None, "OFF1", "T1", false, A::None, "admins manage users, not cases"),
        ];
        // A case waiting for allocation, received in borough BR1 (team T1's, office OF1's).
        let org = domain::example::two_team_org();
        let index = OrgIndex::new(&org);
        let waiting = Place::awaiting_allocation(Some(&code("BR1")), &org);
        let rows_waiting = [
            (Role::ResponsibleOfficer, "team:T1", A::ReadWrite, "an officer of the receiving borough records on it"),
            (Role::ResponsibleOfficer, "team:T2", A::None, "issue 15: not another borough's officer"),
            (
                Role::SeniorProbationOfficer,
                "team:T1",
                A::ReadWrite,
                "docs/rules/practice.md#allocation: the SPO allocates",
            ),
            (Role::SeniorProbationOfficer, "office:OF1", A::ReadWrite, "the office is in the borough"),
            (Role::SeniorProbationOfficer, "office:OF2", A::None, "another borough's office"),
            (Role::SeniorProbationOfficer, "borough:BR1", A::ReadWrite, "the borough itself"),
            (Role::AreaManager, "area:AR1", A::Read, "managers read their area's"),
            (Role::AreaManager, "area:AR9", A::None, "another area"),
            (Role::Inspector, "provider", A::None, "not in a sample"),
        ];
        for (role, scope, expected, source) in rows_waiting {
            let got = case_access(&user(role, scope, None), &waiting, false, &[], date("2026-03-20"), &index);
            assert_eq!(got, expected, "{role:?} {scope} on a case waiting in BR1: {source}");
        }
        let nowhere = Place::awaiting_allocation(None, &org);
        let got = case_access(
            &user(Role::ResponsibleOfficer, "team:T1", None),
            &nowhere,
            false,
            &[],
            date("2026-03-20"),
            &index,
        );
        assert_eq!(got, A::None, "a case received nowhere is reached by scope alone");
        for &(role, scope, officer, case_officer, case_team, granted, expected, source) in rows {
            let got = case_access(
                &user(role, scope, officer),
                &place(case_officer, case_team),
                granted,
                &[],
                date("2026-03-20"),
                &OrgIndex::default(),
            );
            assert_eq!(got, expected, "{role:?} {scope} on {case_officer}/{case_team}: {source}");
        }
    }

    fn entry(kind: LimitKind, who: &str, from: &str, to: Option<&str>) -> LimitedAccess {
        LimitedAccess {
            id: 1,
            crn: Crn::parse("X000001").unwrap(),
            kind,
            username: who.into(),
            starts_on: date(from),
            ends_on: to.map(date),
            reason: "r".into(),
            added_by: "admin".into(),
            added_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn limited_access_overrides_every_role_within_its_dates() {
        use LimitKind::*;
        let today = "2026-03-20";
        let rows: &[(&[LimitedAccess], bool, &str)] = &[
            (&[entry(Exclusion, "priya", "2026-03-01", None)], true, "excluded"),
            (&[entry(Exclusion, "sam", "2026-03-01", None)], false, "someone else excluded"),
            (&[entry(Exclusion, "priya", "2026-03-21", None)], false, "exclusion not yet started"),
            (&[entry(Exclusion, "priya", "2026-01-01", Some("2026-03-19"))], false, "exclusion ended"),
            (&[entry(Exclusion, "priya", "2026-01-01", Some(today))], true, "end date inclusive"),
            (&[entry(Restriction, "sam", "2026-03-01", None)], true, "restricted to others"),
            (&[entry(Restriction, "priya", "2026-03-01", None)], false, "restricted, listed"),
            (
                &[entry(Restriction, "priya", "2026-03-01", None), entry(Exclusion, "priya", "2026-03-01", None)],
                true,
                "an exclusion wins over a listing",
            ),
            (&[entry(Restriction, "sam", "2026-01-01", Some("2026-02-01"))], false, "restriction ended"),
        ];
        let officer = user(Role::ResponsibleOfficer, "team:T1", Some("OFF1"));
        for (entries, is_barred, why) in rows {
            assert_eq!(barred(&officer.username, entries, date(today)), *is_barred, "{why}");
            let access = case_access(&officer, &place("OFF1", "T1"), false, entries, date(today), &OrgIndex::default());
            assert_eq!(access == CaseAccess::None, *is_barred, "{why}");
        }
    }

    #[test]
    fn scopes_and_usernames_are_validated_naming_the_field() {
        assert_eq!(PlaceScope::parse("team:TEAM1").unwrap().to_string(), "team:TEAM1");
        assert_eq!(PlaceScope::parse("provider").unwrap(), PlaceScope::Provider);
        for bad in ["team", "team:", "street:X1", "team:not a code"] {
            assert!(PlaceScope::parse(bad).unwrap_err().starts_with("scope:"), "{bad}");
        }
        for bad in ["ab", "Priya", "pri ya", "priya!"] {
            assert!(Username::parse(bad).unwrap_err().starts_with("username:"), "{bad}");
        }
    }

    fn at(minutes: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_mins(1_000 + minutes)
    }

    #[test]
    fn five_failures_in_fifteen_minutes_lock_for_fifteen() {
        // Source: LOCKOUT.
        let rows: &[(&[i64], i64, Option<i64>)] = &[
            (&[0, 1, 2, 3], 4, None),
            (&[0, 1, 2, 3, 4], 5, Some(19)),
            (&[0, 1, 2, 3, 4], 19, None),
            (&[0, 4, 8, 12, 16], 17, None),
            (&[0, 4, 8, 12, 15], 16, Some(30)),
        ];
        for (failures, now, until) in rows {
            let failures: Vec<Timestamp> = failures.iter().map(|m| at(*m)).collect();
            assert_eq!(locked_until(&LOCKOUT, &failures, at(*now)), until.map(at), "{failures:?} at {now}");
        }
    }

    #[test]
    fn an_address_is_throttled_within_its_window_and_the_table_stays_bounded() {
        use std::net::{IpAddr, Ipv4Addr};
        use std::time::Duration;
        let policy = ThrottlePolicy { attempts: 3, per: Duration::from_secs(60), addresses: 2, source: "test" };
        let throttle = AddressThrottle::new(policy);
        let (a, b, c) =
            (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::from([0u16; 8]));
        let t0 = crate::clock::Clock::monotonic();
        let at = |s: u64| t0 + Duration::from_secs(s);
        assert_eq!((0..4).map(|_| throttle.allow(a, at(0))).collect::<Vec<_>>(), [true, true, true, false]);
        assert!(throttle.allow(b, at(1)), "another address has its own allowance");
        assert!(!throttle.allow(c, at(2)), "the table is full of live windows: a third address waits");
        assert!(throttle.allow(a, at(60)), "a new window");
        assert!(throttle.allow(c, at(61)), "b's window has ended, so c takes its place");
        assert!(
            SIGN_IN_THROTTLE.attempts > LOCKOUT.failures as u32,
            "the lockout, not the throttle, meets one guesser"
        );
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let rows = [(0, 29, 29, true), (0, 0, 30, false), (0, 599, 599, true), (0, 599, 600, false)];
        for (created, seen, now, alive) in rows {
            assert_eq!(session_alive(&SESSIONS, at(created), at(seen), at(now)), alive, "{created} {seen} {now}");
            // What a sweep deletes (last seen or created strictly before its times) is expired.
            let (idle_before, absolute_before) = expired_before(&SESSIONS, at(now));
            if at(seen) < idle_before || at(created) < absolute_before {
                assert!(!alive, "{created} {seen} {now}: a live session would be swept");
            }
        }
        let (idle_before, absolute_before) = expired_before(&SESSIONS, at(600));
        assert_eq!((idle_before, absolute_before), (at(570), at(0)));
    }

    proptest! {
        /// An exclusion in force always bars, whatever the role, scope or grant.
        #[test]
        fn an_exclusion_in_force_always_bars(role in 0usize..7, granted: bool, start in 0i32..60, len in 0i32..60) {
            let from = date("2026-01-01") + jiff::Span::new().days(start);
            let to = from + jiff::Span::new().days(len);
            let e = entry(LimitKind::Exclusion, "priya", &from.to_string(), Some(&to.to_string()));
            let u = user(Role::ALL[role], "provider", Some("OFF1"));
            for day in [from, to] {
                prop_assert_eq!(case_access(&u, &place("OFF1", "T1"), granted, std::slice::from_ref(&e), day, &OrgIndex::default()), CaseAccess::None);
            }
        }

        /// Limited access only ever takes away.
        #[test]
        fn limits_never_grant(role in 0usize..7, granted: bool, listed: bool) {
            let u = user(Role::ALL[role], "team:T1", Some("OFF1"));
            let who = if listed { "priya" } else { "sam" };
            let e = entry(LimitKind::Restriction, who, "2026-01-01", None);
            let p = place("OFF2", "T2");
            let without = case_access(&u, &p, granted, &[], date("2026-03-20"), &OrgIndex::default());
            let with = case_access(&u, &p, granted, &[e], date("2026-03-20"), &OrgIndex::default());
            prop_assert!(with <= without);
        }
    }
}
