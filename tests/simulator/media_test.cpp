// SPDX-License-Identifier: BSL-1.0
// Unit tests of the MP4s the simulator serves (reel_sim::sample_mp4, mp4_of_size) and of its
// Range handling (parse_range, media_reply).
#include <reel_sim/core.hpp>
#include <reel_sim/media.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using reel_sim::Generated;
using reel_sim::min_padded_size;
using reel_sim::mp4_of_size;
using reel_sim::sample_mp4;

constexpr std::uint64_t MiB = 1024 * 1024;
constexpr std::uint64_t GiB = 1024 * MiB;

std::string slice(const Generated& g, std::uint64_t offset, std::size_t n) {
  std::string out(n, '\x55');
  g.fill(offset, std::span<char>(out.data(), out.size()));
  return out;
}

std::string whole(const Generated& g) { return slice(g, 0, static_cast<std::size_t>(g.size)); }

std::uint32_t be32(std::string_view b) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b[static_cast<std::size_t>(i)]);
  return v;
}

std::uint64_t be64(std::string_view b) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(b[static_cast<std::size_t>(i)]);
  return v;
}

struct Box {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;         // the whole box, header included
  std::uint64_t header_size = 0;  // 8, or 16 with a 64-bit size
  std::string type;
};

// Walks the top-level ISO BMFF boxes of a file of `total` bytes, reading only box headers through
// `read(offset, n)`. Fails the test unless the boxes tile the file exactly.
template <class Read>
std::vector<Box> walk_boxes(std::uint64_t total, Read read) {
  std::vector<Box> boxes;
  std::uint64_t at = 0;
  while (at < total) {
    if (total - at < 8) {
      ADD_FAILURE() << "trailing " << (total - at) << " bytes at " << at << " are no box";
      return boxes;
    }
    const std::string head = read(at, 8);
    Box box;
    box.offset = at;
    box.type = head.substr(4, 4);
    box.size = be32(head);
    box.header_size = 8;
    if (box.size == 1) {
      if (total - at < 16) {
        ADD_FAILURE() << "64-bit box header cut at " << at;
        return boxes;
      }
      box.size = be64(read(at + 8, 8));
      box.header_size = 16;
    }
    for (char c : box.type) {
      if (c < 0x20 || c > 0x7e) {
        ADD_FAILURE() << "box type at " << at << " is not printable";
        return boxes;
      }
    }
    if (box.size < box.header_size) {
      ADD_FAILURE() << "box '" << box.type << "' at " << at << " has size " << box.size;
      return boxes;
    }
    if (box.size > total - at) {
      ADD_FAILURE() << "box '" << box.type << "' at " << at << " of size " << box.size << " runs past the end ("
                    << total << ")";
      return boxes;
    }
    boxes.push_back(box);
    at += box.size;
  }
  EXPECT_EQ(at, total);
  return boxes;
}

std::vector<Box> walk(const Generated& g) {
  return walk_boxes(g.size, [&](std::uint64_t offset, std::size_t n) { return slice(g, offset, n); });
}

std::vector<std::string> types(const std::vector<Box>& boxes) {
  std::vector<std::string> out;
  for (const Box& b : boxes) out.push_back(b.type);
  return out;
}

// The sample's own boxes, to compare generated files against.
std::vector<Box> sample_boxes() {
  const std::string_view s = sample_mp4();
  return walk_boxes(s.size(), [&](std::uint64_t offset, std::size_t n) {
    return std::string(s.substr(static_cast<std::size_t>(offset), n));
  });
}

