// SPDX-License-Identifier: BSL-1.0
// Unit tests of the simulator's HTTP/1.1 request parser (reel_sim::parse_request) and of the
// Request helpers query_param() and bearer().
#include <reel_sim/request_parser.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace {

using reel_sim::parse_request;
using reel_sim::ParseResult;
using reel_sim::Request;
using reel_sim::RequestLimits;

ParseResult parse(std::string_view in, Request& out, const RequestLimits& limits = {}) {
  return parse_request(in, out, limits);
}

ParseResult parse(std::string_view in) {
  Request r;
  return parse_request(in, r);
}

// Expects an error with `status` whose message contains `what`.
void expect_error(std::string_view in, int status, std::string_view what, const RequestLimits& limits = {}) {
  Request r;
  const ParseResult p = parse_request(in, r, limits);
  EXPECT_EQ(p.kind, ParseResult::error) << testing::PrintToString(std::string(in));
  EXPECT_EQ(p.status, status) << testing::PrintToString(std::string(in)) << " -> " << p.message;
  EXPECT_NE(p.message.find(what), std::string::npos)
      << testing::PrintToString(std::string(in)) << ": message \"" << p.message << "\" lacks \"" << what << "\"";
}

// Every strict prefix of `in` is need_more, and the whole of it is done with all bytes consumed.
void expect_need_more_at_every_split(std::string_view in) {
  for (std::size_t n = 0; n < in.size(); ++n) {
    Request r;
    const ParseResult p = parse_request(in.substr(0, n), r);
    EXPECT_EQ(p.kind, ParseResult::need_more)
        << "prefix of " << n << " bytes: " << testing::PrintToString(std::string(in.substr(0, n))) << " -> "
        << p.status << " " << p.message;
  }
  Request r;
  const ParseResult p = parse_request(in, r);
  EXPECT_EQ(p.kind, ParseResult::done) << p.message;
  EXPECT_EQ(p.consumed, in.size());
}

// ---- request line ------------------------------------------------------------------------------

TEST(RequestParser, ParsesRequestLine) {
  Request r;
  const std::string in = "GET /api/v1/models?type=video&x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const ParseResult p = parse(in, r);
  ASSERT_EQ(p.kind, ParseResult::done) << p.message;
  EXPECT_EQ(p.consumed, in.size());
  EXPECT_FALSE(p.expect_continue);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/api/v1/models?type=video&x=1");
  EXPECT_EQ(r.path, "/api/v1/models");
  EXPECT_EQ(r.query, "type=video&x=1");
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.tls);
}

TEST(RequestParser, PercentDecodesPathButKeepsPlusAndRawQuery) {
  Request r;
  ASSERT_EQ(parse("GET /a%20b/c+d/%2F%zz?q=a%20b+c HTTP/1.1\r\n\r\n", r).kind, ParseResult::done);
  EXPECT_EQ(r.target, "/a%20b/c+d/%2F%zz?q=a%20b+c");
  EXPECT_EQ(r.path, "/a b/c+d//%zz");  // '+' is literal in a path; an invalid escape stays as is
  EXPECT_EQ(r.query, "q=a%20b+c");      // the raw query, undecoded
}

TEST(RequestParser, TargetWithoutQueryHasEmptyQuery) {
  Request r;
  ASSERT_EQ(parse("DELETE /openai/v1/videos/video_1 HTTP/1.1\r\n\r\n", r).kind, ParseResult::done);
  EXPECT_EQ(r.method, "DELETE");
  EXPECT_EQ(r.path, "/openai/v1/videos/video_1");
  EXPECT_EQ(r.query, "");
  EXPECT_FALSE(r.query_param("x"));
}

TEST(RequestParser, EmptyQueryAfterQuestionMark) {
  Request r;
  ASSERT_EQ(parse("GET /x? HTTP/1.1\r\n\r\n", r).kind, ParseResult::done);
  EXPECT_EQ(r.path, "/x");
  EXPECT_EQ(r.query, "");
}

