// SPDX-License-Identifier: BSL-1.0
#include "parser_harness.hpp"

#include <reel/http/response_parser.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

using namespace reel_http_test;
using reel::http::Errc;

void expect_error(std::string_view message, Errc code, const RunOptions& options = {}) {
  const Outcome o = parse(message, options);
  EXPECT_EQ(o.error, make_error_code(code)) << "message: " << message << "\ngot: " << o.error.message();
}

std::string chunked_head() { return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"; }

TEST(ResponseParser, ContentLengthBody) {
  const Outcome o = parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
  EXPECT_FALSE(o.error);
  EXPECT_TRUE(o.head_done);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.status, 200);
  EXPECT_EQ(o.reason, "OK");
  EXPECT_EQ(o.version, Version::http_1_1);
  EXPECT_EQ(o.fields.size(), 2u);
  EXPECT_EQ(o.fields.find("content-type"), "application/json");
  EXPECT_TRUE(o.keep_alive);
  EXPECT_EQ(o.content_length, 11u);
  EXPECT_FALSE(o.chunked);
  EXPECT_EQ(o.body_kind, BodyKind::content_length);
  EXPECT_EQ(o.body, "{\"ok\":true}");
}

TEST(ResponseParser, StopsAtTheEndOfTheMessage) {
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  const std::string second = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  const Outcome o = parse(first + second);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.body, "abc");
  EXPECT_EQ(o.consumed, first.size());

  ResponseParser p;
  const std::string both = first + second;
  auto r = p.feed(both);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "abc");
  EXPECT_EQ(r->consumed, first.size());
  auto again = p.feed(second);  // done: nothing more is consumed
  ASSERT_TRUE(again);
  EXPECT_EQ(again->consumed, 0u);
  p.reset();
  r = p.feed(second);
  ASSERT_TRUE(r);
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.status(), 404);
  EXPECT_EQ(p.reason(), "Not Found");
  EXPECT_EQ(r->consumed, second.size());
}

TEST(ResponseParser, BodyIsAViewIntoTheInput) {
  ResponseParser p;
  const std::string data = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  auto r = p.feed(data);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.data(), data.data() + data.size() - 5);
}

TEST(ResponseParser, ChunkedWithExtensionsAndTrailers) {
  const Outcome o = parse(chunked_head() +
                          "5;name=value\r\nhello\r\n"
                          "6 ; x=\"y\" ;z\r\n world\r\n"
                          "000A\r\n0123456789\r\n"
                          "a\r\nabcdefghij\r\n"
                          "0;last\r\nX-Checksum: abc\r\nX-Other:  1 \r\n\r\n");
  EXPECT_FALSE(o.error) << o.error.message();
  EXPECT_TRUE(o.done);
  EXPECT_TRUE(o.chunked);
  EXPECT_EQ(o.body_kind, BodyKind::chunked);
  EXPECT_EQ(o.content_length, std::nullopt);
  EXPECT_EQ(o.body, "hello world0123456789abcdefghij");
  ASSERT_EQ(o.trailers.size(), 2u);
  EXPECT_EQ(o.trailers.find("x-checksum"), "abc");
  EXPECT_EQ(o.trailers.find("X-Other"), "1");
  EXPECT_TRUE(o.keep_alive);
}

