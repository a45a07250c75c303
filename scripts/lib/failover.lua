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

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "chaos_common.lua")

function init(args)
  prefix, coffee_id, out_dir = args[1], args[2], args[3]
  counter = 0
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
  count_status(status)
end
