-- Each sign-in attempt sweeps the failures older than the lockout's horizon, whatever the
-- username (random names would otherwise fill the table for ever): by time, not by name.
CREATE INDEX failed_sign_ins_by_time ON failed_sign_ins (at);
