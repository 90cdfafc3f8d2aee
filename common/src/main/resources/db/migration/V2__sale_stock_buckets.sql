-- Seckill schema, version 2: a sale may split its Redis stock into buckets (Bucket.java), each under
-- its own hash tag so one hot sale spreads over several Redis Cluster shards. The database keeps one
-- `remaining` per sale: buckets are a Redis layout, the invariants stay per sale.
ALTER TABLE sale ADD COLUMN stock_buckets INTEGER NOT NULL DEFAULT 1
    CONSTRAINT sale_stock_buckets_range CHECK (stock_buckets BETWEEN 1 AND 64);
