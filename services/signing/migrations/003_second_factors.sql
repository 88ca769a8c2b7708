-- Remote signing (ký số từ xa): a signer whose key is held in the HSM approves with a second factor,
-- a TOTP code (RFC 6238) from an authenticator enrolled here. The secret is kept encrypted; five
-- wrong codes in a row lock the signer until an administrator resets the enrolment.
CREATE TABLE signing.second_factors (
  username        text PRIMARY KEY,
  org_code        text NOT NULL,
  secret_sealed   text NOT NULL,
  enrolled_at     timestamptz NOT NULL DEFAULT now(),
  confirmed_at    timestamptz,
  -- The last time step accepted: a code is good once.
  last_step       bigint NOT NULL DEFAULT 0,
  failures        integer NOT NULL DEFAULT 0,
  failures_total  integer NOT NULL DEFAULT 0,
  locked_at       timestamptz
);
