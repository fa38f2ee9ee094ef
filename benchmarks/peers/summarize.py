# SPDX-License-Identifier: BSL-1.0
"""Summarizes one run of benchmarks/peers/run.sh as a Markdown table, one row per client.

    summarize.py WORKDIR            the table (WORKDIR as run.sh leaves it)
    summarize.py measure OUT -- CMD ...
                                    runs CMD, writes its CPU times, peak RSS (its rusage from
                                    wait4), wall time and exit status to OUT as JSON

WORKDIR holds run.json (jobs, durations, output size, limits) and one folder per client with
log.jsonl (the client's own JSON lines, one per request and one "end" per job), time.json
(`measure`: CPU and wall time) and time.txt (`/usr/bin/time -v`: peak RSS), counters.json (the simulator's GET
/__sim/counters after the run) and files.json (the videos found on disk with the expected size).

Detection delay of a job: t0 of the request that brought the video (Venice: the retrieve whose
answer was video/mp4; Lumenfall: the downloadContent GET), minus the moment the video became
ready at the simulator, taken as the end (t1) of the job's successful create plus the job's run
time. The simulator starts a job when it accepts the create (no model has a capacity here) and
the run time is the one run.sh gave that job through a rule, so the error is only the time from
the simulator's accept to the client's t1 (the queue answer being written and read: well below
1 ms on loopback when the client is idle, more when its CPU is busy), which makes the delay read
that much shorter than it was.
"""
import json
import math
import os
import subprocess
import sys
import time

CLIENT_ORDER = ["venice-guide-python", "venice-guide-node", "openai-sdk-lumenfall", "reel"]


def measure(out, cmd):
    """Runs cmd; its own rusage (wait4: CPU to the microsecond, ru_maxrss in KiB) and wall time."""
    t0 = time.monotonic()
    child = subprocess.Popen(cmd)
    _, status, ru = os.wait4(child.pid, 0)
    wall = time.monotonic() - t0
    child.returncode = os.waitstatus_to_exitcode(status)
    with open(out, "w") as f:
        json.dump({"user_s": ru.ru_utime, "sys_s": ru.ru_stime, "max_rss_kib": ru.ru_maxrss,
                   "wall_s": wall, "exit": child.returncode}, f)
    return child.returncode


def read_time(folder):
    """CPU and wall time from time.json (measure); peak RSS from time.txt (/usr/bin/time -v) when
    there is one: wait4's ru_maxrss of a child of Python starts at Python's RSS."""
    t = {}
    path_json = os.path.join(folder, "time.json")
    if os.path.exists(path_json):
        with open(path_json) as f:
            t = json.load(f)
    path_txt = os.path.join(folder, "time.txt")
    if not os.path.exists(path_txt):
        return t
    gnu = read_gnu_time(path_txt)
    t["max_rss_kib"] = gnu.get("max_rss_kib", t.get("max_rss_kib", 0))
    for k, v in gnu.items():
        t.setdefault(k, v)
    return t


def read_gnu_time(path):
    t = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.strip().rpartition(": ")
            if key == "User time (seconds)":
                t["user_s"] = float(value)
            elif key == "System time (seconds)":
                t["sys_s"] = float(value)
            elif key == "Maximum resident set size (kbytes)":
                t["max_rss_kib"] = int(value)
            elif key.startswith("Elapsed (wall clock) time"):
                parts = [float(p) for p in value.split(":")]
                wall = 0.0
                for p in parts:
                    wall = wall * 60 + p
                t["wall_s"] = wall
            elif key == "Exit status":
                t["exit"] = int(value)
    return t


def percentile(values, p):
    """Nearest rank: the smallest value with at least p of them at or below it."""
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(p * len(s)) - 1)]


def seconds(v, digits=2):
    return "—" if v is None else f"{v:.{digits}f} s"


