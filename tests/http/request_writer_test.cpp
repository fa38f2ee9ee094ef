// SPDX-License-Identifier: BSL-1.0
#include <reel/http/request_writer.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using reel::http::Errc;
using reel::http::Fields;
using reel::http::Url;
using reel::http::write_request_head;

Url url(std::string_view text) { return *reel::http::parse_url(text); }

TEST(RequestWriter, Get) {
  std::string out;
  Fields headers;
  headers.add("Accept", "application/json");
  headers.add("Authorization", "Bearer k-123");
  auto n = write_request_head(out, "GET", url("https://api.example.com/v1/jobs/7?x=1"), headers, std::nullopt);
  ASSERT_TRUE(n);
  EXPECT_EQ(out,
            "GET /v1/jobs/7?x=1 HTTP/1.1\r\n"
            "Host: api.example.com\r\n"
            "Accept: application/json\r\n"
            "Authorization: Bearer k-123\r\n"
            "\r\n");
  EXPECT_EQ(*n, out.size());
}

TEST(RequestWriter, PostAppendsWithContentLength) {
  std::string out = "previous";
  Fields headers;
  headers.add("Content-Type", "application/json");
  auto n = write_request_head(out, "POST", url("http://[::1]:8080/submit"), headers, 42);
  ASSERT_TRUE(n);
  const std::string expected =
      "POST /submit HTTP/1.1\r\n"
      "Host: [::1]:8080\r\n"
      "Content-Type: application/json\r\n"
      "Content-Length: 42\r\n"
      "\r\n";
  EXPECT_EQ(out, "previous" + expected);
  EXPECT_EQ(*n, expected.size());
}

TEST(RequestWriter, ZeroAndHugeContentLength) {
  std::string out;
  ASSERT_TRUE(write_request_head(out, "PUT", url("http://h:81/"), {}, 0));
  EXPECT_EQ(out, "PUT / HTTP/1.1\r\nHost: h:81\r\nContent-Length: 0\r\n\r\n");
  out.clear();
  ASSERT_TRUE(write_request_head(out, "PUT", url("http://h/"), {}, UINT64_MAX));
  EXPECT_NE(out.find("Content-Length: 18446744073709551615\r\n"), std::string::npos);
}

TEST(RequestWriter, ObsTextAndEmptyValuesAreAllowed) {
  std::string out;
  Fields headers;
  headers.add("X-Name", "caf\xc3\xa9");
  headers.add("X-Empty", "");
  ASSERT_TRUE(write_request_head(out, "GET", url("http://h/"), headers, std::nullopt));
  EXPECT_NE(out.find("X-Name: caf\xc3\xa9\r\nX-Empty: \r\n"), std::string::npos);
}

void expect_rejected(std::string_view method, const Url& target, const Fields& headers, Errc code) {
  std::string out = "untouched";
  auto r = write_request_head(out, method, target, headers, 5);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(code)) << r.error().message();
  EXPECT_EQ(out, "untouched");
}

Fields one(std::string_view name, std::string_view value) {
  Fields f;
  f.add("Accept", "*/*");
  f.add(name, value);
  return f;
}

TEST(RequestWriter, RejectsBadMethods) {
  const Url u = url("http://h/");
  for (const std::string_view m : {std::string_view(""), std::string_view("GET "), std::string_view("G ET"),
                                   std::string_view("GET\r\nX: y"), std::string_view("GET\0", 4),
                                   std::string_view("GET/"), std::string_view("G\xc3\xa9T")}) {
    expect_rejected(m, u, {}, Errc::bad_method);
  }
}

TEST(RequestWriter, RejectsBadHeaderNames) {
  const Url u = url("http://h/");
  for (const std::string_view name : {std::string_view(""), std::string_view("X Y"), std::string_view("X:"),
                                      std::string_view("X\r\nY"), std::string_view("X\0", 2),
                                      std::string_view("X-\xc3\xa9"), std::string_view("(x)")}) {
    expect_rejected("GET", u, one(name, "v"), Errc::bad_header_name);
  }
}

TEST(RequestWriter, RejectsHeaderInjection) {
  const Url u = url("http://h/");
  for (const std::string_view value : {std::string_view("a\r\nX-Injected: 1"), std::string_view("a\nb"),
                                       std::string_view("a\rb"), std::string_view("a\0b", 3),
                                       std::string_view("a\x7f"), std::string_view("\x1b[31m")}) {
    expect_rejected("GET", u, one("X-Value", value), Errc::bad_header_value);
  }
}

TEST(RequestWriter, RejectsReservedHeaders) {
  const Url u = url("http://h/");
  for (const std::string_view name : {"Host", "host", "Content-Length", "CONTENT-LENGTH", "Transfer-Encoding",
                                      "transfer-encoding"}) {
    expect_rejected("POST", u, one(name, "1"), Errc::reserved_header);
  }
}

TEST(RequestWriter, RejectsUnsafeHandMadeUrls) {
  Url u = url("http://h/");
  u.target = "/a\r\nX-Injected: 1";
  expect_rejected("GET", u, {}, Errc::bad_url);
  u.target = "";
  expect_rejected("GET", u, {}, Errc::bad_url);
  u.target = "http://h/";
  expect_rejected("GET", u, {}, Errc::bad_url);
  u.target = "/a b";
  expect_rejected("GET", u, {}, Errc::bad_url);
  u.target = "/#frag";
  expect_rejected("GET", u, {}, Errc::bad_url);
  u = url("http://h/");
  u.host = "h\r\nX: y";
  expect_rejected("GET", u, {}, Errc::bad_url);
  u.host = "";
  expect_rejected("GET", u, {}, Errc::bad_url);
  u = url("http://h/");
  u.port = 0;
  expect_rejected("GET", u, {}, Errc::bad_url);
}

}  // namespace
