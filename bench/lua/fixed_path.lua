-- GET one fixed path, args[2] (e.g. /coffee/notes, or /bench/sleep?ms=100 for the slow side of
-- scripts/bench's mixed scenario).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local request_text

function request()
  if not request_text then
    request_text = wrk.format("GET", script_args[1] or error("fixed_path.lua needs a path after the dataset"))
  end
  return request_text
end
