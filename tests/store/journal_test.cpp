// SPDX-License-Identifier: BSL-1.0
// The job journal without any network: the record format (CRC-32, framing), round trips through
// the file, a torn tail cut at every byte of the last record, corruption in the middle, the
// compaction, a crash during compaction, and durability as seen by a second reader.
#include <reel/store/job_store.hpp>
#include <reel/store/journal.hpp>
#include <reel/store/journal_format.hpp>
#include <reel/store/record.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using reel::store::Entry;
using reel::store::Errc;
using reel::store::Journal;
using reel::store::JobState;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void spit(const std::filesystem::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

struct TempDir {
  TempDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() / ("reel-store-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path path;
};

Entry intent_entry(const std::string& id, const std::string& prompt) {
  Entry e;
  e.job = id;
  e.state = JobState::intent;
  reel::store::Intent i;
  i.provider = "lumenfall";
  i.base_url = "http://127.0.0.1:1/openai/v1";
  i.model = "sora-2";
  i.request.text = R"({"model":"sora-2","prompt":")" + prompt + R"("})";
  i.request_hash = reel::store::request_hash(i.request.text);
  i.idempotency_key = "reel-key-" + id;
  i.output = "/tmp/" + id + ".mp4";
  e.intent = i;
  return e;
}
Entry handle_entry(const std::string& id) {
  Entry e;
  e.job = id;
  e.state = JobState::submitted;
  reel::job::JobHandle h;
  h.provider = "lumenfall";
  h.base_url = "http://127.0.0.1:1/openai/v1";
  h.model = "sora-2";
  h.job_id = "video_" + id;
  h.download_url = "http://127.0.0.1:2/once/" + id;
  h.idempotency_key = "reel-key-" + id;
  h.created_at = 1700000000;
  e.handle = h;
  return e;
}
Entry state_entry(const std::string& id, JobState s) {
  Entry e;
  e.job = id;
  e.state = s;
  return e;
}

Journal open_ok(const std::filesystem::path& p) {
  auto j = Journal::open(p);
  if (!j) ADD_FAILURE() << j.error().message();
  return std::move(j).value();
}

// Offsets where each record of a journal file starts, and the file's end.
std::vector<std::size_t> record_offsets(const std::string& data) {
  std::vector<std::size_t> out;
  std::size_t at = reel::store::journal_header.size();
  while (at < data.size()) {
    out.push_back(at);
    std::uint32_t len = 0;
    for (int i = 0; i < 4; ++i) len |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + static_cast<std::size_t>(i)])) << (8 * i);
    at += reel::store::frame_header_size + len;
  }
  out.push_back(at);
  return out;
}

TEST(JournalFormat, Crc32MatchesTheStandardCheckValue) {
  EXPECT_EQ(reel::store::crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(reel::store::crc32(""), 0u);
  static_assert(reel::store::crc32("a") == 0xE8B7BE43u);
}

TEST(JournalFormat, RequestHashIsStableAndDistinguishes) {
  EXPECT_EQ(reel::store::request_hash(""), "fnv1a64:cbf29ce484222325");
  EXPECT_NE(reel::store::request_hash(R"({"prompt":"a"})"), reel::store::request_hash(R"({"prompt":"b"})"));
}

TEST(JournalFormat, EmptyOrHeaderPrefixIsANewJournalAndOtherBytesAreNot) {
  auto empty = reel::store::read_journal("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->header_missing);
  auto prefix = reel::store::read_journal("RJN");
  ASSERT_TRUE(prefix);
  EXPECT_TRUE(prefix->header_missing);
  auto other = reel::store::read_journal("{\"not\":\"a journal\"}");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::not_a_journal);
  auto version2 = reel::store::read_journal(std::string("RJNL\x02\x00\x00\x00", 8));
  ASSERT_FALSE(version2);
  EXPECT_EQ(version2.error().code, Errc::not_a_journal);
}

TEST(JournalFormat, ChecksummedRecordThatIsNotAnEntryIsATypedError) {
  std::string data(reel::store::journal_header);
  reel::store::frame_record(R"({"seq":1})", data);  // no "job", no "state"
  auto parsed = reel::store::read_journal(data);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, Errc::bad_record);
  EXPECT_EQ(parsed.error().offset, reel::store::journal_header.size());
}

