// SPDX-License-Identifier: BSL-1.0
#include <reel/http/url.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace {

using reel::http::Errc;
using reel::http::parse_url;
using reel::http::resolve_redirect;
using reel::http::Url;

Url must_parse(std::string_view text) {
  auto r = parse_url(text);
  EXPECT_TRUE(r) << "url: " << text << "\nerror: " << (r ? std::string() : r.error().message());
  return r ? *r : Url{};
}

void expect_error(std::string_view text, Errc code) {
  auto r = parse_url(text);
  ASSERT_FALSE(r) << "url: " << text << " parsed, target " << r->target;
  EXPECT_EQ(r.error(), make_error_code(code)) << "url: " << text << "\ngot: " << r.error().message();
}

TEST(Url, ParsesSchemeHostPortAndTarget) {
  const Url u = must_parse("https://API.Example.com/v1/jobs?id=7&x=%2F#frag");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "api.example.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_FALSE(u.is_ipv6);
  EXPECT_EQ(u.target, "/v1/jobs?id=7&x=%2F");
  EXPECT_EQ(u.path(), "/v1/jobs");
  EXPECT_EQ(u.query(), "id=7&x=%2F");
  EXPECT_TRUE(u.is_https());
  EXPECT_EQ(u.origin(), "https://api.example.com:443");
  EXPECT_EQ(u.host_header(), "api.example.com");

  const Url h = must_parse("HTTP://example.com");
  EXPECT_EQ(h.scheme, "http");
  EXPECT_EQ(h.port, 80);
  EXPECT_EQ(h.target, "/");
  EXPECT_FALSE(h.has_query());
  EXPECT_EQ(h.origin(), "http://example.com:80");
}

TEST(Url, ExplicitPortsAndHostHeader) {
  const Url u = must_parse("http://example.com:8080/a");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.host_header(), "example.com:8080");
  EXPECT_EQ(must_parse("https://example.com:443/").host_header(), "example.com");
  EXPECT_EQ(must_parse("http://example.com:443/").host_header(), "example.com:443");
  EXPECT_EQ(must_parse("http://example.com:080/").port, 80);
  EXPECT_EQ(must_parse("http://example.com:65535/").port, 65535);
  EXPECT_EQ(must_parse("http://127.0.0.1:8000/x").host, "127.0.0.1");
  EXPECT_EQ(must_parse("http://example.com./").host, "example.com.");
  EXPECT_EQ(must_parse("http://my_host-1.local/").host, "my_host-1.local");
}

TEST(Url, Ipv6Literals) {
  const Url u = must_parse("https://[2001:DB8::1]/v");
  EXPECT_TRUE(u.is_ipv6);
  EXPECT_EQ(u.host, "2001:db8::1");
  EXPECT_EQ(u.host_header(), "[2001:db8::1]");
  EXPECT_EQ(u.origin(), "https://[2001:db8::1]:443");
  const Url l = must_parse("http://[::1]:8080");
  EXPECT_EQ(l.host, "::1");
  EXPECT_EQ(l.port, 8080);
  EXPECT_EQ(l.host_header(), "[::1]:8080");
  EXPECT_EQ(must_parse("http://[::]/").host, "::");
  EXPECT_EQ(must_parse("http://[::ffff:192.0.2.1]/").host, "::ffff:192.0.2.1");
  EXPECT_EQ(must_parse("http://[1:2:3:4:5:6:7:8]/").host, "1:2:3:4:5:6:7:8");
  EXPECT_EQ(must_parse("http://[1::]/").host, "1::");
  EXPECT_EQ(must_parse("http://[1:2:3:4:5:6::8]/").host, "1:2:3:4:5:6::8");
}

