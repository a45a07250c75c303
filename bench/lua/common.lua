-- Shared by the wrk scripts in bench/lua: loads the dataset description, seeds each wrk thread
-- differently, and prints the run's numbers as one machine-readable line. A script does
--
--   dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
--
-- then defines request(). wrk passes what follows "--" on its command line to init():
--   args[1]  a Lua file returning {users = N, coffees = N, countries = {{name, users}...},
--            words = {...}} (scripts/bench writes it from the database it benchmarks)
--   args[2…] script-specific (see each script)

local thread_count = 0

-- Runs in wrk's main Lua state, once per thread, before the threads start.
function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

-- Runs in each thread's own Lua state.
function init(args)
  local path = args[1]
  if not path then
    error("usage: wrk -s SCRIPT URL -- DATASET.lua [SCRIPT-ARGS...]")
  end
  dataset = dofile(path)
  script_args = { select(2, unpack(args)) }
  math.randomseed(os.time() * 1000 + (thread_number or 0))
  -- Cumulative user counts: a country is drawn as often as users live there.
  country_bounds, country_total = {}, 0
  for index, entry in ipairs(dataset.countries) do
    country_total = country_total + entry[2]
    country_bounds[index] = country_total
  end
end

function random_country()
  local draw = math.random() * country_total
  for index, bound in ipairs(country_bounds) do
    if draw < bound then return dataset.countries[index][1] end
  end
  return dataset.countries[#dataset.countries][1]
end

function random_word()
  return dataset.words[math.random(1, #dataset.words)]
end

function url_encode(text)
  return (text:gsub("[^%w%-%._~]", function(character)
    return string.format("%%%02X", string.byte(character))
  end))
end

-- wrk counts HTTP statuses >= 400 as errors.status; everything else in summary.errors is a
-- socket-level failure. Latencies are in microseconds.
function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f mean_us=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "http_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / seconds, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
