--[[
return.lua — give the stock of a persisted order back to Redis after the database
cancelled it (payment timeout, shopper cancel). Exactly once per order: the `returned`
set remembers which orders already came back.

KEYS[1] seckill:{saleId}:stock
KEYS[2] seckill:{saleId}:returned   set of order ids whose stock came back
KEYS[3] seckill:{saleId}:pending
KEYS[4] seckill:{saleId}:order:<orderId>
KEYS[5] seckill:{saleId}:version   bumped when stock comes back (warmup.lua's optimistic check)

ARGV[1] orderId
ARGV[2] quantity
ARGV[3] status to cache (CANCELLED)
ARGV[4] order status TTL in seconds

Returns {applied (1|0), stockAfter}
]]
-- The consumer may have crashed before removing the order from pending.
redis.call('ZREM', KEYS[3], ARGV[1])
local applied = redis.call('SADD', KEYS[2], ARGV[1])
local stock
if applied == 1 then
  stock = redis.call('INCRBY', KEYS[1], tonumber(ARGV[2]))
  redis.call('INCR', KEYS[5])
else
  stock = tonumber(redis.call('GET', KEYS[1]) or '0')
end
redis.call('HSET', KEYS[4], 'quantity', ARGV[2], 'status', ARGV[3])
redis.call('EXPIRE', KEYS[4], tonumber(ARGV[4]))
return {applied, stock}
