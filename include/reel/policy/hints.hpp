// SPDX-License-Identifier: BSL-1.0
/// @file
/// What a server says about when to come back: `Retry-After` (seconds or an HTTP date),
/// Venice's `x-ratelimit-*` headers (the reset is a Unix time) and OpenAI's
/// `openai-poll-after-ms`. Parsed leniently: a malformed value is ignored, never an error, and
/// no value, however large, overflows a time conversion: every wait is capped at
/// `max_server_wait`.
#pragma once

#include <reel/config.hpp>
#include <reel/http/fields.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace reel::policy {

/// The unit of reel's policies.
using Duration = std::chrono::milliseconds;

/// The longest wait reel takes from a server hint (`Retry-After`, `x-ratelimit-reset-requests`,
/// `openai-poll-after-ms`): one hour. A longer hint, or a number too large to represent, is
/// read as this: beyond an hour a hint is more likely a misread unit or a broken server than a
/// real wait, and a job waiting that long is bounded by its deadline anyway. Policies
/// (`poll_delay`, `RetryPolicy`) and the rate limiter cap hints they are given at it too.
inline constexpr Duration max_server_wait = std::chrono::hours(1);

/// The hints of one response, as delays from the moment it was received (each at most
/// `max_server_wait`).
struct ServerHints {
  std::optional<std::chrono::milliseconds> retry_after;       ///< `Retry-After`
  std::optional<std::chrono::milliseconds> poll_after;        ///< `openai-poll-after-ms`
  std::optional<std::chrono::milliseconds> rate_limit_reset;  ///< until `x-ratelimit-reset-requests`
  std::optional<std::int64_t> rate_limit_limit;               ///< `x-ratelimit-limit-requests`
  std::optional<std::int64_t> rate_limit_remaining;           ///< `x-ratelimit-remaining-requests`

  /// The longest of the delays the server asked for, if any: Retry-After, the poll hint, and
  /// the rate-limit reset only when no requests remain.
  std::optional<std::chrono::milliseconds> wait() const {
    std::optional<std::chrono::milliseconds> w = retry_after;
    const bool exhausted = rate_limit_remaining && *rate_limit_remaining <= 0;
    for (const auto& d : {poll_after, exhausted ? rate_limit_reset : std::nullopt}) {
      if (d && (!w || *d > *w)) w = d;
    }
    return w;
  }
};

namespace detail {

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline std::optional<std::int64_t> to_int(std::string_view s) {
  s = trim(s);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

/// A non-negative integer count of `unit`s as a delay capped at `max_server_wait`: digits too
/// many for an `int64_t` are the cap too; a negative or malformed value is none.
inline std::optional<Duration> capped_count(std::string_view s, Duration unit) {
  s = trim(s);
  if (s.empty() || unit <= Duration(0)) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    return s.front() == '-' ? std::nullopt : std::optional<Duration>(max_server_wait);
  }
  if (ec != std::errc() || v < 0) return std::nullopt;
  if (v >= max_server_wait / unit) return max_server_wait;
  return v * unit;
}

/// Reads the number at the start of `s` into `v` and returns where it ends, or nullptr when
/// there is none. A number beyond a double's range reads as ±infinity, one too small as zero.
inline const char* read_double(std::string_view s, double& v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    const std::string_view text(s.data(), static_cast<std::size_t>(end - s.data()));
    const bool tiny = text.find("e-") != std::string_view::npos || text.find("E-") != std::string_view::npos;
    v = tiny ? 0.0 : (text.front() == '-' ? -HUGE_VAL : HUGE_VAL);
    return end;
  }
  return ec == std::errc() ? end : nullptr;
}

/// `ms` milliseconds (infinity included) as a delay, rounded, within [0, max_server_wait].
inline Duration capped_ms(double ms) {
  if (!(ms > 0)) return Duration(0);
  if (!(ms < static_cast<double>(max_server_wait.count()))) return max_server_wait;
  return Duration(std::llround(ms));
}

/// `t` (a time since the Unix epoch, in ms) as a delay from `now` within [0, max_server_wait].
inline Duration until_ms(double t, std::chrono::system_clock::time_point now) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  return capped_ms(t - static_cast<double>(now_ms));
}

inline int month_index(std::string_view m) {
  constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (months[i] == m) return i + 1;
  }
  return 0;
}

/// Days from 1970-01-01 to y-m-d (proleptic Gregorian).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// "HH:MM:SS" → seconds of the day.
inline std::optional<std::int64_t> clock_time(std::string_view s) {
  if (s.size() != 8 || s[2] != ':' || s[5] != ':') return std::nullopt;
  const auto h = to_int(s.substr(0, 2));
  const auto m = to_int(s.substr(3, 2));
  const auto sec = to_int(s.substr(6, 2));
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60) return std::nullopt;
  return *h * 3600 + *m * 60 + *sec;
}