TEST(JournalFormat, TheFuzzSeedsReadAsIntended) {
  const std::filesystem::path seeds = REEL_JOURNAL_SEEDS;
  auto lifecycle = reel::store::read_journal(slurp(seeds / "lifecycle.bin"));
  ASSERT_TRUE(lifecycle) << lifecycle.error().message();
  EXPECT_FALSE(lifecycle->torn_tail);
  ASSERT_EQ(lifecycle->entries.size(), 8u);
  const auto& intent = *lifecycle->entries[0].intent;
  EXPECT_EQ(intent.request_hash, reel::store::request_hash(intent.request.text));  // the same FNV-1a
  EXPECT_EQ(lifecycle->entries[3].outcome, "deadline");
  auto torn = reel::store::read_journal(slurp(seeds / "torn_tail.bin"));
  ASSERT_TRUE(torn);
  EXPECT_TRUE(torn->torn_tail);
  EXPECT_EQ(torn->entries.size(), 2u);
  auto corrupt = reel::store::read_journal(slurp(seeds / "corrupt_middle.bin"));
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, Errc::corrupt_record);
  auto compacted = reel::store::read_journal(slurp(seeds / "compacted.bin"));
  ASSERT_TRUE(compacted);
  ASSERT_EQ(compacted->entries.size(), 1u);
  reel::store::JobRecord r;
  reel::store::apply(r, compacted->entries[0]);
  EXPECT_EQ(r.outcome, reel::job::OutcomeKind::ambiguous);
  EXPECT_EQ(r.idempotency_key(), "reel-0123456789abcdef0123456789abcdef");
}

TEST(Journal, RoundTripThroughTheFile) {
  TempDir dir;
  const auto path = dir.path / "jobs.journal";
  {
    Journal j = open_ok(path);
    ASSERT_TRUE(j.append(intent_entry("a", "first")));
    ASSERT_TRUE(j.append(handle_entry("a")));
    ASSERT_TRUE(j.append(state_entry("a", JobState::running)));
    ASSERT_TRUE(j.append(intent_entry("b", "second \\\"quoted\\\" ünïcode")));
    Entry end = state_entry("a", JobState::ended);
    end.outcome = "deadline";
    end.error = "the job's deadline passed";
    ASSERT_TRUE(j.append(end));
  }
  Journal j = open_ok(path);
  EXPECT_EQ(j.dropped_bytes(), 0u);
  EXPECT_EQ(j.entries(), 5u);
  const auto a = j.find("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->state, JobState::ended);
  ASSERT_TRUE(a->outcome);
  EXPECT_EQ(*a->outcome, reel::job::OutcomeKind::deadline);
  EXPECT_EQ(a->error, "the job's deadline passed");
  ASSERT_TRUE(a->submitted());
  EXPECT_EQ(a->handle->job_id, "video_a");
  EXPECT_EQ(a->handle->download_url, "http://127.0.0.1:2/once/a");
  EXPECT_EQ(a->handle->created_at, 1700000000);
  ASSERT_TRUE(a->intent);
  EXPECT_EQ(a->intent->request.text, R"({"model":"sora-2","prompt":"first"})");
  EXPECT_EQ(a->intent->request_hash, reel::store::request_hash(a->intent->request.text));
  EXPECT_EQ(a->idempotency_key(), "reel-key-a");
  EXPECT_EQ(a->provider(), "lumenfall");
  const auto b = j.find("b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->state, JobState::intent);
  EXPECT_FALSE(b->submitted());
  EXPECT_EQ(b->intent->request.text, R"({"model":"sora-2","prompt":"second \"quoted\" ünïcode"})");
  const auto open_jobs = j.unfinished();
  ASSERT_EQ(open_jobs.size(), 2u);
  EXPECT_EQ(open_jobs[0].id, "a");  // oldest first
  EXPECT_EQ(open_jobs[1].id, "b");
  EXPECT_FALSE(j.find("c"));
  EXPECT_GT(a->last_seq, 0u);
  EXPECT_GT(a->updated_at, 0);
}

TEST(Journal, NewIdsAreUnique) {
  TempDir dir;
  Journal j = open_ok(dir.path / "ids.journal");
  const std::string a = j.new_id();
  ASSERT_TRUE(j.append(intent_entry(a, "x")));
  const std::string b = j.new_id();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("j-", 0), 0u);
  EXPECT_EQ(a.size(), 18u);
}

