// SPDX-License-Identifier: BSL-1.0
/// @file
/// The journal's bytes, without any file: an 8-byte header ("RJNL", version 1 as 4 bytes
/// little-endian), then records, each `length` (4 bytes LE) `crc32` (4 bytes LE, of the payload)
/// `payload` (an `Entry` as JSON, `length` bytes). `read_journal` reads them back: a bad record
/// after which no valid record follows is a torn tail (ignored; `valid_size` says where the good
/// part ends); a bad record followed by a valid one is corruption (`corrupt_record`).
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/json/read.hpp>
#include <reel/json/write.hpp>
#include <reel/store/record.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace reel::store {

/// The file header: magic and format version.
inline constexpr std::string_view journal_header{"RJNL\x01\x00\x00\x00", 8};
/// Bytes before each payload (length and checksum).
inline constexpr std::size_t frame_header_size = 8;
/// The default limit on one record's payload.
inline constexpr std::uint32_t default_max_record = 1u << 20;
/// The largest `max_record` a Journal accepts (256 MiB).
inline constexpr std::uint32_t max_record_limit = 1u << 28;

namespace detail {
inline constexpr std::array<std::uint32_t, 256> crc32_table = [] {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}();

inline void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFu));
}
inline std::uint32_t get_u32(std::string_view in, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)])) << (8 * i);
  return v;
}
}  // namespace detail

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it) of `data`.
constexpr std::uint32_t crc32(std::string_view data, std::uint32_t crc = 0) noexcept {
  crc = ~crc;
  for (const char ch : data) crc = detail::crc32_table[(crc ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

/// FNV-1a (64 bits) of `data`, as "fnv1a64:<16 hex digits>" (the intent's request hash).
inline std::string request_hash(std::string_view data) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char ch : data) {
    h ^= static_cast<unsigned char>(ch);
    h *= 0x100000001b3ull;
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "fnv1a64:";
  for (int i = 15; i >= 0; --i) out.push_back(hex[(h >> (4 * i)) & 0xFu]);
  return out;
}

/// Appends `payload` framed as one record to `out`.
inline void frame_record(std::string_view payload, std::string& out) {
  detail::put_u32(out, static_cast<std::uint32_t>(payload.size()));
  detail::put_u32(out, crc32(payload));
  out.append(payload);
}

/// `e` as one framed record; `encode_error` when it is not representable as JSON.
inline Result<std::string, StoreError> encode_entry(const Entry& e) {
  std::string json;
  if (const json::Error err = json::write(e, json)) {
    return fail(StoreError{make_error_code(Errc::encode_error), 0, err.message()});
  }
  std::string out;
  out.reserve(json.size() + frame_header_size);
  frame_record(json, out);
  return out;
}

/// What `read_journal` found.
struct ParsedJournal {
  std::vector<Entry> entries;
  std::size_t valid_size = 0;  ///< bytes up to the end of the last good record
  bool torn_tail = false;      ///< bytes after `valid_size` were ignored
  bool header_missing = false; ///< the input was empty or a prefix of the header (a new journal)
};

namespace detail {
// Whether a complete, checksummed record starts at `at`.
inline bool valid_frame_at(std::string_view in, std::size_t at, std::uint32_t max_record) {
  if (in.size() - at < frame_header_size) return false;
  const std::uint32_t len = get_u32(in, at);
  if (len < 2 || len > max_record || len > in.size() - at - frame_header_size) return false;
  const std::string_view payload = in.substr(at + frame_header_size, len);
  if (payload.front() != '{' || payload.back() != '}') return false;  // cheap filter before the CRC
  return crc32(payload) == get_u32(in, at + 4);
}
}  // namespace detail

/// Reads a whole journal. Errors: `not_a_journal`, `corrupt_record` (with its offset),
/// `bad_record` (a checksummed payload that is not an `Entry`).
inline Result<ParsedJournal, StoreError> read_journal(std::string_view in, std::uint32_t max_record = default_max_record) {
  ParsedJournal out;
  if (in.size() < journal_header.size()) {
    if (journal_header.substr(0, in.size()) != in) {
      return fail(StoreError{make_error_code(Errc::not_a_journal), 0, "no journal header"});
    }
    out.header_missing = true;
    out.torn_tail = !in.empty();
    return out;
  }
  if (in.substr(0, journal_header.size()) != journal_header) {
    return fail(StoreError{make_error_code(Errc::not_a_journal), 0, "unknown header or version"});
  }
  std::size_t at = journal_header.size();
  out.valid_size = at;
  json::ReadOptions options;
  options.max_depth = 32;
  while (at < in.size()) {
    if (!detail::valid_frame_at(in, at, max_record)) {
      // Torn tail if nothing valid follows; otherwise the middle of the journal is damaged.
      for (std::size_t next = at + 1; next + frame_header_size < in.size(); ++next) {
        if (detail::valid_frame_at(in, next, max_record)) {
          return fail(StoreError{make_error_code(Errc::corrupt_record), at,
                                 "bad length or checksum at offset " + std::to_string(at) +
                                     ", a valid record follows at " + std::to_string(next)});
        }
      }
      out.torn_tail = true;
      return out;
    }
    const std::uint32_t len = detail::get_u32(in, at);
    Entry e;
    if (const json::Error err = json::read(in.substr(at + frame_header_size, len), e, options)) {
      return fail(StoreError{make_error_code(Errc::bad_record), at, err.message()});
    }
    out.entries.push_back(std::move(e));
    at += frame_header_size + len;
    out.valid_size = at;
  }
  return out;
}

}  // namespace reel::store
