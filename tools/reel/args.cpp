// SPDX-License-Identifier: BSL-1.0
// Parsing the reel command line (args.hpp).
#include "args.hpp"

#include <reel/session/any_session.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_cli {

/// "90s", "10m", "500ms", "1h", or a number of seconds.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return std::nullopt;
  const std::int64_t n = std::stoll(std::string(text.substr(0, digits)));
  const std::string_view unit = text.substr(digits);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit.empty() || unit == "s") return std::chrono::seconds(n);
  if (unit == "m") return std::chrono::minutes(n);
  if (unit == "h") return std::chrono::hours(n);
  return std::nullopt;
}

namespace {

const FlagSpec* find_flag(std::string_view name) {
  for (const FlagSpec& f : flag_specs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

UsageError set_flag(Args& a, std::string_view name, const std::string& v) {
  auto text = [&](std::optional<std::string>& field) { field = v; };
  if (name == "provider") {
    // The providers reel knows: reel::Providers, the list reel::connect takes.
    const auto& names = reel::Providers::names;
    if (std::find(names.begin(), names.end(), v) == names.end()) {
      std::string known;
      for (std::size_t k = 0; k < names.size(); ++k) {
        known += (k == 0 ? "" : k + 1 == names.size() ? " or " : ", ") + std::string(names[k]);
      }
      return {"--provider must be " + known + ", not \"" + v + "\""};
    }
    text(a.provider);
  } else if (name == "model") {
    text(a.model);
  } else if (name == "prompt") {
    text(a.prompt);
  } else if (name == "prompt-file") {
    text(a.prompt_file);
  } else if (name == "duration") {
    const auto d = parse_duration(v);
    if (!d || v.find_first_not_of("0123456789s") != std::string::npos || *d < std::chrono::seconds(1) ||
        d->count() % 1000 != 0) {
      return {"--duration takes whole seconds, e.g. 5 or 5s, not \"" + v + "\""};
    }
    a.duration = static_cast<int>(d->count() / 1000);
  } else if (name == "resolution") {
    text(a.resolution);
  } else if (name == "aspect-ratio") {
    text(a.aspect_ratio);
  } else if (name == "image") {
    text(a.image);
  } else if (name == "output") {
    text(a.output);
  } else if (name == "handle") {
    text(a.handle);
  } else if (name == "base-url") {
    if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) return {"--base-url must be an http(s) URL"};
    text(a.base_url);
  } else if (name == "timeout") {
    a.timeout = parse_duration(v);
    if (!a.timeout || a.timeout->count() <= 0) return {"--timeout takes a duration such as 90s, 10m or 500ms, not \"" + v + "\""};
  } else if (name == "batch") {
    if (v.empty()) return {"--batch needs a file name"};
    text(a.batch);
  } else if (name == "journal") {
    if (v.empty()) return {"--journal needs a file name"};
    text(a.journal);
  } else if (name == "concurrency") {
    if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos || std::stoi(v) < 1) {
      return {"--concurrency takes a number from 1 to 999, not \"" + v + "\""};
    }
    a.concurrency = std::stoi(v);
  } else if (name == "poll") {
    const bool fixed = v == "fixed" || (v.rfind("fixed:", 0) == 0 && parse_duration(std::string_view(v).substr(6)));
    if (!fixed && v != "backoff" && v != "eta") return {"--poll must be fixed[:DURATION], backoff or eta, not \"" + v + "\""};
    text(a.poll);
  }
  return {};
}

}  // namespace

Args parse_args(const std::vector<std::string>& argv, FlagFilter allowed) {
  Args a;
  std::size_t i = 0;
  if (i < argv.size() && argv[i].rfind("--", 0) != 0) a.command = argv[i++];
  for (; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("--", 0) != 0 && !a.command.empty() && !a.id && allowed(a.command, "id")) {
      a.id = arg;  // the one positional argument (a job's local id) of the commands that take it
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) throw UsageError{"unexpected argument \"" + arg + "\""};
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = find_flag(name);
    if (spec == nullptr) throw UsageError{"unknown flag --" + name};
    if (name == "help") {
      a.help = true;
      continue;
    }
    if (!a.command.empty() && !allowed(a.command, name)) {
      throw UsageError{"reel " + a.command + " does not take --" + name};
    }
    if (spec->value.empty()) {
      if (value) throw UsageError{"--" + name + " takes no value"};
      if (name == "no-cleanup") a.no_cleanup = true;
      if (name == "accept-consent") a.accept_consent = true;
      if (name == "json") a.json = true;
      if (name == "dry-run") a.dry_run = true;
      if (name == "verbose") a.verbose = true;
      if (name == "no-journal") a.no_journal = true;
      if (name == "all") a.all = true;
      continue;
    }
    if (!value) {
      if (i + 1 >= argv.size()) throw UsageError{"--" + name + " needs a value (" + std::string(spec->value) + ")"};
      value = argv[++i];
    }
    if (UsageError e = set_flag(a, name, *value); !e.message.empty()) throw e;
  }
  return a;
}

}  // namespace reel_cli