TEST(RequestParser, AcceptsAnyTokenMethod) {
  const std::vector<std::string> methods = {"GET",   "HEAD",  "POST",     "PUT",           "DELETE",
                                            "OPTIONS", "PATCH", "M-SEARCH", "x!#$%&'*+.^_`|~"};
  for (const std::string& method : methods) {
    Request r;
    const ParseResult p = parse(method + " / HTTP/1.1\r\n\r\n", r);
    ASSERT_EQ(p.kind, ParseResult::done) << method << ": " << p.message;
    EXPECT_EQ(r.method, method);
  }
}

TEST(RequestParser, ToleratesEmptyLinesBeforeTheRequest) {
  Request r;
  const std::string in = "\r\n\r\nGET /x HTTP/1.1\r\nContent-Length: 2\r\n\r\nok";
  const ParseResult p = parse(in, r);
  ASSERT_EQ(p.kind, ParseResult::done) << p.message;
  EXPECT_EQ(p.consumed, in.size());
  EXPECT_EQ(r.path, "/x");
  EXPECT_EQ(r.body, "ok");
  // Only the empty lines so far: still waiting.
  EXPECT_EQ(parse("\r\n").kind, ParseResult::need_more);
  EXPECT_EQ(parse("\r\n\r\n").kind, ParseResult::need_more);
}

TEST(RequestParser, HttpVersions) {
  EXPECT_EQ(parse("GET / HTTP/1.0\r\n\r\n").kind, ParseResult::done);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n\r\n").kind, ParseResult::done);
  expect_error("GET / HTTP/2.0\r\n\r\n", 400, "unsupported HTTP version");
  expect_error("GET / HTTP/1.2\r\n\r\n", 400, "unsupported HTTP version");
  expect_error("GET / http/1.1\r\n\r\n", 400, "unsupported HTTP version");
  expect_error("GET / HTTP/1.1x\r\n\r\n", 400, "unsupported HTTP version");
  expect_error("GET / \r\n\r\n", 400, "unsupported HTTP version");
}

TEST(RequestParser, MalformedRequestLine) {
  expect_error("GET /\r\n\r\n", 400, "malformed request line");
  expect_error("GET\r\n\r\n", 400, "malformed request line");
  expect_error("GET  / HTTP/1.1\r\n\r\n", 400, "malformed request line");      // two spaces
  expect_error("GET / HTTP/1.1 \r\n\r\n", 400, "malformed request line");      // trailing space
  expect_error("GET / x HTTP/1.1\r\n\r\n", 400, "malformed request line");     // space in target
  expect_error("GET\t/\tHTTP/1.1\r\n\r\n", 400, "malformed request line");     // tabs are no separators
}

TEST(RequestParser, MalformedMethod) {
  expect_error("G(T / HTTP/1.1\r\n\r\n", 400, "malformed method");
  expect_error("GE\"T / HTTP/1.1\r\n\r\n", 400, "malformed method");
  expect_error("G\x01T / HTTP/1.1\r\n\r\n", 400, "malformed method");
  expect_error("G\x80T / HTTP/1.1\r\n\r\n", 400, "malformed method");
  // An empty method (line starting with a space) is refused too.
  Request r;
  const ParseResult p = parse(" / HTTP/1.1\r\n\r\n", r);
  EXPECT_EQ(p.kind, ParseResult::error);
  EXPECT_EQ(p.status, 400);
}

TEST(RequestParser, MalformedTarget) {
  expect_error("GET x HTTP/1.1\r\n\r\n", 400, "malformed target");
  expect_error("OPTIONS * HTTP/1.1\r\n\r\n", 400, "malformed target");
  expect_error("GET /a\x01 HTTP/1.1\r\n\r\n", 400, "malformed target");
  expect_error("GET /a\x7f HTTP/1.1\r\n\r\n", 400, "malformed target");
  expect_error("GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", 400, "malformed target");
}

