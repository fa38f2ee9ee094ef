#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# reel's HTTP client against libcurl and the curl command, in one run, against one local nginx.
#
#   benchmarks/run_http_bench.sh [BUILD_DIR]      (default: build/httpbench)
#
# 1. Keep-alive GET of a small JSON body: reel_http_bench (reel::http::Client::send in a loop vs
#    one reused libcurl easy handle): requests/s (Google Benchmark, median of REPS repetitions,
#    randomly interleaved) and instructions/request (callgrind, client process only, user space:
#    (Collected[3N] - Collected[N]) / 2N).
# 2. A DOWNLOAD_SIZE (1 GiB) body to a file: reel_download (FileSink) vs `curl -o`, alternating which goes
#    first, DOWNLOAD_REPS times each: MB/s (10^6 bytes/s, wall clock of the process) and peak RSS
#    (/usr/bin/time -v). The downloaded files are deleted after every run.
#
# It installs nothing. Needs: nginx (Debian: nginx-light), curl, valgrind, /usr/bin/time (Debian:
# time), and the two programs, built in Release when libcurl's headers are installed:
#   apt-get install nginx-light libcurl4-openssl-dev curl valgrind time
#   cmake -S . -B build/httpbench -G Ninja -DCMAKE_BUILD_TYPE=Release -DREEL_BUILD_TESTS=OFF -DREEL_BUILD_EXAMPLES=OFF
#   cmake --build build/httpbench --target reel_http_bench reel_download
# Environment: REPS (5), CALLGRIND_N (1000), DOWNLOAD_REPS (5), DOWNLOAD_SIZE (1G), SKIP_CALLGRIND=1,
# SKIP_DOWNLOAD=1, BENCH_TMPDIR (where the temporary directory goes; default $TMPDIR or /tmp; the
# downloads are written there, so it should be a real disk, not tmpfs, to compare like with like).
#
# nginx runs in the foreground of a background job, from a configuration generated in a temporary
# directory, listening on 127.0.0.1 only, on a free port; it is stopped on every exit path. Nothing
# but 127.0.0.1 is contacted: proxies from the environment are ignored by both clients.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=${1:-$here/../build/httpbench}
reps=${REPS:-5}
callgrind_n=${CALLGRIND_N:-1000}
download_reps=${DOWNLOAD_REPS:-5}
download_size=${DOWNLOAD_SIZE:-1G}

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

die() { echo "run_http_bench: $*" >&2; exit 1; }