TEST(Journal, TornTailAtEveryByteOfTheLastRecordIsIgnoredAndTruncated) {
  TempDir dir;
  const auto path = dir.path / "torn.journal";
  {
    Journal j = open_ok(path);
    ASSERT_TRUE(j.append(intent_entry("a", "one")));
    ASSERT_TRUE(j.append(handle_entry("a")));
    ASSERT_TRUE(j.append(state_entry("a", JobState::running)));
  }
  const std::string whole = slurp(path);
  const auto offsets = record_offsets(whole);
  ASSERT_EQ(offsets.size(), 4u);
  const std::size_t last = offsets[2];
  ASSERT_EQ(offsets[3], whole.size());
  for (std::size_t cut = last; cut < whole.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    spit(path, whole.substr(0, cut));
    {
      auto opened = Journal::open(path);
      ASSERT_TRUE(opened) << opened.error().message();
      EXPECT_EQ(opened->entries(), 2u);
      EXPECT_EQ(opened->dropped_bytes(), cut - last);
      EXPECT_EQ(opened->find("a")->state, JobState::submitted);
      EXPECT_EQ(std::filesystem::file_size(path), last);  // truncated on open
      // The journal goes on from there.
      ASSERT_TRUE(opened->append(state_entry("a", JobState::queued)));
    }
    Journal again = open_ok(path);
    EXPECT_EQ(again.entries(), 3u);
    EXPECT_EQ(again.find("a")->state, JobState::queued);
    EXPECT_EQ(again.dropped_bytes(), 0u);
  }
}

TEST(Journal, GarbageOrZerosInPlaceOfTheLastRecordAreATornTail) {
  TempDir dir;
  const auto path = dir.path / "zeros.journal";
  {
    Journal j = open_ok(path);
    ASSERT_TRUE(j.append(intent_entry("a", "one")));
    ASSERT_TRUE(j.append(handle_entry("a")));
  }
  const std::string whole = slurp(path);
  const std::size_t last = record_offsets(whole)[1];
  for (const char fill : {'\0', '\xff', '{'}) {
    std::string damaged = whole;
    std::fill(damaged.begin() + static_cast<std::ptrdiff_t>(last) + 3, damaged.end(), fill);
    spit(path, damaged);
    Journal j = open_ok(path);
    EXPECT_EQ(j.entries(), 1u);
    EXPECT_EQ(std::filesystem::file_size(path), last);
  }
}

TEST(Journal, CorruptRecordInTheMiddleIsATypedErrorAndTheFileIsKept) {
  TempDir dir;
  const auto path = dir.path / "corrupt.journal";
  {
    Journal j = open_ok(path);
    ASSERT_TRUE(j.append(intent_entry("a", "one")));
    ASSERT_TRUE(j.append(handle_entry("a")));
    ASSERT_TRUE(j.append(state_entry("a", JobState::running)));
  }
  const std::string whole = slurp(path);
  const auto offsets = record_offsets(whole);
  const std::size_t middle = offsets[1];
  // A flipped bit in the payload, in the checksum, and in the length of the middle record.
  for (const std::size_t at : {middle + reel::store::frame_header_size + 5, middle + 4, middle}) {
    SCOPED_TRACE("byte " + std::to_string(at));
    std::string damaged = whole;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
    spit(path, damaged);
    auto opened = Journal::open(path);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, Errc::corrupt_record);
    EXPECT_EQ(opened.error().offset, middle);
    EXPECT_EQ(slurp(path), damaged);  // nothing was cut
  }
}

TEST(Journal, NotAJournalIsATypedError) {
  TempDir dir;
  const auto path = dir.path / "other.txt";
  spit(path, "hello, this is some other file\n");
  auto opened = Journal::open(path);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Errc::not_a_journal);
  EXPECT_EQ(slurp(path), "hello, this is some other file\n");
}

TEST(Journal, CompactionDropsFinishedJobsAndKeepsTheLiveOnes) {
  TempDir dir;
  const auto path = dir.path / "compact.journal";
  {
    Journal j = open_ok(path);
    for (const std::string id : {"done1", "live", "done2"}) {
      ASSERT_TRUE(j.append(intent_entry(id, id)));
      ASSERT_TRUE(j.append(handle_entry(id)));
      ASSERT_TRUE(j.append(state_entry(id, JobState::running)));
    }
    ASSERT_TRUE(j.append(state_entry("done1", JobState::finished)));
    ASSERT_TRUE(j.append(state_entry("done2", JobState::finished)));
    Entry ended = state_entry("live", JobState::ended);
    ended.outcome = "cancelled";
    ASSERT_TRUE(j.append(ended));
    const auto before = std::filesystem::file_size(path);
    EXPECT_EQ(j.jobs().size(), 3u);
    ASSERT_TRUE(j.compact());
    EXPECT_LT(std::filesystem::file_size(path), before);
    EXPECT_EQ(j.entries(), 1u);
    EXPECT_EQ(j.jobs().size(), 1u);
    EXPECT_FALSE(std::filesystem::exists(dir.path / "compact.journal.compact.tmp"));
    // Appends after a compaction go to the new file.
    ASSERT_TRUE(j.append(state_entry("live", JobState::queued)));
  }
  Journal j = open_ok(path);
  EXPECT_EQ(j.entries(), 2u);
  EXPECT_FALSE(j.find("done1"));
  EXPECT_FALSE(j.find("done2"));
  const auto live = j.find("live");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->state, JobState::queued);
  EXPECT_EQ(live->outcome, reel::job::OutcomeKind::cancelled);
  ASSERT_TRUE(live->submitted());
  EXPECT_EQ(live->handle->job_id, "video_live");
  EXPECT_EQ(live->intent->idempotency_key, "reel-key-live");
  // Compacting with nothing live leaves only the header.
  ASSERT_TRUE(j.append(state_entry("live", JobState::finished)));
  ASSERT_TRUE(j.compact());
  EXPECT_EQ(slurp(path), std::string(reel::store::journal_header));
  EXPECT_TRUE(j.unfinished().empty());
}

