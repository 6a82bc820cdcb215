//! Accounts: an administrator's use cases (users, their roles and places, lockouts, password
//! resets, the limited-access lists), checking a password at sign-in, and a user's change of
//! their own password. The rules are in `access` (what a password must be, who administers,
//! that an administrator remains); the web pages and `probity user` only parse and show.
//!
//! Password hashing is the one expensive step: it runs through [`password_work`], which lets
//! no more run at once than the machine has cores.

use crate::access::{self, Administrator, PlaceScope, Role, User, Username};
use crate::input::parse_date;
use crate::stores::prelude::*;
use crate::{FieldProblem, ServiceError, Stores};
use domain::ids::{Code, Crn};
use domain::org::Organisation;
use jiff::Timestamp;
use store::StoreError;
use store::auth::{LimitKind, LimitedAccess, SessionRecord, UserRecord};

/// The slots for password work: one argon2id computation takes 19 MiB and a core for tens of
/// milliseconds, so no more run at once than the machine has cores, whatever arrives.
fn password_slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
    })
}

/// How long a request waits for a slot before it is refused as busy (Probity default: long
/// enough for a queue of honest sign-ins at nine o'clock, short enough that a flood is
/// turned away rather than piled up).
pub const PASSWORD_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

const BUSY: &str = "Probity is busy checking passwords. Wait a moment and try again.";

/// Runs password work (hashing or verifying) on a blocking thread once a slot is free. The
/// slot is held by the work itself, so a request abandoned by its client still frees it only
/// when the computation ends: the bound holds for work in flight, not just for requests.
pub async fn password_work<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ServiceError> {
    let slot = tokio::time::timeout(PASSWORD_WAIT, password_slots().acquire())
        .await
        .map_err(|_| ServiceError::Busy(BUSY.into()))?
        .map_err(|e| ServiceError::Internal(format!("password slots: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop(slot);
        out
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("password work: {e}")))
}

/// The argon2id hash of `password`, computed in a slot.
pub async fn hash(password: &str) -> Result<String, ServiceError> {
    let password = password.to_owned();
    password_work(move || access::hash_password(&password)).await?.map_err(ServiceError::Internal)
}

/// A hash to verify against when the username is unknown, so that the answer takes as long
/// as for a real user and does not reveal which names exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| access::hash_password("not anyone's password").unwrap_or_default())
}

/// Why a password was not accepted at sign-in (or as the current password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefused {
    /// Wrong username or password, or a disabled user: the same answer for each.
    Wrong,
    /// The username is locked (`access::LOCKOUT`) until then, whatever the password.
    Locked { until: Timestamp },
    /// Too many attempts from the client's address, whatever the username.
    Throttled,
}

/// Checks `password` for `username` under the lockout policy: a locked name is refused
/// whatever the password, and a wrong password (or a disabled user) counts as a failure
/// towards the lock. Signing in and changing one's own password both come through here, so
/// guesses made either way add up. The answer takes as long whether or not the name exists.
///
/// Before any work, the client's address must be within its allowance (`throttle`). The
/// lockout is claimed atomically per username in the store (read the failures, refuse when
/// locked, record this attempt as a failure until it succeeds), so concurrent guesses cannot
/// all slip under the limit, on one server or several. Lockouts run on the real clock.
/// Starts a signed-in session, ending the one the browser brought (`previous`, its key) if
/// any, and sweeps every session expired at `now` under `access::SESSIONS`, whoever's: nothing
/// else deletes a session its user never comes back to. Returns how many were swept.
pub async fn start_session(
    stores: &Stores,
    previous: Option<&str>,
    session: &SessionRecord,
    now: Timestamp,
) -> Result<u64, ServiceError> {
    if let Some(old) = previous {
        stores.access.end_session(old).await?;
    }
    stores.access.create_session(session).await?;
    let (idle_before, absolute_before) = access::expired_before(&access::SESSIONS, now);
    Ok(stores.access.sweep_sessions(idle_before, absolute_before).await?)
}