/// An HTTP date as seconds since the Unix epoch (years 1970 to 9999); nullopt when malformed.
inline std::optional<std::int64_t> http_date_seconds(std::string_view s) {
  s = detail::trim(s);
  std::int64_t day = 0;
  int month = 0;
  std::int64_t year = 0;
  std::optional<std::int64_t> seconds;
  const auto comma = s.find(',');
  if (comma != std::string_view::npos) {
    std::string_view rest = detail::trim(s.substr(comma + 1));
    if (rest.size() == 24 && rest[2] == ' ' && rest[6] == ' ' && rest[11] == ' ' && rest.substr(20) == " GMT") {
      // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
      day = to_int(rest.substr(0, 2)).value_or(0);
      month = detail::month_index(rest.substr(3, 3));
      year = to_int(rest.substr(7, 4)).value_or(0);
      seconds = detail::clock_time(rest.substr(12, 8));
    } else if (rest.size() == 22 && rest[2] == '-' && rest[6] == '-' && rest[9] == ' ' && rest.substr(18) == " GMT") {
      // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years within 50 years of now.
      day = to_int(rest.substr(0, 2)).value_or(0);
      month = detail::month_index(rest.substr(3, 3));
      const auto yy = to_int(rest.substr(7, 2));
      year = yy ? (*yy < 70 ? 2000 + *yy : 1900 + *yy) : 0;
      seconds = detail::clock_time(rest.substr(10, 8));
    } else {
      return std::nullopt;
    }
  } else if (s.size() == 24 && s[3] == ' ' && s[7] == ' ' && s[10] == ' ' && s[19] == ' ') {
    // asctime: "Sun Nov  6 08:49:37 1994"
    month = detail::month_index(s.substr(4, 3));
    day = to_int(s.substr(8, 2)).value_or(0);
    seconds = detail::clock_time(s.substr(11, 8));
    year = to_int(s.substr(20, 4)).value_or(0);
  } else {
    return std::nullopt;
  }
  if (month == 0 || day < 1 || day > 31 || year < 1970 || year > 9999 || !seconds) return std::nullopt;
  const std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + *seconds;
}

}  // namespace detail

/// An HTTP date (RFC 9110 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms) as a
/// calendar time; nullopt when it is none of them, or when `system_clock` cannot represent it
/// (with nanosecond ticks, dates after 2262).
inline std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) {
  const auto seconds = detail::http_date_seconds(s);
  constexpr auto latest = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max());
  if (!seconds || *seconds > latest.count()) return std::nullopt;
  return std::chrono::system_clock::time_point(std::chrono::seconds(*seconds));
}

/// `Retry-After` as a delay from `now`: delta-seconds or an HTTP date (a past date is zero),
/// at most `max_server_wait`.
inline std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                                  std::chrono::system_clock::time_point now) {
  const std::string_view v = detail::trim(value);
  if (!v.empty() && (v.front() == '-' || (v.front() >= '0' && v.front() <= '9'))) {
    return detail::capped_count(v, std::chrono::seconds(1));
  }
  const auto date = detail::http_date_seconds(v);
  if (!date) return std::nullopt;
  // Exact in a double: dates end in 9999, about 2.5e14 ms.
  return detail::until_ms(static_cast<double>(*date) * 1000.0, now);
}

/// A rate-limit reset as a delay from `now` (past: zero), at most `max_server_wait`. Venice
/// sends a Unix time in seconds (integer or fractional); a number below 10^9 cannot be one and
/// is read as seconds from now, one above 10^11 (year 5138 in seconds) as a Unix time in
/// milliseconds; OpenAI-style durations ("1s", "250ms", "6m0s") are read as such. Negative
/// values and NaN are ignored; infinity and numbers beyond a double's range are the cap.
inline std::optional<std::chrono::milliseconds> until_unix_time(std::string_view value,
                                                                std::chrono::system_clock::time_point now) {
  value = detail::trim(value);
  if (!value.empty() && (value.back() == 's' || value.back() == 'm' || value.back() == 'h')) {
    // Duration: a sequence of <number><unit> with units h, m, s, ms.
    double total_ms = 0;
    std::string_view rest = value;
    while (!rest.empty()) {
      double n = 0;
      const char* end = detail::read_double(rest, n);
      if (end == nullptr || !(n >= 0)) return std::nullopt;
      rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
      if (rest.rfind("ms", 0) == 0) {
        total_ms += n;
        rest.remove_prefix(2);
      } else if (!rest.empty() && (rest[0] == 'h' || rest[0] == 'm' || rest[0] == 's')) {
        total_ms += n * (rest[0] == 'h' ? 3'600'000.0 : rest[0] == 'm' ? 60'000.0 : 1000.0);
        rest.remove_prefix(1);
      } else {
        return std::nullopt;
      }
    }
    return detail::capped_ms(total_ms);  // a sum too large is infinity: capped as well
  }
  double t = 0;
  const char* end = detail::read_double(value, t);
  if (value.empty() || end != value.data() + value.size() || !(t >= 0)) return std::nullopt;
  if (t < 1e9) return detail::capped_ms(t * 1000.0);
  return detail::until_ms(t > 1e11 ? t : t * 1000.0, now);
}

/// Reads every hint `headers` carry, relative to `now` (the time the response arrived).
inline ServerHints parse_hints(const http::Fields& headers, std::chrono::system_clock::time_point now) {
  ServerHints h;
  if (const auto v = headers.find("Retry-After")) h.retry_after = parse_retry_after(*v, now);
  if (const auto v = headers.find("openai-poll-after-ms")) {
    h.poll_after = detail::capped_count(*v, std::chrono::milliseconds(1));
  }
  if (const auto v = headers.find("x-ratelimit-reset-requests")) h.rate_limit_reset = until_unix_time(*v, now);
  if (const auto v = headers.find("x-ratelimit-limit-requests")) h.rate_limit_limit = detail::to_int(*v);
  if (const auto v = headers.find("x-ratelimit-remaining-requests")) h.rate_limit_remaining = detail::to_int(*v);
  return h;
}

}  // namespace reel::policy
