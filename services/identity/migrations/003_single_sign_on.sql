-- Single sign-on with OpenID Connect.

-- A user who signs in through the district's identity provider: the provider's (issuer, subject)
-- pair is the lasting link, never the username, which the provider may let people change.
CREATE TABLE identity.external_identities (
  issuer     text NOT NULL,
  subject    text NOT NULL,
  user_id    uuid NOT NULL UNIQUE REFERENCES identity.users (user_id) ON DELETE CASCADE,
  linked_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);

-- A sign-in sent to the provider and not yet back. Only the SHA-256 of the state is kept (the
-- browser holds the state in a cookie as well, so a callback from another browser is refused);
-- each row is used once.
CREATE TABLE identity.oidc_pending_logins (
  state_hash     bytea PRIMARY KEY,
  nonce          text NOT NULL,
  code_verifier  text NOT NULL,
  return_url     text,
  expires_at     timestamptz NOT NULL
);
CREATE INDEX oidc_pending_logins_expiry ON identity.oidc_pending_logins (expires_at);
