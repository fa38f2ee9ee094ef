# SPDX-License-Identifier: BSL-1.0
# Builds and runs one consumer project: cmake -DWAY=<way> ... -P run_consumer.cmake
#
#   WAY               add_subdirectory | fetchcontent | find_package
#   REEL_SOURCE_DIR   reel's source tree
#   WORK_DIR          scratch directory (wiped first)
#   EXPECTED_VERSION  the version the program must print
#   GENERATOR, CXX_COMPILER, MAKE_PROGRAM, WITH_OPENSSL   passed through from the outer build
#   SIMULATOR         fetchcontent: the outer build's reel-simulator, to run the README's first
#                     program against (find_package uses the one it installs); empty: not run
cmake_minimum_required(VERSION 3.21)

foreach(_var WAY REEL_SOURCE_DIR WORK_DIR EXPECTED_VERSION GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${_var} OR "${${_var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${_var}=... is required")
  endif()
endforeach()
if(NOT DEFINED WITH_OPENSSL)
  set(WITH_OPENSSL ON)
endif()
set(_config Debug)

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# The toolchain of the outer build, nothing else: no warnings, no sanitizers, no CXXFLAGS.
set(_toolchain -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DCMAKE_CXX_FLAGS="
    "-DCMAKE_BUILD_TYPE=${_config}" "-DREEL_WITH_OPENSSL=${WITH_OPENSSL}")
