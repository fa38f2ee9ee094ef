#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs one example program (or the demo program) against the provider simulator and checks what
# it did: its exit status, its output, the video files, and the simulator's counters.
#   example_test.sh SIMULATOR CASE PROGRAM [DEMO_CONFIG]
# CASE: quickstart provider_by_name logging_client venice_minimal lumenfall_minimal batch quote_budget custom_poll_policy resume_from_handle demo
set -euo pipefail

simulator=$1 case=$2 program=$3 demo_config=${4:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/reel-example-${case}.XXXXXX")
# shellcheck source=../support/simulator.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/simulator.sh"
cleanup() {
  sim_stop
  rm -rf "${work}"
}
trap cleanup EXIT

fail() {
  echo "FAIL (${case}): $*" >&2
  exit 1
}

# start_simulator JSON: a simulator with this configuration on an ephemeral loopback port.
start_simulator() {
  printf '%s\n' "$1" >"${work}/sim.json"
  sim_start "${simulator}" "${work}" --config "${work}/sim.json" || fail "no simulator"
  export VENICE_API_KEY=example-key LUMENFALL_API_KEY=example-key
  export VENICE_BASE_URL="http://127.0.0.1:${port}/api/v1"
  export LUMENFALL_BASE_URL="http://127.0.0.1:${port}/openai/v1"
}

# counters: the simulator's counters document (plain HTTP over bash's /dev/tcp).
counters() {
  local body
  exec 3<>"/dev/tcp/127.0.0.1/${port}"
  printf 'GET /__sim/counters HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
  body=$(cat <&3)
  exec 3<&-
  printf '%s\n' "${body##*$'\r\n\r\n'}"
}

expect_counter() {  # expect_counter '"jobs_created":1'
  local c
  c=$(counters)
  [[ "${c}" == *"$1"* ]] || fail "counters lack $1: ${c}"
}

# run EXPECTED_STATUS ARGS...: runs the program in ${work}, output in ${work}/out.
run() {
  local expected=$1 status=0
  shift
  (cd "${work}" && "${program}" "$@") >"${work}/out" 2>&1 || status=$?
  cat "${work}/out"
  ((status == expected)) || fail "exit status ${status}, expected ${expected}"
}

expect_output() {
  grep -qF -- "$1" "${work}/out" || fail "output lacks \"$1\""
}

expect_mp4() {  # expect_mp4 FILE: complete (ftyp first), and decodable where ffmpeg exists
  local file=${work}/$1
  [[ -s "${file}" ]] || fail "no video at $1"
  [[ "$(head -c 8 "${file}" | tail -c 4)" == ftyp ]] || fail "$1 is not an MP4"
  [[ ! -e "${file}.part" ]] || fail "a part file is left next to $1"
  if command -v ffmpeg >/dev/null; then
    local errors
    errors=$(ffmpeg -nostdin -v error -i "${file}" -f null - 2>&1) || fail "ffmpeg rejects $1: ${errors}"
    [[ -z "${errors}" ]] || fail "ffmpeg reports errors in $1: ${errors}"
  fi
}

fast='{"job": {"duration_ms": 1500}}'
case "${case}" in
  quickstart)  # the README's first program
    start_simulator "${fast}"
    run 0
    expect_output "wrote gondola.mp4"
    expect_mp4 gondola.mp4
    expect_counter '"jobs_created":1'
    expect_counter '"cleaned":true'
    unset VENICE_API_KEY  # no key: refused before anything is sent
    run 1
    expect_output "no API key is configured"
    expect_counter '"jobs_created":1'
    ;;
  provider_by_name)  # the README's second program
    start_simulator "${fast}"
    run 0 venice v.mp4
    expect_output "succeeded via venice"
    expect_mp4 v.mp4
    run 0 lumenfall l.mp4 sora-2
    expect_output "succeeded via lumenfall"
    expect_mp4 l.mp4
    expect_counter '"jobs_created":2'
    run 2 pika
    expect_output "no provider \"pika\" (known: venice, lumenfall, fal, replicate, openai, runway, luma, google-veo)"
    ;;
  venice_minimal)
    start_simulator "${fast}"
    run 0 venice.mp4
    expect_output "wrote venice.mp4"
    expect_mp4 venice.mp4
    expect_counter '"jobs_created":1'
    expect_counter '"cleaned":true'
    expect_counter '"requests_after_cleanup":0'
    ;;
  lumenfall_minimal)
    start_simulator '{"job": {"polls": 2}}'  # running (50 %) at the first poll, done at the second
    run 0 lumenfall.mp4
    expect_output "running 50%"
    expect_output "wrote lumenfall.mp4"
    expect_output "cost \$"
    expect_mp4 lumenfall.mp4
    expect_counter '"jobs_created":1'
    expect_counter '"cleaned":true'
    expect_counter '"media_requests_with_authorization":0'
    ;;
  batch)
    start_simulator "${fast}"
    run 0 videos
    [[ "$(grep -c succeeded "${work}/out")" == 5 ]] || fail "not 5 succeeded jobs"
    for i in 1 2 3 4 5; do expect_mp4 "videos/video-${i}.mp4"; done
    expect_counter '"jobs_created":5'
    expect_counter '"venice.queue 200":3'
    expect_counter '"lumenfall.create 202":2'
    ;;
  quote_budget)
    start_simulator "${fast}"
    run 3 0.50 over.mp4  # the quote (10 s of 1080p at $0.05/s x 1.5) is $0.75
    expect_output "quote \$0.75 is over the budget of \$0.50: not submitted"
    [[ ! -e "${work}/over.mp4" ]] || fail "a video over budget was made"
    expect_counter '"jobs_created":0'
    run 0 1.00 within.mp4
    expect_output "quote \$0.75 is within the budget of \$1.00: generating"
    expect_mp4 within.mp4
    expect_counter '"jobs_created":1'
    ;;
  custom_poll_policy)
    # Jobs done at their third poll (progress 33 %, then 66 %): slow after the first, fast after
    # the second (>= 60 %), whatever the timing.
    start_simulator '{"job": {"polls": 3}}'
    run 0 polled.mp4
    expect_output "poll 1: progress 0%, next in 1000 ms"
    expect_output "poll 2: progress 33%, next in 4000 ms"
    expect_output "poll 3: progress 66%, next in 1000 ms"
    expect_output "after 3 polls"
    expect_mp4 polled.mp4
    ;;
  resume_from_handle)
    start_simulator "${fast}"
    run 0 submit job.json
    grep -q '"job_id":"[^"]' "${work}/job.json" || fail "the handle has no job id"
    grep -q '"download_url":"http' "${work}/job.json" || fail "the handle lacks the one-time download link"
    grep -q 'example-key' "${work}/job.json" && fail "the API key is in the handle"
    run 0 finish job.json resumed.mp4
    expect_output "resumed "
    expect_mp4 resumed.mp4
    expect_counter '"venice.queue 200":1'  # one create for both processes
    expect_counter '"jobs_created":1'
    expect_counter '"cleaned":true'
    run 2 finish  # usage error
    ;;
  demo)
    start_simulator "$(<"${demo_config}")"
    run 0 --port-file "${work}/port" --output-dir videos
    expect_output "summary:"
    [[ "$(grep -c "valid MP4" "${work}/out")" == 2 ]] || fail "not two valid MP4s in the summary"
    grep -qE "^  venice +wan-2.5-preview-text-to-video +[0-9.]+ s +[0-9]+ +2500000 +\\\$0.25 +valid MP4 videos/venice.mp4, cleaned up" \
      "${work}/out" || fail "no Venice summary line"
    grep -qE "^  lumenfall +sora-2 +[0-9.]+ s +[0-9]+ +2500000 +\\\$[0-9.]+ +valid MP4 videos/lumenfall.mp4, cleaned up" \
      "${work}/out" || fail "no Lumenfall summary line"
    expect_output "total "
    expect_mp4 videos/venice.mp4
    expect_mp4 videos/lumenfall.mp4
    expect_counter '"jobs_created":2'
    expect_counter '"requests_after_cleanup":0'
    run 2 --port-file  # usage error
    ;;
  logging_client)  # over a ScriptedClient: no simulator
    run 0
    expect_output "POST https://api.example/v1/jobs -> 201"
    expect_output "(stage response, may have been sent)"
    ;;
  *)
    fail "unknown case"
    ;;
esac
echo "PASS (${case})"