TEST(Url, TargetsQueriesDotSegmentsAndFragments) {
  EXPECT_EQ(must_parse("http://h?x=1").target, "/?x=1");
  EXPECT_EQ(must_parse("http://h/?").target, "/?");
  EXPECT_TRUE(must_parse("http://h/?").has_query());
  EXPECT_EQ(must_parse("http://h#top").target, "/");
  EXPECT_EQ(must_parse("http://h/a/b/../c/./d").target, "/a/c/d");
  EXPECT_EQ(must_parse("http://h/../x").target, "/x");
  EXPECT_EQ(must_parse("http://h/a/..").target, "/");
  EXPECT_EQ(must_parse("http://h/a?b/../c").target, "/a?b/../c");
  EXPECT_EQ(must_parse("http://h/a%20b/~user;v=1:x@y!$&'()*+,=").target, "/a%20b/~user;v=1:x@y!$&'()*+,=");
  EXPECT_EQ(must_parse("http://h/p?q=a?b/c:d@e").target, "/p?q=a?b/c:d@e");
  EXPECT_EQ(must_parse("http://h//double").target, "//double");
}

TEST(Url, RejectsBadInput) {
  expect_error("", Errc::bad_url);
  expect_error("example.com/path", Errc::bad_url);
  expect_error("/relative", Errc::bad_url);
  expect_error("1http://h/", Errc::bad_url);
  expect_error("ftp://example.com/", Errc::unsupported_scheme);
  expect_error("file:///etc/passwd", Errc::unsupported_scheme);
  expect_error("javascript:alert(1)", Errc::unsupported_scheme);
  expect_error("http:/example.com", Errc::bad_url);
  expect_error("http:example.com", Errc::bad_url);
  expect_error("https://user:pass@example.com/", Errc::url_credentials);
  expect_error("https://user@example.com/", Errc::url_credentials);
  expect_error("https://@example.com/", Errc::url_credentials);
  expect_error("http:///path", Errc::bad_url);
  expect_error("http://", Errc::bad_url);
  expect_error("http://:80/", Errc::bad_url);
  expect_error("http://h:/", Errc::bad_url);
  expect_error("http://h:abc/", Errc::bad_url);
  expect_error("http://h:8o/", Errc::bad_url);
  expect_error("http://h:-1/", Errc::bad_url);
  expect_error("http://h:0/", Errc::bad_url);
  expect_error("http://h:65536/", Errc::bad_url);
  expect_error("http://h:99999999999999999999999999/", Errc::bad_url);
  expect_error("http://h:80:80/", Errc::bad_url);
}

TEST(Url, RejectsBadHosts) {
  expect_error("http://[::1/", Errc::bad_url);
  expect_error("http://[]/", Errc::bad_url);
  expect_error("http://[1:2:3:4:5:6:7:8:9]/", Errc::bad_url);
  expect_error("http://[1:2:3:4:5:6:7]/", Errc::bad_url);
  expect_error("http://[::1::2]/", Errc::bad_url);
  expect_error("http://[:::1]/", Errc::bad_url);
  expect_error("http://[:1]/", Errc::bad_url);
  expect_error("http://[1:]/", Errc::bad_url);
  expect_error("http://[12345::]/", Errc::bad_url);
  expect_error("http://[g::1]/", Errc::bad_url);
  expect_error("http://[fe80::1%25eth0]/", Errc::bad_url);
  expect_error("http://[::1]x/", Errc::bad_url);
  expect_error("http://[::1.2.3]/", Errc::bad_url);
  expect_error("http://[::1.2.3.4:5]/", Errc::bad_url);
  expect_error("http://[v1.x]/", Errc::bad_url);
  expect_error("http://::1/", Errc::bad_url);
  expect_error("http://a..b/", Errc::bad_url);
  expect_error("http://.a/", Errc::bad_url);
  expect_error("http://./", Errc::bad_url);
  expect_error("http://a../", Errc::bad_url);
  expect_error("http://1.2.3/", Errc::bad_url);
  expect_error("http://256.1.1.1/", Errc::bad_url);
  expect_error("http://01.2.3.4/", Errc::bad_url);
  expect_error("http://1.2.3.4.5/", Errc::bad_url);
  expect_error("http://2130706433/", Errc::bad_url);
  expect_error("http://0x7f.1/", Errc::bad_url);
  expect_error("http://example.123/", Errc::bad_url);
  expect_error("http://ex%41mple.com/", Errc::bad_url);
  expect_error("http://ex!ample.com/", Errc::bad_url);
}

