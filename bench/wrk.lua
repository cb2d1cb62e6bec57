-- Sigap load scripts for wrk. Chosen by the environment variable SIGAP_BENCH_MODE:
--   submit: POST /api/v1/reports at random kelurahan interior points (points.lua)
--   bbox:   GET /api/v1/reports?bbox=... around a random point, 0.5-5 km wide
--   area:   GET /api/v1/reports?area=... for a random kelurahan or kecamatan
--   o311_post, o311_list, o311_list_since, o311_one, o311_services: Open311 (SIGAP_BENCH_KEY,
--           SIGAP_BENCH_MAX_ID, SIGAP_BENCH_SINCE set by bench/http.py)
--   paths:  GET a random one of the paths in the Lua file SIGAP_BENCH_PATHS (bench/maps.py)
--   order:  POST /api/v1/market/orders as a random buyer (SIGAP_BENCH_ORDERS: tokens and each
--           shop's product ids, bench/market_orders.py), one or two of a shop's products
--   hello:  GET /
-- done() prints one JSON line with the request rate and latency percentiles in ms.
local points = os.getenv("SIGAP_BENCH_POINTS") and dofile(os.getenv("SIGAP_BENCH_POINTS")) or {}
local orders = os.getenv("SIGAP_BENCH_ORDERS") and dofile(os.getenv("SIGAP_BENCH_ORDERS")) or {}
local paths = os.getenv("SIGAP_BENCH_PATHS") and dofile(os.getenv("SIGAP_BENCH_PATHS")) or {}
local mode = os.getenv("SIGAP_BENCH_MODE") or "hello"
local categories = {"sampah", "banjir", "jalan_rusak", "kemacetan", "parkir_liar", "lampu_jalan"}
local counter = 0
local threads = {}
created = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

if mode == "order" then
  function response(status, headers, body)
    if status == 201 then created = created + 1 end
  end
end

function init(args)
  math.randomseed(1000 + id)
end

local function pick()
  local p = points[math.random(#points)]
  return p[1], p[2], p[3]
end

function request()
  if mode == "order" then
    local shop = orders.shops[math.random(#orders.shops)]
    local first = math.random(#shop)
    local items = string.format('{"product_id":%d,"quantity":%d}', shop[first], math.random(3))
    if math.random() < 0.5 and #shop > 1 then
      local second = shop[(first % #shop) + 1]
      items = items .. string.format(',{"product_id":%d,"quantity":%d}', second, math.random(3))
    end
    local body = '{"items":[' .. items .. '],"payment":"cash"}'
    return wrk.format("POST", "/api/v1/market/orders",
      {["Content-Type"] = "application/json",
       ["Authorization"] = "Bearer " .. orders.tokens[math.random(#orders.tokens)]}, body)
  elseif mode == "submit" then
    local lon, lat = pick()
    local body = string.format(
      '{"category":"%s","lat":%.6f,"lon":%.6f,"description":"Laporan uji beban."}',
      categories[math.random(#categories)], lat, lon)
    -- Citizens on many addresses, as a reverse proxy on 127.0.0.1 passes them on (the server
    -- trusts it: --forwarded-allow-ips), so the limits per address count as in production.
    local from = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
      math.random(1, 254))
    return wrk.format("POST", "/api/v1/reports",
      {["Content-Type"] = "application/json", ["X-Forwarded-For"] = from}, body)
  elseif mode == "bbox" then
    local lon, lat = pick()
    local half = (0.25 + math.random() * 2.25) / 111.0
    return wrk.format("GET", string.format("/api/v1/reports?bbox=%.5f,%.5f,%.5f,%.5f",
      lon - half, lat - half, lon + half, lat + half))
  elseif mode == "o311_post" then
    local lon, lat = pick()
    local body = string.format(
      "api_key=%s&service_code=%s&lat=%.6f&long=%.6f&description=Laporan+uji+beban",
      os.getenv("SIGAP_BENCH_KEY"), categories[math.random(#categories)], lat, lon)
    local from = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
      math.random(1, 254))  -- many addresses, as for submit
    return wrk.format("POST", "/open311/v2/requests.json",
      {["Content-Type"] = "application/x-www-form-urlencoded", ["X-Forwarded-For"] = from}, body)
  elseif mode == "o311_list" or mode == "o311_list_since" then
    local path = "/open311/v2/requests.json?page_size=100&status=open&service_code="
      .. categories[math.random(#categories)]
    if mode == "o311_list_since" then path = path .. "&start_date=" .. os.getenv("SIGAP_BENCH_SINCE") end
    return wrk.format("GET", path)
  elseif mode == "o311_one" then
    local id = math.random(tonumber(os.getenv("SIGAP_BENCH_MAX_ID")))
    return wrk.format("GET", "/open311/v2/requests/" .. id .. ".json")
  elseif mode == "o311_services" then
    return wrk.format("GET", "/open311/v2/services.json")
  elseif mode == "paths" then
    return wrk.format("GET", paths[math.random(#paths)])
  elseif mode == "area" then
    local _, _, code = pick()
    if math.random() < 0.5 then code = string.sub(code, 1, 8) end
    return wrk.format("GET", "/api/v1/reports?area=" .. code)
  end
  return wrk.format("GET", "/")
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests":%d,"seconds":%.2f,"rps":%.1f,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors))
  if mode == "order" then
    local total = 0
    for _, thread in ipairs(threads) do total = total + thread:get("created") end
    io.write(string.format('{"created":%d}\n', total))
  end
end