// ---- header fields -----------------------------------------------------------------------------

TEST(RequestParser, HeaderFieldsTrimmedAndKeptInOrder) {
  Request r;
  const std::string in =
      "POST /x HTTP/1.1\r\n"
      "Host: 127.0.0.1:8080\r\n"
      "X-Spaces:   padded value \t \r\n"
      "X-Empty:\r\n"
      "X-Tab:\ta\tb\r\n"
      "Accept: a\r\n"
      "accept: b\r\n"
      "X-Colon: a:b:c\r\n"
      "\r\n";
  const ParseResult p = parse(in, r);
  ASSERT_EQ(p.kind, ParseResult::done) << p.message;
  EXPECT_EQ(r.headers.find("host"), "127.0.0.1:8080");
  EXPECT_EQ(r.headers.find("X-Spaces"), "padded value");
  EXPECT_EQ(r.headers.find("X-Empty"), "");
  EXPECT_EQ(r.headers.find("X-Tab"), "a\tb");
  EXPECT_EQ(r.headers.count("ACCEPT"), 2u);
  EXPECT_EQ(r.headers.find("Accept"), "a");  // the first of repeated fields
  EXPECT_EQ(r.headers.find("X-Colon"), "a:b:c");
  EXPECT_EQ(r.headers.size(), 7u);
  std::vector<std::string> names;
  for (const auto& f : r.headers) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Host", "X-Spaces", "X-Empty", "X-Tab", "Accept", "accept", "X-Colon"}));
}

TEST(RequestParser, AllowsHighBytesInValues) {
  Request r;
  ASSERT_EQ(parse("GET / HTTP/1.1\r\nX-Name: caf\xc3\xa9\r\n\r\n", r).kind, ParseResult::done);
  EXPECT_EQ(r.headers.find("X-Name"), "caf\xc3\xa9");
}