TEST(Url, RejectsCharactersThatNeedPercentEncoding) {
  expect_error("http://h/a b", Errc::bad_url);
  expect_error(" http://h/", Errc::bad_url);
  expect_error("http://h/\t", Errc::bad_url);
  expect_error(std::string_view("http://h/\0", 10), Errc::bad_url);
  expect_error("http://h/\x01", Errc::bad_url);
  expect_error("http://h/\x7f", Errc::bad_url);
  expect_error("http://h/caf\xc3\xa9", Errc::bad_url);
  expect_error("http://h/\r\nX-Injected: 1", Errc::bad_url);
  expect_error("http://h\r\n/", Errc::bad_url);
  for (const char* bad : {"\"", "<", ">", "\\", "^", "`", "{", "|", "}", "[", "]"}) {
    expect_error(std::string("http://h/a") + bad, Errc::bad_url);
    expect_error(std::string("http://h/?q=") + bad, Errc::bad_url);
  }
  expect_error("http://h/#a#b", Errc::bad_url);
  expect_error("http://h/%G1", Errc::bad_url);
  expect_error("http://h/%4", Errc::bad_url);
  expect_error("http://h/%", Errc::bad_url);
  expect_error("http://h/?q=%zz", Errc::bad_url);
  expect_error("http://h/#%x", Errc::bad_url);
}

TEST(Url, OriginPlusTargetReparsesEqual) {
  for (const char* text : {"https://API.example.com/v1/x?y=1#f", "http://h:8080", "http://[::1]:9/a/../b?c",
                           "https://[2001:db8::7]", "http://10.0.0.1:80/?", "http://h//a//b", "http://example.com./x"}) {
    const Url u = must_parse(text);
    EXPECT_EQ(must_parse(u.origin() + u.target), u) << text;
  }
}

TEST(Url, PercentEncode) {
  EXPECT_EQ(reel::http::percent_encode("a b/c~d-e.f_g", false), "a%20b%2Fc~d-e.f_g");
  EXPECT_EQ(reel::http::percent_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(reel::http::percent_encode("caf\xc3\xa9?&=#%+", false), "caf%C3%A9%3F%26%3D%23%25%2B");
  EXPECT_EQ(reel::http::percent_encode(std::string_view("\0\n", 2), false), "%00%0A");
  EXPECT_EQ(reel::http::percent_encode("", false), "");
}

TEST(Url, PercentDecode) {
  EXPECT_EQ(*reel::http::percent_decode("a%20b%2f%2F+c"), "a b//+c");
  EXPECT_EQ(*reel::http::percent_decode("%00"), std::string_view("\0", 1));
  EXPECT_EQ(*reel::http::percent_decode(""), "");
  for (const char* bad : {"%", "%4", "%G1", "%1G", "abc%", "abc%f", "%%41"}) {
    auto r = reel::http::percent_decode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), make_error_code(Errc::bad_url));
  }
}

TEST(Url, PercentEncodingRoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (const bool keep_slash : {false, true}) {
    const std::string encoded = reel::http::percent_encode(all, keep_slash);
    EXPECT_EQ(must_parse("http://h/" + encoded).target, "/" + encoded);
    EXPECT_EQ(*reel::http::percent_decode(encoded), all);
  }
}

