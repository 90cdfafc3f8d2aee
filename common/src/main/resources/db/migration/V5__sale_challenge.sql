-- Seckill schema, version 5: the shoppers' side of a sale.
-- A sale may hold bots back with a proof-of-work (docs/bots.md): before a purchase token is issued the shopper
-- finds x with SHA-256(nonce ‖ userId ‖ x) starting with `challenge_difficulty` zero bits. NULL: no challenge.
-- 1..28: past 28 bits a phone's browser needs minutes per attempt, which no real shopper would wait for.
ALTER TABLE sale ADD COLUMN challenge_difficulty INTEGER
    CONSTRAINT sale_challenge_difficulty_range CHECK (challenge_difficulty BETWEEN 1 AND 28);

-- The gateway's list of sales (GET /api/v1/sales) pages by (starts_at, sale_id).
CREATE INDEX sale_by_start ON sale (starts_at, sale_id);
