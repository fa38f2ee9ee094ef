// SPDX-License-Identifier: BSL-1.0
// JSONTestSuite (nst/JSONTestSuite, test_parsing/) against reel::json::read.
//
//   y_*  must be accepted, and the Value must survive write -> read unchanged;
//   n_*  must be rejected with a reel.json error code and a sane position;
//   i_*  are left to the parser: reel's outcome is pinned in kImplementationDefined below and
//        explained in docs/json-conformance.md (keep the two in sync).
//
// Every parse reads from an exactly sized heap block with no terminator, so under AddressSanitizer
// a read one byte past the input is a crash. The corpus directory is baked in from CMake
// (REEL_JSONTESTSUITE_DIR) and can be overridden at run time with the environment variable of
// the same name; when it is missing every test is SKIPPED.

#include <reel/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#ifndef REEL_JSONTESTSUITE_DIR
#error "REEL_JSONTESTSUITE_DIR must be defined by tests/conformance/CMakeLists.txt"
#endif

#if defined(__SANITIZE_ADDRESS__)
#define REEL_CONFORMANCE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REEL_CONFORMANCE_ASAN 1
#endif
#endif
#ifndef REEL_CONFORMANCE_ASAN
#define REEL_CONFORMANCE_ASAN 0
#endif

namespace {

namespace fs = std::filesystem;
using reel::json::Errc;
using reel::json::Value;

// ---------------------------------------------------------------------------------------------
// Expected failures. A y_ file listed here is known to be rejected, an n_ file known to be
// accepted; they are reported but do not fail the suite. Remove an entry once the library is
// fixed: a listed file that behaves correctly fails the test ("unexpectedly passes").
// ---------------------------------------------------------------------------------------------
const std::set<std::string, std::less<>> kExpectedFailuresRejectedY = {};
const std::set<std::string, std::less<>> kExpectedFailuresAcceptedN = {};
// y_ files whose Value does not survive write -> read.
const std::set<std::string, std::less<>> kExpectedFailuresRoundTrip = {};

// ---------------------------------------------------------------------------------------------
// What reel does with each i_ file (documented in docs/json-conformance.md).
// ---------------------------------------------------------------------------------------------
struct Outcome {
  bool accepted;
  Errc code;  // Errc::ok when accepted
};
constexpr Outcome accept{true, Errc::ok};
constexpr Outcome reject(Errc code) { return {false, code}; }

const std::map<std::string, Outcome, std::less<>>& implementation_defined() {
  static const std::map<std::string, Outcome, std::less<>> table = {
      // Numbers: Value keeps the text, so any syntactically valid number is accepted, however
      // large, small or long; range is only checked when converting to a C++ arithmetic type.
      {"i_number_double_huge_neg_exp.json", accept},
      {"i_number_huge_exp.json", accept},
      {"i_number_neg_int_huge_exp.json", accept},
      {"i_number_pos_double_huge_exp.json", accept},
      {"i_number_real_neg_overflow.json", accept},
      {"i_number_real_pos_overflow.json", accept},
      {"i_number_real_underflow.json", accept},
      {"i_number_too_big_neg_int.json", accept},
      {"i_number_too_big_pos_int.json", accept},
      {"i_number_very_big_negative_int.json", accept},
      // \u escapes that do not form a valid code point (lone or inverted surrogates): a string is
      // always valid UTF-8 once read, so these are rejected.
      {"i_object_key_lone_2nd_surrogate.json", reject(Errc::invalid_unicode)},
      {"i_string_1st_surrogate_but_2nd_missing.json", reject(Errc::invalid_unicode)},
      {"i_string_1st_valid_surrogate_2nd_invalid.json", reject(Errc::invalid_unicode)},
      {"i_string_incomplete_surrogate_and_escape_valid.json", reject(Errc::invalid_unicode)},
      {"i_string_incomplete_surrogate_pair.json", reject(Errc::invalid_unicode)},
      {"i_string_incomplete_surrogates_escape_valid.json", reject(Errc::invalid_unicode)},
      {"i_string_invalid_lonely_surrogate.json", reject(Errc::invalid_unicode)},
      {"i_string_invalid_surrogate.json", reject(Errc::invalid_unicode)},
      {"i_string_inverted_surrogates_U+1D11E.json", reject(Errc::invalid_unicode)},
      {"i_string_lone_second_surrogate.json", reject(Errc::invalid_unicode)},
      // Raw bytes that are not well-formed UTF-8 (RFC 8259 section 8.1: JSON text is UTF-8).
      {"i_string_UTF-8_invalid_sequence.json", reject(Errc::invalid_unicode)},
      {"i_string_UTF8_surrogate_U+D800.json", reject(Errc::invalid_unicode)},
      {"i_string_invalid_utf-8.json", reject(Errc::invalid_unicode)},
      {"i_string_iso_latin_1.json", reject(Errc::invalid_unicode)},
      {"i_string_lone_utf8_continuation_byte.json", reject(Errc::invalid_unicode)},
      {"i_string_not_in_unicode_range.json", reject(Errc::invalid_unicode)},
      {"i_string_overlong_sequence_2_bytes.json", reject(Errc::invalid_unicode)},
      {"i_string_overlong_sequence_6_bytes.json", reject(Errc::invalid_unicode)},
      {"i_string_overlong_sequence_6_bytes_null.json", reject(Errc::invalid_unicode)},
      {"i_string_truncated-utf-8.json", reject(Errc::invalid_unicode)},
      // Other encodings and byte order marks: only UTF-8 without a BOM is read.
      {"i_string_UTF-16LE_with_BOM.json", reject(Errc::syntax_error)},
      {"i_string_utf16BE_no_BOM.json", reject(Errc::syntax_error)},
      {"i_string_utf16LE_no_BOM.json", reject(Errc::syntax_error)},
      {"i_structure_UTF-8_BOM_empty_object.json", reject(Errc::syntax_error)},
      // 500 nested arrays exceed the default ReadOptions::max_depth of 128.
      {"i_structure_500_nested_arrays.json", reject(Errc::depth_exceeded)},
  };
  return table;
}

// ---------------------------------------------------------------------------------------------
// Corpus access
// ---------------------------------------------------------------------------------------------
fs::path corpus_dir() {
  if (const char* env = std::getenv("REEL_JSONTESTSUITE_DIR"); env != nullptr && *env != '\0') return env;
  return REEL_JSONTESTSUITE_DIR;
}

struct CorpusFile {
  std::string name;
  std::string bytes;
};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// All corpus files whose name starts with `prefix` ("y_", "n_", "i_" or "" for all), sorted.
const std::vector<CorpusFile>& corpus() {
  static const std::vector<CorpusFile> files = [] {
    std::vector<CorpusFile> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(corpus_dir(), ec)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
      out.push_back({entry.path().filename().string(), read_bytes(entry.path())});
    }
    std::sort(out.begin(), out.end(), [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
    return out;
  }();
  return files;
}

std::vector<const CorpusFile*> with_prefix(std::string_view prefix) {
  std::vector<const CorpusFile*> out;
  for (const auto& f : corpus()) {
    if (f.name.starts_with(prefix)) out.push_back(&f);
  }
  return out;
}

// A copy of `bytes` in a heap block of exactly bytes.size() bytes: no terminator, no slack.
class ExactBuffer {
public:
  explicit ExactBuffer(std::string_view bytes) : size_(bytes.size()), data_(new char[bytes.size()]) {
    if (size_ != 0) std::memcpy(data_.get(), bytes.data(), size_);
  }
  std::string_view view() const noexcept { return {data_.get(), size_}; }

private:
  std::size_t size_;
  std::unique_ptr<char[]> data_;
};

template <class T>
reel::json::Error parse_exact(std::string_view bytes, T& out, const reel::json::ReadOptions& options = {}) {
  const ExactBuffer buffer(bytes);
  return reel::json::read(buffer.view(), out, options);
}

std::string errc_name(std::error_code ec) {
  if (ec.category() != reel::json::json_category()) return ec.category().name() + std::string(":") + ec.message();
  switch (static_cast<Errc>(ec.value())) {
    case Errc::ok: return "ok";
    case Errc::unexpected_end: return "unexpected_end";
    case Errc::syntax_error: return "syntax_error";
    case Errc::trailing_content: return "trailing_content";
    case Errc::invalid_escape: return "invalid_escape";
    case Errc::invalid_unicode: return "invalid_unicode";
    case Errc::invalid_number: return "invalid_number";
    case Errc::number_out_of_range: return "number_out_of_range";
    case Errc::type_mismatch: return "type_mismatch";
    case Errc::missing_field: return "missing_field";
    case Errc::unknown_field: return "unknown_field";
    case Errc::duplicate_key: return "duplicate_key";
    case Errc::unknown_enum_value: return "unknown_enum_value";
    case Errc::depth_exceeded: return "depth_exceeded";
    case Errc::input_too_large: return "input_too_large";
    case Errc::not_representable: return "not_representable";
  }
  return "Errc(" + std::to_string(ec.value()) + ")";
}

std::string describe(const reel::json::Error& e) {
  if (!e) return "accepted";
  return "rejected with " + errc_name(e.code) + ": " + e.message();
}

// The position fields of a reader error must describe a place inside the input.
void expect_sane_error(const reel::json::Error& e, std::string_view input, const std::string& name) {
  ASSERT_TRUE(e) << name;
  EXPECT_EQ(&e.code.category(), &reel::json::json_category()) << name;
  EXPECT_NE(e.code.value(), 0) << name;
  EXPECT_FALSE(e.message().empty()) << name;
  if (e.code == Errc::input_too_large) return;
  EXPECT_LE(e.offset, input.size()) << name << ": " << e.message();
  EXPECT_GE(e.line, 1u) << name;
  EXPECT_GE(e.column, 1u) << name;
  EXPECT_NE(e.excerpt.find('^'), std::string::npos) << name;
}

std::string_view trim_json_ws(std::string_view s) {
  constexpr std::string_view ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

class JsonTestSuite : public ::testing::Test {
protected:
  void SetUp() override {
    std::error_code ec;
    if (!fs::is_directory(corpus_dir(), ec)) {
      GTEST_SKIP() << "JSONTestSuite corpus not found at " << corpus_dir()
                   << " (set REEL_JSONTESTSUITE_DIR at configure or run time)";
    }
    if (corpus().empty()) GTEST_SKIP() << "no .json files in " << corpus_dir();
  }
};

TEST_F(JsonTestSuite, CorpusHasEveryKind) {
  const auto y = with_prefix("y_").size();
  const auto n = with_prefix("n_").size();
  const auto i = with_prefix("i_").size();
  EXPECT_GT(y, 0u);
  EXPECT_GT(n, 0u);
  EXPECT_GT(i, 0u);
  EXPECT_EQ(y + n + i, corpus().size()) << "files without a y_/n_/i_ prefix";
  RecordProperty("y_files", static_cast<int>(y));
  RecordProperty("n_files", static_cast<int>(n));
  RecordProperty("i_files", static_cast<int>(i));
  RecordProperty("asan", REEL_CONFORMANCE_ASAN);
  std::printf("JSONTestSuite at %s: %zu y_, %zu n_, %zu i_ files; over-read check %s\n", corpus_dir().c_str(), y, n,
              i, REEL_CONFORMANCE_ASAN ? "under AddressSanitizer" : "WITHOUT AddressSanitizer (weak)");
}

TEST_F(JsonTestSuite, AcceptsEveryYFile) {
  std::size_t accepted = 0;
  for (const CorpusFile* f : with_prefix("y_")) {
    Value v;
    const reel::json::Error e = parse_exact(f->bytes, v);
    if (kExpectedFailuresRejectedY.contains(f->name)) {
      EXPECT_TRUE(e) << f->name << " is in kExpectedFailuresRejectedY but now unexpectedly passes: remove it";
      if (e) std::printf("expected failure (y_ rejected): %s: %s\n", f->name.c_str(), describe(e).c_str());
      continue;
    }
    EXPECT_FALSE(e) << f->name << " must be accepted, but was " << describe(e);
    if (!e) ++accepted;
  }
  RecordProperty("accepted", static_cast<int>(accepted));
}

TEST_F(JsonTestSuite, RejectsEveryNFile) {
  std::size_t rejected = 0;
  for (const CorpusFile* f : with_prefix("n_")) {
    Value v;
    const reel::json::Error e = parse_exact(f->bytes, v);
    if (kExpectedFailuresAcceptedN.contains(f->name)) {
      EXPECT_FALSE(e) << f->name << " is in kExpectedFailuresAcceptedN but now unexpectedly passes: remove it";
      if (!e) std::printf("expected failure (n_ accepted): %s\n", f->name.c_str());
      continue;
    }
    EXPECT_TRUE(e) << f->name << " must be rejected, but was accepted";
    if (e) {
      ++rejected;
      expect_sane_error(e, f->bytes, f->name);
    }
  }
  RecordProperty("rejected", static_cast<int>(rejected));
}

TEST_F(JsonTestSuite, ImplementationDefinedFilesMatchTheTable) {
  const auto& table = implementation_defined();
  std::set<std::string, std::less<>> seen;
  for (const CorpusFile* f : with_prefix("i_")) {
    seen.insert(f->name);
    const auto it = table.find(f->name);
    Value v;
    const reel::json::Error e = parse_exact(f->bytes, v);
    if (it == table.end()) {
      ADD_FAILURE() << f->name << " has no entry in the implementation_defined() table; reel says: " << describe(e);
      continue;
    }
    const Outcome want = it->second;
    if (want.accepted) {
      EXPECT_FALSE(e) << f->name << ": documented as accepted, but " << describe(e);
    } else {
      EXPECT_EQ(e.code, reel::json::make_error_code(want.code))
          << f->name << ": documented as rejected with " << errc_name(want.code) << ", but " << describe(e);
      if (e) expect_sane_error(e, f->bytes, f->name);
    }
  }
  for (const auto& [name, outcome] : table) {
    EXPECT_TRUE(seen.contains(name)) << name << " is in the table but not in the corpus";
  }
}

TEST_F(JsonTestSuite, AcceptedYFilesRoundTrip) {
  for (const CorpusFile* f : with_prefix("y_")) {
    Value v;
    if (parse_exact(f->bytes, v)) continue;  // reported by AcceptsEveryYFile
    const bool expected_failure = kExpectedFailuresRoundTrip.contains(f->name);
    std::string out;
    const reel::json::Error we = reel::json::write(v, out);
    Value back;
    const reel::json::Error re = we ? reel::json::Error{} : parse_exact(out, back);
    const bool ok = !we && !re && back == v;
    if (expected_failure) {
      EXPECT_FALSE(ok) << f->name << " is in kExpectedFailuresRoundTrip but now round-trips: remove it";
      continue;
    }
    EXPECT_FALSE(we) << f->name << ": write failed: " << we.message();
    EXPECT_FALSE(re) << f->name << ": written JSON does not read back: " << describe(re) << "\n  written: " << out;
    EXPECT_TRUE(back == v) << f->name << ": value changed in the round trip; written: " << out;
    if (ok) {
      // Writing is deterministic: the re-read value writes the same text.
      std::string again;
      EXPECT_FALSE(reel::json::write(back, again)) << f->name;
      EXPECT_EQ(again, out) << f->name;
    }
  }
}

// RawJson validates with Parser::skip_value (the path unknown keys take), Value with the full
// reader; both must agree on every file, and RawJson must keep the value's exact text.
TEST_F(JsonTestSuite, RawJsonAgreesWithValue) {
  for (const CorpusFile& f : corpus()) {
    Value v;
    reel::json::RawJson raw;
    const reel::json::Error ev = parse_exact(f.bytes, v);
    const reel::json::Error er = parse_exact(f.bytes, raw);
    EXPECT_EQ(ev.code, er.code) << f.name << ": Value " << describe(ev) << "; RawJson " << describe(er);
    if (!ev && !er) {
      EXPECT_EQ(raw.text, trim_json_ws(f.bytes)) << f.name;
    }
    if (ev && er) {
      EXPECT_EQ(ev.offset, er.offset) << f.name << ": Value " << describe(ev) << "; RawJson " << describe(er);
    }
  }
}

// Typed targets exercise the number, enum and string-view paths of the reader.
enum class Tag { a, b, c };

}  // namespace

template <>
struct reel::json::Meta<Tag> {
  static constexpr auto names = reel::json::enum_names<Tag>({{Tag::a, "a"}, {Tag::b, "b"}, {Tag::c, "\u00e9"}});
};

namespace {

struct Record {
  std::optional<std::int8_t> i8;
  std::optional<std::uint64_t> u64;
  std::optional<double> d;
  std::optional<float> f;
  std::optional<bool> flag;
  std::optional<std::string> s;
  std::optional<Tag> tag;
  std::optional<std::vector<Record>> children;
};

using Anything = std::variant<std::monostate, bool, double, std::string, std::vector<Value>, std::map<std::string, Value>>;

// Parses `input` (from an exact buffer) into several targets; only checks that errors are sane.
void parse_everything(std::string_view input, const std::string& name) {
  auto check = [&](const char* target, const reel::json::Error& e) {
    if (e) expect_sane_error(e, input, name + " as " + target);
  };
  {
    Value v;
    check("Value", parse_exact(input, v));
  }
  {
    reel::json::RawJson r;
    check("RawJson", parse_exact(input, r));
  }
  {
    std::vector<std::int64_t> v;
    check("vector<int64_t>", parse_exact(input, v));
  }
  {
    std::vector<std::int8_t> v;
    check("vector<int8_t>", parse_exact(input, v));
  }
  {
    std::vector<std::uint64_t> v;
    check("vector<uint64_t>", parse_exact(input, v));
  }
  {
    std::vector<double> v;
    check("vector<double>", parse_exact(input, v));
  }
  {
    std::vector<float> v;
    check("vector<float>", parse_exact(input, v));
  }
  {
    std::vector<std::string> v;
    check("vector<string>", parse_exact(input, v));
  }
  {
    std::vector<Tag> v;
    check("vector<Tag>", parse_exact(input, v));
  }
  {
    std::vector<bool> v;
    check("vector<bool>", parse_exact(input, v));
  }
  {
    std::vector<Anything> v;
    check("vector<variant>", parse_exact(input, v));
  }
  {
    std::map<std::string, Value> v;
    check("map<string, Value>", parse_exact(input, v));
  }
  {
    Record r;
    check("Record", parse_exact(input, r));
    Record strict;
    reel::json::ReadOptions options;
    options.reject_unknown_keys = true;
    options.reject_duplicate_keys = true;
    options.max_depth = 4;
    check("Record (strict)", parse_exact(input, strict, options));
  }
  {
    std::vector<Record> v;
    check("vector<Record>", parse_exact(input, v));
  }
}

// Each file, and every prefix of each small file, read from an exactly sized buffer into many
// targets. Under AddressSanitizer any read past the end aborts the test.
TEST_F(JsonTestSuite, NeverReadsPastTheInput) {
  if (!REEL_CONFORMANCE_ASAN) {
    std::printf("note: built without AddressSanitizer; over-reads are only caught in sanitized builds\n");
  }
  constexpr std::size_t prefix_limit = 4096;
  std::size_t parses = 0;
  for (const CorpusFile& f : corpus()) {
    const std::string_view bytes = f.bytes;
    parse_everything(bytes, f.name);
    ++parses;
    if (bytes.size() > prefix_limit) continue;
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      parse_everything(bytes.substr(0, n), f.name + " [first " + std::to_string(n) + " bytes]");
      ++parses;
    }
    if (HasFailure()) break;  // one broken file is enough output
  }
  RecordProperty("inputs", static_cast<int>(parses));
}

// Every proper prefix of a y_ document that starts with '[', '{' or '"' is incomplete: it must be
// rejected, and (past the leading white space) with unexpected_end.
TEST_F(JsonTestSuite, TruncatedDocumentsReportUnexpectedEnd) {
  for (const CorpusFile* f : with_prefix("y_")) {
    const std::string_view doc = trim_json_ws(f->bytes);
    if (doc.empty() || f->bytes.size() > 4096) continue;
    if (doc.front() != '[' && doc.front() != '{' && doc.front() != '"') continue;
    const std::size_t start = static_cast<std::size_t>(doc.data() - f->bytes.data());
    for (std::size_t n = 0; n < start + doc.size(); ++n) {
      Value v;
      const std::string_view prefix = std::string_view(f->bytes).substr(0, n);
      const reel::json::Error e = parse_exact(prefix, v);
      EXPECT_TRUE(e) << f->name << ": first " << n << " bytes accepted";
      if (!e || e.code == Errc::unexpected_end) continue;
      ADD_FAILURE() << f->name << ": first " << n << " bytes: expected unexpected_end, got " << describe(e);
    }
  }
}

}  // namespace
