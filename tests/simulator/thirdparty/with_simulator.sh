#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs one third-party test against a private reel-simulator:
#   with_simulator.sh NEEDS SIMULATOR WORKDIR [SIMULATOR_ARGS...] -- COMMAND [ARGS...]
# NEEDS is a comma-separated list of what the test uses: node, curl, npm (the packages that
# tests/run installs with `npm ci` into $REEL_NPM_DIR). When one is missing the test is skipped
# with exit code 77 (ctest SKIP_RETURN_CODE). Otherwise the simulator is started on ephemeral
# 127.0.0.1 ports (--port 0 --port-file), COMMAND runs with REEL_SIM_URL, REEL_SIM_PORT and
# REEL_SIM_MEDIA_URL exported, and the simulator is stopped on exit whatever happens.
set -euo pipefail

usage() {
  echo "usage: $0 NEEDS SIMULATOR WORKDIR [SIMULATOR_ARGS...] -- COMMAND [ARGS...]" >&2
  exit 2
}
(($# >= 5)) || usage
needs=$1 simulator=$2 workdir=$3
shift 3
sim_args=()
while (($# > 0)) && [[ "$1" != -- ]]; do
  sim_args+=("$1")
  shift
done
(($# >= 2)) || usage
shift

skip() {
  echo "SKIP: $*"
  exit 77
}
IFS=, read -r -a wanted <<<"${needs}"
for need in "${wanted[@]}"; do
  case "${need}" in
    node | curl) command -v "${need}" >/dev/null || skip "${need} is not installed" ;;
    npm)
      for package in openai @stoplight/prism-cli; do
        [[ -f "${REEL_NPM_DIR:-}/node_modules/${package}/package.json" ]] ||
          skip "npm package ${package} is not installed in REEL_NPM_DIR='${REEL_NPM_DIR:-}' (tests/run installs it with npm ci when npm is present)"
      done
      ;;
    *) echo "unknown need '${need}'" >&2 && exit 2 ;;
  esac
done

# Nothing here may leave this machine: no proxies, loopback only.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY npm_config_proxy npm_config_https_proxy
export NO_PROXY='127.0.0.1,localhost' no_proxy='127.0.0.1,localhost'

rm -rf -- "${workdir}"
mkdir -p -- "${workdir}"
port_file="${workdir}/simulator.port"
sim_log="${workdir}/simulator.log"

"${simulator}" --port 0 --port-file "${port_file}" --idle-timeout 60 "${sim_args[@]}" >"${sim_log}" 2>&1 &
sim_pid=$!
stop_simulator() {
  local status=$? sim_status=0
  kill -TERM "${sim_pid}" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do # 10 s to stop, then SIGKILL
    kill -0 "${sim_pid}" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "${sim_pid}" 2>/dev/null && echo "the simulator ignored SIGTERM for 10 s"
  wait "${sim_pid}" 2>/dev/null || sim_status=$?
  # A clean stop on SIGTERM exits 0; anything else (a sanitizer report, a crash) fails the test.
  if ((sim_status != 0 && (status == 0 || status == 77))); then
    echo "FAIL: the simulator exited with status ${sim_status}"
    status=1
  fi
  if ((status != 0 && status != 77)); then
    echo "--- simulator log (${sim_log}), last 40 lines:"
    tail -n 40 -- "${sim_log}" || true
  fi
  exit "${status}"
}
trap stop_simulator EXIT
trap 'exit 130' INT TERM

for ((i = 0; i < 300; i++)); do # up to 30 s (sanitized builds start slowly)
  [[ -s "${port_file}" ]] && break
  kill -0 "${sim_pid}" 2>/dev/null || { echo "FAIL: the simulator exited before writing its port" >&2 && exit 1; }
  sleep 0.1
done
port=$(head -n 1 -- "${port_file}")
[[ "${port}" =~ ^[0-9]+$ ]] || { echo "FAIL: no port in ${port_file}: '${port}'" >&2 && exit 1; }
media_url=
for ((i = 0; i < 50; i++)); do
  media_url=$(sed -n 's/^media \(http:\/\/127\.0\.0\.1:[0-9]*\).*$/\1/p' -- "${sim_log}" | head -n 1)
  [[ -n "${media_url}" ]] && break
  sleep 0.1
done

export REEL_SIM_PORT="${port}" REEL_SIM_URL="http://127.0.0.1:${port}" REEL_SIM_MEDIA_URL="${media_url}"
echo "simulator pid ${sim_pid} at ${REEL_SIM_URL} (media ${REEL_SIM_MEDIA_URL:-unknown})"
cd -- "${workdir}"
"$@"