// RFC 3986 §5.4 reference resolution examples.
TEST(Redirect, Rfc3986Examples) {
  const Url base = must_parse("http://a/b/c/d;p?q");
  const std::pair<const char*, const char*> cases[] = {
      {"g", "http://a/b/c/g"}, {"./g", "http://a/b/c/g"}, {"g/", "http://a/b/c/g/"}, {"/g", "http://a/g"},
      {"//g", "http://g"}, {"?y", "http://a/b/c/d;p?y"}, {"g?y", "http://a/b/c/g?y"}, {"#s", "http://a/b/c/d;p?q"},
      {"g#s", "http://a/b/c/g"}, {"g?y#s", "http://a/b/c/g?y"}, {";x", "http://a/b/c/;x"}, {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y"}, {".", "http://a/b/c/"}, {"./", "http://a/b/c/"}, {"..", "http://a/b/"},
      {"../", "http://a/b/"}, {"../g", "http://a/b/g"}, {"../..", "http://a/"}, {"../../", "http://a/"},
      {"../../g", "http://a/g"},
      // abnormal examples (§5.4.2)
      {"../../../g", "http://a/g"}, {"../../../../g", "http://a/g"}, {"/./g", "http://a/g"}, {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."}, {".g", "http://a/b/c/.g"}, {"g..", "http://a/b/c/g.."}, {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"}, {"./g/.", "http://a/b/c/g/"}, {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"}, {"g;x=1/./y", "http://a/b/c/g;x=1/y"}, {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"}, {"g?y/../x", "http://a/b/c/g?y/../x"}, {"g#s/./x", "http://a/b/c/g"},
      {"g#s/../x", "http://a/b/c/g"}};
  for (const auto& [ref, expected] : cases) {
    auto r = resolve_redirect(base, ref);
    ASSERT_TRUE(r) << ref << ": " << r.error().message();
    EXPECT_EQ(*r, must_parse(expected)) << ref << " -> " << r->origin() << r->target;
  }
}

TEST(Redirect, AbsoluteAndSchemeRelative) {
  const Url base = must_parse("https://api.example.com:8443/v1/jobs/7");
  EXPECT_EQ(*resolve_redirect(base, "http://cdn.example.net/v.mp4?sig=1"), must_parse("http://cdn.example.net/v.mp4?sig=1"));
  EXPECT_EQ(*resolve_redirect(base, "//cdn.example.net/v.mp4"), must_parse("https://cdn.example.net/v.mp4"));
  EXPECT_EQ(*resolve_redirect(base, "/v2/jobs/7"), must_parse("https://api.example.com:8443/v2/jobs/7"));
  EXPECT_EQ(*resolve_redirect(base, "result"), must_parse("https://api.example.com:8443/v1/jobs/result"));
  EXPECT_EQ(*resolve_redirect(base, "?page=2"), must_parse("https://api.example.com:8443/v1/jobs/7?page=2"));
  const Url v6 = must_parse("http://[::1]:8080/a/b");
  EXPECT_EQ(*resolve_redirect(v6, "../c"), must_parse("http://[::1]:8080/c"));
}

TEST(Redirect, RejectsBadLocations) {
  const Url base = must_parse("https://h/a");
  const std::pair<std::string_view, Errc> cases[] = {
      {"", Errc::bad_url},
      {"ftp://h/x", Errc::unsupported_scheme},
      {"mailto:x@y", Errc::unsupported_scheme},
      {"http://user:pw@evil/", Errc::url_credentials},
      {"//user@evil/", Errc::url_credentials},
      {"/a b", Errc::bad_url},
      {"/%zz", Errc::bad_url},
      {"x\r\nSet-Cookie: a=b", Errc::bad_url},
      {"\\\\evil.com", Errc::bad_url},
      {"/caf\xc3\xa9", Errc::bad_url},
      {"http:relative", Errc::bad_url},
      {"//", Errc::bad_url},
  };
  for (const auto& [location, code] : cases) {
    auto r = resolve_redirect(base, location);
    ASSERT_FALSE(r) << location;
    EXPECT_EQ(r.error(), make_error_code(code)) << location << ": " << r.error().message();
  }
}

TEST(Url, ErrorCategory) {
  const std::error_code ec = Errc::url_credentials;
  EXPECT_STREQ(ec.category().name(), "reel.http");
  EXPECT_NE(ec.message().find("credentials"), std::string::npos);
  EXPECT_EQ(std::error_code(Errc::tls_verification_failed).message(), "TLS certificate verification failed");
  EXPECT_EQ(make_error_code(static_cast<Errc>(9999)).message(), "unknown reel.http error");
}

}  // namespace
