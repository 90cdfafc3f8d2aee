--[[
pending_orders.lua — the reconciler's read of reservations in flight: the userId and quantity cached in
each order's status hash, for a chunk of a bucket's pending entries in one call instead of one HMGET
per entry (a backlog of tens of thousands of orders would otherwise be as many round trips, twice per
pass, beside the consumer that is draining it). Read-only.

KEYS[1] seckill:{saleId}:order:{orderId} of a pending entry
KEYS[2] seckill:{saleId}:order:{orderId} of the next entry, and so on: every key of one bucket (one hash tag)

Returns a flat array: userId and quantity of KEYS[1], then of KEYS[2], …; an empty string where the hash
or the field is gone (the status hash expired): Lua's false would reach a RESP3 client as a boolean.
]]
local out = {}
for i, key in ipairs(KEYS) do
  local cached = redis.call('HMGET', key, 'userId', 'quantity')
  out[2 * i - 1] = cached[1] or ''
  out[2 * i] = cached[2] or ''
end
return out
