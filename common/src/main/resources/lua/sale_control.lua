--[[
sale_control.lua — write an operator's pause/resume/end of a sale into one stock bucket's meta
(stock-service: POST /admin/v1/sales/{saleId}/pause, /resume, /end). Run once per bucket, after
PostgreSQL committed the change; idempotent.

The bucket's version is bumped whenever this writes (and when there is no meta yet, which a warm-up
in progress is about to write): a warm-up that read its snapshot before the change committed then
refuses (MOVED) and starts over from a snapshot that has it, so a rebuild can never bring back a
sale the operator paused or ended. A repeat that finds the meta already so changes nothing at all:
whoever wrote it (this script, or a warm-up whose snapshot had the change) left no race behind.

KEYS[1] seckill:{saleId}:meta
KEYS[2] seckill:{saleId}:version

ARGV[1] paused (0|1)
ARGV[2] endsAt (epoch ms): the effective end, now for a sale the operator ended

Returns 1 if the meta was updated, 0 if it already said so, -1 if the bucket has no meta (not warmed
up: the warm-up writes the state).
]]
local current = redis.call('HMGET', KEYS[1], 'startsAt', 'paused', 'endsAt')
if not current[1] then
  redis.call('INCR', KEYS[2])
  return -1
end
if (current[2] or '0') == ARGV[1] and current[3] == ARGV[2] then
  return 0
end
redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'paused', ARGV[1], 'endsAt', ARGV[2])
return 1
