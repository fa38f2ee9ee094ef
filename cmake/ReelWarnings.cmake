# SPDX-License-Identifier: BSL-1.0
# Warnings and sanitizers for reel's own targets (tests, examples, benchmarks), never reel::reel.
set(REEL_SANITIZE "" CACHE STRING "Sanitizers for internal targets, e.g. address,undefined")

add_library(reel_internal_flags INTERFACE)
target_compile_options(reel_internal_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor)
option(REEL_WERROR "Treat warnings as errors on internal targets" OFF)
if(REEL_WERROR)
  target_compile_options(reel_internal_flags INTERFACE -Werror)
endif()
if(REEL_SANITIZE)
  target_compile_options(reel_internal_flags INTERFACE -fsanitize=${REEL_SANITIZE} -fno-omit-frame-pointer
    -fno-sanitize-recover=all $<$<CXX_COMPILER_ID:Clang>:-fno-sanitize=function>)
  target_link_options(reel_internal_flags INTERFACE -fsanitize=${REEL_SANITIZE}
    $<$<CXX_COMPILER_ID:Clang>:-fno-sanitize=function>)
endif()
