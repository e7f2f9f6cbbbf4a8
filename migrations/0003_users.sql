-- Who may use the web app, and their sessions.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL,
    -- argon2 PHC string.
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_key UNIQUE (username)
);

-- A session is known to the browser by a random token in an HttpOnly cookie; only its
-- SHA-256 is stored, so a leaked table does not log anyone in. Each session has its own
-- CSRF token, which every state-changing form carries.
CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);

-- The commitments list sorts and pages (keyset) by the cable's date, due date or
-- confidence; the cable's date is copied into the row so that one index serves each order.
-- Unknown dates sort last as 0001-01-01 / 9999-12-31 rather than NULL, which keyset
-- comparisons cannot order.
ALTER TABLE commitments ADD COLUMN sent_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00';
UPDATE commitments c SET sent_at = k.sent_at
FROM cables k WHERE k.id = c.cable_id AND k.sent_at IS NOT NULL;
ALTER TABLE commitments ADD COLUMN due_key date
    GENERATED ALWAYS AS (COALESCE(due_date_fix, due_date, '9999-12-31'::date)) STORED;

CREATE INDEX commitments_by_date ON commitments (sent_at, id);
CREATE INDEX commitments_country_by_date ON commitments (eff_country, sent_at, id);
CREATE INDEX commitments_by_due ON commitments (due_key, id);
CREATE INDEX commitments_by_confidence ON commitments (confidence, id);