# ---- tools ---------------------------------------------------------------------------------------
nginx_bin=$(command -v nginx || true)
[[ -z $nginx_bin && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
[[ -n $nginx_bin ]] || die "nginx not found: apt-get install nginx-light"
command -v curl >/dev/null || die "curl not found: apt-get install curl"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found: apt-get install time"
if [[ ${SKIP_CALLGRIND:-0} != 1 ]]; then
  command -v valgrind >/dev/null || die "valgrind not found: apt-get install valgrind (or SKIP_CALLGRIND=1)"
fi
bench=$build_dir/benchmarks/reel_http_bench
download=$build_dir/benchmarks/reel_download
for program in "$bench" "$download"; do
  [[ -x $program ]] || die "$program not built. It is built only when libcurl is found:
  apt-get install libcurl4-openssl-dev
  cmake -S . -B build/httpbench -G Ninja -DCMAKE_BUILD_TYPE=Release -DREEL_BUILD_TESTS=OFF -DREEL_BUILD_EXAMPLES=OFF
  cmake --build build/httpbench --target reel_http_bench reel_download"
done
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build_dir/CMakeCache.txt" 2>/dev/null; then
  echo "run_http_bench: warning: $build_dir is not a Release build; the numbers will not mean much" >&2
fi

# ---- server --------------------------------------------------------------------------------------
tmp=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/reel-http-bench.XXXXXX")
nginx_pid=
cleanup() {
  if [[ -n $nginx_pid ]] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -TERM "$nginx_pid" 2>/dev/null || true  # fast shutdown of master and worker
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/www" "$tmp/dl" "$tmp/temp"
# A ~300-byte JSON body, like a video API's job status.
cat >"$tmp/www/small.json" <<'JSON'
{"id":"video_68d2a1f0c3b04e1c9a5f7d21","object":"video","model":"sora-2","status":"in_progress","progress":42,"created_at":1760000000,"completed_at":null,"expires_at":null,"size":"1280x720","seconds":"8","quality":"standard","remixed_from_video_id":null,"error":null,"output":{"url":null,"content_type":"video/mp4"}}
JSON
truncate -s "$download_size" "$tmp/www/big.bin"  # sparse: nginx sends zeros from the page cache
small_size=$(stat -c %s "$tmp/www/small.json")
big_size=$(stat -c %s "$tmp/www/big.bin")

user_line=
if [[ $(id -u) == 0 ]]; then
  # nginx's workers drop to an unprivileged user when started as root; let them read the files.
  chmod 755 "$tmp" "$tmp/www" "$tmp/temp"
  user_line="user nobody $(getent group nogroup >/dev/null && echo nogroup || echo nobody);"
fi

write_config() {
  cat >"$tmp/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000000;
  keepalive_timeout 600s;
  client_body_temp_path $tmp/temp/body;
  proxy_temp_path $tmp/temp/proxy;
  fastcgi_temp_path $tmp/temp/fastcgi;
  uwsgi_temp_path $tmp/temp/uwsgi;
  scgi_temp_path $tmp/temp/scgi;
  types { application/json json; application/octet-stream bin; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$1;
    root $tmp/www;
    location / { }
  }
}
EOF
}

port=
for _ in $(seq 20); do
  candidate=$((20000 + RANDOM % 40000))
  # Skip ports something already listens on (ss, when present); nginx's own bind is the real test.
  if command -v ss >/dev/null && ss -Hltn "sport = :$candidate" 2>/dev/null | grep -q .; then continue; fi
  write_config "$candidate"
  "$nginx_bin" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" &
  nginx_pid=$!
  for _ in $(seq 50); do
    if curl -q --noproxy '*' -fsS -o /dev/null "http://127.0.0.1:$candidate/small.json" 2>/dev/null; then
      port=$candidate
      break
    fi
    kill -0 "$nginx_pid" 2>/dev/null || break  # exited: most likely the port was taken
    sleep 0.1
  done
  [[ -n $port ]] && break
  kill -TERM "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=
done
[[ -n $port ]] || { cat "$tmp/error.log" >&2 2>/dev/null || true; die "could not start nginx on 127.0.0.1"; }
small_url="http://127.0.0.1:$port/small.json"
big_url="http://127.0.0.1:$port/big.bin"

echo "== nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$port (pid $nginx_pid), $tmp"
echo "   small.json: $small_size B; big.bin: $big_size B (sparse file)"
echo "   load average at start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"

median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# ---- 1. keep-alive GET: requests/s -------------------------------------------------------------
echo
echo "== keep-alive GET $small_url: $reps repetitions, interleaved"
csv=$tmp/keepalive.csv
"$bench" --reel_url="$small_url" --benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=false --benchmark_display_aggregates_only=true \
  --benchmark_out="$csv" --benchmark_out_format=csv
# Median of the repetitions' items_per_second (the CSV's 7th column), per client.
rps() {
  awk -F, -v name="\"keepalive_get/$1/real_time\"" \
    '$1 == name && $7 != "" { print $7 }' "$csv" | median
}
reel_rps=$(rps reel)
curl_rps=$(rps libcurl)

# ---- 1. keep-alive GET: instructions/request -----------------------------------------------------
instructions() {  # client iterations -> callgrind's Collected total for the whole process
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --reel_url="$small_url" \
    --reel_iterations="$2" --benchmark_filter="^keepalive_get/$1/" 2>&1 >/dev/null |
    awk '/Collected :/ { print $NF }'
}
reel_ipr=nan
curl_ipr=nan
if [[ ${SKIP_CALLGRIND:-0} != 1 ]]; then
  echo
  echo "== callgrind: instructions per request = (Collected[$((3 * callgrind_n))] - Collected[$callgrind_n]) / $((2 * callgrind_n))"
  for client in reel libcurl; do
    low=$(instructions "$client" "$callgrind_n")
    high=$(instructions "$client" "$((3 * callgrind_n))")
    [[ -n $low && -n $high ]] || die "callgrind run of $client failed"
    ipr=$(awk -v l="$low" -v h="$high" -v n="$callgrind_n" 'BEGIN { printf "%.0f", (h - l) / (2 * n) }')
    echo "   $client: Collected $low ($callgrind_n requests), $high ($((3 * callgrind_n)) requests) -> $ipr instructions/request"
    if [[ $client == reel ]]; then reel_ipr=$ipr; else curl_ipr=$ipr; fi
  done
fi

# ---- 2. download to a file -----------------------------------------------------------------------
now() { date +%s.%N; }
maxrss() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }
# reel: FileSink, whose finish() fsyncs (reel's durability rule for a finished video).
reel_download_once() {
  local out=$tmp/dl/reel.bin start end size line fsync mbps transfer rss
  start=$(now)
  line=$(/usr/bin/time -v -o "$tmp/time.txt" "$download" "$big_url" "$out")
  end=$(now)
  size=$(stat -c %s "$out")
  rm -f "$out"
  [[ $size == "$big_size" ]] || die "reel_download wrote $size bytes, expected $big_size"
  fsync=$(sed 's/.*fsync_seconds=\([^ ]*\).*/\1/' <<<"$line")
  mbps=$(awk -v b="$big_size" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", b / (e - s) / 1e6 }')
  transfer=$(awk -v b="$big_size" -v s="$start" -v e="$end" -v f="$fsync" 'BEGIN { printf "%.1f", b / (e - s - f) / 1e6 }')
  rss=$(maxrss "$tmp/time.txt")
  reel_mbps+=("$mbps") reel_transfer_mbps+=("$transfer") reel_rss+=("$rss") reel_fsync+=("$fsync")
  echo "   run $run reel: $mbps MB/s ($transfer MB/s without its fsync of ${fsync}s), peak RSS $rss KiB  [$line]"
}
# curl -o: no fsync; the sync of the file afterwards is timed separately, for a like-for-like
# figure, and leaves no dirty pages to slow the next run.
curl_download_once() {
  local out=$tmp/dl/curl.bin start end synced size mbps sync_mbps rss
  start=$(now)
  /usr/bin/time -v -o "$tmp/time.txt" curl -q --noproxy '*' -fsS -o "$out" "$big_url"
  end=$(now)
  sync "$out"
  synced=$(now)
  size=$(stat -c %s "$out")
  rm -f "$out"
  [[ $size == "$big_size" ]] || die "curl wrote $size bytes, expected $big_size"
  mbps=$(awk -v b="$big_size" -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", b / (e - s) / 1e6 }')
  sync_mbps=$(awk -v b="$big_size" -v s="$start" -v e="$synced" 'BEGIN { printf "%.1f", b / (e - s) / 1e6 }')
  rss=$(maxrss "$tmp/time.txt")
  curl_mbps+=("$mbps") curl_sync_mbps+=("$sync_mbps") curl_rss+=("$rss")
  echo "   run $run curl: $mbps MB/s ($sync_mbps MB/s with a sync of the file after), peak RSS $rss KiB"
}
reel_mbps=() reel_transfer_mbps=() reel_rss=() reel_fsync=() curl_mbps=() curl_sync_mbps=() curl_rss=()
if [[ ${SKIP_DOWNLOAD:-0} != 1 ]]; then
  echo
  echo "== download $big_url ($big_size B) to $tmp/dl: $download_reps runs each, alternating which goes first"
  # Warm-up, untimed: the first read of the sparse file fills nginx's page cache with its zeros.
  curl -q --noproxy '*' -fsS -o /dev/null "$big_url"
  for run in $(seq "$download_reps"); do
    sync  # start every run with no dirty pages of earlier runs (or of other programs) to write back
    if ((run % 2)); then reel_download_once; curl_download_once; else curl_download_once; reel_download_once; fi
  done
fi
med() { if (($# == 0)); then echo nan; else printf '%s\n' "$@" | median; fi; }

# ---- summary -------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "n/a"; else printf "%.3f", a / b }'; }
r_mbps=$(med "${reel_mbps[@]}") r_tmbps=$(med "${reel_transfer_mbps[@]}") r_rss=$(med "${reel_rss[@]}")
c_mbps=$(med "${curl_mbps[@]}") c_smbps=$(med "${curl_sync_mbps[@]}") c_rss=$(med "${curl_rss[@]}")
echo
echo "== summary (medians; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-38s %16s %16s %12s  %s\n' "measure" "reel" "curl/libcurl" "reel/curl" "target"
printf '%-38s %16.0f %16.0f %12s  %s\n' "keep-alive GET, requests/s" "$reel_rps" "$curl_rps" \
  "$(ratio "$reel_rps" "$curl_rps")" ">= 1"
printf '%-38s %16s %16s %12s  %s\n' "keep-alive GET, instructions/request" "$reel_ipr" "$curl_ipr" \
  "$(ratio "$reel_ipr" "$curl_ipr")" "<= 1"
printf '%-38s %16s %16s %12s  %s\n' "download MB/s: reel (fsync) / curl -o" "$r_mbps" "$c_mbps" \
  "$(ratio "$r_mbps" "$c_mbps")" ">= 0.95"
printf '%-38s %16s %16s %12s  %s\n' "  both durable: reel / curl -o + sync" "$r_mbps" "$c_smbps" \
  "$(ratio "$r_mbps" "$c_smbps")" ""
printf '%-38s %16s %16s %12s  %s\n' "  neither: reel w/o fsync / curl -o" "$r_tmbps" "$c_mbps" \
  "$(ratio "$r_tmbps" "$c_mbps")" ""
printf '%-38s %16s %16s %12s  %s\n' "download peak RSS (KiB)" "$r_rss" "$c_rss" \
  "$(ratio "$r_rss" "$c_rss")" "reel <= 16384"
