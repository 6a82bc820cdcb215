-- A case being transferred to another team (issue 17: reallocation and transfer): the team
-- it waits for, kept on its summary so that team's allocation queue and its access to the
-- case need no fold (docs/rules/practice.md#transfer). No case had a transfer before this
-- migration, so every existing row is right as NULL. The caseload's covering index reads
-- every column of the summary, so it is made again with this one.
ALTER TABLE case_summary ADD COLUMN transfer_to TEXT;
DROP INDEX case_summary_caseload;
CREATE INDEX case_summary_caseload ON case_summary (officer, family_name, first_name, crn) INCLUDE (
    active, date_of_birth, gender, team, sentence_kind, sentence_end, released_on, licence_end, rosh,
    next_appointment, last_face_to_face, contact_due_by, officer_count, legacy_tier, v3_tier,
    tier_provisional, transfer_to, version
);
CREATE INDEX case_summary_transfers ON case_summary (transfer_to) WHERE transfer_to IS NOT NULL;
