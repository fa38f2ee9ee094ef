#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Regenerates sample.mp4, the simulator's committed test video: 2 s, 160x90, 12 fps test pattern
# (H.264 baseline) with a 440 Hz tone (AAC, mono), moov first, bit-exact flags so reruns with the
# same ffmpeg give the same bytes. Needs ffmpeg (Debian package ffmpeg).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ffmpeg -v error -y \
  -f lavfi -i "testsrc2=size=160x90:rate=12:duration=2" \
  -f lavfi -i "sine=frequency=440:duration=2:sample_rate=22050" \
  -c:v libx264 -profile:v baseline -pix_fmt yuv420p -preset veryslow -crf 38 \
  -c:a aac -b:a 24k -ac 1 -movflags +faststart -metadata title="reel simulator sample" \
  -fflags +bitexact -flags:v +bitexact -flags:a +bitexact \
  sample.mp4
ffmpeg -v error -i sample.mp4 -f null -
ls -l sample.mp4
