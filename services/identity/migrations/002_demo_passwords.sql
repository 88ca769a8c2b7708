-- Users imported by `edoc provision --demo` sign in with a published password (edoc-demo-<username>).
-- Marked so that a production start can refuse them without hashing every password; a reset clears it.
ALTER TABLE identity.users ADD COLUMN demo_password boolean NOT NULL DEFAULT false;
