# SPDX-License-Identifier: BSL-1.0
# Turns a binary file into a C++ header holding its bytes: cmake -DIN=... -DOUT=... -DNAME=... -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" length)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by tools/simulator/cmake/embed.cmake; do not edit.\n"
  "#pragma once\n\nnamespace reel_sim::detail {\n"
  "inline constexpr unsigned char ${NAME}[] = {\n  ${bytes}\n};\n}  // namespace reel_sim::detail\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