if(MAKE_PROGRAM)
  list(APPEND _toolchain "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

function(run)
  string(REPLACE ";" " " _shown "${ARGN}")
  message(STATUS "run: ${_shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "failed (${_rc}): ${_shown}")
  endif()
endfunction()

set(_consumer_args "")
if(WAY STREQUAL "add_subdirectory" OR WAY STREQUAL "fetchcontent")
  list(APPEND _consumer_args "-DREEL_SOURCE_DIR=${REEL_SOURCE_DIR}")
  if(WAY STREQUAL "add_subdirectory")
    set(SIMULATOR "")
  endif()
elseif(WAY STREQUAL "find_package")
  # Stage an install from a fresh reel build with tests off and the simulator on (the reel tool
  # is packaged and tested by tests/package). The simulator and sanitizers on make reel define
  # its internal warning/sanitizer target, so the check below can catch a leak.
  set(_prefix "${WORK_DIR}/prefix")
  set(_tools -DREEL_BUILD_SIMULATOR=OFF)
  if(WITH_OPENSSL)
    set(_tools -DREEL_BUILD_SIMULATOR=ON)
  endif()
  run(${CMAKE_COMMAND} -S "${REEL_SOURCE_DIR}" -B "${WORK_DIR}/reel-build" ${_toolchain}
      -DREEL_BUILD_TESTS=OFF -DREEL_BUILD_EXAMPLES=OFF -DREEL_BUILD_BENCHMARKS=OFF -DREEL_BUILD_TOOLS=OFF ${_tools}
      -DREEL_INSTALL=ON "-DREEL_SANITIZE=address,undefined" -DREEL_WERROR=ON "-DCMAKE_INSTALL_PREFIX=${_prefix}")
  # The library is header-only; the simulator is the one thing to build.
  run(${CMAKE_COMMAND} --build "${WORK_DIR}/reel-build" --config ${_config})
  run(${CMAKE_COMMAND} --install "${WORK_DIR}/reel-build" --config ${_config} --prefix "${_prefix}")
  if(WITH_OPENSSL)
    set(SIMULATOR "${_prefix}/bin/reel-simulator")
    if(NOT EXISTS "${SIMULATOR}")
      message(FATAL_ERROR "the install put no bin/reel-simulator under ${_prefix}")
    endif()
  endif()

  file(GLOB_RECURSE _targets_files "${_prefix}/*/reelTargets*.cmake")
  if(NOT _targets_files)
    message(FATAL_ERROR "the install put no reelTargets.cmake under ${_prefix}")
  endif()
  foreach(_file IN LISTS _targets_files)
    file(STRINGS "${_file}" _leaks REGEX "-fsanitize|-W[a-z]|reel_internal_flags")
    if(_leaks)
      message(FATAL_ERROR "installed ${_file} carries internal flags:\n${_leaks}")
    endif()
  endforeach()
  foreach(_header reel/config.hpp reel/reel.hpp reel/json.hpp)
    if(NOT EXISTS "${_prefix}/include/${_header}")
      message(FATAL_ERROR "the install is missing include/${_header}")
    endif()
  endforeach()
  list(APPEND _consumer_args "-DCMAKE_PREFIX_PATH=${_prefix}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown WAY '${WAY}'")
endif()

if(NOT DEFINED SIMULATOR)
  set(SIMULATOR "")
endif()
if(SIMULATOR)
  list(APPEND _consumer_args "-DREEL_QUICKSTART=${REEL_SOURCE_DIR}/examples/quickstart.cpp")
endif()
set(_build "${WORK_DIR}/build")
run(${CMAKE_COMMAND} -S "${CMAKE_CURRENT_LIST_DIR}/${WAY}" -B "${_build}" ${_toolchain}
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_RUNTIME_OUTPUT_DIRECTORY=${_build}/bin ${_consumer_args})

if(WAY STREQUAL "find_package")
  # The package must come from the staged prefix, not from anything installed on the machine.
  file(STRINGS "${_build}/CMakeCache.txt" _reel_dir REGEX "^reel_DIR:")
  string(FIND "${_reel_dir}" "${_prefix}/" _at)
  if(NOT _at GREATER -1)
    message(FATAL_ERROR "find_package(reel) used ${_reel_dir}, not the staged ${_prefix}")
  endif()
endif()

run(${CMAKE_COMMAND} --build "${_build}" --config ${_config})

# The consumer's compile line holds only what reel::reel and its dependencies ask for.
if(EXISTS "${_build}/compile_commands.json")
  file(READ "${_build}/compile_commands.json" _commands)
  if(_commands MATCHES "[ \"]-W[a-z]|-fsanitize")
    message(FATAL_ERROR "warning or sanitizer flags reached the consumer:\n${_commands}")
  endif()
else()
  message(STATUS "generator ${GENERATOR} writes no compile_commands.json; compile-line check skipped")
endif()

set(_program "")
foreach(_candidate "${_build}/bin/reel_consumer" "${_build}/bin/${_config}/reel_consumer")
  foreach(_suffix "" ".exe")
    if(NOT _program AND EXISTS "${_candidate}${_suffix}")
      set(_program "${_candidate}${_suffix}")
    endif()
  endforeach()
endforeach()
if(NOT _program)
  message(FATAL_ERROR "reel_consumer was not built under ${_build}/bin")
endif()
execute_process(COMMAND "${_program}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out)
message(STATUS "reel_consumer exited with ${_rc} and printed: ${_out}")
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "reel_consumer failed with exit code ${_rc}")
endif()
if(NOT _out STREQUAL "reel ${EXPECTED_VERSION}\n")
  message(FATAL_ERROR "reel_consumer printed '${_out}', expected 'reel ${EXPECTED_VERSION}'")
endif()
message(STATUS "${WAY}: reel ${EXPECTED_VERSION} works")

# The README's first program, built by the consumer from examples/quickstart.cpp unchanged, run
# against the simulator.
if(SIMULATOR)
  set(_quickstart "${_build}/bin/reel_quickstart")
  if(NOT EXISTS "${_quickstart}")
    set(_quickstart "${_build}/bin/${_config}/reel_quickstart")
  endif()
  run(bash "${CMAKE_CURRENT_LIST_DIR}/run_quickstart.sh" "${SIMULATOR}" "${_quickstart}")
  message(STATUS "${WAY}: the README's first program works")
endif()