// Checks that `g` is the sample followed by exactly one `free` box filling the rest with zeros
// (looking at `zero_probe` bytes at the start and end of the padding's payload).
void expect_padded(const Generated& g, std::uint64_t requested) {
  SCOPED_TRACE("size " + std::to_string(requested));
  const std::string_view sample = sample_mp4();
  ASSERT_EQ(g.size, requested);
  EXPECT_EQ(slice(g, 0, sample.size()), sample);
  const std::vector<Box> boxes = walk(g);
  const std::vector<Box> expected = sample_boxes();
  ASSERT_EQ(boxes.size(), expected.size() + 1);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(boxes[i].type, expected[i].type);
    EXPECT_EQ(boxes[i].offset, expected[i].offset);
    EXPECT_EQ(boxes[i].size, expected[i].size);
  }
  const Box& pad = boxes.back();
  EXPECT_EQ(pad.type, "free");
  EXPECT_EQ(pad.offset, sample.size());
  EXPECT_EQ(pad.size, requested - sample.size());
  EXPECT_EQ(pad.header_size, pad.size > 0xFFFFFFFFull ? 16u : 8u);
  const std::uint64_t payload = pad.size - pad.header_size;
  const std::uint64_t probe = std::min<std::uint64_t>(payload, 4096);
  if (probe > 0) {
    EXPECT_EQ(slice(g, pad.offset + pad.header_size, static_cast<std::size_t>(probe)),
              std::string(static_cast<std::size_t>(probe), '\0'));
    EXPECT_EQ(slice(g, g.size - probe, static_cast<std::size_t>(probe)), std::string(static_cast<std::size_t>(probe), '\0'));
  }
}

// ---- the sample ---------------------------------------------------------------------------------

TEST(Media, SampleStartsWithFtyp) {
  const std::string_view s = sample_mp4();
  ASSERT_GE(s.size(), 16u);
  EXPECT_EQ(s.substr(4, 4), "ftyp");
  const std::uint32_t ftyp_size = be32(s.substr(0, 4));
  EXPECT_GE(ftyp_size, 16u);  // size, type, major brand, minor version
  EXPECT_LE(ftyp_size, s.size());
  // A real video: the boxes tile the file and it has a movie header and media data.
  const std::vector<std::string> t = types(sample_boxes());
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t.front(), "ftyp");
  EXPECT_NE(std::find(t.begin(), t.end(), "moov"), t.end());
  EXPECT_NE(std::find(t.begin(), t.end(), "mdat"), t.end());
  EXPECT_EQ(min_padded_size(), s.size() + 8);
}

// ---- generated sizes ----------------------------------------------------------------------------

TEST(Media, SmallSizesGiveTheBareSample) {
  const std::string_view s = sample_mp4();
  for (const std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{s.size() - 1}, std::uint64_t{s.size()},
                                   std::uint64_t{s.size() + 1}, min_padded_size() - 1}) {
    const Generated g = mp4_of_size(size);
    EXPECT_EQ(g.size, s.size()) << "requested " << size;
    EXPECT_EQ(whole(g), s) << "requested " << size;
  }
}

TEST(Media, ExactSizesJustAboveTheMinimum) {
  for (const std::uint64_t size : {min_padded_size(), min_padded_size() + 1, min_padded_size() + 7, min_padded_size() + 8,
                                   min_padded_size() + 1000}) {
    const Generated g = mp4_of_size(size);
    ASSERT_EQ(g.size, size);
    const std::string bytes = whole(g);
    EXPECT_EQ(bytes.size(), size);
    expect_padded(g, size);
  }
  // At the minimum the padding is an 8-byte `free` box with no payload.
  const std::string bytes = whole(mp4_of_size(min_padded_size()));
  EXPECT_EQ(bytes.substr(sample_mp4().size()), std::string("\0\0\0\x08" "free", 8));
}

TEST(Media, OneMebibyte) {
  const Generated g = mp4_of_size(MiB);
  ASSERT_EQ(g.size, MiB);
  const std::string bytes = whole(g);
  ASSERT_EQ(bytes.size(), MiB);
  expect_padded(g, MiB);
  const std::uint64_t pad = MiB - sample_mp4().size();
  EXPECT_EQ(be32(bytes.substr(sample_mp4().size(), 4)), pad);
  EXPECT_EQ(bytes.substr(sample_mp4().size() + 4, 4), "free");
  EXPECT_EQ(bytes.find_first_not_of('\0', sample_mp4().size() + 8), std::string::npos);
}

