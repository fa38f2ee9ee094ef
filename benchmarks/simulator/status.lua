-- SPDX-License-Identifier: BSL-1.0
-- wrk script: Lumenfall GET /openai/v1/videos/{id} (the URL given to wrk names the video).
-- Environment: API_KEY (default bench-key).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "count.lua")

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("API_KEY") or "bench-key")