pub async fn check_password(
    stores: &Stores,
    throttle: &access::AddressThrottle,
    from: Option<std::net::IpAddr>,
    username: &str,
    password: &str,
) -> Result<Result<UserRecord, SignInRefused>, ServiceError> {
    if let Some(address) = from
        && !throttle.allow(address, crate::clock::Clock::monotonic())
    {
        return Ok(Err(SignInRefused::Throttled));
    }
    let now = store::to_stored_precision(crate::clock::Clock::instant());
    let policy = &access::LOCKOUT;
    let since = now - policy.window - policy.locked_for;
    // A concurrent attempt may have read the clock a moment after this one and claimed first:
    // its failure counts, so the lock is judged as at the latest failure seen.
    let judged = move |failures: &[Timestamp]| failures.iter().copied().fold(now, Timestamp::max);
    let locked = move |failures: &[Timestamp]| access::locked_until(policy, failures, judged(failures)).is_some();
    if let Err(failures) = stores.access.claim_sign_in_attempt(username, now, since, &locked).await? {
        let until = access::locked_until(policy, &failures, judged(&failures)).unwrap_or(now);
        return Ok(Err(SignInRefused::Locked { until }));
    }
    let record = stores.access.user(username).await?;
    let hash = record.as_ref().map(|u| u.password_hash.clone());
    let password = password.to_owned();
    let matches =
        password_work(move || access::verify_password(hash.as_deref().unwrap_or_else(|| decoy_hash()), &password))
            .await?;
    let Some(user) = record.filter(|u| matches && !u.disabled) else {
        // The claim stands as this failure.
        let failures = stores.access.failed_sign_ins(username, since).await?;
        return Ok(Err(match access::locked_until(policy, &failures, judged(&failures)) {
            Some(until) => SignInRefused::Locked { until },
            None => SignInRefused::Wrong,
        }));
    };
    stores.access.clear_failed_sign_ins(username).await?;
    Ok(Ok(user))
}

/// What a user typed to change their own password.
#[derive(Debug, Clone, Copy)]
pub struct OwnPassword<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirm: &'a str,
}

/// What is wrong with the new password fields, each named: the same strength rule as every
/// password, not the current one, and the two copies the same.
pub fn new_password_problems(username: &str, typed: OwnPassword<'_>) -> Vec<FieldProblem> {
    let OwnPassword { current, new, confirm } = typed;
    let mut problems = Vec::new();
    if new.is_empty() {
        problems.push(FieldProblem::new("new_password", "new_password: enter a new password"));
    } else if let Err(message) = access::check_password_strength("new_password", new, username) {
        problems.push(FieldProblem::new("new_password", message));
    } else if new == current {
        problems.push(FieldProblem::new("new_password", "new_password: must differ from your current password"));
    }
    if confirm.is_empty() {
        problems.push(FieldProblem::new("confirm_password", "confirm_password: enter the new password again"));
    } else if !new.is_empty() && confirm != new {
        problems.push(FieldProblem::new("confirm_password", "confirm_password: does not match the new password"));
    }
    problems
}

/// Why a change of one's own password was refused, as data the page words: what was wrong
/// with the current password, if anything, and each problem of the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnPasswordRefused {
    pub current: Option<CurrentPasswordRefused>,
    pub new: Vec<FieldProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrentPasswordRefused {
    /// Nothing typed (not a guess, so not counted towards the lockout).
    Missing,
    /// As at sign-in: wrong, locked or throttled.
    Refused(SignInRefused),
}

/// A user's change of their own password: the current one checked as at sign-in (so wrong
/// guesses here count towards the same lockout), the new one by the rule every password meets.
/// On success every session of the user ends and `replacement` (the session that carries on
/// this one, made by the caller that holds the cookie) begins, in one write.
pub async fn change_own_password(
    stores: &Stores,
    throttle: &access::AddressThrottle,
    from: Option<std::net::IpAddr>,
    user: &User,
    typed: OwnPassword<'_>,
    replacement: &SessionRecord,
) -> Result<Result<(), OwnPasswordRefused>, ServiceError> {
    let username = user.username.as_str();
    let current = if typed.current.is_empty() {
        Some(CurrentPasswordRefused::Missing)
    } else {
        check_password(stores, throttle, from, username, typed.current)
            .await?
            .err()
            .map(CurrentPasswordRefused::Refused)
    };
    let new = new_password_problems(username, typed);
    if current.is_some() || !new.is_empty() {
        return Ok(Err(OwnPasswordRefused { current, new }));
    }
    let hash = hash(typed.new).await?;
    if !stores.access.change_password(username, &hash, replacement).await? {
        return Err(ServiceError::Internal(format!("user {username} vanished while changing their password")));
    }
    Ok(Ok(()))
}

