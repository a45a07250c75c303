-- wrk script for scripts/chaos. Not run on its own.
--
-- Alternates POST /users and GET /coffee/ID. A write's name is PREFIX-THREAD-COUNTER-SENT, SENT
-- being when it was sent (ms of CLOCK_REALTIME, as `date +%s%3N` prints), so that writes still in
-- flight when wrk stops can be told apart afterwards. Records, per wrk thread, in OUT_DIR: every
-- acknowledged write's name (acked-N.txt, from the 201 body, which carries the name) and every
-- change between success and failure (events-N.txt: "T fail STATUS" when answers start failing,
-- "T ok LAST" when they succeed again, LAST being the last failed answer). Prints the status counts, wrk's socket errors, latencies and
-- the time it stopped as "chaos:" lines at the end.
--
-- wrk -s scripts/lib/chaos.lua URL -- NAME_PREFIX COFFEE_ID OUT_DIR

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } chaos_timespec;
int clock_gettime(int clock_id, chaos_timespec *now);
]]
local clock_realtime = 0
local timespec = ffi.new("chaos_timespec")

local function now_ms()
  ffi.C.clock_gettime(clock_realtime, timespec)
  return tonumber(timespec.tv_sec) * 1000 + math.floor(tonumber(timespec.tv_nsec) / 1000000)
end

-- Main state: one entry per wrk thread.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

-- Thread state from here on.
function init(args)
  prefix, coffee_id, out_dir = args[1], args[2], args[3]
  counter = 0
  statuses = {}
  failing = false
  last_failure = 0
  acked = io.open(out_dir .. "/acked-" .. id .. ".txt", "w")
  events = io.open(out_dir .. "/events-" .. id .. ".txt", "w")
  -- wrk never closes thread states: unbuffered lines survive the end of the run.
  acked:setvbuf("line")
  events:setvbuf("line")
end

function request()
  counter = counter + 1
  if counter % 2 == 1 then
    local body = string.format('{"name":"%s-%d-%d-%d","coffee_id":%s}', prefix, id, counter, now_ms(), coffee_id)
    return wrk.format("POST", "/users", { ["Content-Type"] = "application/json" }, body)
  end
  return wrk.format("GET", "/coffee/" .. coffee_id)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status == 201 then
    local name = body:match('"name":"([^"]+)"')
    if name then acked:write(name, "\n") end
  end
  local ok = status == 200 or status == 201
  if not ok then
    last_failure = now_ms()
    if not failing then events:write(last_failure, " fail ", status, "\n") end
  elseif failing then
    events:write(now_ms(), " ok ", last_failure, "\n")
  end
  failing = not ok
end

function done(summary, latency, requests)
  io.write("chaos: stopped_ms ", now_ms(), "\n")
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  io.write("chaos: requests ", summary.requests, "\n")
  for status, count in pairs(totals) do io.write("chaos: status ", status, " ", count, "\n") end
  local errors = summary.errors
  io.write(string.format("chaos: socket_errors connect=%d read=%d write=%d timeout=%d\n", errors.connect,
    errors.read, errors.write, errors.timeout))
  io.write(string.format("chaos: latency_ms p50=%.1f p99=%.1f max=%.1f\n", latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
