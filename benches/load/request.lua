-- wrk script for scripts/bench.sh: sends the request the environment describes and checks every
-- response's status and a sample of bodies, so that a fast wrong answer counts as an error.
--   LOAD_METHOD       GET (default) or POST
--   LOAD_HEADER_1..3  extra headers, "Name: value" (a bearer token, a session cookie, a content type)
--   LOAD_BODY_FILE    the request body, read once (POST)
--   LOAD_STATUS       the expected status (default 200)
--   LOAD_EXPECT       a string every checked body must contain
--   LOAD_SAMPLE       check the body of one response in this many (default 20; the first always)
-- At the end it prints one JSON line: requests, seconds, rps, latency percentiles in ms, errors.

local method = os.getenv("LOAD_METHOD") or "GET"
local expect_status = tonumber(os.getenv("LOAD_STATUS") or "200")
local expect = os.getenv("LOAD_EXPECT")
local sample = tonumber(os.getenv("LOAD_SAMPLE") or "20")

local headers = {}
for i = 1, 3 do
  local h = os.getenv("LOAD_HEADER_" .. i)
  if h and h ~= "" then
    local name, value = h:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
end

local body = nil
local body_file = os.getenv("LOAD_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  body = f:read("*a")
  f:close()
end

local prepared = nil
seen, bad_status, bad_body, checked, first_bad = 0, 0, 0, 0, ""

init = function(args)
  prepared = wrk.format(method, nil, headers, body)
end

request = function()
  return prepared
end

response = function(status, _, response_body)
  seen = seen + 1
  if status ~= expect_status then
    bad_status = bad_status + 1
    if first_bad == "" then first_bad = "status " .. status .. ": " .. response_body:sub(1, 200) end
    return
  end
  if expect and (seen == 1 or seen % sample == 0) then
    checked = checked + 1
    if not response_body:find(expect, 1, true) then
      bad_body = bad_body + 1
      if first_bad == "" then first_bad = "body without the expected text: " .. response_body:sub(1, 200) end
    end
  end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end

done = function(summary, latency, _)
  local statuses, bodies, sampled, example = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    statuses = statuses + t:get("bad_status")
    bodies = bodies + t:get("bad_body")
    sampled = sampled + t:get("checked")
    if example == "" then example = t:get("first_bad") end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"socket_errors":%d,"bad_status":%d,"bad_body":%d,"bodies_checked":%d,"first_error":%s}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, socket, statuses, bodies, sampled, json_string(example)))
end
