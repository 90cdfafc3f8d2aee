-- pgbench script of scripts/bench.sh: the PostgreSQL ceiling for the order consumer's work.
-- One transaction per batch, shaped like the consumer's: insert :batch orders of one sale with
-- ON CONFLICT DO NOTHING, then one conditional decrement of the sale row by the rows inserted.
-- Variables (pgbench -D): sale (a sale row of the scratch database), batch (rows per transaction).
-- rows/s = tps x batch.
BEGIN;
WITH inserted AS (
  INSERT INTO orders (order_id, sale_id, user_id, quantity, status)
  SELECT :sale || '-' || gen_random_uuid(), :sale, 'pgb-' || gen_random_uuid(), 1, 'PENDING_PAYMENT'
  FROM generate_series(1, :batch)
  ON CONFLICT DO NOTHING
  RETURNING quantity
)
SELECT coalesce(sum(quantity), 0) AS k FROM inserted \gset
UPDATE sale SET remaining = remaining - :k WHERE sale_id = :sale AND remaining - :k >= 0;
END;
