-- Seckill schema, version 4: operator controls (pause, resume, end, edit before opening), the shopper
-- blocklist, and the audit trail of every control. Redis carries the same state (the meta hash's `paused`
-- and `endsAt`, each bucket's `blocked` set) so reserve.lua refuses in the atomic step; PostgreSQL is the
-- record a warm-up rebuilds Redis from.

-- paused: admissions stop until resumed. ended_at: an operator ended the sale early; the effective end
-- is least(ends_at, ended_at), and ends_at keeps the window the sale was created with.
ALTER TABLE sale ADD COLUMN paused BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sale ADD COLUMN ended_at TIMESTAMPTZ;

CREATE TABLE blocked_user (
    user_id     VARCHAR(64) PRIMARY KEY,
    blocked_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    blocked_by  VARCHAR(64)
);

-- One row per operator control call that reached its target, written in the transaction of the change.
-- sale_id is null for blocklist entries (their target is target_user_id).
CREATE TABLE admin_audit (
    audit_id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sale_id         BIGINT REFERENCES sale (sale_id),
    target_user_id  VARCHAR(64),
    action          VARCHAR(20) NOT NULL CHECK (action IN ('PAUSE', 'RESUME', 'END', 'PATCH', 'BLOCK', 'UNBLOCK')),
    outcome         VARCHAR(20) NOT NULL CHECK (outcome IN ('APPLIED', 'UNCHANGED', 'REFUSED')),
    credential      VARCHAR(20) NOT NULL,
    operator        VARCHAR(64),
    request_id      VARCHAR(64),
    detail          JSONB       NOT NULL,
    at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX admin_audit_by_sale ON admin_audit (sale_id, audit_id DESC) WHERE sale_id IS NOT NULL;
CREATE INDEX admin_audit_by_user ON admin_audit (target_user_id, audit_id DESC) WHERE target_user_id IS NOT NULL;
