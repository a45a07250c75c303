-- GET /users?country=NAME&limit=20, countries drawn as often as users live there: mostly full
-- pages from the common countries, now and then a nearly empty one from a rare country.
-- The case varies, as the route folds it.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function request()
  local country = random_country()
  if math.random() < 0.5 then country = country:lower() end
  return wrk.format("GET", "/users?limit=20&country=" .. url_encode(country))
end
