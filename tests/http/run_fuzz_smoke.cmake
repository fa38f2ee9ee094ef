# Runs fuzz_http_response and fuzz_url for SECONDS seconds each (cmake -P, called by the
# fuzz_smoke_http test). Inputs: FUZZ_BIN_DIR, SECONDS, SEEDS_DIR, DICT, WORK_DIR.
# New inputs go to WORK_DIR/corpus/<fuzzer>, crash artifacts to WORK_DIR/artifacts/.
set(_failed "")
foreach(_pair "fuzz_http_response:response" "fuzz_url:url")
  string(REPLACE ":" ";" _pair "${_pair}")
  list(GET _pair 0 _fuzzer)
  list(GET _pair 1 _kind)
  set(_corpus "${WORK_DIR}/corpus/${_fuzzer}")
  file(MAKE_DIRECTORY "${_corpus}" "${WORK_DIR}/artifacts")
  message(STATUS "${_fuzzer}: ${SECONDS} s")
  execute_process(
    COMMAND "${FUZZ_BIN_DIR}/${_fuzzer}" -max_total_time=${SECONDS} -max_len=4096 -timeout=10 -rss_limit_mb=2048
            -dict=${DICT} -print_final_stats=1 -artifact_prefix=${WORK_DIR}/artifacts/${_fuzzer}-
            "${_corpus}" "${SEEDS_DIR}/${_kind}"
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
