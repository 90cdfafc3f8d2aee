--[[
sale_control.lua — write an operator's pause/resume/end of a sale into one stock bucket's meta
(stock-service: POST /admin/v1/sales/{saleId}/pause, /resume, /end). Run once per bucket, after
PostgreSQL committed the change; idempotent.

The bucket's version is bumped even when there is no meta yet: a warm-up that read its snapshot
before the change committed then refuses (MOVED) and starts over from a snapshot that has it, so a
rebuild can never bring back a sale the operator paused or ended.

KEYS[1] seckill:{saleId}:meta
KEYS[2] seckill:{saleId}:version

ARGV[1] paused (0|1)
ARGV[2] endsAt (epoch ms): the effective end, now for a sale the operator ended

Returns 1 if the meta was updated, 0 if the bucket has no meta (not warmed up: the warm-up writes the state).
]]
redis.call('INCR', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'paused', ARGV[1], 'endsAt', ARGV[2])
return 1
