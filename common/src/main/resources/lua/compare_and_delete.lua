--[[
compare_and_delete.lua — delete a string key only if it still holds the value the caller wrote or read
(gateway: an Idempotency-Key's in-progress marker, dropped by its own request or once its request is
known to have been answered, never another request's record).

KEYS[1] the key
ARGV[1] the exact value expected

Returns 1 if deleted, 0 if the key held something else or nothing.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
