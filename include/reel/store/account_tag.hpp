// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::store::account_tag`: a digest naming one provider account (provider, base URL and API
/// key) wherever state is shared per account (a limiter file, a database row), so that the key
/// itself is never written anywhere.
#pragma once

#include <reel/config.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#if REEL_HAS_OPENSSL
#include <openssl/evp.h>
#endif

namespace reel::store {

/// A hex digest naming the account of `key` at `base_url` of `provider` (the first 128 bits of
/// SHA-256 with OpenSSL, else a 64-bit FNV-1a: a name, not a secret-keeping hash).
inline std::string account_tag(std::string_view provider, std::string_view base_url, std::string_view key) {
  std::string input;
  input.reserve(provider.size() + base_url.size() + key.size() + 2);
  input.append(provider).append(1, '\n').append(base_url).append(1, '\n').append(key);
  std::string hex;
  char byte[3];
#if REEL_HAS_OPENSSL
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha256(), nullptr) == 1) {
    for (unsigned int i = 0; i < 16 && i < size; ++i) {
      std::snprintf(byte, sizeof byte, "%02x", digest[i]);
      hex += byte;
    }
  }
#endif
  if (hex.empty()) {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
    for (const char c : input) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    for (int i = 0; i < 8; ++i) {
      std::snprintf(byte, sizeof byte, "%02x", static_cast<unsigned>((h >> (8 * i)) & 0xff));
      hex += byte;
    }
  }
  input.assign(input.size(), '\0');
  return hex;
}

/// The limiter file of the account `tag`, next to the journal at `journal`.
inline std::filesystem::path limits_path(const std::filesystem::path& journal, std::string_view tag) {
  return journal.parent_path() / ("limits-" + std::string(tag));
}

}  // namespace reel::store
