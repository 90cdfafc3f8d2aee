--[[
persisted.lua — after the order consumer committed orders to PostgreSQL: drop them from `pending` and
move each cached status forward. A status only moves forward from QUEUED (or a missing entry), so a
late call never overwrites PAID or CANCELLED written meanwhile. One call carries every order of one
stock bucket in a consumer batch (one round trip and one script run for the lot, not one per order);
a single order is a batch of one.

KEYS[1]   seckill:{saleId}:pending
KEYS[2]   seckill:{saleId}:version   bumped when an order leaves pending (warmup.lua's optimistic check)
KEYS[2+i] seckill:{saleId}:order:<orderId of the i-th order>

ARGV[1]   order status TTL in seconds
ARGV[2+4(i-1) .. 5+4(i-1)]  the i-th order: orderId, userId, quantity, status (PENDING_PAYMENT, or the row's
          status for a redelivered order)

Returns how many cached statuses changed.
]]
local ttl = tonumber(ARGV[1])
local changed = 0
local left = 0
for i = 1, #KEYS - 2 do
  local a = 2 + 4 * (i - 1)
  local orderKey = KEYS[2 + i]
  left = left + redis.call('ZREM', KEYS[1], ARGV[a])
  local current = redis.call('HGET', orderKey, 'status')
  if not current or current == 'QUEUED' then
    redis.call('HSET', orderKey, 'userId', ARGV[a + 1], 'quantity', ARGV[a + 2], 'status', ARGV[a + 3])
    redis.call('EXPIRE', orderKey, ttl)
    changed = changed + 1
  end
end
if left > 0 then
  redis.call('INCR', KEYS[2])
end
return changed
