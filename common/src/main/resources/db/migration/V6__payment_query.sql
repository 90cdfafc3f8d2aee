-- Payment queries before a timeout cancel (stock-service PaymentQuerySweep): one row per timed-out order
-- the provider was asked about. attempts counts queries started, so a restart never resets the retry budget;
-- next_attempt_at is both the lease of the instance asking (no second instance asks at the same time) and,
-- after an UNKNOWN answer, the backoff before the next query.
CREATE TABLE payment_query (
    order_id        VARCHAR(64) PRIMARY KEY REFERENCES orders (order_id) ON DELETE CASCADE,
    attempts        INTEGER     NOT NULL CHECK (attempts >= 0),
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_result     VARCHAR(40),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
