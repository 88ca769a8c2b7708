-- Users, units and roles, sessions and the keys that sign access tokens: the identity service's own.

-- The units of the directory (deploy/seed/*.json or the district's own): synchronised from it at
-- every start, so that a user always belongs to a unit that exists.
CREATE TABLE identity.units (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  parent_code text,
  -- "builtin" or "queue" (a ward system consumes its own queue)
  channel     text NOT NULL,
  synced_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE identity.roles (
  name        text PRIMARY KEY,
  -- "district": across every unit; "unit": within the user's own unit
  scope       text NOT NULL CHECK (scope IN ('district', 'unit')),
  description text NOT NULL
);
INSERT INTO identity.roles (name, scope, description) VALUES
  ('clerk', 'unit', 'văn thư: registers, sends and receives the documents of the unit'),
  ('signer', 'unit', 'the competent person who signs the documents of the unit'),
  ('ward-system', 'unit', 'the software of a ward that consumes its own queue'),
  ('unit-admin', 'unit', 'manages the users of the unit; cannot grant admin'),
  ('admin', 'district', 'district administrator: every unit, the dashboard, the audit trail, the users');

CREATE TABLE identity.users (
  user_id             uuid PRIMARY KEY,
  username            text NOT NULL UNIQUE,
  display_name        text NOT NULL,
  org_code            text NOT NULL REFERENCES identity.units (code),
  -- The signature block of a signer.
  signer_competence   text NOT NULL DEFAULT '',
  signer_authority    text NOT NULL DEFAULT '',
  signer_position     text NOT NULL DEFAULT '',
  -- argon2id, PHC string; NULL: the user cannot sign in with a password.
  password_hash       text,
  password_changed_at timestamptz,
  disabled_at         timestamptz,
  -- Increases with every change; user.changed carries it so consumers apply only newer news.
  version             bigint NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_org_code ON identity.users (org_code);

CREATE TABLE identity.user_roles (
  user_id uuid NOT NULL REFERENCES identity.users (user_id) ON DELETE CASCADE,
  role    text NOT NULL REFERENCES identity.roles (name),
  PRIMARY KEY (user_id, role)
);

-- Consecutive failed sign-ins per typed username (whether or not such a user exists, so the answer
-- never tells which usernames exist). A success deletes the row.
CREATE TABLE identity.sign_in_failures (
  username        text PRIMARY KEY,
  failures        integer NOT NULL,
  last_failure_at timestamptz NOT NULL,
  locked_until    timestamptz
);

CREATE TABLE identity.sessions (
  session_id     uuid PRIMARY KEY,
  user_id        uuid NOT NULL REFERENCES identity.users (user_id),
  method         text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  -- The refresh tokens of the session are refused after this, whatever their own lifetime.
  expires_at     timestamptz NOT NULL,
  last_used_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz,
  revoked_reason text,
  -- SHA-256 (base64url) of the CSRF token of a browser session.
  csrf_hash      text,
  client_address text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_active ON identity.sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens are opaque, 256 random bits, kept only as their SHA-256. Each is exchanged once:
-- rotated_at set means it was used, and using it again is the sign of a stolen copy.
CREATE TABLE identity.refresh_tokens (
  token_hash bytea PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES identity.sessions (session_id) ON DELETE CASCADE,
  issued_at  timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz
);
CREATE INDEX refresh_tokens_session ON identity.refresh_tokens (session_id);

-- Ed25519 keys that sign access tokens. The newest one not retired signs; a retired one has lost
-- its private half and stays in the JWKS until publish_until, when the last token it signed expired.
CREATE TABLE identity.signing_keys (
  kid             text PRIMARY KEY,
  private_key_pem text,
  public_jwk      jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  retired_at      timestamptz,
  publish_until   timestamptz,
  CHECK ((retired_at IS NULL) = (private_key_pem IS NOT NULL))
);
