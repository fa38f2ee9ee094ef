-- SPDX-License-Identifier: BSL-1.0
-- Shared by retrieve.lua and status.lua: counts every answer that is not 200 (by status, with
-- the first such body), and prints one machine-readable RESULT line at the end for run_wrk.sh.
-- A benchmark of 429s or 404s measures nothing, so run_wrk.sh fails when any are counted.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  by_status = {}
  first_body = ""
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    local key = tostring(status)
    by_status[key] = (by_status[key] or 0) + 1
    if first_body == "" then first_body = body or "" end
  end
end

function done(summary, latency, requests)
  local total, statuses, body = 0, {}, ""
  for _, thread in ipairs(threads) do
    total = total + (thread:get("non200") or 0)
    for status, n in pairs(thread:get("by_status") or {}) do
      statuses[status] = (statuses[status] or 0) + n
    end
    local b = thread:get("first_body") or ""
    if body == "" then body = b end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d non200=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, total, socket_errors))
  if total > 0 then
    local parts = {}
    for status, n in pairs(statuses) do table.insert(parts, status .. "=" .. n) end
    table.sort(parts)
    io.write("NON200 " .. table.concat(parts, " ") .. " first body: " .. body:sub(1, 200) .. "\n")
  end
end
