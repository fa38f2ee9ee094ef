#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# N `reel generate` processes at once on one Venice key (a shell loop, the first thing a CLI user
# tries) against one reel-simulator with Venice's limits and abuse block: prints completed jobs,
# 429s, retrieves per job and wall time. NOJ=1 runs them with --no-journal (each process then
# paces itself alone: no shared limiter). Usage: N=100 [B=build/dev] [NOJ=1] benchmarks/peers/processes.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
B=${B:-build/dev}
D=$(mktemp -d)
trap 'kill $SIM 2>/dev/null || true; rm -rf "$D"' EXIT
echo '{"job":{"duration_ms":2000}}' > "$D/cfg.json"
"$B/tools/simulator/reel-simulator" --port 0 --port-file "$D/port" --config "$D/cfg.json" --quiet --idle-timeout 600 > "$D/sim.out" 2>&1 &
SIM=$!
for i in $(seq 1 100); do [ -s "$D/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$D/port")
URL=$(curl -s "http://127.0.0.1:$PORT/__sim/counters" >/dev/null; echo "http://127.0.0.1:$PORT/api/v1")
start=$(date +%s)
pids=()
if [ -n "${NOJ:-}" ]; then J=(--no-journal); else J=(--journal "$D/state/journal"); fi
for i in $(seq 1 ${N:-100}); do
  VENICE_API_KEY=k-hundred "$B/tools/reel/reel" generate --base-url "$URL" --model wan-2.5-preview-text-to-video \
    --prompt "crowd $i" --duration 5 --aspect-ratio 16:9 --output "$D/v$i.mp4" "${J[@]}" \
    > "$D/out$i" 2> "$D/err$i" &
  pids+=($!)
done
ok=0; for p in "${pids[@]}"; do if wait "$p"; then ok=$((ok+1)); fi; done
end=$(date +%s)
curl -s "http://127.0.0.1:$PORT/__sim/counters" > "$D/counters.json"
python3 - "$D/counters.json" "$ok" "$((end-start))" <<'PY'
import json,sys
c=json.load(open(sys.argv[1]))
r=c["requests"]
s429=sum(v for k,v in r.items() if k.endswith(" 429"))
polls=sum(v for k,v in r.items() if k.startswith("venice.retrieve"))
print(f"completed {sys.argv[2]}/{c['jobs_created']} created, 429s {s429}, retrieve requests {polls} ({polls/max(1,c['jobs_created']):.2f}/job), wall {sys.argv[3]} s")
PY