TEST(RequestParser, BadHeaderFields) {
  expect_error("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "malformed header field");
  expect_error("GET / HTTP/1.1\r\n: value\r\n\r\n", 400, "malformed header field");
  expect_error("GET / HTTP/1.1\r\nBad Name: v\r\n\r\n", 400, "malformed header field name");
  expect_error("GET / HTTP/1.1\r\nName : v\r\n\r\n", 400, "malformed header field name");  // space before colon
  expect_error("GET / HTTP/1.1\r\nNa(me: v\r\n\r\n", 400, "malformed header field name");
  expect_error("GET / HTTP/1.1\r\nN\x80: v\r\n\r\n", 400, "malformed header field name");
  // Obsolete line folding: the continuation line is not a field.
  expect_error("GET / HTTP/1.1\r\nX-A: a\r\n  folded: b\r\n\r\n", 400, "malformed header field");
  expect_error("GET / HTTP/1.1\r\nX-A: a\r\n\tfolded\r\n\r\n", 400, "malformed header field");
}

TEST(RequestParser, ControlCharactersInValues) {
  expect_error("GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n", 400, "control character");
  expect_error("GET / HTTP/1.1\r\nX: a\x7fz\r\n\r\n", 400, "control character");
  expect_error("GET / HTTP/1.1\r\nX: a\nz\r\n\r\n", 400, "control character");  // bare LF
  expect_error("GET / HTTP/1.1\r\nX: a\rz\r\n\r\n", 400, "control character");  // bare CR
  expect_error(std::string_view("GET / HTTP/1.1\r\nX: a\0z\r\n\r\n", 26), 400, "control character");
}

// ---- keep-alive and Expect -----------------------------------------------------------------------

TEST(RequestParser, KeepAliveRules) {
  struct Case {
    std::string version;
    std::string connection;  // empty: no Connection header
    bool keep_alive;
  };
  const std::vector<Case> cases = {
      {"HTTP/1.1", "", true},
      {"HTTP/1.1", "close", false},
      {"HTTP/1.1", "Close", false},
      {"HTTP/1.1", "keep-alive", true},
      {"HTTP/1.1", "Upgrade, close", false},
      {"HTTP/1.0", "", false},
      {"HTTP/1.0", "keep-alive", true},
      {"HTTP/1.0", "Keep-Alive", true},
      {"HTTP/1.0", "close", false},
  };
  for (const Case& c : cases) {
    std::string in = "GET / " + c.version + "\r\n";
    if (!c.connection.empty()) in += "Connection: " + c.connection + "\r\n";
    in += "\r\n";
    Request r;
    ASSERT_EQ(parse(in, r).kind, ParseResult::done) << in;
    EXPECT_EQ(r.keep_alive, c.keep_alive) << c.version << " Connection: " << c.connection;
  }
}

TEST(RequestParser, ExpectContinueWhileBodyPending) {
  const std::string head =
      "POST /api/v1/video/queue HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
  {
    Request r;
    const ParseResult p = parse(head, r);
    EXPECT_EQ(p.kind, ParseResult::need_more);
    EXPECT_TRUE(p.expect_continue);
  }
  {
    Request r;
    const ParseResult p = parse(head + "ab", r);
    EXPECT_EQ(p.kind, ParseResult::need_more);
    EXPECT_TRUE(p.expect_continue);
  }
  {
    Request r;
    const ParseResult p = parse(head + "abcde", r);
    ASSERT_EQ(p.kind, ParseResult::done);
    EXPECT_FALSE(p.expect_continue);
    EXPECT_EQ(r.body, "abcde");
  }
  // The value is case-insensitive.
  {
    const ParseResult p = parse("POST / HTTP/1.1\r\nContent-Length: 1\r\nExpect: 100-Continue\r\n\r\n");
    EXPECT_EQ(p.kind, ParseResult::need_more);
    EXPECT_TRUE(p.expect_continue);
  }
  // Chunked bodies too.
  {
    const ParseResult p = parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_EQ(p.kind, ParseResult::need_more);
    EXPECT_TRUE(p.expect_continue);
  }
  // Without Expect, or before the head is complete, no flag.
  EXPECT_FALSE(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n").expect_continue);
  EXPECT_FALSE(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n").expect_continue);
  // Other expectations do not ask for 100 Continue.
  EXPECT_FALSE(parse("POST / HTTP/1.1\r\nContent-Length: 5\r\nExpect: something\r\n\r\n").expect_continue);
}

// ---- bodies --------------------------------------------------------------------------------------

TEST(RequestParser, ContentLengthBody) {
  Request r;
  const std::string in = "POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world";
  const ParseResult p = parse(in, r);
  ASSERT_EQ(p.kind, ParseResult::done) << p.message;
  EXPECT_EQ(p.consumed, in.size());
  EXPECT_EQ(r.body, "hello world");
}

TEST(RequestParser, ContentLengthZeroAndAbsent) {
  Request r;
  ASSERT_EQ(parse("POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n", r).kind, ParseResult::done);
  EXPECT_EQ(r.body, "");
  const ParseResult p = parse("POST /x HTTP/1.1\r\n\r\nNEXT", r);
  ASSERT_EQ(p.kind, ParseResult::done);
  EXPECT_EQ(p.consumed, 20u);  // no framing: no body, the rest is the next request
  EXPECT_EQ(r.body, "");
}

TEST(RequestParser, ContentLengthBodyWithBinaryBytes) {
  const std::string body("a\0b\r\n\r\nc\xff", 9);
  const std::string in = "POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\n" + body;
  Request r;
  const ParseResult p = parse(in, r);
  ASSERT_EQ(p.kind, ParseResult::done) << p.message;
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(p.consumed, in.size());
}

TEST(RequestParser, BadContentLength) {
  expect_error("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400, "bad Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "bad Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n", 400, "bad Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400, "bad Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400, "bad Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", 400, "bad Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400, "bad Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", 400, "bad Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400, "bad Content-Length");
}

TEST(RequestParser, RepeatedContentLength) {
  expect_error("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 400, "repeated Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\nxy", 400, "repeated Content-Length");
}

TEST(RequestParser, TransferEncodingAndContentLength) {
  expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400,
               "both Transfer-Encoding and Content-Length");
  expect_error("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
               "both Transfer-Encoding and Content-Length");
}

TEST(RequestParser, UnsupportedTransferCoding) {
  expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "unsupported transfer coding");
  expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "unsupported transfer coding");
  expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", 501, "unsupported transfer coding");
  expect_error("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501,
               "unsupported transfer coding");
  // "chunked" is case-insensitive.
  Request r;
  ASSERT_EQ(parse("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", r).kind,
            ParseResult::done);
  EXPECT_EQ(r.body, "abc");
}

TEST(RequestParser, RepeatedTransferEncodingFields) {
  // Two fields are one list, "chunked, gzip": chunked is not the final coding, so the body has no
  // known length and the request must be refused (RFC 9112 6.1 / 6.3).
  Request r;
  const ParseResult p =
      parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n", r);
  EXPECT_EQ(p.kind, ParseResult::error) << "a second Transfer-Encoding field was ignored";
}

TEST(RequestParser, ChunkedBody) {
  const std::string in =
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n"
      "1\r\n \r\n"
      "A\r\n0123456789\r\n"
      "0\r\n\r\n";
  Request r;
  const ParseResult p = parse(in, r);
  ASSERT_EQ(p.kind, ParseResult::done) << p.message;
  EXPECT_EQ(p.consumed, in.size());
  EXPECT_EQ(r.body, "hello 0123456789");
}

TEST(RequestParser, ChunkedBodyWithExtensionsAndTrailers) {
  const std::string in =
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;name=value\r\nabc\r\n"
      "2 ; flag\r\nde\r\n"
      "0a;a=\"b\";c\r\nfghijklmno\r\n"
      "0;last\r\n"
      "X-Checksum: 123\r\n"
      "X-Other: y\r\n"
      "\r\n";
  Request r;
  const ParseResult p = parse(in + "GET /next HTTP/1.1\r\n\r\n", r);
  ASSERT_EQ(p.kind, ParseResult::done) << p.message;
  EXPECT_EQ(p.consumed, in.size());
  EXPECT_EQ(r.body, "abcdefghijklmno");
  // Trailer fields are read past, not merged into the header fields.
  EXPECT_FALSE(r.headers.find("X-Checksum"));
}

TEST(RequestParser, EmptyChunkedBody) {
  Request r;
  const std::string in = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
  const ParseResult p = parse(in, r);
  ASSERT_EQ(p.kind, ParseResult::done);
  EXPECT_EQ(p.consumed, in.size());
  EXPECT_EQ(r.body, "");
}

TEST(RequestParser, BadChunkSizes) {
  const std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  expect_error(head + "zz\r\nab\r\n0\r\n\r\n", 400, "bad chunk size");
  expect_error(head + "\r\n0\r\n\r\n", 400, "bad chunk size");         // empty size line
  expect_error(head + ";ext\r\n0\r\n\r\n", 400, "bad chunk size");     // extension without size
  expect_error(head + "-1\r\nx\r\n0\r\n\r\n", 400, "bad chunk size");
  expect_error(head + "0x3\r\nabc\r\n0\r\n\r\n", 400, "bad chunk size");
  expect_error(head + "3 4\r\nabc\r\n0\r\n\r\n", 400, "bad chunk size");
  expect_error(head + "10000000000000000\r\n", 400, "bad chunk size");  // does not fit 64 bits
  expect_error(head + "3\r\nabcX\r\n0\r\n\r\n", 400, "chunk not followed by CRLF");
  expect_error(head + std::string(1100, '1'), 400, "chunk size line too long");
  expect_error(head + "1;" + std::string(1100, 'x'), 400, "chunk size line too long");
}

TEST(RequestParser, BodyLimit413) {
  RequestLimits limits;
  limits.max_body = 10;
  {
    Request r;
    const ParseResult p = parse("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789", r, limits);
    ASSERT_EQ(p.kind, ParseResult::done) << p.message;
    EXPECT_EQ(r.body, "0123456789");
  }
  // Refused as soon as the head says so, before the body arrived.
  expect_error("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", 413, "too large", limits);
  expect_error("POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n", 413, "too large");
  const std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  {
    Request r;
    const ParseResult p = parse(head + "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", r, limits);
    ASSERT_EQ(p.kind, ParseResult::done) << p.message;
    EXPECT_EQ(r.body, "0123456789");
  }
  expect_error(head + "b\r\n", 413, "too large", limits);                       // one chunk too large
  expect_error(head + "6\r\n012345\r\n5\r\n", 413, "too large", limits);         // the sum too large
  expect_error(head + "ffffffffffffffff\r\n", 413, "too large");                // 2^64-1 with default limits
}

TEST(RequestParser, HeadLimit431) {
  RequestLimits limits;
  limits.max_head = 64;
  // A head of exactly max_head bytes (request line + fields, without the final CRLFCRLF) is fine.
  std::string head = "GET / HTTP/1.1\r\nX: ";
  head += std::string(64 - head.size(), 'a');
  ASSERT_EQ(head.size(), 64u);
  {
    Request r;
    const ParseResult p = parse(head + "\r\n\r\n", r, limits);
    EXPECT_EQ(p.kind, ParseResult::done) << p.message;
  }
  // One more byte: 431, whether the head is complete or still arriving.
  expect_error("GET / HTTP/1.1\r\nX: " + std::string(46, 'a') + "\r\n\r\n", 431, "too large", limits);
  expect_error("GET / HTTP/1.1\r\nX: " + std::string(200, 'a'), 431, "too large", limits);
  // Incomplete but not over the limit yet: need more.
  {
    Request r;
    EXPECT_EQ(parse("GET / HTTP/1.1\r\nX: aaaa", r, limits).kind, ParseResult::need_more);
  }
  // The default limit is 64 KiB.
  expect_error("GET / HTTP/1.1\r\nX: " + std::string(70 * 1024, 'a'), 431, "too large");
}

// ---- incremental input and pipelining -------------------------------------------------------------

TEST(RequestParser, NeedMoreAtEverySplitWithoutBody) {
  expect_need_more_at_every_split("GET /api/v1/models?type=video HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n");
}

TEST(RequestParser, NeedMoreAtEverySplitWithContentLength) {
  expect_need_more_at_every_split(
      "POST /api/v1/video/queue HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n"
      "{\"model\":\"x\"}\r\n\r\n");
}

TEST(RequestParser, NeedMoreAtEverySplitChunked) {
  expect_need_more_at_every_split(
      "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4;ext=1\r\n\r\n\r\n\r\n"
      "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n"
      "0\r\nTrailer: v\r\n\r\n");
}

TEST(RequestParser, NeedMoreAtEverySplitWithLeadingEmptyLines) {
  expect_need_more_at_every_split("\r\n\r\nPOST /x HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc");
}

TEST(RequestParser, PipelinedRequests) {
  const std::string first = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
  const std::string second = "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n";
  const std::string third = "GET /c?x=1 HTTP/1.1\r\nConnection: close\r\n\r\n";
  const std::string partial = "GET /d HTTP/1.1\r\nHo";
  std::string buffer = first + second + third + partial;

  Request r;
  ParseResult p = parse(buffer, r);
  ASSERT_EQ(p.kind, ParseResult::done);
  EXPECT_EQ(p.consumed, first.size());
  EXPECT_EQ(r.path, "/a");
  EXPECT_EQ(r.body, "abc");
  buffer.erase(0, p.consumed);

  p = parse(buffer, r);
  ASSERT_EQ(p.kind, ParseResult::done);
  EXPECT_EQ(p.consumed, second.size());
  EXPECT_EQ(r.path, "/b");
  EXPECT_EQ(r.body, "de");
  buffer.erase(0, p.consumed);

  p = parse(buffer, r);
  ASSERT_EQ(p.kind, ParseResult::done);
  EXPECT_EQ(p.consumed, third.size());
  EXPECT_EQ(r.path, "/c");
  EXPECT_EQ(r.query_param("x"), "1");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(r.headers.find("Content-Length"));  // nothing left over from the previous requests
  buffer.erase(0, p.consumed);

  EXPECT_EQ(buffer, partial);
  EXPECT_EQ(parse(buffer, r).kind, ParseResult::need_more);
}

TEST(RequestParser, ParseResetsThePreviousRequest) {
  Request r;
  ASSERT_EQ(parse("POST /a?q=1 HTTP/1.1\r\nX-A: 1\r\nContent-Length: 1\r\n\r\nz", r).kind, ParseResult::done);
  r.tls = true;
  ASSERT_EQ(parse("GET /b HTTP/1.1\r\n\r\n", r).kind, ParseResult::done);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.query, "");
  EXPECT_TRUE(r.headers.empty());
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(r.tls);
}

