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

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "chaos_common.lua")

function init(args)
  prefix, coffee_id, out_dir = args[1], args[2], args[3]
  counter = 0
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
  count_status(status)
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