TEST(Media, LargestThirtyTwoBitPadding) {
  // Padding of exactly 2^32-1 bytes still fits the 32-bit size field.
  const std::uint64_t size = sample_mp4().size() + 0xFFFFFFFFull;
  const Generated g = mp4_of_size(size);
  ASSERT_EQ(g.size, size);
  const std::string header = slice(g, sample_mp4().size(), 16);
  EXPECT_EQ(header.substr(0, 8), std::string("\xff\xff\xff\xff" "free", 8));
  EXPECT_EQ(header.substr(8), std::string(8, '\0'));
  expect_padded(g, size);
}

TEST(Media, LargeSizesUseSixtyFourBitBoxHeader) {
  for (const std::uint64_t size : {std::uint64_t{sample_mp4().size() + 0x100000000ull}, 5 * GiB + 12345}) {
    const Generated g = mp4_of_size(size);
    ASSERT_EQ(g.size, size);
    const std::uint64_t pad = size - sample_mp4().size();
    const std::string header = slice(g, sample_mp4().size(), 24);
    EXPECT_EQ(header.substr(0, 8), std::string("\0\0\0\x01" "free", 8));
    EXPECT_EQ(be64(header.substr(8, 8)), pad);
    EXPECT_EQ(header.substr(16), std::string(8, '\0'));
    // Only slices: the start, the boundary, and the very end.
    EXPECT_EQ(slice(g, 0, sample_mp4().size()), sample_mp4());
    EXPECT_EQ(slice(g, size - 1, 1), std::string(1, '\0'));
    expect_padded(g, size);
  }
}

// ---- fill at arbitrary offsets ------------------------------------------------------------------

TEST(Media, FillAtArbitraryOffsetsMatchesWholeFill) {
  const std::uint64_t size = 300 * 1024;
  const Generated g = mp4_of_size(size);
  const std::string all = whole(g);
  const std::uint64_t s = sample_mp4().size();
  const std::vector<std::pair<std::uint64_t, std::size_t>> cases = {
      {0, 1},        {0, 100},        {1, 31},        {31, 2},           {s - 1, 1},         {s - 1, 2},
      {s - 3, 12},   {s, 8},          {s + 3, 2},     {s + 7, 1},        {s + 7, 3},         {s + 8, 100},
      {s - 100, 300}, {12345, 65536}, {size - 1, 1}, {size - 10, 10},   {100, static_cast<std::size_t>(size - 200)},
      {0, static_cast<std::size_t>(size)},
  };
  for (const auto& [offset, n] : cases) {
    EXPECT_EQ(slice(g, offset, n), all.substr(static_cast<std::size_t>(offset), n)) << offset << "+" << n;
  }
  // Every single byte across the sample/padding boundary.
  for (std::uint64_t at = s - 20; at < s + 40; ++at) {
    EXPECT_EQ(slice(g, at, 1), all.substr(static_cast<std::size_t>(at), 1)) << at;
  }
  // Reassembling the file from odd-sized pieces gives the same bytes.
  std::string pieces;
  for (std::uint64_t at = 0; at < size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size - at, 1 + (at * 7919) % 5003));
    pieces += slice(g, at, n);
    at += n;
  }
  EXPECT_EQ(pieces, all);
  // An empty span writes nothing.
  g.fill(17, std::span<char>());
}

TEST(Media, FillOfLargeFileMatchesWiderWindow) {
  // With the 64-bit header: small reads agree with one larger read around the boundary and the end.
  const std::uint64_t size = 5 * GiB;
  const Generated g = mp4_of_size(size);
  const std::uint64_t s = sample_mp4().size();
  const std::uint64_t window_start = s - 64;
  const std::string window = slice(g, window_start, 256);
  for (std::uint64_t at = window_start; at < window_start + 256; at += 3) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(5, window_start + 256 - at));
    EXPECT_EQ(slice(g, at, n), window.substr(static_cast<std::size_t>(at - window_start), n)) << at;
  }
  const std::string tail = slice(g, size - 4096, 4096);
  EXPECT_EQ(tail, std::string(4096, '\0'));
  EXPECT_EQ(slice(g, size - 5000, 5000).substr(904), tail);
  EXPECT_EQ(slice(g, 3 * GiB + 1, 64), std::string(64, '\0'));
}

