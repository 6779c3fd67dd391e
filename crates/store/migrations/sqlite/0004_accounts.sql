-- Accounts of the back office (SQLite). Keep in step with ../postgres/0004_accounts.sql:
-- same tables, same columns, same order (a test compares them).
-- Instants are RFC 3339 UTC texts at the second ("2026-10-01T08:00:00Z"), so they compare as text.

-- A person. The e-mail is stored lower-cased, which makes it unique case-insensitively.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    role TEXT NOT NULL CHECK (role IN ('admin', 'ministere', 'testeur', 'lecteur')),
    disabled INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    totp_secret TEXT,
    totp_last_step INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The ministries a `ministere` account speaks for (full labels, as in the catalogue).
CREATE TABLE user_ministries (
    user_id INTEGER NOT NULL REFERENCES users(id),
    ministry TEXT NOT NULL,
    PRIMARY KEY (user_id, ministry)
);

-- Signed-in browsers. The id is the SHA-256 of the cookie's secret, never the secret.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sessions_user ON sessions (user_id);

-- API keys: the public prefix identifies the key, the hash is HMAC-SHA256(pepper, key).
CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    prefix TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX api_keys_user ON api_keys (user_id);

-- Single-use links (set or reset a password), stored as the SHA-256 of their secret.
CREATE TABLE auth_tokens (
    hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('definir_mot_de_passe', 'reinitialiser_mot_de_passe')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);
