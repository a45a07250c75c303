-- POST /users: a name, an address with a country drawn like the dataset's, a random coffee.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local headers = { ["Content-Type"] = "application/json" }
local names = { "Anna", "Boris", "Chloe", "Dmitry", "Elena", "Felix", "Grace", "Hiro" }

function request()
  -- Every string here is plain ASCII without quotes or backslashes: safe to splice into JSON.
  local body = string.format(
    '{"name":"%s","has_sale":%s,"address":{"country":"%s","city":"Bench %d","street_address":"%d Load Street"},"coffee_id":%d}',
    names[math.random(1, #names)], math.random() < 0.5 and "true" or "false", random_country(),
    math.random(1, 100), math.random(1, 9999), math.random(1, dataset.coffees))
  return wrk.format("POST", "/users", headers, body)
end
