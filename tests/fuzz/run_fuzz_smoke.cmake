# Runs each fuzzer for SECONDS seconds (cmake -P, called by the fuzz_smoke test).
# Inputs: FUZZ_BIN_DIR, FUZZERS (comma separated), SECONDS, SEEDS_DIR, DICT, JTS_DIR, WORK_DIR.
# Each fuzzer writes new inputs to WORK_DIR/corpus/<fuzzer> and crash artifacts to
# WORK_DIR/artifacts/; seeds come from SEEDS_DIR/<value|typed> and JTS_DIR (when present).
string(REPLACE "," ";" _fuzzers "${FUZZERS}")
set(_failed "")
foreach(_fuzzer IN LISTS _fuzzers)
  string(REGEX REPLACE "^fuzz_json_" "" _kind "${_fuzzer}")
  set(_corpus "${WORK_DIR}/corpus/${_fuzzer}")
  file(MAKE_DIRECTORY "${_corpus}" "${WORK_DIR}/artifacts")
  set(_dirs "${_corpus}")
  foreach(_seed_dir "${SEEDS_DIR}/${_kind}" "${SEEDS_DIR}/regressions" "${JTS_DIR}")
    if(IS_DIRECTORY "${_seed_dir}")
      list(APPEND _dirs "${_seed_dir}")
    endif()
  endforeach()
  message(STATUS "${_fuzzer}: ${SECONDS} s over ${_dirs}")
  execute_process(
    COMMAND "${FUZZ_BIN_DIR}/${_fuzzer}" -max_total_time=${SECONDS} -max_len=8192 -timeout=10 -rss_limit_mb=2048
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
