# SPDX-License-Identifier: BSL-1.0
# Runs each fuzzer for SECONDS seconds (cmake -P; the fuzz_smoke and fuzz_smoke_http tests).
# Inputs: FUZZ_BIN_DIR; FUZZERS, comma-separated `fuzzer:seeds` pairs (seeds is a folder of
# SEEDS_DIR); SECONDS; MAX_LEN; SEEDS_DIR; DICT; WORK_DIR; optional EXTRA_SEEDS (a folder used by
# every fuzzer, e.g. the JSONTestSuite corpus). New inputs go to WORK_DIR/corpus/<fuzzer>, crash
# artifacts to WORK_DIR/artifacts/; SEEDS_DIR/regressions is used too when it exists.
string(REPLACE "," ";" _pairs "${FUZZERS}")
file(MAKE_DIRECTORY "${WORK_DIR}/artifacts")
set(_failed "")
foreach(_pair IN LISTS _pairs)
  string(REPLACE ":" ";" _pair "${_pair}")
  list(GET _pair 0 _fuzzer)
  list(GET _pair 1 _kind)
  set(_corpus "${WORK_DIR}/corpus/${_fuzzer}")
  file(MAKE_DIRECTORY "${_corpus}")
  set(_dirs "${_corpus}")
  foreach(_seed_dir "${SEEDS_DIR}/${_kind}" "${SEEDS_DIR}/regressions" "${EXTRA_SEEDS}")
    if(_seed_dir AND IS_DIRECTORY "${_seed_dir}")
      list(APPEND _dirs "${_seed_dir}")
    endif()
  endforeach()
  message(STATUS "${_fuzzer}: ${SECONDS} s over ${_dirs}")
  execute_process(
    COMMAND "${FUZZ_BIN_DIR}/${_fuzzer}" -max_total_time=${SECONDS} -max_len=${MAX_LEN} -timeout=10 -rss_limit_mb=2048
            -dict=${DICT} -print_final_stats=1 -artifact_prefix=${WORK_DIR}/artifacts/${_fuzzer}- ${_dirs}
    RESULT_VARIABLE _rc
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _out)
  string(REGEX MATCH "stat::number_of_executed_units: [0-9]+" _runs "${_out}")
  if(NOT _rc EQUAL 0)
    message("${_out}")
    message(WARNING "${_fuzzer} failed (exit ${_rc}); see the output above and ${WORK_DIR}/artifacts/")
    list(APPEND _failed ${_fuzzer})
  else()
    message(STATUS "${_fuzzer}: ok, ${_runs}")
  endif()
endforeach()
if(_failed)
  message(FATAL_ERROR "fuzzers failed: ${_failed}")
endif()
