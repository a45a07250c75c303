-- GET /users/{id} for ids drawn uniformly from 1..dataset.users (all exist).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

function request()
  return wrk.format("GET", "/users/" .. math.random(1, dataset.users))
end
