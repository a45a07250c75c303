-- GET /coffee/{id} for ids drawn uniformly from 1..dataset.coffees (all exist).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function request()
  return wrk.format("GET", "/coffee/" .. math.random(1, dataset.coffees))
end
