--[[
blocklist.lua — add a shopper to, or remove one from, one stock bucket's copy of the operator's
blocklist (stock-service: PUT/DELETE /admin/v1/blocklist/{userId}). Run once per bucket of every
live sale, after PostgreSQL committed the change; idempotent.

When the set changes the bucket's version is bumped, so that a warm-up whose snapshot predates the
change refuses (MOVED) and starts over, instead of overwriting the set with the blocklist it read
before. A repeat that finds the set already so changes nothing.

KEYS[1] seckill:{saleId}:blocked
KEYS[2] seckill:{saleId}:version

ARGV[1] add | remove
ARGV[2] userId

Returns 1 if the set changed, 0 if it already said so.
]]
local changed
if ARGV[1] == 'add' then
  changed = redis.call('SADD', KEYS[1], ARGV[2])
else
  changed = redis.call('SREM', KEYS[1], ARGV[2])
end
if changed == 1 then
  redis.call('INCR', KEYS[2])
end
return changed
