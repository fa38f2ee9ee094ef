# SPDX-License-Identifier: BSL-1.0
"""The Python client of Venice's video generation guide ("Complete Example"), N times at once.

Each job runs the guide's code as published: POST /video/queue, then POST /video/retrieve every
5 s until the answer is video/mp4 (or COMPLETED with a download_url), write the file, then POST
/video/complete. One thread per job, `requests.post` without a session (as the guide calls it),
no retries, no rate limiting. Two changes, both for the benchmark: the loop gives up after
PEER_MAX_WAIT_S seconds (the guide's `while True` has no bound), and each job's output goes to
its own file. Measuring (not in the guide): every request is timed into PEER_LOG as JSON lines;
an exception (the guide has no error handling: a 429 on the queue is a KeyError) ends that job
and is logged.

Environment: VENICE_API_KEY, VENICE_BASE_URL (default the real API), PEER_JOBS (1), PEER_OUT
(directory), PEER_LOG (file), PEER_MAX_WAIT_S (900).
"""
import json
import os
import threading
import time

import requests

API_KEY = os.environ.get("VENICE_API_KEY")
BASE_URL = os.environ.get("VENICE_BASE_URL", "https://api.venice.ai/api/v1")
HEADERS = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
JOBS = int(os.environ.get("PEER_JOBS", "1"))
OUT = os.environ.get("PEER_OUT", ".")
MAX_WAIT_S = float(os.environ.get("PEER_MAX_WAIT_S", "900"))

_log_lock = threading.Lock()
_log = open(os.environ.get("PEER_LOG", "/dev/null"), "w")


def note(**fields):
    with _log_lock:
        _log.write(json.dumps(fields) + "\n")


def timed_post(job, endpoint, url, **kwargs):
    t0 = time.time()
    resp = requests.post(url, **kwargs)
    t1 = time.time()  # requests has read the whole body by now
    note(job=job, ep=endpoint, t0=t0, t1=t1, status=resp.status_code,
         video="video/mp4" in resp.headers.get("Content-Type", ""), bytes=len(resp.content))
    return resp


def run(job):
    output = os.path.join(OUT, f"job-{job}.mp4")

    # Queue
    resp = timed_post(job, "create", f"{BASE_URL}/video/queue", headers=HEADERS, json={
        "model": "wan-2.5-preview-text-to-video",
        "prompt": f"A gondola gliding through Venice canals at sunset [job {job}]",
        "duration": "5s",
        "resolution": "720p",
        "aspect_ratio": "16:9"
    })
    data = resp.json()
    model, queue_id = data["model"], data["queue_id"]
    download_url = data.get("download_url")

    # Poll
    start = time.time()
    while True:
        resp = timed_post(job, "status", f"{BASE_URL}/video/retrieve", headers=HEADERS,
                          json={"model": model, "queue_id": queue_id})
        if "video/mp4" in resp.headers.get("Content-Type", ""):
            with open(output, "wb") as f:
                f.write(resp.content)
            break
        if resp.json().get("status") == "COMPLETED" and download_url:
            with open(output, "wb") as f:
                f.write(requests.get(download_url).content)
            break
        if time.time() - start > MAX_WAIT_S:  # the benchmark's bound, not the guide's
            raise TimeoutError(f"no video after {MAX_WAIT_S:.0f} s")
        time.sleep(5)
    got_video = time.time()

    # Cleanup
    timed_post(job, "cleanup", f"{BASE_URL}/video/complete", headers=HEADERS,
               json={"model": model, "queue_id": queue_id})
    return got_video


def thread(job):
    try:
        run(job)
        note(job=job, ep="end", t=time.time(), ok=True, kind="succeeded", error="")
    except Exception as e:  # noqa: BLE001 - any failure ends this job only
        note(job=job, ep="end", t=time.time(), ok=False, kind="error", error=f"{type(e).__name__}: {e}")


threads = [threading.Thread(target=thread, args=(i,)) for i in range(JOBS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
_log.close()
