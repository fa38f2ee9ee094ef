// SPDX-License-Identifier: BSL-1.0
/// @file
/// What the job journal records: one `Entry` per event of a job (its intent before the create,
/// its handle right after, each state change, its end), the folded view of a job (`JobRecord`),
/// and the store's typed errors (`reel::store::Errc`, category "reel.store"). No entry ever
/// holds an API key: `JobHandle` has none, and the intent keeps the native request body only.
#pragma once

#include <reel/config.hpp>
#include <reel/core/error_category.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace reel::store {

/// Why a store operation failed.
enum class Errc {
  ok = 0,
  io_error = 1,    ///< a read, write, fsync or rename failed (`StoreError::message` says which)
  not_a_journal,   ///< the file does not start with the journal's header
  corrupt_record,  ///< a record in the middle of the journal fails its length or checksum
  bad_record,      ///< a record passes its checksum but is not a journal entry (JSON error)
  locked,          ///< another process (or another Journal) has the journal open
  encode_error,    ///< an entry could not be written as JSON (invalid UTF-8 text?)
  unknown_job,     ///< no job with that local id
  mismatched_job,  ///< the VideoJob given does not belong to the record
  not_resumable,   ///< the record has no handle and cannot be resubmitted safely
};

/// The error category of `Errc`, named "reel.store".
const std::error_category& store_category() noexcept;

/// Makes a `std::error_code` from an `Errc`.
inline std::error_code make_error_code(Errc e) noexcept { return {static_cast<int>(e), store_category()}; }

namespace detail {
inline constexpr char store_category_name[] = "reel.store";
/// The message of each `Errc` value (null for a value it does not know).
constexpr const char* store_message(Errc e) noexcept {
  switch (e) {
    case Errc::ok: return "success";
    case Errc::io_error: return "journal I/O failed";
    case Errc::not_a_journal: return "the file is not a reel job journal";
    case Errc::corrupt_record: return "a journal record in the middle of the file is corrupt";
    case Errc::bad_record: return "a journal record is not a valid entry";
    case Errc::locked: return "the journal is open elsewhere";
    case Errc::encode_error: return "the entry cannot be written as JSON";
    case Errc::unknown_job: return "no such job in the journal";
    case Errc::mismatched_job: return "the job does not belong to this journal record";
    case Errc::not_resumable: return "the job has no handle and cannot be resubmitted safely";
  }
  return nullptr;
}
}  // namespace detail

inline const std::error_category& store_category() noexcept {
  return ErrorCategory<Errc, detail::store_category_name, detail::store_message>::instance();
}

/// A store error: the code, where in the file (for format errors) and what happened.
struct StoreError {
  std::error_code code;
  std::uint64_t offset = 0;  ///< byte offset of the bad record, for format errors
  std::string detail;        ///< e.g. the failing system call and its errno text
  /// "<code message>: <detail>".
  std::string message() const {
    std::string m = code.message();
    if (!detail.empty()) m += ": " + detail;
    return m;
  }
};

/// The states a journaled job goes through; `finished` is the last (dropped at compaction).
enum class JobState {
  intent,      ///< recorded before the create was sent; no handle yet
  submitted,   ///< the provider accepted it: the handle is recorded
  queued,
  running,
  ready,       ///< the video is ready and being downloaded
  downloaded,  ///< the file is complete and synced under its final name
  cleaned,     ///< the provider's copy is deleted
  ended,       ///< the run ended (`JobRecord::outcome` says how); unless finished, resumable
  finished,    ///< nothing left to do
};

/// A short name ("intent", "running", ...).
constexpr std::string_view to_string(JobState s) noexcept {
  switch (s) {
    case JobState::intent: return "intent";
    case JobState::submitted: return "submitted";
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::ready: return "ready";
    case JobState::downloaded: return "downloaded";
    case JobState::cleaned: return "cleaned";
    case JobState::ended: return "ended";
    case JobState::finished: return "finished";
  }
  return "unknown";
}

/// The outcome kind named `name` (as `job::to_string` writes it); none for an unknown name.
inline std::optional<job::OutcomeKind> outcome_kind_from(std::string_view name) noexcept {
  using K = job::OutcomeKind;
  for (K k : {K::succeeded, K::refused, K::failed, K::deadline, K::cancelled, K::ambiguous, K::error}) {
    if (job::to_string(k) == name) return k;
  }
  return std::nullopt;
}