TEST(Media, GeneratedFilesAreIndependentCopies) {
  // The fill functions own what they need: copies made from temporaries still work.
  Generated a = mp4_of_size(MiB);
  Generated b = a;
  a = mp4_of_size(2 * MiB);
  EXPECT_EQ(b.size, MiB);
  EXPECT_EQ(be32(slice(b, sample_mp4().size(), 4)), MiB - sample_mp4().size());
  EXPECT_EQ(be32(slice(a, sample_mp4().size(), 4)), 2 * MiB - sample_mp4().size());
}

// ---- ffmpeg accepts the padded files ------------------------------------------------------------

bool have_ffmpeg() { return std::system("command -v ffmpeg >/dev/null 2>&1") == 0; }

std::filesystem::path temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "reel-media-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `ffmpeg -v error -i file -f null -`; returns the exit status and what it printed.
std::pair<int, std::string> ffmpeg_check(const std::filesystem::path& dir, const std::filesystem::path& file) {
  const std::filesystem::path log = dir / "ffmpeg.log";
  const std::string command = "ffmpeg -nostdin -hide_banner -v error -i '" + file.string() + "' -f null - >'" +
                              log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  return {status, read_file(log)};
}

TEST(Media, FfmpegDecodesPaddedFile) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg is not on PATH: cannot check that padded MP4s decode";
  const std::filesystem::path dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  for (const std::uint64_t size : {std::uint64_t{sample_mp4().size()}, min_padded_size(), MiB}) {
    const std::filesystem::path file = dir / ("video-" + std::to_string(size) + ".mp4");
    {
      std::ofstream out(file, std::ios::binary);
      const std::string bytes = whole(mp4_of_size(size));
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      ASSERT_TRUE(out.good());
    }
    ASSERT_EQ(std::filesystem::file_size(file), size);
    const auto [status, output] = ffmpeg_check(dir, file);
    EXPECT_EQ(status, 0) << "ffmpeg failed on a " << size << "-byte file:\n" << output;
    EXPECT_EQ(output, "") << "ffmpeg reported errors on a " << size << "-byte file";
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(Media, FfmpegDecodesSparseFileWithSixtyFourBitPadding) {
  if (!have_ffmpeg()) GTEST_SKIP() << "ffmpeg is not on PATH: cannot check that padded MP4s decode";
  const std::filesystem::path dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const std::uint64_t size = 4 * GiB + 4096;
  const Generated g = mp4_of_size(size);
  const std::filesystem::path file = dir / "large.mp4";
  {
    // The sample and the 16-byte box header; the zeros are a hole, so the file takes no space.
    std::ofstream out(file, std::ios::binary);
    const std::string head = slice(g, 0, static_cast<std::size_t>(sample_mp4().size() + 16));
    out.write(head.data(), static_cast<std::streamsize>(head.size()));
    ASSERT_TRUE(out.good());
  }
  std::error_code ec;
  std::filesystem::resize_file(file, size, ec);
  struct stat st {};
  if (ec || ::stat(file.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_blocks) * 512 > 64 * MiB) {
    std::filesystem::remove_all(dir, ec);
    GTEST_SKIP() << "the temporary directory does not hold sparse files";
  }
  ASSERT_EQ(std::filesystem::file_size(file), size);
  const auto [status, output] = ffmpeg_check(dir, file);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(output, "");
  std::filesystem::remove_all(dir, ec);
}

// ---- parse_range ----------------------------------------------------------------------------------

struct RangeCase {
  std::string header;
  std::uint64_t size;
  bool valid;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> span;
};

TEST(Media, ParseRange) {
  using Span = std::pair<std::uint64_t, std::uint64_t>;
  const std::vector<RangeCase> cases = {
      // Closed ranges, clamped to the end.
      {"bytes=0-99", 1000, true, Span{0, 99}},
      {"bytes=0-0", 1000, true, Span{0, 0}},
      {"bytes=999-999", 1000, true, Span{999, 999}},
      {"bytes=10-5000", 1000, true, Span{10, 999}},
      {"bytes=5-5", 1000, true, Span{5, 5}},
      // Open ranges.
      {"bytes=100-", 1000, true, Span{100, 999}},
      {"bytes=0-", 1000, true, Span{0, 999}},
      {"bytes=999-", 1000, true, Span{999, 999}},
      // Suffix ranges: the last n bytes, all of them when n is larger.
      {"bytes=-100", 1000, true, Span{900, 999}},
      {"bytes=-1", 1000, true, Span{999, 999}},
      {"bytes=-1000", 1000, true, Span{0, 999}},
      {"bytes=-5000", 1000, true, Span{0, 999}},
      // Large files.
      {"bytes=4294967296-", 5 * GiB, true, Span{4294967296, 5 * GiB - 1}},
      {"bytes=-10", 5 * GiB, true, Span{5 * GiB - 10, 5 * GiB - 1}},
      // Valid syntax but unsatisfiable: 416.
      {"bytes=1000-", 1000, true, std::nullopt},
      {"bytes=1000-2000", 1000, true, std::nullopt},
      {"bytes=-0", 1000, true, std::nullopt},
      {"bytes=0-", 0, true, std::nullopt},
      {"bytes=-5", 0, true, std::nullopt},
      // Not a single byte range: ignored.
      {"bytes=5-3", 1000, false, std::nullopt},
      {"bytes=0-1,5-6", 1000, false, std::nullopt},
      {"bytes=a-b", 1000, false, std::nullopt},
      {"bytes=1-b", 1000, false, std::nullopt},
      {"bytes=-", 1000, false, std::nullopt},
      {"bytes=", 1000, false, std::nullopt},
      {"bytes=5", 1000, false, std::nullopt},
      {"bytes=+1-2", 1000, false, std::nullopt},
      {"bytes= 1-2", 1000, false, std::nullopt},
      {"bytes=1 -2", 1000, false, std::nullopt},
      {"Bytes=0-1", 1000, false, std::nullopt},
      {"items=0-1", 1000, false, std::nullopt},
      {"0-1", 1000, false, std::nullopt},
      {"", 1000, false, std::nullopt},
      {"bytes=99999999999999999999-", 1000, false, std::nullopt},
  };
  for (const RangeCase& c : cases) {
    bool valid = !c.valid;
    const auto span = reel_sim::parse_range(c.header, c.size, valid);
    EXPECT_EQ(valid, c.valid) << "\"" << c.header << "\" of " << c.size;
    EXPECT_EQ(span, c.span) << "\"" << c.header << "\" of " << c.size;
  }
}

// ---- media_reply ----------------------------------------------------------------------------------

reel_sim::Request request_with_range(std::optional<std::string> range) {
  reel_sim::Request r;
  r.method = "GET";
  r.target = r.path = "/media.mp4";
  if (range) r.headers.set("Range", *range);
  return r;
}

std::string body_of(const reel_sim::Reply& reply) {
  if (!reply.media) return reply.body;
  return whole(*reply.media);
}

TEST(Media, ReplyWithoutRangeIsWholeFile) {
  const reel_sim::Reply r = reel_sim::media_reply(request_with_range(std::nullopt), MiB);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.find("Content-Type"), "video/mp4");
  EXPECT_EQ(r.headers.find("Accept-Ranges"), "bytes");
  EXPECT_FALSE(r.headers.find("Content-Range"));
  ASSERT_TRUE(r.media);
  EXPECT_EQ(r.body_size(), MiB);
  EXPECT_EQ(body_of(r), whole(mp4_of_size(MiB)));
  EXPECT_FALSE(r.fault.reset_at || r.close);
}

