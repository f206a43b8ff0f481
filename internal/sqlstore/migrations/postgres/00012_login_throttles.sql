-- +goose Up
-- Sign-in limits, one row per key (an account, an address, an account and
-- device or address pair). An attempt is counted here BEFORE its password
-- is checked, in one statement, so parallel attempts cannot all pass a
-- limit read earlier. The rules (limits, delays) are the caller's.
CREATE TABLE login_throttles (
    key      TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,   -- attempts counted (granted) since the last reset
    last_at  BIGINT NOT NULL,    -- when the last one was granted (µs)
    next_at  BIGINT NOT NULL,    -- no attempt is granted before (µs)
    delay    BIGINT NOT NULL,    -- the delay that set next_at (µs), doubled on each further failure
    granted  INTEGER NOT NULL    -- whether the statement that last wrote the row granted its attempt
);
DROP TABLE login_attempts;

-- +goose Down
DROP TABLE login_throttles;
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures     INTEGER NOT NULL DEFAULT 0
);
