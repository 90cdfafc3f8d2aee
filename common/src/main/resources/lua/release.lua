--[[
release.lua — give back the stock of a reservation that never became a live order
(Kafka send failed, or the database refused the order). Idempotent: only an order still
in `pending` returns its stock, so a second call is a no-op.

KEYS[1] seckill:{saleId}:stock
KEYS[2] seckill:{saleId}:buyers
KEYS[3] seckill:{saleId}:pending
KEYS[4] seckill:{saleId}:order:<orderId>
KEYS[5] seckill:{saleId}:version   bumped when stock comes back (warmup.lua's optimistic check)

ARGV[1] orderId
ARGV[2] userId
ARGV[3] quantity
ARGV[4] final status to cache (FAILED)
ARGV[5] reason (SOLD_OUT, DUPLICATE, UNAVAILABLE, ...)
ARGV[6] order status TTL in seconds

Returns {released (1|0), stockAfter}
]]
local released = redis.call('ZREM', KEYS[3], ARGV[1])
local stock
if released == 1 then
  stock = redis.call('INCRBY', KEYS[1], tonumber(ARGV[3]))
  redis.call('INCR', KEYS[5])
  -- Only forget the buyer if the entry is this order: after a failover the shopper may
  -- hold another, live order that must stay recognised.
  if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then
    redis.call('HDEL', KEYS[2], ARGV[2])
  end
else
  stock = tonumber(redis.call('GET', KEYS[1]) or '0')
end
-- A late or repeated release never overwrites a status the order moved on to (PENDING_PAYMENT,
-- PAID, CANCELLED): only the call that released, or an order still QUEUED, writes FAILED. A release
-- that finds no status at all leaves FAILED as a tombstone: a reserve.lua call for this order id that
-- is still on its way (sent on another connection) then refuses instead of reserving.
local current = redis.call('HGET', KEYS[4], 'status')
if released == 1 or not current or current == 'QUEUED' then
  redis.call('HSET', KEYS[4], 'userId', ARGV[2], 'quantity', ARGV[3], 'status', ARGV[4], 'reason', ARGV[5])
  redis.call('EXPIRE', KEYS[4], tonumber(ARGV[6]))
end
return {released, stock}