TEST(Media, ReplyOfSmallSizeIsTheSample) {
  const reel_sim::Reply r = reel_sim::media_reply(request_with_range(std::nullopt), 10);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body_size(), sample_mp4().size());
  EXPECT_EQ(body_of(r), sample_mp4());
  // Ranges count against the real size.
  const reel_sim::Reply tail = reel_sim::media_reply(request_with_range("bytes=-4"), 10);
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.headers.find("Content-Range"), "bytes " + std::to_string(sample_mp4().size() - 4) + "-" +
                                                    std::to_string(sample_mp4().size() - 1) + "/" +
                                                    std::to_string(sample_mp4().size()));
  EXPECT_EQ(body_of(tail), sample_mp4().substr(sample_mp4().size() - 4));
}

TEST(Media, ReplyPartialContent) {
  const std::uint64_t size = MiB;
  const std::string all = whole(mp4_of_size(size));
  struct Case {
    std::string range;
    std::uint64_t first;
    std::uint64_t last;
  };
  const std::vector<Case> cases = {
      {"bytes=10-19", 10, 19},
      {"bytes=0-0", 0, 0},
      {"bytes=15000-16000", 15000, 16000},  // across the sample / padding boundary
      {"bytes=1000000-", 1000000, size - 1},  // open
      {"bytes=-16", size - 16, size - 1},     // suffix
      {"bytes=-2000000", 0, size - 1},        // suffix longer than the file
      {"bytes=100-99999999", 100, size - 1},  // clamped
  };
  for (const Case& c : cases) {
    const reel_sim::Reply r = reel_sim::media_reply(request_with_range(c.range), size);
    EXPECT_EQ(r.status, 206) << c.range;
    EXPECT_EQ(r.headers.find("Content-Range"),
              "bytes " + std::to_string(c.first) + "-" + std::to_string(c.last) + "/" + std::to_string(size))
        << c.range;
    EXPECT_EQ(r.headers.find("Content-Type"), "video/mp4") << c.range;
    EXPECT_EQ(r.headers.find("Accept-Ranges"), "bytes") << c.range;
    ASSERT_TRUE(r.media) << c.range;
    EXPECT_EQ(r.body_size(), c.last - c.first + 1) << c.range;
    EXPECT_EQ(body_of(r), all.substr(static_cast<std::size_t>(c.first), static_cast<std::size_t>(c.last - c.first + 1)))
        << c.range;
  }
}