/// What is known before the billable create is sent.
struct Intent {
  std::string provider;                        ///< "venice", "lumenfall"
  std::string base_url;                        ///< the API the job goes to
  std::string model;
  std::string request_hash;                    ///< "fnv1a64:<16 hex digits>" of `request`'s text
  std::optional<std::string> idempotency_key;  ///< for providers with one (Lumenfall)
  std::string output;                          ///< where the video goes
  json::RawJson request;                       ///< the native request (no key: keys live in headers)
};

/// One journal entry: an event of job `job`. Members other than `seq`, `job`, `state` and `at`
/// are present when the event carries them.
struct Entry {
  std::uint64_t seq = 0;                       ///< assigned by the store, increasing
  std::string job;                             ///< the local id
  JobState state = JobState::intent;
  std::int64_t at = 0;                         ///< Unix seconds (set by the store when 0)
  std::optional<Intent> intent;
  std::optional<job::JobHandle> handle;
  std::optional<std::string> idempotency_key;  ///< a key learnt after the intent was written
  std::optional<std::string> outcome;          ///< with `ended`: the `job::OutcomeKind` name
  std::optional<std::string> error;            ///< with `ended`: the error message, if any
  std::optional<std::string> file;             ///< the video's path once it is safe
};

/// Everything known about one job: its entries folded.
struct JobRecord {
  std::string id;
  JobState state = JobState::intent;           ///< the last known state
  std::optional<Intent> intent;
  std::optional<job::JobHandle> handle;        ///< the last handle recorded
  std::optional<job::OutcomeKind> outcome;     ///< how the last run ended
  std::string error;                           ///< its error message
  std::optional<std::string> file;
  std::uint64_t last_seq = 0;
  std::int64_t updated_at = 0;

  /// Whether the provider accepted the job (a handle with an id is recorded).
  bool submitted() const noexcept { return handle && handle->submitted(); }
  bool finished() const noexcept { return state == JobState::finished; }
  /// The provider's name ("venice", "lumenfall"), from the handle or the intent.
  std::string provider() const {
    if (handle && !handle->provider.empty()) return handle->provider;
    return intent ? intent->provider : std::string();
  }
  /// The idempotency key to resubmit with, if the provider has keys.
  std::optional<std::string> idempotency_key() const {
    if (handle && handle->idempotency_key) return handle->idempotency_key;
    if (intent) return intent->idempotency_key;
    return std::nullopt;
  }
};

/// Applies `e` to `r` (the entry's members that are present replace what `r` knew).
inline void apply(JobRecord& r, const Entry& e) {
  if (r.id.empty()) r.id = e.job;
  r.state = e.state;
  r.last_seq = e.seq;
  r.updated_at = e.at;
  if (e.intent) r.intent = e.intent;
  if (e.handle) r.handle = e.handle;
  if (e.idempotency_key && r.intent) r.intent->idempotency_key = e.idempotency_key;
  if (e.outcome) {
    r.outcome = outcome_kind_from(*e.outcome);
    r.error = e.error.value_or("");
  }
  if (e.file) r.file = e.file;
}

/// One entry holding everything `r` knows (what compaction writes for a live job).
inline Entry snapshot(const JobRecord& r) {
  Entry e;
  e.job = r.id;
  e.state = r.state;
  e.at = r.updated_at;
  e.intent = r.intent;
  e.handle = r.handle;
  if (r.outcome) {
    e.outcome = std::string(job::to_string(*r.outcome));
    if (!r.error.empty()) e.error = r.error;
  }
  e.file = r.file;
  return e;
}

}  // namespace reel::store

template <>
struct std::is_error_code_enum<reel::store::Errc> : std::true_type {};

template <>
struct reel::json::Meta<reel::store::JobState> {
  using S = reel::store::JobState;
  static constexpr auto names = enum_names<S>({{S::intent, "intent"},
                                               {S::submitted, "submitted"},
                                               {S::queued, "queued"},
                                               {S::running, "running"},
                                               {S::ready, "ready"},
                                               {S::downloaded, "downloaded"},
                                               {S::cleaned, "cleaned"},
                                               {S::ended, "ended"},
                                               {S::finished, "finished"}});
};
