--[[
persisted.lua — after the order consumer committed an order to PostgreSQL: drop it from
`pending` and move its cached status forward. The status only moves forward from QUEUED
(or a missing entry), so a late call never overwrites PAID or CANCELLED written meanwhile.

KEYS[1] seckill:{saleId}:pending
KEYS[2] seckill:{saleId}:order:<orderId>
KEYS[3] seckill:{saleId}:version   bumped when the order leaves pending (warmup.lua's optimistic check)

ARGV[1] orderId
ARGV[2] userId
ARGV[3] quantity
ARGV[4] status (PENDING_PAYMENT)
ARGV[5] order status TTL in seconds

Returns 1 if the cached status changed, 0 otherwise.
]]
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('INCR', KEYS[3])
end
local current = redis.call('HGET', KEYS[2], 'status')
if current and current ~= 'QUEUED' then
  return 0
end
redis.call('HSET', KEYS[2], 'userId', ARGV[2], 'quantity', ARGV[3], 'status', ARGV[4])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
return 1
