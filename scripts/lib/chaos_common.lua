-- What scripts/chaos's two wrk scripts (chaos.lua, failover.lua) share. Loaded by them with dofile,
-- never run on its own. Defines:
--   now_ms()  ms of CLOCK_REALTIME, as `date +%s%3N` prints, so lines compare with the script's clock
--   setup()   numbers the wrk threads: each thread's `id` is 1, 2, ...
--   count_status(status)  counts an answer in the thread's `statuses`
--   done()    prints the status counts of all threads, wrk's socket errors, the latencies and the
--             time wrk stopped as "chaos:" lines, which scripts/chaos reads.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } chaos_timespec;
int clock_gettime(int clock_id, chaos_timespec *now);
]]
local clock_realtime = 0
local timespec = ffi.new("chaos_timespec")

function now_ms()
  ffi.C.clock_gettime(clock_realtime, timespec)
  return tonumber(timespec.tv_sec) * 1000 + math.floor(tonumber(timespec.tv_nsec) / 1000000)
end

-- Main state: one entry per wrk thread.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

-- Thread state: each thread's own table, read back by done() through thread:get.
statuses = {}

function count_status(status)
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
