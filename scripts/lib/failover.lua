-- wrk script for scripts/chaos --scenarios failover. Not run on its own.
--
-- Run with one connection per wrk thread (-tN -cN): a thread's answers then come back in the
-- order of its requests, so each answer belongs to the request just before it. Odd threads
-- write (POST /users, a name unique to the request), even threads read (GET /coffee/ID): a
-- reader never waits behind a write, so the reads measure read availability alone. Each thread
-- logs its requests to OUT_DIR/requests-THREAD.txt as it goes, one line each (ms of
-- CLOCK_REALTIME, as `date +%s%3N` prints):
--
--   S SENT w NAME    a write sent (request() runs just before wrk writes the request)
--   S SENT r         a read sent
--   A ANSWERED STATUS   the answer to the thread's last S line
--
-- An S line followed by another S line was never answered: wrk's connection failed (a socket
-- error) and wrk reconnected. A last S line without its A was in flight when wrk stopped.
-- bench/report/failover.py reads these. A write's NAME is PREFIX-THREAD-COUNTER-SENT, as in
-- chaos.lua. Prints the status counts, wrk's socket errors and latencies as "chaos:" lines at the
-- end, as chaos.lua does.
--
-- wrk -tN -cN -s scripts/lib/failover.lua URL -- NAME_PREFIX COFFEE_ID OUT_DIR

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } failover_timespec;
int clock_gettime(int clock_id, failover_timespec *now);
]]
local clock_realtime = 0
local timespec = ffi.new("failover_timespec")

local function now_ms()
  ffi.C.clock_gettime(clock_realtime, timespec)
  return tonumber(timespec.tv_sec) * 1000 + math.floor(tonumber(timespec.tv_nsec) / 1000000)
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  prefix, coffee_id, out_dir = args[1], args[2], args[3]
  counter = 0
  statuses = {}
  log = io.open(out_dir .. "/requests-" .. id .. ".txt", "w")
  -- wrk never closes thread states: line buffering keeps every line when it stops.
  log:setvbuf("line")
end

function request()
  -- Before the run wrk calls request() once on the first thread to check what it returns
  -- (script_verify_request) and never sends that request: it is not logged.
  if id == 1 and not verified then
    verified = true
    return wrk.format("GET", "/coffee/" .. coffee_id)
  end
  counter = counter + 1
  local sent = now_ms()
  if id % 2 == 1 then
    local name = string.format("%s-%d-%d-%d", prefix, id, counter, sent)
    log:write("S ", sent, " w ", name, "\n")
    return wrk.format("POST", "/users", { ["Content-Type"] = "application/json" },
      string.format('{"name":"%s","coffee_id":%s}', name, coffee_id))
  end
  log:write("S ", sent, " r\n")
  return wrk.format("GET", "/coffee/" .. coffee_id)
end

function response(status)
  log:write("A ", now_ms(), " ", status, "\n")
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency)
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
