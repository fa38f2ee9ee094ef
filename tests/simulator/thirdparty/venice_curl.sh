#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# shellcheck disable=SC2015 # `COND && ok … || bad …` is if-then-else here: ok only echoes.
# The Venice video guide's steps done with curl against the simulator ($REEL_SIM_URL/api/v1):
# quote; queue a public model, poll /video/retrieve until Content-Type is video/mp4, save the
# file, /video/complete (then retrieve is 404); delete_media_on_completion; and the private-model
# flow: queue -> download_url (another origin), poll until COMPLETED, GET download_url without
# auth, DELETE it, GET again is 410, /video/complete; the link's 429 after too many fetches, 404
# for an unknown link, 410 once expired; and the simulator's /__sim endpoints. Files are checked
# for an ftyp box and, when ffmpeg is installed, decoded with `ffmpeg -v error -i FILE -f null -`.
set -euo pipefail

api="${REEL_SIM_URL:?}/api/v1"
auth='Authorization: Bearer reel-simulator-key'
failures=0
ok() { echo "  ok   $*"; }
bad() {
  echo "  FAIL $*"
  failures=$((failures + 1))
}
expect() { # expect WHAT ACTUAL WANTED
  if [[ "$2" == "$3" ]]; then ok "$1: $2"; else bad "$1: '$2', wanted '$3'"; fi
}
# post PATH JSON OUT: POST with the API key; prints the HTTP status; headers in OUT.headers.
post() {
  curl --noproxy '*' -sS -o "$3" -D "$3.headers" -w '%{http_code}' -X POST -H "${auth}" \
    -H 'Content-Type: application/json' --data-binary "$2" -- "${api}$1"
}
content_type() { sed -n 's/^[Cc]ontent-[Tt]ype: *\([^;[:space:]]*\).*/\1/p' -- "$1.headers" | tail -n 1; }
json_field() { sed -n "s/.*\"$1\" *: *\"\\{0,1\\}\\([^\",}]*\\).*/\\1/p" -- "$2" | head -n 1; }
check_mp4() {
  if [[ "$(head -c 8 -- "$1" | tail -c 4)" == ftyp ]]; then ok "$1 starts with an ftyp box ($(wc -c <"$1") bytes)"; else bad "$1 is no MP4"; fi
  if command -v ffmpeg >/dev/null; then
    if ffmpeg -nostdin -v error -i "$1" -f null - 2>ffmpeg.log && [[ ! -s ffmpeg.log ]]; then ok "ffmpeg decodes $1"; else bad "ffmpeg: $(cat ffmpeg.log)"; fi
  else
    echo "  (ffmpeg is not installed: $1 not decoded)"
  fi
}
# poll MODEL QUEUE_ID OUT [EXTRA_JSON]: retrieve every 200 ms until the answer is not PROCESSING;
# sets polled (the last HTTP status) and processing (how many PROCESSING answers came first).
poll() {
  processing=0
  for ((i = 0; i < 150; i++)); do
    polled=$(post /video/retrieve "{\"model\":\"$1\",\"queue_id\":\"$2\"${4:-}}" "$3")
    if [[ "${polled}" != 200 || "$(content_type "$3")" != application/json ]] || ! grep -q '"PROCESSING"' -- "$3"; then
      return
    fi
    processing=$((processing + 1))
    grep -q '"average_execution_time" *: *[0-9]' -- "$3" && grep -q '"execution_duration" *: *[0-9]' -- "$3" ||
      bad "PROCESSING without average_execution_time / execution_duration: $(cat -- "$3")"
    sleep 0.2
  done
  polled=timeout
}

echo "- quote"
expect 'quote status' "$(post /video/quote '{"model":"wan-2.5-preview-text-to-video","duration":"5s","resolution":"720p","aspect_ratio":"16:9"}' quote.json)" 200
[[ "$(json_field quote quote.json)" =~ ^[0-9.]+$ ]] && ok "quote $(json_field quote quote.json) USD" || bad "quote: $(cat quote.json)"

echo "- public model: queue, poll until video/mp4, complete"
public='wan-2.5-preview-text-to-video'
expect 'queue status' "$(post /video/queue "{\"model\":\"${public}\",\"prompt\":\"A gondola gliding through Venice canals at sunset\",\"duration\":\"5s\",\"resolution\":\"720p\",\"aspect_ratio\":\"16:9\"}" queue.json)" 200
queue_id=$(json_field queue_id queue.json)
[[ -n "${queue_id}" ]] && ok "queue_id ${queue_id}" || bad "no queue_id: $(cat queue.json)"
for header in limit remaining reset; do
  value=$(sed -n "s/^x-ratelimit-${header}-requests: *\([0-9]*\).*$/\1/Ip" -- queue.json.headers)
  [[ -n "${value}" ]] && ok "x-ratelimit-${header}-requests: ${value}" || bad "no x-ratelimit-${header}-requests header"
done
reset=$(sed -n 's/^x-ratelimit-reset-requests: *\([0-9]*\).*$/\1/Ip' -- queue.json.headers)
((${reset:-0} >= $(date +%s) - 5)) && ok 'x-ratelimit-reset-requests is a Unix time, not in the past' || bad "x-ratelimit-reset-requests '${reset}'"
poll "${public}" "${queue_id}" output.mp4
expect 'final retrieve status' "${polled}" 200
((processing > 0)) && ok "saw PROCESSING ${processing} times" || bad 'never saw PROCESSING'
expect 'final Content-Type' "$(content_type output.mp4)" video/mp4
check_mp4 output.mp4
expect 'complete status' "$(post /video/complete "{\"model\":\"${public}\",\"queue_id\":\"${queue_id}\"}" complete.json)" 200
grep -q '"success" *: *true' complete.json && ok 'complete: success true' || bad "complete: $(cat complete.json)"
expect 'retrieve after complete' "$(post /video/retrieve "{\"model\":\"${public}\",\"queue_id\":\"${queue_id}\"}" gone.json)" 404

