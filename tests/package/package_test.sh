#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The Debian package: installs this build into a fresh tree, packs that tree with cpack -G DEB,
# checks `dpkg-deb --info` and `--contents`, extracts the package into a temp dir, runs the
# extracted `reel generate` against the extracted `reel-simulator` (127.0.0.1, ephemeral port)
# and checks the MP4, then builds the README's first program with the extracted reel.pc
# (pkg-config) and runs it against the same simulator.
#   package_test.sh CPACK CMAKE BUILD_DIR VERSION CXX QUICKSTART_CPP
set -euo pipefail
cpack=$1 cmake=$2 build=$3 version=$4 cxx=$5 quickstart=$6
work=$(mktemp -d "${TMPDIR:-/tmp}/reel-package.XXXXXX")
# shellcheck source=../support/simulator.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/simulator.sh"
cleanup() {
  sim_stop
  rm -rf "${work}"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A fresh install tree, packed as it is under /usr (cpack builds nothing).
"${cmake}" --install "${build}" --prefix "${work}/stage" >"${work}/install.log" || { cat "${work}/install.log"; fail "install"; }
"${cpack}" -G DEB --config "${build}/CPackConfig.cmake" -B "${work}/out" \
  -D CPACK_INSTALL_CMAKE_PROJECTS= -D "CPACK_INSTALLED_DIRECTORIES=${work}/stage;usr" >"${work}/cpack.log" 2>&1 ||
  { cat "${work}/cpack.log"; fail "cpack"; }
debs=("${work}"/out/reel_"${version}"_*.deb)
[[ -f "${debs[0]}" ]] || fail "no reel_${version}_*.deb in ${work}/out: $(ls "${work}/out")"
deb=${debs[0]}
echo "ok: built $(basename "${deb}")"

info=$(dpkg-deb --info "${deb}")
echo "${info}"
field() { dpkg-deb --field "${deb}" "$1"; }
[[ "$(field Package)" == reel ]] || fail "Package: $(field Package)"
[[ "$(field Version)" == "${version}" ]] || fail "Version: $(field Version)"
[[ -n "$(field Maintainer)" ]] || fail "no Maintainer"
[[ -n "$(field Description)" ]] || fail "no Description"
depends=$(field Depends)
for lib in libc6 libstdc++6 libgcc-s1 libssl3; do
  [[ "${depends}" == *"${lib}"* ]] || fail "Depends lacks ${lib}: ${depends}"
done
recommends=$(field Recommends)
[[ "${recommends}" == *libasio-dev* && "${recommends}" == *libssl-dev* ]] || fail "Recommends: ${recommends}"
echo "ok: control fields"

contents=$(dpkg-deb --contents "${deb}")
for file in ./usr/bin/reel ./usr/bin/reel-simulator ./usr/include/reel/reel.hpp ./usr/include/reel/config.hpp \
  ./usr/share/reel/cmake/reelConfig.cmake ./usr/share/reel/cmake/reelTargets.cmake ./usr/share/pkgconfig/reel.pc; do
  grep -qE " ${file//./\\.}\$" <<<"${contents}" || fail "the package lacks ${file}"
done
grep -q ' \./usr/bin/reel$' <<<"${contents}" && grep -qE '^-rwxr-xr-x .* \./usr/bin/reel$' <<<"${contents}" ||
  fail "/usr/bin/reel is not executable"
echo "ok: contents"

root=${work}/root
dpkg-deb -x "${deb}" "${root}"
[[ "$("${root}/usr/bin/reel" --version)" == "reel ${version}" ]] || fail "reel --version"
[[ "$("${root}/usr/bin/reel-simulator" --version)" == "reel-simulator ${version}" ]] || fail "reel-simulator --version"

sim_start "${root}/usr/bin/reel-simulator" "${work}" || fail "the extracted simulator wrote no port file"
VENICE_API_KEY=package-test "${root}/usr/bin/reel" generate --base-url "http://127.0.0.1:${port}/api/v1" \
  --model wan-2.5-preview-text-to-video --prompt "A gondola at sunset" --aspect-ratio 16:9 --duration 5 \
  --poll fixed:50ms --no-journal --output "${work}/reel.mp4" || fail "reel generate exit status $?"
[[ "$(head -c 8 "${work}/reel.mp4" | tail -c 4)" == ftyp ]] || fail "reel.mp4 is not an MP4"
echo "ok: the extracted reel generate made an MP4 with the extracted reel-simulator"

# pkg-config: the extracted reel.pc finds the extracted headers (its prefix is relative).
export PKG_CONFIG_PATH=${root}/usr/share/pkgconfig
[[ "$(pkg-config --modversion reel)" == "${version}" ]] || fail "pkg-config --modversion reel"
read -r -a flags <<<"$(pkg-config --cflags --libs reel)"
(cd "${work}" && "${cxx}" -std=c++20 -o quickstart "${quickstart}" "${flags[@]}") || fail "quickstart did not build with pkg-config"
(cd "${work}" && VENICE_API_KEY=x VENICE_BASE_URL="http://127.0.0.1:${port}/api/v1" ./quickstart) || fail "quickstart exit status $?"
[[ "$(head -c 8 "${work}/gondola.mp4" | tail -c 4)" == ftyp ]] || fail "gondola.mp4 is not an MP4"
echo "ok: the README's first program built with pkg-config --cflags --libs reel and made gondola.mp4"
