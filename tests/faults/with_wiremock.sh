#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs a test program against a private WireMock (the jar of the npm package `wiremock`, on Java):
#   with_wiremock.sh NPM_DIR COMMAND [ARGS...]
# WireMock binds 127.0.0.1 on an ephemeral port (--port 0); COMMAND runs with REEL_WIREMOCK_URL
# set, and WireMock is stopped on exit whatever happens (and by `timeout` should this script be
# killed). Exit code 77 (ctest SKIP_RETURN_CODE) when java or the package is missing: tests/run
# installs them (openjdk-17-jre-headless; `npm ci` of tests/faults/wiremock into build/npm-faults).
set -euo pipefail
(($# >= 2)) || { echo "usage: $0 NPM_DIR COMMAND [ARGS...]" >&2 && exit 2; }
npm_dir=$1
shift
jar=$(ls "${npm_dir}"/node_modules/wiremock/build/wiremock-standalone-*.jar 2>/dev/null | head -n 1 || true)
[[ -n "${jar}" ]] || { echo "SKIP: no WireMock jar in ${npm_dir}/node_modules/wiremock (tests/run installs it)" && exit 77; }
command -v java >/dev/null || { echo "SKIP: java is not installed (openjdk-17-jre-headless)" && exit 77; }

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
work=$(mktemp -d "${TMPDIR:-/tmp}/reel-wiremock.XXXXXX")
log="${work}/wiremock.log"
mkdir -p "${work}/root/mappings" "${work}/root/__files"
timeout 600 java -Xmx256m -XX:TieredStopAtLevel=1 -jar "${jar}" --bind-address 127.0.0.1 --port 0 \
  --root-dir "${work}/root" --disable-banner --disable-gzip --container-threads 16 >"${log}" 2>&1 &
wiremock_pid=$!
stop() {
  local status=$?
  kill -TERM "${wiremock_pid}" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "${wiremock_pid}" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "${wiremock_pid}" 2>/dev/null || true
  wait "${wiremock_pid}" 2>/dev/null || true
  if ((status != 0 && status != 77)); then
    echo "--- WireMock log (last 30 lines):"
    tail -n 30 "${log}" || true
  fi
  rm -rf "${work}"
  exit "${status}"
}
trap stop EXIT
trap 'exit 130' INT TERM

port=
for ((i = 0; i < 600; i++)); do # up to 60 s: the JVM starts slowly on a busy machine
  port=$(sed -n 's/^port:[[:space:]]*\([0-9][0-9]*\)[[:space:]]*$/\1/p' "${log}" | head -n 1)
  [[ -n "${port}" ]] && break
  kill -0 "${wiremock_pid}" 2>/dev/null || { echo "FAIL: WireMock exited before listening" && exit 1; }
  sleep 0.1
done
[[ -n "${port}" ]] || { echo "FAIL: WireMock did not report its port" && exit 1; }
export REEL_WIREMOCK_URL="http://127.0.0.1:${port}"
echo "WireMock pid ${wiremock_pid} at ${REEL_WIREMOCK_URL}"
"$@"