/// A user as the administrator's form gives them: raw text, as typed.
#[derive(Debug, Clone, Copy)]
pub struct UserForm<'a> {
    pub username: &'a str,
    /// `None` when the password is not being set (a change of role keeps it).
    pub password: Option<&'a str>,
    pub role: &'a str,
    pub scope: &'a str,
    pub officer: &'a str,
}

/// A user's account details, each checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDetails {
    pub username: Username,
    pub role: Role,
    pub scope: PlaceScope,
    pub officer: Option<Code>,
}

/// The form's values checked against the rules and the organisation, or every bad field.
pub fn account_details(form: UserForm<'_>, org: &Organisation) -> Result<AccountDetails, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut bad = |field, message: String| problems.push(FieldProblem::new(field, message));
    if let Some(Err(e)) = form.password.map(|p| access::check_password_strength("password", p, form.username)) {
        bad("password", e);
    }
    let username = Username::parse(form.username).map_err(|e| bad("username", e)).ok();
    let role = Role::parse(form.role).map_err(|e| bad("role", e)).ok();
    let scope = PlaceScope::parse(form.scope)
        .and_then(|s| access::check_scope_exists("scope", &s, org).map(|()| s))
        .map_err(|e| bad("scope", e))
        .ok();
    let officer = match form.officer.trim() {
        "" => None,
        o => match Code::parse(o) {
            Ok(c) if org.staff.iter().any(|s| s.code == c) => Some(c),
            Ok(c) => {
                bad("officer", format!("officer: there is no member of staff {c}"));
                None
            }
            Err(e) => {
                bad("officer", format!("officer: {e}"));
                None
            }
        },
    };
    match (username, role, scope, problems.is_empty()) {
        (Some(username), Some(role), Some(scope), true) => Ok(AccountDetails { username, role, scope, officer }),
        _ => Err(problems),
    }
}

impl AccountDetails {
    /// The stored record, keeping what `base` holds beyond these details.
    fn onto(&self, base: UserRecord) -> UserRecord {
        UserRecord {
            username: self.username.to_string(),
            role: self.role.as_str().to_owned(),
            scope_kind: self.scope.kind().as_str().to_owned(),
            scope_code: self.scope.code().map(|c| c.to_string()),
            officer: self.officer.as_ref().map(|c| c.to_string()),
            ..base
        }
    }
}

/// Adds a user with the password the form gives. A username already taken is refused on the
/// `username` field.
pub async fn add_user(
    stores: &Stores,
    by: Administrator<'_>,
    now: Timestamp,
    form: UserForm<'_>,
) -> Result<AccountDetails, ServiceError> {
    let password = form.password.ok_or_else(|| ServiceError::field("password", "password: enter a password"))?;
    let org = stores.cases.organisation().await?;
    let details = account_details(form, &org).map_err(ServiceError::Invalid)?;
    let blank = UserRecord {
        username: String::new(),
        password_hash: hash(password).await?,
        role: String::new(),
        scope_kind: String::new(),
        scope_code: None,
        officer: None,
        disabled: false,
        created_at: now,
    };
    match stores.access.add_user(&details.onto(blank)).await {
        Ok(()) => {
            tracing_note(by, "added", details.username.as_str());
            Ok(details)
        }
        Err(StoreError::Field { field, problem }) => Err(ServiceError::field(field, problem)),
        Err(e) => Err(e.into()),
    }
}

/// The user named, or that there is none.
async fn existing_user(stores: &Stores, username: &str) -> Result<UserRecord, ServiceError> {
    stores.access.user(username).await?.ok_or_else(|| ServiceError::NotFound(format!("There is no user {username}.")))
}

