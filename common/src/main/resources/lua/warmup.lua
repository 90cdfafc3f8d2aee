--[[
warmup.lua — rebuild one sale's whole Redis state from a PostgreSQL snapshot, atomically
(stock-service: sale creation, POST /admin/v1/sales/{saleId}/warmup). Idempotent: the same
snapshot gives the same state.

Reservations still in flight (in `pending`, not yet rows in the snapshot) keep their place:
their buyer stays recognised and their quantity stays taken out of the stock. A pending entry
the snapshot already holds as a row is dropped from `pending` (the DB counts it now).
Every key carries the sale's hash tag, so the script touches one cluster slot; the order
status hashes of in-flight orders are read under that same tag (ARGV[2]).

A sale split into stock buckets runs this once per bucket, each with its bucket's tag, its share of
the DB remaining, and the buyers, returns and spilled pointers that belong to that bucket.

stock-service builds KEYS and ARGV in io.seckill.stock.sale.WarmupArgs, line by line in this order: keep the two in step.

KEYS[1] seckill:{saleId}:stock
KEYS[2] seckill:{saleId}:meta
KEYS[3] seckill:{saleId}:buyers
KEYS[4] seckill:{saleId}:pending
KEYS[5] seckill:{saleId}:returned
KEYS[6] seckill:{saleId}:spilled
KEYS[7] seckill:{saleId}:version     bumped by persisted.lua, release.lua, return.lua, sale_control.lua and blocklist.lua
KEYS[8] seckill:{saleId}:blocked     replaced by the blocklist of the snapshot

ARGV[1]  force (0|1): overwrite even while the sale is live
ARGV[2]  key prefix of the sale, seckill:{saleId}:  (order hashes are <prefix>order:<orderId>)
ARGV[3]  startsAt (epoch ms)
ARGV[4]  endsAt (epoch ms)
ARGV[5]  perUserLimit
ARGV[6]  requireToken (0|1)
ARGV[7]  priceCents
ARGV[8]  itemName
ARGV[9]  paymentTimeoutS
ARGV[10] DB remaining (this bucket's share of it)
ARGV[11] buckets: how many stock buckets the sale has (1 = unsplit)
ARGV[12] the version the caller read BEFORE its database snapshot: if an order left `pending` or stock came
         back since, the snapshot may miss it (an order committed after the snapshot but no longer pending
         would be counted neither as a row nor in flight), so the script refuses and the caller retries
ARGV[13] paused (0|1): the operator's pause (an operator's end is in ARGV[4], the effective endsAt)
ARGV[14] n = number of buyers, then n pairs userId, orderId (every non-FAILED order row of this bucket)
then     m = number of returned order ids, then m order ids (rows of stock_return)
then     p = number of pending order ids the snapshot holds as rows, then p order ids
then     s = number of spilled pointers, then s pairs userId, orderId (shoppers at home here whose
         order is in another bucket)
then     k = number of blocked shoppers, then k user ids (rows of blocked_user)
then     the proof-of-work difficulty the gateway asks of shoppers before a purchase token (0 or absent:
         no challenge), written to the meta as challengeDifficulty

Returns
  {'LIVE', stock}                               refused: Redis has a stock and the sale is open, force = 0
  {'MOVED', version}                            refused: the version moved since the caller's snapshot
  {'OK', previousStock (-1 if none), newStock, inFlightOrders, inFlightUnits}
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local previous = redis.call('GET', KEYS[1])
if ARGV[1] ~= '1' and previous and now >= tonumber(ARGV[3]) and now < tonumber(ARGV[4]) then
  return {'LIVE', tonumber(previous)}
end

local version = redis.call('GET', KEYS[7]) or '0'
if version ~= ARGV[12] then
  return {'MOVED', version}
end

local i = 14
local buyerCount = tonumber(ARGV[i])
local buyersAt = i + 1
i = i + 1 + 2 * buyerCount
local returnedCount = tonumber(ARGV[i])
local returnedAt = i + 1
i = i + 1 + returnedCount
local persistedCount = tonumber(ARGV[i])
local persisted = {}
for j = i + 1, i + persistedCount do
  persisted[ARGV[j]] = true
end
i = i + 1 + persistedCount
local spilledCount = tonumber(ARGV[i])
local spilledAt = i + 1
i = i + 1 + 2 * spilledCount
local blockedCount = tonumber(ARGV[i])
local blockedAt = i + 1
local challengeDifficulty = ARGV[blockedAt + blockedCount] or '0'

-- In-flight reservations: quantity from their status hash; if that expired, assume the
-- per-user limit (taking too much out is safe, the reconciler gives it back later). The shopper
-- comes from the status hash, else from the buyers entry that names the order.
local inFlightOrders = 0
local inFlightUnits = 0
local inFlightBuyers = {}
local buyerOf = nil
for _, orderId in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
  if persisted[orderId] then
    redis.call('ZREM', KEYS[4], orderId)
  else
    local order = redis.call('HMGET', ARGV[2] .. 'order:' .. orderId, 'userId', 'quantity')
    inFlightOrders = inFlightOrders + 1
    inFlightUnits = inFlightUnits + tonumber(order[2] or ARGV[5])
    local user = order[1]
    if not user then
      if not buyerOf then
        buyerOf = {}
        local all = redis.call('HGETALL', KEYS[3])
        for j = 1, #all, 2 do
          buyerOf[all[j + 1]] = all[j]
        end
      end
      user = buyerOf[orderId]
    end
    if user then
      inFlightBuyers[#inFlightBuyers + 1] = user
      inFlightBuyers[#inFlightBuyers + 1] = orderId
    end
  end
end

redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'startsAt', ARGV[3], 'endsAt', ARGV[4], 'perUserLimit', ARGV[5],
  'requireToken', ARGV[6], 'priceCents', ARGV[7], 'itemName', ARGV[8], 'paymentTimeoutS', ARGV[9],
  'buckets', ARGV[11], 'paused', ARGV[13], 'challengeDifficulty', challengeDifficulty)

redis.call('DEL', KEYS[8])
for j = blockedAt, blockedAt + blockedCount - 1 do
  redis.call('SADD', KEYS[8], ARGV[j])
end

redis.call('DEL', KEYS[3])
for j = buyersAt, buyersAt + 2 * buyerCount - 1, 2 do
  redis.call('HSET', KEYS[3], ARGV[j], ARGV[j + 1])
end
for j = 1, #inFlightBuyers, 2 do
  redis.call('HSET', KEYS[3], inFlightBuyers[j], inFlightBuyers[j + 1])
end

-- Pointers are merged, not replaced: one may name an order still in flight in another bucket, which this
-- snapshot cannot see. A pointer to an order that failed is healed by the gateway (it forgets the pointer
-- when the order it names turns out FAILED).
for j = spilledAt, spilledAt + 2 * spilledCount - 1, 2 do
  redis.call('HSET', KEYS[6], ARGV[j], ARGV[j + 1])
end

redis.call('DEL', KEYS[5])
for j = returnedAt, returnedAt + returnedCount - 1 do
  redis.call('SADD', KEYS[5], ARGV[j])
end

local stock = tonumber(ARGV[10]) - inFlightUnits
if stock < 0 then
  stock = 0
end
redis.call('SET', KEYS[1], stock)
return {'OK', tonumber(previous or '-1'), stock, inFlightOrders, inFlightUnits}