echo "- public model with delete_media_on_completion"
post /video/queue "{\"model\":\"${public}\",\"prompt\":\"Second gondola\",\"duration\":\"5s\",\"aspect_ratio\":\"16:9\"}" queue2.json >/dev/null
queue2=$(json_field queue_id queue2.json)
poll "${public}" "${queue2}" output2.mp4 ',"delete_media_on_completion":true'
expect 'final retrieve status' "${polled}" 200
expect 'final Content-Type' "$(content_type output2.mp4)" video/mp4
expect 'retrieve after delete_media_on_completion' "$(post /video/retrieve "{\"model\":\"${public}\",\"queue_id\":\"${queue2}\"}" gone2.json)" 404

echo "- private model: download_url"
private='grok-imagine-text-to-video-private'
expect 'queue status' "$(post /video/queue "{\"model\":\"${private}\",\"prompt\":\"A private gondola\",\"duration\":\"6s\",\"aspect_ratio\":\"16:9\"}" pqueue.json)" 200
pqueue=$(json_field queue_id pqueue.json)
download_url=$(json_field download_url pqueue.json)
if [[ "${download_url}" =~ ^http://127\.0\.0\.1:[0-9]+/ && "${download_url}" != "${REEL_SIM_URL}"/* ]]; then
  ok "download_url on another loopback origin: ${download_url}"
else
  bad "download_url must be a 127.0.0.1 URL on another port: '${download_url}'"
  download_url="${REEL_SIM_URL}/no-download-url"
fi
poll "${private}" "${pqueue}" pstatus.json
expect 'final retrieve status' "${polled}" 200
expect 'final Content-Type' "$(content_type pstatus.json)" application/json
expect 'final status' "$(json_field status pstatus.json)" COMPLETED
((processing > 0)) && ok "saw PROCESSING ${processing} times" || bad 'never saw PROCESSING'
media() { curl --noproxy '*' -sS -o "$2" -w '%{http_code}' -X "$1" -- "${download_url}"; }
expect 'GET download_url without auth' "$(media GET private.mp4)" 200
check_mp4 private.mp4
delete_code=$(media DELETE deleted.out)
[[ "${delete_code}" =~ ^20[04]$ ]] && ok "DELETE download_url: ${delete_code}" || bad "DELETE download_url: ${delete_code}"
expect 'GET download_url after DELETE' "$(media GET after-delete.out)" 410
expect 'complete status' "$(post /video/complete "{\"model\":\"${private}\",\"queue_id\":\"${pqueue}\"}" pcomplete.json)" 200
grep -q '"success" *: *true' pcomplete.json && ok 'complete: success true' || bad "complete: $(cat pcomplete.json)"

echo "- private model: download_url answers 429 after too many fetches, 404 for an unknown link"
post /video/queue "{\"model\":\"${private}\",\"prompt\":\"Fetched too often\",\"duration\":\"6s\",\"aspect_ratio\":\"9:16\"}" pqueue2.json >/dev/null
download_url=$(json_field download_url pqueue2.json)
poll "${private}" "$(json_field queue_id pqueue2.json)" pstatus2.json
expect 'final status' "$(json_field status pstatus2.json)" COMPLETED
codes=()
for ((i = 0; i < 8; i++)); do codes+=("$(media GET fetch.out)"); done
[[ " ${codes[*]} " == *" 200 "*" 429 "* ]] && ok "repeated GETs: ${codes[*]}" || bad "repeated GETs never turned 429: ${codes[*]}"
download_url="${download_url%/*}/unknown-link-token"
expect 'GET of an unknown download link' "$(media GET unknown.out)" 404

echo "- the simulator's admin endpoints"
admin() { curl --noproxy '*' -sS -o "$2" -w '%{http_code}' -X "$1" -- "${REEL_SIM_URL}/__sim/$3"; }
expect 'GET /__sim/health' "$(admin GET health.json health)" 200
expect 'GET /__sim/counters' "$(admin GET counters.json counters)" 200
grep -q '"media_requests_with_authorization" *: *0[,}]' counters.json && ok 'no media request carried an Authorization header' ||
  bad "counters: $(head -c 300 counters.json)"
expect 'POST /__sim/reset' "$(admin POST reset.json reset)" 200
admin GET counters.json counters >/dev/null
grep -q '"jobs_created" *: *0[,}]' counters.json && ok 'reset forgot every job' || bad "after reset: $(head -c 300 counters.json)"

echo "- private model: an expired download_url answers 410 (POST /__sim/config: download_ttl_s 1)"
expect 'POST /__sim/config' "$(curl --noproxy '*' -sS -o config.json -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary '{"download_ttl_s":1}' -- "${REEL_SIM_URL}/__sim/config")" 200
post /video/queue "{\"model\":\"${private}\",\"prompt\":\"Expires soon\",\"duration\":\"6s\",\"aspect_ratio\":\"16:9\"}" pqueue3.json >/dev/null
download_url=$(json_field download_url pqueue3.json)
sleep 2 # the link lives 1 s from queueing, counted in whole seconds
expect 'GET download_url after its lifetime' "$(media GET expired.out)" 410

if ((failures > 0)); then
  echo "venice curl guide: ${failures} check(s) failed"
  exit 1
fi
echo 'venice curl guide: all checks passed'