TEST(Media, ReplyPartialContentOfLargeFile) {
  const std::uint64_t size = 5 * GiB;
  const reel_sim::Reply r = reel_sim::media_reply(request_with_range("bytes=15400-"), size);
  EXPECT_EQ(r.status, 206);
  EXPECT_EQ(r.headers.find("Content-Range"), "bytes 15400-" + std::to_string(size - 1) + "/" + std::to_string(size));
  ASSERT_TRUE(r.media);
  EXPECT_EQ(r.body_size(), size - 15400);
  // The 64-bit padding header starts at the sample's end (offset 64 in the part).
  const std::string part = slice(*r.media, 0, 128);
  EXPECT_EQ(part, slice(mp4_of_size(size), 15400, 128));
  EXPECT_EQ(part.substr(sample_mp4().size() - 15400, 8), std::string("\0\0\0\x01" "free", 8));
}

TEST(Media, ReplyRangeNotSatisfiable) {
  const std::vector<std::string> ranges = {"bytes=1048576-", "bytes=2000000-3000000", "bytes=-0"};
  for (const std::string& range : ranges) {
    const reel_sim::Reply r = reel_sim::media_reply(request_with_range(range), MiB);
    EXPECT_EQ(r.status, 416) << range;
    EXPECT_EQ(r.headers.find("Content-Range"), "bytes */1048576") << range;
    EXPECT_EQ(r.headers.find("Content-Type"), "application/json") << range;
    EXPECT_FALSE(r.media) << range;
    EXPECT_EQ(r.body, R"({"error":"Range Not Satisfiable"})") << range;
  }
}

TEST(Media, ReplyIgnoresInvalidRangeHeaders) {
  const std::string all = whole(mp4_of_size(MiB));
  const std::vector<std::string> ranges = {"bytes=5-3", "bytes=0-1,5-6", "items=0-1", "bytes=x-", "bytes=", "garbage"};
  for (const std::string& range : ranges) {
    const reel_sim::Reply r = reel_sim::media_reply(request_with_range(range), MiB);
    EXPECT_EQ(r.status, 200) << range;
    EXPECT_FALSE(r.headers.find("Content-Range")) << range;
    ASSERT_TRUE(r.media) << range;
    EXPECT_EQ(r.body_size(), MiB) << range;
    EXPECT_EQ(body_of(r), all) << range;
  }
}

}  // namespace
