--[[
spill.lua — keep or drop the pointer a shopper's home bucket holds to an order taken in another
stock bucket of the same sale (split sales only; see Bucket.java). reserve.lua reads it, so the home
bucket alone answers "does this shopper already hold an order".

KEYS[1] seckill:{saleId}:spilled   hash userId -> orderId, under the tag of the shopper's home bucket

ARGV[1] 'SET' (after the order was reserved elsewhere) or 'FORGET' (after it was released)
ARGV[2] userId
ARGV[3] orderId

Returns 1 if the hash changed, 0 otherwise. SET never overwrites another order's pointer; FORGET
only drops the pointer when it names this order, so a late call never forgets a live order.
]]
if ARGV[1] == 'SET' then
  return redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3])
end
if redis.call('HGET', KEYS[1], ARGV[2]) == ARGV[3] then
  return redis.call('HDEL', KEYS[1], ARGV[2])
end
return 0
