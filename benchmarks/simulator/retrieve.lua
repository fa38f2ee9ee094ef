-- SPDX-License-Identifier: BSL-1.0
-- wrk script: Venice POST /api/v1/video/retrieve for one running job (JSON PROCESSING answer).
-- Environment: QUEUE_ID (required), MODEL (default wan-2.5-preview-text-to-video), API_KEY (bench-key).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "count.lua")

local queue_id = os.getenv("QUEUE_ID") or error("retrieve.lua: set QUEUE_ID")
local model = os.getenv("MODEL") or "wan-2.5-preview-text-to-video"

wrk.method = "POST"
wrk.body = string.format('{"model":"%s","queue_id":"%s"}', model, queue_id)
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("API_KEY") or "bench-key")