/// A new role, place and staff code for a user; their password and sessions are kept (a
/// sign-in is not needed for the change to apply: every request reads the user afresh). The
/// last administrator cannot be made something else.
pub async fn change_role(
    stores: &Stores,
    by: Administrator<'_>,
    username: &str,
    form: UserForm<'_>,
) -> Result<(), ServiceError> {
    let user = existing_user(stores, username).await?;
    let org = stores.cases.organisation().await?;
    let form = UserForm { username, password: None, ..form };
    let changed = account_details(form, &org).map_err(ServiceError::Invalid)?.onto(user);
    let users = stores.access.users().await?;
    access::keeps_an_administrator(&users, &changed, "role").map_err(|m| ServiceError::field("role", m))?;
    stores.access.update_user(&changed).await?;
    tracing_note(by, "changed the role of", username);
    Ok(())
}

/// Disables a user: they can no longer sign in, and their sessions stop working at once. The
/// last administrator cannot be disabled.
pub async fn disable_user(stores: &Stores, by: Administrator<'_>, username: &str) -> Result<(), ServiceError> {
    let user = existing_user(stores, username).await?;
    let disabled = UserRecord { disabled: true, ..user };
    let users = stores.access.users().await?;
    access::keeps_an_administrator(&users, &disabled, "username").map_err(|m| ServiceError::field("username", m))?;
    stores.access.update_user(&disabled).await?;
    tracing_note(by, "disabled", username);
    Ok(())
}

/// Ends a username's lockout at once: its failed sign-ins are cleared, so the user (an officer
/// who mistyped five times, say) can sign in again without waiting for it to lapse.
pub async fn unlock_user(stores: &Stores, by: Administrator<'_>, username: &str) -> Result<(), ServiceError> {
    existing_user(stores, username).await?;
    stores.access.clear_failed_sign_ins(username).await?;
    tracing_note(by, "ended the lockout of", username);
    Ok(())
}

/// A new password for a user who has forgotten theirs, made to the password rule and
/// returned once (it is stored only as its hash); every session of the user ends and their
/// lock is cleared at once. The administrator hands it over by a safe route.
pub async fn reset_password(stores: &Stores, by: Administrator<'_>, username: &str) -> Result<String, ServiceError> {
    existing_user(stores, username).await?;
    let password = access::generated_password(username, &mut access::new_token);
    let hash = hash(&password).await?;
    if !stores.access.reset_password(username, &hash).await? {
        return Err(ServiceError::NotFound(format!("There is no user {username}.")));
    }
    tracing_note(by, "reset the password of", username);
    Ok(password)
}

/// A user on the administrator's list, with when their lockout ends if they are locked now.
#[derive(Debug, Clone)]
pub struct UserListing {
    pub user: UserRecord,
    pub locked_until: Option<Timestamp>,
}

/// Every user, with their locks as at `now` (the real clock: lockouts run on it).
pub async fn users(stores: &Stores, _by: Administrator<'_>, now: Timestamp) -> Result<Vec<UserListing>, ServiceError> {
    let policy = &access::LOCKOUT;
    // Every recent failure in one read, by name, rather than a query a user.
    let mut failures: std::collections::HashMap<String, Vec<Timestamp>> = Default::default();
    for (username, at) in stores.access.failed_sign_ins_since(now - policy.window - policy.locked_for).await? {
        failures.entry(username).or_default().push(at);
    }
    Ok(stores
        .access
        .users()
        .await?
        .into_iter()
        .map(|user| {
            let failed = failures.get(&user.username).map_or(&[][..], Vec::as_slice);
            UserListing { locked_until: access::locked_until(policy, failed, now), user }
        })
        .collect())
}

/// Every limited-access entry, in force or not.
pub async fn limited_access(stores: &Stores, _by: Administrator<'_>) -> Result<Vec<LimitedAccess>, ServiceError> {
    Ok(stores.access.limited_access().await?)
}

/// An exclusion or restriction as the administrator's form gives it: raw text, as typed.
#[derive(Debug, Clone, Copy)]
pub struct LimitForm<'a> {
    pub crn: &'a str,
    pub kind: &'a str,
    pub username: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub reason: &'a str,
}

