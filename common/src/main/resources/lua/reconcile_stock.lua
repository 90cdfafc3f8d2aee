--[[
reconcile_stock.lua — set a sale's Redis stock to the value the reconciler computed from
PostgreSQL, but only if nothing moved since it looked: the stock is still the value it read
and no reservation is in flight. A compare-and-set, so a shopper admitted in between is
never overwritten (which could oversell).

KEYS[1] seckill:{saleId}:stock
KEYS[2] seckill:{saleId}:pending

ARGV[1] stock the reconciler read
ARGV[2] stock to set

Returns 1 if set, 0 if the state moved (try again next pass).
]]
local current = redis.call('GET', KEYS[1])
if current ~= ARGV[1] or redis.call('ZCARD', KEYS[2]) ~= 0 then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