def summarize_client(work, name, run):
    folder = os.path.join(work, name)
    durations = run["durations_ms"]
    n = run["jobs"]
    lines = []
    if os.path.exists(os.path.join(folder, "log.jsonl")):
        with open(os.path.join(folder, "log.jsonl")) as f:
            lines = [json.loads(l) for l in f if l.strip()]
    with open(os.path.join(folder, "counters.json")) as f:
        counters = json.load(f)
    with open(os.path.join(folder, "files.json")) as f:
        files = json.load(f)
    t = read_time(folder)

    ends = {l["job"]: l for l in lines if l["ep"] == "end"}
    ok_jobs = {j for j, e in ends.items() if e.get("ok")}
    errors = sorted({e.get("error", "") for e in ends.values() if not e.get("ok")})
    created, video_at = {}, {}
    for l in lines:
        j = l.get("job", -1)
        if j < 0:
            continue
        if l["ep"] == "create" and 200 <= l.get("status", 0) < 300 and j not in created:
            created[j] = l["t1"]
        if l.get("video") and 200 <= l.get("status", 0) < 300 and j not in video_at:
            video_at[j] = l["t0"]
    delays = []
    for j in sorted(ok_jobs):
        if j in created and j in video_at:
            delays.append(video_at[j] - (created[j] + durations[j] / 1000.0))

    # The simulator's own admin requests (run.sh's health check) are not the client's.
    requests = {k: c for k, c in counters.get("requests", {}).items() if not k.startswith("admin")}
    provider = run["provider"][name]
    status_endpoint = "venice.retrieve" if provider == "venice" else "lumenfall.retrieve"
    status_requests = sum(c for k, c in requests.items() if k.rsplit(" ", 1)[0] == status_endpoint)
    all_requests = sum(requests.values())
    by_status = {}
    for k, c in requests.items():
        by_status[k.rsplit(" ", 1)[1]] = by_status.get(k.rsplit(" ", 1)[1], 0) + c
    too_many = by_status.get("429", 0)
    longest = max(durations) / 1000.0
    if provider == "venice":
        bound = (math.ceil(n / run["queue_per_min"]) - 1) * 61 + longest
    else:
        bound = longest
    cpu = t.get("user_s", 0) + t.get("sys_s", 0)
    startup = None
    if os.path.exists(os.path.join(folder, "startup")):
        ts = read_time(os.path.join(folder, "startup"))
        startup = ts.get("user_s", 0) + ts.get("sys_s", 0)
    completed = len(ok_jobs & set(files.get("ok_jobs", [])))
    return {
        "name": name,
        "provider": provider,
        "completed": f"{completed} / {n}",
        "429": too_many,
        "status_per_job": status_requests / n,
        "requests_per_job": all_requests / n,
        "p50": percentile(delays, 0.50),
        "p95": percentile(delays, 0.95),
        "max": max(delays) if delays else None,
        "cpu_per_job": cpu / n,
        "cpu": cpu,
        "startup": startup,
        "net_per_job": (cpu - startup) / n if startup is not None else None,
        "rss_mib": t.get("max_rss_kib", 0) / 1024.0,
        "wall": t.get("wall_s"),
        "bound": bound,
        "exit": t.get("exit"),
        "errors": errors,
        "answers": by_status,
        "jobs_created": counters.get("jobs_created", 0),
        "after_cleanup": counters.get("requests_after_cleanup", 0),
    }


def table(work):
    with open(os.path.join(work, "run.json")) as f:
        run = json.load(f)
    names = [c for c in CLIENT_ORDER if c in run["clients"]] + [c for c in run["clients"] if c not in CLIENT_ORDER]
    rows = [summarize_client(work, name, run) for name in names if os.path.exists(os.path.join(work, name, "counters.json"))]
    d = run["durations_ms"]
    out = [f"N = {run['jobs']} jobs, run times {min(d) / 1000:.1f}–{max(d) / 1000:.1f} s "
           f"(uniform {run['job_min_ms'] / 1000:g}–{run['job_max_ms'] / 1000:g} s, seed {run['seed']}), "
           f"{run['output_bytes']} B per video, simulator limits venice.queue {run['queue_per_min']}/min, "
           f"venice.retrieve {run['retrieve_per_min']}/min, abuse guard {'on' if run['abuse_guard'] else 'off'}; "
           f"load average at start {run.get('load', '?')}",
           "",
           "| client | provider | completed | HTTP 429 | status req / job | all req / job | detection p50 | detection p95 | detection max | client CPU / job | of which start-up | CPU / job beyond start-up | peak RSS | wall | bound |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ms = lambda v: "—" if v is None else f"{v * 1000:.1f} ms"  # noqa: E731
    for r in rows:
        startup_share = None if r["startup"] is None else r["startup"] / run["jobs"]
        out.append(f"| {r['name']} | {r['provider']} | {r['completed']} | {r['429']} | {r['status_per_job']:.2f} | "
                   f"{r['requests_per_job']:.2f} | {seconds(r['p50'])} | {seconds(r['p95'])} | {seconds(r['max'])} | "
                   f"{ms(r['cpu_per_job'])} | {ms(startup_share)} | {ms(r['net_per_job'])} | "
                   f"{r['rss_mib']:.1f} MiB | {seconds(r['wall'], 1)} | {seconds(r['bound'], 1)} |")
    out.append("")
    for r in rows:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["answers"].items()))
        extra = f"; exit status {r['exit']}" if r["exit"] else ""
        extra += f"; requests after cleanup {r['after_cleanup']}" if r["after_cleanup"] else ""
        out.append(f"- {r['name']}: {r['jobs_created']} jobs created, answers by status {{{answers}}}, "
                   f"client CPU {r['cpu']:.3f} s in all"
                   + (f" (start-up alone {r['startup']:.3f} s)" if r["startup"] is not None else "") + extra)
        for e in r["errors"][:3]:
            out.append(f"  - failed job: {e}")
    return "\n".join(out)


def main(argv):
    if len(argv) >= 4 and argv[1] == "measure" and argv[3] == "--":
        return measure(argv[2], argv[4:])
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(table(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
