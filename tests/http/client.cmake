# SPDX-License-Identifier: BSL-1.0
# reel::http::Client integration tests against an in-process server on 127.0.0.1 (label
# `integration`). TLS tests read the certificates of the `http_certs` fixture from
# REEL_TEST_CERTS and skip themselves when they are missing. The client needs OpenSSL.
if(REEL_WITH_OPENSSL)
  add_executable(reel_http_client_tests client_test.cpp)
  target_link_libraries(reel_http_client_tests PRIVATE
    reel::reel reel_internal_flags GTest::gtest GTest::gtest_main OpenSSL::SSL OpenSSL::Crypto)
  gtest_discover_tests(reel_http_client_tests
    DISCOVERY_TIMEOUT 60
    PROPERTIES
      LABELS integration
      TIMEOUT 60
      FIXTURES_REQUIRED http_certs
      ENVIRONMENT "REEL_TEST_CERTS=${CMAKE_CURRENT_BINARY_DIR}/certs")
endif()
