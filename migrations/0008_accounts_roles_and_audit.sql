-- Accounts for an editorial team: roles, disabling, invitations, the sessions of each
-- account, two-factor login with recovery codes, portal-wide settings and the audit log.

-- admin: everything, accounts included; editor: content (create, edit, publish, delete,
-- revert, restore); translator: only the Chinese and Urdu versions of texts. Every account
-- that exists now (made by setup or `create-admin`) is an admin, as before.
ALTER TABLE admins
    ADD COLUMN role text NOT NULL DEFAULT 'admin' CHECK (role IN ('admin', 'editor', 'translator')),
    ADD COLUMN disabled_at timestamptz,
    ADD COLUMN last_login_at timestamptz,
    -- Two-factor login (TOTP, RFC 6238): the shared secret (base32) once confirmed.
    ADD COLUMN totp_secret text CHECK (totp_secret ~ '^[A-Z2-7]+=*$'),
    ADD COLUMN totp_enabled_at timestamptz,
    -- The last time step a code was accepted for: a code works once.
    ADD COLUMN totp_last_step bigint,
    ADD CONSTRAINT admins_totp_complete CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL));

-- One-time invitation links (only the token's hash is kept).
CREATE TABLE admin_invites (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('admin', 'editor', 'translator')),
    created_by  bigint REFERENCES admins (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    used_by     bigint REFERENCES admins (id) ON DELETE SET NULL
);

-- Each logged-in session of an account, so it can be listed and ended. The session itself
-- (in tower_sessions.session) holds a random key whose hash is `key_hash`; a session whose
-- row is gone is logged out at its next request.
CREATE TABLE admin_sessions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_hash      text NOT NULL UNIQUE,
    admin_id      bigint NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    address       text,
    user_agent    text
);
CREATE INDEX admin_sessions_admin_idx ON admin_sessions (admin_id);

-- Two-factor recovery codes (hashed); each works once.
CREATE TABLE admin_recovery_codes (
    admin_id   bigint NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    code_hash  text NOT NULL,
    used_at    timestamptz,
    PRIMARY KEY (admin_id, code_hash)
);

-- Settings of the whole portal: one row.
CREATE TABLE settings (
    id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
    require_two_factor  boolean NOT NULL DEFAULT false
);
INSERT INTO settings DEFAULT VALUES;

-- Who did what to accounts and logins, when, from where. Values are columns, never a
-- formatted line, so nothing typed into a form can forge an entry.
CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_id       bigint REFERENCES admins (id) ON DELETE SET NULL,
    -- The actor's e-mail as it was (kept when the account is removed), or the e-mail tried
    -- by a failed login.
    actor_email    text,
    action         text NOT NULL CHECK (action IN (
        'login', 'login_failed', 'login_refused', 'logout', 'two_factor_failed',
        'invite', 'invite_revoked', 'invite_accepted', 'role_changed', 'disabled', 'enabled',
        'removed', 'password_changed', 'session_ended', 'two_factor_enabled',
        'two_factor_disabled', 'two_factor_reset', 'recovery_code_used', 'recovery_codes_renewed', 'setting_changed', 'setup')),
    subject_id     bigint REFERENCES admins (id) ON DELETE SET NULL,
    subject_email  text,
    detail         text,
    address        text
);
CREATE INDEX audit_log_at_idx ON audit_log (id DESC);
