-- GET /coffee/search?title=TEXT with one or two words of the dataset's titles.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function request()
  local text = random_word()
  if math.random() < 0.3 then text = text .. " " .. random_word() end
  return wrk.format("GET", "/coffee/search?title=" .. url_encode(text))
end