TEST(Journal, ACrashDuringCompactionLeavesTheOldJournal) {
  TempDir dir;
  const auto path = dir.path / "crash.journal";
  {
    Journal j = open_ok(path);
    ASSERT_TRUE(j.append(intent_entry("a", "one")));
  }
  // A compaction that died before its rename: a half-written temporary file.
  spit(dir.path / "crash.journal.compact.tmp", std::string(reel::store::journal_header) + "\x40\x00");
  Journal j = open_ok(path);
  EXPECT_TRUE(j.find("a"));
  EXPECT_FALSE(std::filesystem::exists(dir.path / "crash.journal.compact.tmp"));
}

TEST(Journal, ReopenAfterACrashMidAppend) {
  TempDir dir;
  const auto path = dir.path / "mid.journal";
  std::size_t good = 0;
  {
    Journal j = open_ok(path);
    ASSERT_TRUE(j.append(intent_entry("a", "one")));
    ASSERT_TRUE(j.append(handle_entry("a")));
    good = j.size_bytes();
    ASSERT_TRUE(j.append(state_entry("a", JobState::running)));
    EXPECT_EQ(j.size_bytes(), std::filesystem::file_size(path));
  }
  // The process died while writing the third record: only half of it reached the disk.
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, good + (size - good) / 2);
  Journal j = open_ok(path);
  const auto a = j.find("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->state, JobState::submitted);
  EXPECT_EQ(a->handle->job_id, "video_a");
  EXPECT_EQ(std::filesystem::file_size(path), good);
}

TEST(Journal, SyncedRecordsAreVisibleToANewReaderAndTheFileIsLocked) {
  TempDir dir;
  const auto path = dir.path / "shared.journal";
  Journal writer = open_ok(path);
  ASSERT_TRUE(writer.append(intent_entry("a", "one")));
  ASSERT_TRUE(writer.append(handle_entry("a")));
  // Another reader (its own file descriptor) sees both records while the writer is open.
  auto seen = reel::store::inspect_journal(path);
  ASSERT_TRUE(seen) << seen.error().message();
  ASSERT_EQ(seen->entries.size(), 2u);
  EXPECT_EQ(seen->entries[1].handle->job_id, "video_a");
  EXPECT_FALSE(seen->torn_tail);
  // A second writer is refused while the first has the journal.
  auto second = Journal::open(path);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::locked);
  { Journal gone = std::move(writer); }
  Journal third = open_ok(path);
  EXPECT_EQ(third.entries(), 2u);
}

TEST(Journal, EntriesThatCannotBeJsonAreRefusedAndNothingIsWritten) {
  TempDir dir;
  const auto path = dir.path / "bad.journal";
  Journal j = open_ok(path);
  const auto before = j.size_bytes();
  Entry e = intent_entry("a", "x");
  e.intent->model = "\xff\xfe";  // not UTF-8
  auto r = j.append(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::encode_error);
  EXPECT_EQ(std::filesystem::file_size(path), before);
  EXPECT_FALSE(j.find("a"));
}

TEST(JobRecord, FoldsEntriesInOrder) {
  reel::store::JobRecord r;
  reel::store::apply(r, intent_entry("a", "x"));
  EXPECT_EQ(r.idempotency_key(), "reel-key-a");
  Entry key = state_entry("a", JobState::intent);
  key.idempotency_key = "reel-other";
  reel::store::apply(r, key);
  EXPECT_EQ(r.idempotency_key(), "reel-other");
  reel::store::apply(r, handle_entry("a"));
  EXPECT_EQ(r.idempotency_key(), "reel-key-a");  // the handle's key wins once there is one
  EXPECT_TRUE(r.submitted());
  const Entry snap = reel::store::snapshot(r);
  reel::store::JobRecord copy;
  reel::store::apply(copy, snap);
  EXPECT_EQ(copy.handle->job_id, r.handle->job_id);
  EXPECT_EQ(copy.intent->request.text, r.intent->request.text);
  EXPECT_EQ(copy.state, JobState::submitted);
  static_assert(reel::store::JobStore<Journal>);
}

}  // namespace