/// Adds an exclusion (this user may not see the case) or a restriction (only the users listed
/// may), after checking every field: the case and the user exist, the dates are dates in
/// order, and a reason is given. Who added it and when come from `by` and `now`.
pub async fn add_limited_access(
    stores: &Stores,
    by: Administrator<'_>,
    now: Timestamp,
    form: LimitForm<'_>,
) -> Result<(), ServiceError> {
    let mut problems = Vec::new();
    let crn = match Crn::parse(form.crn.trim()) {
        Ok(c) if stores.cases.summary(&c).await?.is_some() => Some(c),
        Ok(c) => {
            problems.push(FieldProblem::new("crn", format!("crn: there is no case with CRN {c}")));
            None
        }
        Err(e) => {
            problems.push(FieldProblem::new("crn", e.to_string()));
            None
        }
    };
    let kind = LimitKind::parse(form.kind.trim());
    if kind.is_none() {
        problems.push(FieldProblem::new("kind", "kind: choose an exclusion or a restriction"));
    }
    let username = form.username.trim();
    if stores.access.user(username).await?.is_none() {
        problems.push(FieldProblem::new("username", format!("username: there is no user `{username}`")));
    }
    let starts_on = match parse_date("starts_on", form.starts_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(FieldProblem::new("starts_on", "starts_on: enter the date it starts"));
            None
        }
        Err(p) => {
            problems.push(p);
            None
        }
    };
    let ends_on = parse_date("ends_on", form.ends_on).unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e < s
    {
        problems.push(FieldProblem::new("ends_on", "ends_on: must be on or after the start date"));
    }
    let reason = form.reason.trim();
    if reason.is_empty() {
        problems.push(FieldProblem::new("reason", "reason: say why access is limited"));
    }
    let (Some(crn), Some(kind), Some(starts_on), true) = (crn, kind, starts_on, problems.is_empty()) else {
        return Err(ServiceError::Invalid(problems));
    };
    let entry = LimitedAccess {
        id: 0,
        crn,
        kind,
        username: username.to_owned(),
        starts_on,
        ends_on,
        reason: reason.to_owned(),
        added_by: by.name().to_owned(),
        added_at: now,
    };
    stores.access.add_limited_access(&entry).await?;
    Ok(())
}

/// Removes the limited-access entry `id` (as typed in a path).
pub async fn remove_limited_access(stores: &Stores, by: Administrator<'_>, id: &str) -> Result<(), ServiceError> {
    let number: i64 =
        id.trim().parse().map_err(|_| ServiceError::field("id", format!("id: `{id}` is not a number")))?;
    if !stores.access.remove_limited_access(number).await? {
        return Err(ServiceError::NotFound(format!("There is no limited-access entry {number}.")));
    }
    tracing_note(by, "removed limited-access entry", id);
    Ok(())
}

/// An administrator's change, for the operator's log.
fn tracing_note(by: Administrator<'_>, what: &str, whom: &str) {
    tracing::info!(by = by.name(), "{what} {whom}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_password_fields_are_checked_each_by_name() {
        let long = "a long enough passphrase";
        for (new, confirm, expect) in [
            (long, long, vec![]),
            ("", "", vec!["new_password: enter a new password", "confirm_password: enter the new password again"]),
            ("short", "short", vec!["new_password: must be at least 12 characters"]),
            (long, "a long enough passphrasE", vec!["confirm_password: does not match the new password"]),
            (
                "short",
                "other",
                vec![
                    "new_password: must be at least 12 characters",
                    "confirm_password: does not match the new password",
                ],
            ),
            (long, "", vec!["confirm_password: enter the new password again"]),
            (
                "the current passphrase",
                "the current passphrase",
                vec!["new_password: must differ from your current password"],
            ),
            ("priya is my name ok", "priya is my name ok", vec!["new_password: must not contain the username"]),
        ] {
            let typed = OwnPassword { current: "the current passphrase", new, confirm };
            let got: Vec<String> = new_password_problems("priya", typed).into_iter().map(|e| e.message).collect();
            assert_eq!(got, expect, "{new:?} / {confirm:?}");
        }
    }
}
