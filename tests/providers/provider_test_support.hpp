// SPDX-License-Identifier: BSL-1.0
// Helpers shared by the provider trait tests: canned responses, a request's JSON body read back
// as a generic value, and small accessors for its members.
#pragma once

#include <reel/http/message.hpp>
#include <reel/job/error.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/json/read.hpp>
#include <reel/json/value.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

// Readable gtest output for the job enums (found by argument-dependent lookup).
namespace reel::job {
inline void PrintTo(Errc e, std::ostream* os) {
  *os << "Errc(" << static_cast<int>(e) << ": " << make_error_code(e).message() << ")";
}
inline void PrintTo(Phase p, std::ostream* os) {
  switch (p) {
    case Phase::queued: *os << "Phase::queued"; return;
    case Phase::running: *os << "Phase::running"; return;
    case Phase::ready: *os << "Phase::ready"; return;
    case Phase::failed: *os << "Phase::failed"; return;
  }
  *os << "Phase(" << static_cast<int>(p) << ")";
}
}  // namespace reel::job

namespace reel_provider_test {

/// A buffered response with `status`, `body` and (unless empty) a Content-Type.
inline reel::http::Response response(int status, std::string body, std::string_view content_type = "application/json") {
  reel::http::Response r;
  r.head.status = status;
  if (!content_type.empty()) r.head.headers.add("Content-Type", content_type);
  r.head.content_length = body.size();
  r.body_bytes = body.size();
  r.body = std::move(body);
  return r;
}

/// The request's body read back as generic JSON (a failed read is a test failure).
inline reel::json::Value body_json(const reel::http::Request& r) {
  reel::json::Value v;
  const reel::json::Error e = reel::json::read(r.body, v);
  EXPECT_FALSE(e) << e.message() << "\nbody: " << r.body;
  EXPECT_TRUE(v.is_object()) << r.body;
  return v;
}

/// The member names of a JSON object, in order.
inline std::vector<std::string> keys(const reel::json::Value& v) {
  std::vector<std::string> out;
  if (const reel::json::Object* o = v.if_object()) {
    for (const auto& [k, member] : *o) out.push_back(k);
  }
  return out;
}

/// The string member `key`, or "<absent>" / "<not a string>".
inline std::string str(const reel::json::Value& v, std::string_view key) {
  const reel::json::Value* m = v.find(key);
  if (m == nullptr) return "<absent>";
  if (const std::string* s = m->if_string()) return *s;
  return "<not a string>";
}

/// The integer member `key`, if it is one.
inline std::optional<std::int64_t> integer(const reel::json::Value& v, std::string_view key) {
  const reel::json::Value* m = v.find(key);
  if (m == nullptr || m->if_number() == nullptr) return std::nullopt;
  return m->if_number()->to_int64();
}

/// The boolean member `key`, if it is one.
inline std::optional<bool> boolean(const reel::json::Value& v, std::string_view key) {
  const reel::json::Value* m = v.find(key);
  if (m == nullptr || m->if_bool() == nullptr) return std::nullopt;
  return *m->if_bool();
}

/// Whether `haystack` contains `needle`.
inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

/// The error code as an `Errc`, for readable comparisons.
inline reel::job::Errc errc(const reel::job::JobError& e) {
  EXPECT_EQ(e.code.category(), reel::job::job_category()) << e.code.category().name();
  return static_cast<reel::job::Errc>(e.code.value());
}

}  // namespace reel_provider_test
