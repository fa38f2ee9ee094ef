# libFuzzer targets for the HTTP building blocks (Clang only; included from tests/http):
#   fuzz_http_response  bytes -> ResponseParser, one-shot vs random pieces must agree
#   fuzz_url            bytes -> parse_url / resolve_redirect / percent-encoding invariants
# Seeds: tests/http/fuzz_seeds/<response|url>/; new inputs go to the build tree.
#
# Long run by hand (the first directory is the writable corpus):
#   build/httpfuzz/tests/http/fuzz_http_response -dict=tests/http/http.dict -max_len=4096 -max_total_time=660 \
#     build/httpfuzz/tests/http/corpus/fuzz_http_response tests/http/fuzz_seeds/response
if(REEL_BUILD_FUZZERS AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  if(NOT DEFINED REEL_FUZZ_SMOKE_SECONDS)
    set(REEL_FUZZ_SMOKE_SECONDS 20)
  endif()
  set(_reel_http_fuzzers fuzz_http_response fuzz_url)
  foreach(_fuzzer IN LISTS _reel_http_fuzzers)
    add_executable(${_fuzzer} ${PROJECT_SOURCE_DIR}/tests/fuzz/${_fuzzer}.cpp)
    target_link_libraries(${_fuzzer} PRIVATE reel::reel reel_internal_flags)
    target_compile_options(${_fuzzer} PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
      -fno-sanitize=function -fno-omit-frame-pointer)
    target_link_options(${_fuzzer} PRIVATE -fsanitize=fuzzer,address,undefined -fno-sanitize=function)
  endforeach()
  add_custom_target(reel_http_fuzzers DEPENDS ${_reel_http_fuzzers})

  math(EXPR _reel_http_fuzz_timeout "(${REEL_FUZZ_SMOKE_SECONDS} + 60) * 2")
  add_test(NAME fuzz_smoke_http
    COMMAND ${CMAKE_COMMAND}
      -DFUZZ_BIN_DIR=$<TARGET_FILE_DIR:fuzz_http_response>
      -DFUZZERS=fuzz_http_response:response,fuzz_url:url
      -DSECONDS=${REEL_FUZZ_SMOKE_SECONDS}
      -DMAX_LEN=4096
      -DSEEDS_DIR=${CMAKE_CURRENT_LIST_DIR}/fuzz_seeds
      -DDICT=${CMAKE_CURRENT_LIST_DIR}/http.dict
      -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}
      -P ${PROJECT_SOURCE_DIR}/tests/fuzz/run_fuzz_smoke.cmake)
  set_tests_properties(fuzz_smoke_http PROPERTIES LABELS fuzz TIMEOUT ${_reel_http_fuzz_timeout})
endif()