// ---- Request helpers -----------------------------------------------------------------------------

TEST(RequestParser, QueryParam) {
  Request r;
  ASSERT_EQ(parse("GET /x?a=1&b=x+y&c=%41%62&d&e=&f=1=2&g%20h=sp&a=second&&i=%zz HTTP/1.1\r\n\r\n", r).kind,
            ParseResult::done);
  EXPECT_EQ(r.query_param("a"), "1");  // the first occurrence
  EXPECT_EQ(r.query_param("b"), "x y");
  EXPECT_EQ(r.query_param("c"), "Ab");
  EXPECT_EQ(r.query_param("d"), "");  // present without a value
  EXPECT_EQ(r.query_param("e"), "");
  EXPECT_EQ(r.query_param("f"), "1=2");
  EXPECT_EQ(r.query_param("g h"), "sp");
  EXPECT_EQ(r.query_param("i"), "%zz");
  EXPECT_EQ(r.query_param("missing"), std::nullopt);
  EXPECT_EQ(r.query_param("A"), std::nullopt);  // names are case-sensitive
  EXPECT_EQ(r.query_param(""), "");  // the empty pair between "&&"
}

TEST(RequestParser, QueryParamDryRun) {
  Request r;
  ASSERT_EQ(parse("POST /openai/v1/videos?dryRun=true HTTP/1.1\r\n\r\n", r).kind, ParseResult::done);
  EXPECT_EQ(r.query_param("dryRun"), "true");
  EXPECT_EQ(r.query_param("dryrun"), std::nullopt);
}

TEST(RequestParser, Bearer) {
  auto bearer_of = [](const std::string& authorization) {
    Request r;
    const std::string in = "GET / HTTP/1.1\r\nAuthorization: " + authorization + "\r\n\r\n";
    EXPECT_EQ(parse(in, r).kind, ParseResult::done) << in;
    return r.bearer();
  };
  EXPECT_EQ(bearer_of("Bearer abc123"), "abc123");
  EXPECT_EQ(bearer_of("bearer abc123"), "abc123");
  EXPECT_EQ(bearer_of("BEARER abc123"), "abc123");
  EXPECT_EQ(bearer_of("Bearer    spaced   "), "spaced");
  EXPECT_EQ(bearer_of("Bearer a b"), "a b");
  EXPECT_EQ(bearer_of("Basic dXNlcjpwYXNz"), "");
  EXPECT_EQ(bearer_of("Bearer"), "");
  EXPECT_EQ(bearer_of("Bearerabc"), "");
  EXPECT_EQ(bearer_of(""), "");
  Request none;
  ASSERT_EQ(parse("GET / HTTP/1.1\r\n\r\n", none).kind, ParseResult::done);
  EXPECT_EQ(none.bearer(), "");
}

}  // namespace
