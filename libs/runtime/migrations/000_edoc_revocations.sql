-- What the identity service revoked, kept in each service's own schema (":schema" is replaced by
-- runMigrations) so that every instance of the service refuses those access tokens at once. The
-- guard looks a request's session and user up by primary key.

-- Sessions ended before their access tokens expired (sign-out, stolen refresh token, user changed).
CREATE TABLE :schema.revoked_sessions (
  session_id   text PRIMARY KEY,
  user_id      text NOT NULL,
  reason       text NOT NULL,
  revoked_at   timestamptz NOT NULL,
  -- No access token of the session is valid after this: the row may go.
  forget_after timestamptz NOT NULL
);
CREATE INDEX revoked_sessions_forget_after ON :schema.revoked_sessions (forget_after);

-- Every token of the user issued before tokens_issued_before is refused (disabled, roles changed,
-- password reset), whichever session it belongs to.
CREATE TABLE :schema.revoked_users (
  user_id              text PRIMARY KEY,
  tokens_issued_before timestamptz NOT NULL,
  reason               text NOT NULL,
  forget_after         timestamptz NOT NULL
);
