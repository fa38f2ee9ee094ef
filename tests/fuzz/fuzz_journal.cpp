// SPDX-License-Identifier: BSL-1.0
// libFuzzer target: arbitrary bytes as a job journal file, through reel::store::read_journal.
// Each input is read twice: as the raw file, and framed (a header, then each line of the input
// as one record with its correct length and CRC-32), so that mutations reach the Entry reader
// behind the checksum.
//
// Checks, aborting on any violation:
//  - errors are reel.store codes (not_a_journal, corrupt_record, bad_record) with an offset
//    inside the input;
//  - on success, valid_size is within the input, and the good prefix alone reads back to the
//    same entries with no torn tail;
//  - the entries, written again with encode_entry, read back equal (same JSON text);
//  - the entries fold into job records whose snapshots encode and read back to the same
//    record (what compaction writes).

#include "fuzz_support.hpp"

#include <reel/store/journal_format.hpp>
#include <reel/store/record.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

const char* const reel_fuzz::fuzzer_name = "fuzz_journal";

namespace {

using reel_fuzz::die;

constexpr std::uint32_t max_record = 1u << 16;

std::string json_of(const reel::store::Entry& e, std::string_view input) {
  std::string out;
  if (const auto err = reel::json::write(e, out)) die("an entry that was read cannot be written", input, err.message());
  return out;
}

void check(const std::string_view input) {
  const std::size_t size = input.size();
  auto parsed = reel::store::read_journal(input, max_record);
  if (!parsed) {
    const auto& e = parsed.error();
    if (e.code.category() != reel::store::store_category()) die("foreign error category", input);
    const auto c = static_cast<reel::store::Errc>(e.code.value());
    if (c != reel::store::Errc::not_a_journal && c != reel::store::Errc::corrupt_record && c != reel::store::Errc::bad_record) {
      die("unexpected error code", input, e.message());
    }
    if (e.offset > size) die("error offset past the input", input);
    return;
  }
  if (parsed->valid_size > size) die("valid_size past the input", input);
  if (parsed->header_missing) {
    if (!parsed->entries.empty()) die("entries without a header", input);
    return;
  }
  // The good prefix reads back the same, cleanly.
  auto prefix = reel::store::read_journal(input.substr(0, parsed->valid_size), max_record);
  if (!prefix || prefix->torn_tail || prefix->entries.size() != parsed->entries.size()) {
    die("the good prefix does not read back cleanly", input);
  }
  // Written again, the entries read back to the same JSON.
  std::string rewritten(reel::store::journal_header);
  for (const auto& e : parsed->entries) {
    auto framed = reel::store::encode_entry(e);
    if (!framed) die("an entry that was read cannot be encoded", input, framed.error().message());
    rewritten += *framed;
  }
  auto again = reel::store::read_journal(rewritten, reel::store::default_max_record);
  if (!again || again->torn_tail || again->entries.size() != parsed->entries.size()) {
    die("re-encoded entries do not read back", input);
  }
  for (std::size_t i = 0; i < parsed->entries.size(); ++i) {
    if (json_of(parsed->entries[i], input) != json_of(again->entries[i], input)) die("entry changed in a round trip", input);
  }
  // Folded records survive a snapshot (compaction's entry).
  std::map<std::string, reel::store::JobRecord> jobs;
  for (const auto& e : parsed->entries) reel::store::apply(jobs[e.job], e);
  for (const auto& [id, record] : jobs) {
    const reel::store::Entry snap = reel::store::snapshot(record);
    auto framed = reel::store::encode_entry(snap);
    if (!framed) die("a snapshot cannot be encoded", input, framed.error().message());
    std::string one(reel::store::journal_header);
    one += *framed;
    auto read = reel::store::read_journal(one, reel::store::default_max_record);
    if (!read || read->entries.size() != 1) die("a snapshot does not read back", input);
    reel::store::JobRecord back;
    reel::store::apply(back, read->entries[0]);
    if (back.state != record.state || back.submitted() != record.submitted() || back.outcome != record.outcome ||
        back.idempotency_key() != record.idempotency_key() || back.file != record.file ||
        back.provider() != record.provider()) {
      die("a snapshot lost part of its record", input);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input);
  std::string framed(reel::store::journal_header);
  std::size_t start = 0;
  while (start <= input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    reel::store::frame_record(input.substr(start, end - start), framed);
    start = end + 1;
  }
  check(framed);
  return 0;
}
