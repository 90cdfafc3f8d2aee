-- wrk script of scripts/bench.sh: every request is a shopper's buy call
--   POST <url> {"quantity":1} with Authorization: Bearer <JWT>
-- Used unchanged for the ceiling server, the admission and the sold-out phases, so the client does
-- the same work (headers, body, status counting, orderId extraction) in every phase.
--
-- Arguments (after --): <tokens-file> <ids-prefix> <phase> <threads> [first-line] [timings-prefix]
--   tokens-file  one JWT a line; wrk thread i takes lines i, i+threads, i+2*threads, ... (disjoint
--                slices), each used once; if a slice runs out it wraps and counts tokens_reused
--                (those shoppers then get 200 "duplicate", never counted as admitted)
--   ids-prefix   each thread appends the orderId of every 202 to <ids-prefix><thread>.ids: the
--                acknowledged set the invariant check reads
--   phase        label echoed in the result line
--   threads      the -t given to wrk (init() cannot know it otherwise)
--   first-line   optional, 0-based: the lines before it are skipped, so consecutive warm-up windows of
--                one phase can take fresh shoppers from one file (tokens_used_max tells the next offset)
--   timings-prefix  optional (the cold-open phase): each thread writes one line per answer to
--                <timings-prefix><thread>.txt, "<received-epoch-us> <latency-us> <status>", the latency
--                from the moment request() built it (stamped in X-Request-Id, which the gateway echoes) to
--                the answer; wrk's own latency figures cannot tell the 409s before an opening from the 202s
-- done() prints one line: BENCH_RESULT {json} with status counts and wrk's latency (microseconds), and
-- tokens_used_max: the most tokens one thread took (in-flight requests included).

local threads = {}
local next_id = 0

-- Wall-clock microseconds through LuaJIT's FFI (wrk's Lua has no sub-second clock); only the
-- cold-open phase calls it. CLOCK_REALTIME: the sale's opening is a wall-clock instant.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(0, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file, prefix, thread_count = args[1], args[2], tonumber(args[4])
  local first = tonumber(args[5] or "0")
  phase = args[3]
  tokens = {}
  local n = 0
  for line in io.lines(file) do
    if n >= first and (n - first) % thread_count == id and #line > 0 then
      tokens[#tokens + 1] = line
    end
    n = n + 1
  end
  if #tokens == 0 then
    error("no tokens for thread " .. id .. " in " .. file)
  end
  ids = io.open(prefix .. id .. ".ids", "w")
  ids:setvbuf("full", 65536)
  if args[6] and #args[6] > 0 then
    timings = io.open(args[6] .. id .. ".txt", "w")
    timings:setvbuf("full", 65536)
  end
  used = 0
  tokens_reused = 0
  status_202, status_200, status_409, sold_out, status_429, status_503, status_other = 0, 0, 0, 0, 0, 0, 0
  headers = { ["Content-Type"] = "application/json" }
  body = '{"quantity":1}'
end

function request()
  used = used + 1
  if used > #tokens then
    tokens_reused = tokens_reused + 1
  end
  headers["Authorization"] = "Bearer " .. tokens[(used - 1) % #tokens + 1]
  if timings then
    headers["X-Request-Id"] = "b" .. string.format("%d", now_us())
  end
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if timings then
    local sent = headers["X-Request-Id"] or headers["x-request-id"]
    local received = now_us()
    local latency = sent and (received - tonumber(string.sub(sent, 2))) or -1
    timings:write(string.format("%d %d %d\n", received, latency, status))
  end
  if status == 202 then
    status_202 = status_202 + 1
    local order_id = string.match(body, '"orderId"%s*:%s*"([^"]+)"')
    if order_id then
      ids:write(order_id, "\n")
    end
  elseif status == 200 then
    status_200 = status_200 + 1
  elseif status == 409 then
    status_409 = status_409 + 1
    if string.find(body, "SOLD_OUT", 1, true) then
      sold_out = sold_out + 1
    end
  elseif status == 429 then
    status_429 = status_429 + 1
  elseif status == 503 then
    status_503 = status_503 + 1
  else
    status_other = status_other + 1
  end
end

function done(summary, latency, requests)
  local total = {}
  local used_max = 0
  for _, thread in ipairs(threads) do
    used_max = math.max(used_max, thread:get("used") or 0)
  end
  for _, name in ipairs({ "status_202", "status_200", "status_409", "sold_out", "status_429", "status_503",
                          "status_other", "tokens_reused" }) do
    total[name] = 0
    for _, thread in ipairs(threads) do
      total[name] = total[name] + (thread:get(name) or 0)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"phase":"%s","duration_us":%d,"requests":%d,"bytes":%d,' ..
    '"status_202":%d,"status_200":%d,"status_409":%d,"sold_out":%d,"status_429":%d,"status_503":%d,' ..
    '"status_other":%d,"socket_errors":%d,"tokens_reused":%d,"tokens_used_max":%d,' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    threads[1]:get("phase"), summary.duration, summary.requests, summary.bytes,
    total.status_202, total.status_200, total.status_409, total.sold_out, total.status_429, total.status_503,
    total.status_other, e.connect + e.read + e.write + e.timeout, total.tokens_reused, used_max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
