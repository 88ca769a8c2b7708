-- The signers intake checks submissions against and prints under documents, as the identity
-- service announced them (user.changed). Intake keeps only what it needs of a user.
CREATE TABLE intake.signers (
  username     text PRIMARY KEY,
  user_id      text NOT NULL,
  org_code     text NOT NULL,
  full_name    text NOT NULL,
  -- "KT. CHỦ TỊCH": the competence prefix with the authority it qualifies; '' for a head in their own right
  competence   text NOT NULL,
  position     text NOT NULL,
  -- False once the user is disabled or no longer holds the signer role.
  active       boolean NOT NULL,
  -- The version of user.changed this row reflects: an older event arriving late changes nothing.
  version      bigint NOT NULL
);