TEST(ResponseParser, ChunkedEmptyBodyAndCaseInsensitiveCoding) {
  const Outcome o = parse("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n0\r\n\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_TRUE(o.chunked);
  EXPECT_EQ(o.body, "");
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: , chunked,\r\n\r\n0\r\n\r\n").done);
}

TEST(ResponseParser, CloseDelimitedBody) {
  const std::string message = "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\n\r\nabc\r\n\r\ndef";
  const Outcome open = parse(message);
  EXPECT_FALSE(open.error);
  EXPECT_TRUE(open.head_done);
  EXPECT_FALSE(open.done);
  EXPECT_EQ(open.body_kind, BodyKind::until_eof);
  EXPECT_FALSE(open.keep_alive);
  const Outcome closed = parse(message, {.eof = true});
  EXPECT_FALSE(closed.error);
  EXPECT_TRUE(closed.done);
  EXPECT_EQ(closed.body, "abc\r\n\r\ndef");
}

TEST(ResponseParser, KeepAlive) {
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n").keep_alive);
  const Outcome old = parse("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi");
  EXPECT_EQ(old.version, Version::http_1_0);
  EXPECT_FALSE(old.keep_alive);
  EXPECT_TRUE(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi").keep_alive);
  const Outcome old_eof = parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nhi", {.eof = true});
  EXPECT_EQ(old_eof.body, "hi");
  EXPECT_FALSE(old_eof.keep_alive);
}

TEST(ResponseParser, ResponsesWithoutBody) {
  for (const char* status : {"204 No Content", "304 Not Modified"}) {
    const Outcome o = parse(std::string("HTTP/1.1 ") + status + "\r\nContent-Length: 1000\r\n\r\n");
    EXPECT_TRUE(o.done) << status;
    EXPECT_EQ(o.body_kind, BodyKind::none);
    EXPECT_EQ(o.content_length, 1000u);
    EXPECT_TRUE(o.keep_alive);
  }
  const Outcome head = parse("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", {.head_request = true});
  EXPECT_TRUE(head.done);
  EXPECT_EQ(head.content_length, 1000u);
  EXPECT_EQ(head.body, "");
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", {.head_request = true}).done);
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\n\r\n", {.head_request = true}).done);
  const Outcome zero = parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(zero.done);
  EXPECT_EQ(zero.body_kind, BodyKind::content_length);
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  const Outcome o = parse(
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.status, 201);
  EXPECT_EQ(o.reason, "Created");
  EXPECT_EQ(o.fields.size(), 1u);
  EXPECT_EQ(o.fields.find("link"), std::nullopt);
  EXPECT_EQ(o.body, "ok");
  const Outcome waiting = parse("HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_FALSE(waiting.head_done);
  EXPECT_FALSE(waiting.done);
  expect_error("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", Errc::unexpected_upgrade);
}

TEST(ResponseParser, BareLfIsAcceptedInTheHeadAndTrailers) {
  const Outcome o = parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nhi");
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.body, "hi");
  const Outcome t = parse("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\r\nhi\r\n0\r\nX-T: 1\n\n");
  EXPECT_TRUE(t.done);
  EXPECT_EQ(t.trailers.find("x-t"), "1");
  expect_error(chunked_head() + "2\nhi\r\n0\r\n\r\n", Errc::bad_chunk_size);
  expect_error(chunked_head() + "2\r\nhi\n0\r\n\r\n", Errc::bad_chunk_terminator);
  expect_error("HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\nhi", Errc::bad_status_line);
  expect_error("HTTP/1.1 200 OK\r\nContent-Length: 2\r\r\n\r\nhi", Errc::bad_header_value);
}

TEST(ResponseParser, ReasonPhrases) {
  EXPECT_EQ(parse("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").reason, "");
  const Outcome bare = parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(bare.done);
  EXPECT_EQ(bare.reason, "");
  EXPECT_EQ(parse("HTTP/1.1 404 Not \tFound \xc3\xa9\r\nContent-Length: 0\r\n\r\n").reason, "Not \tFound \xc3\xa9");
  EXPECT_EQ(parse("HTTP/1.1 599 x\r\nContent-Length: 0\r\n\r\n").status, 599);
}

TEST(ResponseParser, RejectsBadStatusLines) {
  for (const char* line : {"HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 200OK", "HTTP/1.1  200 OK",
                           "HTTP/1.1 099 Low", "HTTP/1.1 600 High", "HTTP/1.1 abc OK", "HTTP/1.1 -20 OK", "http/1.1 200 OK",
                           "HTTP/11 200 OK", "HTTP/1.1", "HTTP/1.1 ", "200 OK", "ICY 200 OK", "HTTP 200 OK",
                           "HTTP/1.1 200 O\x01K", "HTTP/1.1 200 O\x7fK", "HTTP/1.1 200 O\rK", "HTTP/1.1\t200 OK",
                           "HTTP/a.1 200 OK", "HTTP/1.b 200 OK", "", " HTTP/1.1 200 OK"}) {
    expect_error(std::string(line) + "\r\nContent-Length: 0\r\n\r\n", Errc::bad_status_line);
  }
  expect_error(std::string("HTTP/1.1 200 O\0K\r\n\r\n", 20), Errc::bad_status_line);
  expect_error("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", Errc::bad_status_line);  // TLS on a plain port
}

TEST(ResponseParser, RejectsOtherVersions) {
  for (const char* version : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0", "HTTP/1.9"}) {
    expect_error(std::string(version) + " 200 OK\r\nContent-Length: 0\r\n\r\n", Errc::unsupported_version);
  }
}

TEST(ResponseParser, HeaderValuesAreTrimmedAndMayHoldObsText) {
  const Outcome o = parse("HTTP/1.1 200 OK\r\nX-A:   a b  \t\r\nX-B:\r\nX-C: caf\xc3\xa9\r\nX-D:x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(o.error);
  EXPECT_EQ(o.fields.find("x-a"), "a b");
  EXPECT_EQ(o.fields.find("x-b"), "");
  EXPECT_EQ(o.fields.find("x-c"), "caf\xc3\xa9");
  EXPECT_EQ(o.fields.find("x-d"), "x");
}

TEST(ResponseParser, RejectsBadHeaderLines) {
  const std::string status = "HTTP/1.1 200 OK\r\n";
  expect_error(status + "X-A: a\r\n b\r\nContent-Length: 0\r\n\r\n", Errc::bad_header_line);   // obs-fold
  expect_error(status + "X-A: a\r\n\tb\r\nContent-Length: 0\r\n\r\n", Errc::bad_header_line);
  expect_error(status + " X-A: a\r\nContent-Length: 0\r\n\r\n", Errc::bad_header_line);         // after status line
  expect_error(status + "X-A : a\r\nContent-Length: 0\r\n\r\n", Errc::bad_header_line);
  expect_error(status + "Content-Length\t: 0\r\n\r\n", Errc::bad_header_line);
  expect_error(status + "NoColon\r\n\r\n", Errc::bad_header_line);
  expect_error(status + ": empty name\r\n\r\n", Errc::bad_header_line);
  expect_error(status + "X Y: a\r\n\r\n", Errc::bad_header_name);
  expect_error(status + "X\"Y\": a\r\n\r\n", Errc::bad_header_name);
  expect_error(status + "X-\xc3\xa9: a\r\n\r\n", Errc::bad_header_name);
  expect_error(status + std::string("X-A: a\0b\r\n\r\n", 12), Errc::bad_header_value);
  expect_error(status + "X-A: a\rb\r\n\r\n", Errc::bad_header_value);
  expect_error(status + "X-A: a\x7f\r\n\r\n", Errc::bad_header_value);
  expect_error(status + "X-A: \x1b[0m\r\n\r\n", Errc::bad_header_value);
}

TEST(ResponseParser, HeaderLimits) {
  const std::string status = "HTTP/1.1 200 OK\r\n";
  expect_error(status + "X-Big: " + std::string(70000, 'a') + "\r\n\r\n", Errc::headers_too_large);
  expect_error(status + "X-Big: " + std::string(70000, 'a'), Errc::headers_too_large);  // no line end needed

  ParserLimits small;
  small.max_header_bytes = 64;
  const std::string fits = status + "X: " + std::string(64 - status.size() - 7, 'a') + "\r\n\r\n";
  ASSERT_EQ(fits.size(), 64u);
  EXPECT_TRUE(parse(fits, {.limits = small, .eof = true}).done);
  expect_error(status + "X: " + std::string(64 - status.size() - 6, 'a') + "\r\n\r\n", Errc::headers_too_large,
               {.limits = small});
  // Interim responses count toward the limit.
  std::string interim;
  for (int i = 0; i < 3; ++i) interim += "HTTP/1.1 100 Continue\r\n\r\n";
  expect_error(interim + "HTTP/1.1 200 OK\r\n\r\n", Errc::headers_too_large, {.limits = small});

  std::string many = status;
  for (int i = 0; i < 100; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(parse(many + "Content-Length: 0\r\n\r\n").error, make_error_code(Errc::too_many_headers));
  const Outcome hundred = parse(many + "\r\n", {.eof = true});
  EXPECT_FALSE(hundred.error);
  EXPECT_EQ(hundred.fields.size(), 100u);
}

TEST(ResponseParser, ContentLengthValues) {
  const std::string status = "HTTP/1.1 200 OK\r\n";
  EXPECT_EQ(parse(status + "Content-Length: 2, 2\r\n\r\nhi").body, "hi");
  EXPECT_EQ(parse(status + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nhi").body, "hi");
  EXPECT_EQ(parse(status + "Content-Length: 002\r\n\r\nhi").body, "hi");
  EXPECT_EQ(parse(status + "Content-Length: 18446744073709551615\r\n\r\n").content_length, UINT64_MAX);
  expect_error(status + "Content-Length: 1, 2\r\n\r\nhi", Errc::conflicting_content_length);
  expect_error(status + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nhi", Errc::conflicting_content_length);
  for (const char* bad : {"-1", "+2", "abc", "", "2,", ",2", "2, ,2", "1 2", "0x10", "2.0", "18446744073709551616",
                          "99999999999999999999999"}) {
    expect_error(status + "Content-Length: " + bad + "\r\n\r\nhi", Errc::bad_content_length);
  }
}

TEST(ResponseParser, TransferEncodingMustBeExactlyChunked) {
  const std::string status = "HTTP/1.1 200 OK\r\n";
  for (const char* bad : {"gzip", "gzip, chunked", "chunked, gzip", "chunked, chunked", "identity", "", "chunked;q=1",
                          "chunkedx"}) {
    expect_error(status + "Transfer-Encoding: " + bad + "\r\n\r\n0\r\n\r\n", Errc::bad_transfer_encoding);
  }
  expect_error(status + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
               Errc::bad_transfer_encoding);
  expect_error(status + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", Errc::bad_transfer_encoding);
  expect_error(status + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", Errc::bad_transfer_encoding);
  expect_error("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", Errc::bad_transfer_encoding);
}

TEST(ResponseParser, RejectsBadChunks) {
  const std::string h = chunked_head();
  for (const char* bad : {"x\r\n", "\r\n", "5 \r\n", "5\t\r\n", " 5\r\n", "-5\r\n", "0x5\r\n", "5;\x01\r\n", "5 x\r\n",
                          "5\r\r\n", "5;a\rb\r\n"}) {
    expect_error(h + bad + "hello\r\n0\r\n\r\n", Errc::bad_chunk_size);
  }
  expect_error(h + "10000000000000000\r\n", Errc::chunk_too_large);
  expect_error(h + "00000000000000000000000010000000000000000\r\n", Errc::chunk_too_large);
  const Outcome max = parse(h + "FFFFFFFFFFFFFFFF\r\nabc");
  EXPECT_FALSE(max.error);
  EXPECT_EQ(max.body, "abc");
  EXPECT_EQ(parse(h + "00000000000000000000005\r\nhello\r\n0\r\n\r\n").body, "hello");
  expect_error(h + "5;" + std::string(1100, 'x') + "\r\nhello\r\n0\r\n\r\n", Errc::chunk_line_too_long);
  expect_error(h + std::string(2000, 'z'), Errc::chunk_line_too_long);
  expect_error(h + "5\r\nhelloX\r\n0\r\n\r\n", Errc::bad_chunk_terminator);
  expect_error(h + "5\r\nhello\r0\r\n\r\n", Errc::bad_chunk_terminator);
  expect_error(h + "5\r\nhello\n\r\n0\r\n\r\n", Errc::bad_chunk_terminator);
  expect_error(h + "5\r\nhello  \r\n0\r\n\r\n", Errc::bad_chunk_terminator);
}

TEST(ResponseParser, Trailers) {
  const std::string h = chunked_head() + "2\r\nhi\r\n0\r\n";
  expect_error(h + "X-T: a\r\n b\r\n\r\n", Errc::bad_header_line);
  expect_error(h + "X-T : a\r\n\r\n", Errc::bad_header_line);
  expect_error(h + "X-T: a\x01\r\n\r\n", Errc::bad_header_value);
  expect_error(h + "X-T: " + std::string(20000, 'a') + "\r\n\r\n", Errc::trailers_too_large);
  expect_error(h + std::string(20000, 'a'), Errc::trailers_too_large);
  std::string many = h;
  for (int i = 0; i < 101; ++i) many += "T" + std::to_string(i) + ": v\r\n";
  expect_error(many + "\r\n", Errc::too_many_headers);
  ParserLimits small;
  small.max_trailer_bytes = 10;
  EXPECT_TRUE(parse(h + "X: 123\r\n\r\n", {.limits = small}).done);  // exactly 10 bytes with the final CRLF
  expect_error(h + "X: 1234\r\n\r\n", Errc::trailers_too_large, {.limits = small});
}

TEST(ResponseParser, EndOfStream) {
  ResponseParser idle;
  EXPECT_FALSE(idle.started());
  EXPECT_EQ(idle.finish_eof(), make_error_code(Errc::unexpected_eof));
  EXPECT_EQ(idle.finish_eof(), make_error_code(Errc::unexpected_eof));

  const Outcome head = parse("HTTP/1.1 200 OK\r\nContent-Le", {.eof = true});
  EXPECT_EQ(head.error, make_error_code(Errc::unexpected_eof));
  EXPECT_TRUE(head.started);
  const Outcome cut = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", {.eof = true});
  EXPECT_EQ(cut.error, make_error_code(Errc::unexpected_eof));
  EXPECT_EQ(cut.body, "abc");
  for (const char* tail : {"5\r\nhel", "5\r\nhello", "5\r\nhello\r", "5\r\nhello\r\n", "5\r\nhello\r\n0\r\n",
                           "5\r\nhello\r\n0\r\nX: 1\r\n", "5"}) {
    EXPECT_EQ(parse(chunked_head() + tail, {.eof = true}).error, make_error_code(Errc::unexpected_eof)) << tail;
  }
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", {.eof = true}).error);
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\n\r\n", {.eof = true}).error);
}

TEST(ResponseParser, BodyLimit) {
  ParserLimits limits;
  limits.max_body_size = 4;
  expect_error("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", Errc::body_too_large, {.limits = limits});
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nhell", {.limits = limits}).body, "hell");
  const Outcome chunked = parse(chunked_head() + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", {.limits = limits});
  EXPECT_EQ(chunked.error, make_error_code(Errc::body_too_large));
  EXPECT_EQ(chunked.body, "abc");
  EXPECT_EQ(parse(chunked_head() + "3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n", {.limits = limits}).body, "abcd");
  const Outcome eof = parse("HTTP/1.1 200 OK\r\n\r\nabcdef", {.limits = limits, .eof = true});
  EXPECT_EQ(eof.error, make_error_code(Errc::body_too_large));
  EXPECT_EQ(eof.body, "abcd");
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\n\r\nabcd", {.limits = limits, .eof = true}).body, "abcd");
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", {.limits = limits, .head_request = true}).done);
}

TEST(ResponseParser, ErrorsAreStickyAndResetClearsThem) {
  ResponseParser p;
  auto r = p.feed("HTTP/9.9 200 OK\r\n");
  ASSERT_FALSE(r);
  EXPECT_EQ(p.error(), make_error_code(Errc::unsupported_version));
  auto again = p.feed("HTTP/1.1 200 OK\r\n\r\n");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), make_error_code(Errc::unsupported_version));
  EXPECT_EQ(p.finish_eof(), make_error_code(Errc::unsupported_version));
  p.set_head_request(true);
  p.reset();
  EXPECT_FALSE(p.error());
  EXPECT_FALSE(p.started());
  r = p.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "x");  // the HEAD flag was cleared too
  EXPECT_TRUE(p.done());
}

TEST(ResponseParser, CustomLimitsSurviveReset) {
  ParserLimits limits;
  limits.max_header_count = 1;
  ResponseParser p(limits);
  p.reset();
  EXPECT_EQ(p.limits().max_header_count, 1u);
  ASSERT_FALSE(p.feed("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n"));
  EXPECT_EQ(p.error(), make_error_code(Errc::too_many_headers));
}

// FNV-1a over a byte stream, fed piece by piece.
struct Fnv {
  std::uint64_t hash = 1469598103934665603ull;
  void add(std::string_view s) {
    for (const char c : s) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
};

std::string pseudo_random_block(std::size_t size, std::uint64_t seed) {
  std::string block(size, '\0');
  for (char& c : block) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    c = static_cast<char>(seed >> 56);
  }
  return block;
}

TEST(ResponseParser, Streams100MegabytesInPieces) {
  constexpr std::size_t total = 100u * 1024 * 1024;
  constexpr std::size_t piece = 64u * 1024;
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n";
  ResponseParser p;
  auto r = p.feed(head);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->consumed, head.size());
  ASSERT_TRUE(p.head_done());
  Fnv sent;
  Fnv received;
  std::uint64_t received_bytes = 0;
  std::string buffer;
  for (std::size_t offset = 0; offset < total; offset += piece) {
    buffer = pseudo_random_block(piece, offset);
    sent.add(buffer);
    std::string_view data = buffer;
    while (!data.empty()) {
      r = p.feed(data);
      ASSERT_TRUE(r);
      received.add(r->body);
      received_bytes += r->body.size();
      data.remove_prefix(r->consumed);
    }
  }
  EXPECT_TRUE(p.done());
  EXPECT_EQ(received_bytes, total);
  EXPECT_EQ(p.body_bytes(), total);
  EXPECT_EQ(received.hash, sent.hash);
}

TEST(ResponseParser, StreamsAChunkedBodyInOddPieces) {
  std::string wire = chunked_head();
  Fnv sent;
  std::uint64_t sent_bytes = 0;
  for (std::size_t i = 0; sent_bytes < 16u * 1024 * 1024; ++i) {
    const std::size_t size = 1 + (i * 7919) % 100000;
    const std::string chunk = pseudo_random_block(size, i);
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx;i=%zu\r\n", size, i);
    wire.append(size_line).append(chunk).append("\r\n");
    sent.add(chunk);
    sent_bytes += size;
  }
  wire.append("0\r\nX-Done: yes\r\n\r\n");
  ResponseParser p;
  Fnv received;
  std::size_t calls = 0;
  for (std::size_t offset = 0; offset < wire.size();) {
    const std::size_t n = std::min<std::size_t>(65521, wire.size() - offset);
    const std::string buffer = wire.substr(offset, n);
    offset += n;
    std::string_view data = buffer;
    while (!data.empty() && !p.done()) {
      auto r = p.feed(data);
      ASSERT_TRUE(r) << r.error().message();
      received.add(r->body);
      data.remove_prefix(r->consumed);
      ++calls;
    }
  }
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.body_bytes(), sent_bytes);
  EXPECT_EQ(received.hash, sent.hash);
  EXPECT_EQ(p.trailers().find("x-done"), "yes");
  EXPECT_GT(calls, 100u);
}

}  // namespace
