#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The reel-simulator program itself: it starts on ephemeral loopback ports, writes its port file,
# prints where it listens, answers, stops on SIGTERM and on SIGINT printing its counters as JSON,
# stops by itself after --idle-timeout, refuses bad flags and bad configuration files, and
# prints its --version and --help.
# Usage: binary_test.sh <reel-simulator> [VERSION]
set -euo pipefail
sim=$1 version=${2:-}
work=$(mktemp -d)
pid=
cleanup() {
  if [[ -n "${pid}" ]]; then kill "${pid}" 2>/dev/null || true; fi
  rm -rf "${work}"
}
trap cleanup EXIT
export NO_PROXY='*' no_proxy='*'

fail() { echo "FAIL: $*" >&2; exit 1; }

wait_for_file() {
  local i
  for ((i = 0; i < 100; ++i)); do
    [[ -s "$1" ]] && return 0
    sleep 0.1
  done
  fail "no $1 after 10 s"
}

# GET http://127.0.0.1:<port><path> with bash's /dev/tcp (no curl needed); prints the status line.
http_get() {
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
  head -n 1 <&3 | tr -d '\r'
  exec 3<&-
}

for signal in TERM INT; do
  rm -f "${work}/port" "${work}/out"
  "${sim}" --port-file "${work}/port" --idle-timeout 60 > "${work}/out" 2> "${work}/err" &
  pid=$!
  wait_for_file "${work}/port"
  port=$(cat "${work}/port")
  [[ "${port}" =~ ^[0-9]+$ ]] || fail "port file holds '${port}'"
  grep -q "^listening http://127.0.0.1:${port}\$" "${work}/out" || fail "no listening line: $(cat "${work}/out")"
  grep -q '^media http://127.0.0.1:[0-9]*$' "${work}/out" || fail "no media line"
  status=$(http_get "${port}" /__sim/health)
  [[ "${status}" == "HTTP/1.1 200 OK" ]] || fail "health answered '${status}'"
  status=$(http_get "${port}" /api/v1/models?type=video)
  [[ "${status}" == "HTTP/1.1 200 OK" ]] || fail "models answered '${status}'"
  kill -"${signal}" "${pid}"
  wait "${pid}" || fail "exit status $? after SIG${signal}"
  pid=
  grep -q '^counters {"requests":{.*"venice.models 200":1' "${work}/out" || fail "no counters after SIG${signal}: $(cat "${work}/out")"
  echo "ok: SIG${signal} stops it with counters"
done

# Idle timeout.
start=${SECONDS}
"${sim}" --idle-timeout 1 --quiet > "${work}/out" 2>&1 &
pid=$!
for ((i = 0; i < 150; ++i)); do
  kill -0 "${pid}" 2>/dev/null || break
  sleep 0.1
done
kill -0 "${pid}" 2>/dev/null && fail "still running 15 s after a 1 s idle timeout"
wait "${pid}" || fail "idle exit status $?"
pid=
echo "ok: idle timeout stopped it after $((SECONDS - start)) s"

# Bad input is refused with exit status 2 and a message.
set +e
"${sim}" --port nope > /dev/null 2> "${work}/err"; code=$?
[[ ${code} == 2 ]] && grep -q -- "--port needs a non-negative number" "${work}/err" || fail "bad --port: ${code}"
echo '{"models":[{"id":"x","bogus":1}]}' > "${work}/bad.json"
"${sim}" --config "${work}/bad.json" > /dev/null 2> "${work}/err"; code=$?
[[ ${code} == 2 ]] && grep -q "bad configuration" "${work}/err" && grep -q "bogus" "${work}/err" || fail "bad config: ${code} $(cat "${work}/err")"
"${sim}" --tls-cert only-one > /dev/null 2> "${work}/err"; code=$?
[[ ${code} == 2 ]] || fail "lonely --tls-cert: ${code}"
"${sim}" --frobnicate > /dev/null 2> "${work}/err"; code=$?
[[ ${code} == 2 ]] && grep -q "unknown option" "${work}/err" || fail "unknown option: ${code}"
set -e
echo "ok: bad flags and configuration are refused"

# --version and --help: on stdout, exit status 0.
out=$("${sim}" --version) || fail "--version exit status $?"
[[ "${out}" =~ ^reel-simulator\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version printed '${out}'"
[[ -z "${version}" || "${out}" == "reel-simulator ${version}" ]] || fail "--version printed '${out}', expected ${version}"
out=$("${sim}" --help) || fail "--help exit status $?"
[[ "${out}" == "usage: reel-simulator"* && "${out}" == *"--port-file FILE"* && "${out}" == *"--version"* ]] || fail "--help printed '${out}'"
echo "ok: --version and --help"
