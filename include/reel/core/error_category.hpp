// SPDX-License-Identifier: BSL-1.0
/// @file
/// `reel::ErrorCategory<Errc>`: the `std::error_category` of an error enum, from its name and a
/// message function, and `reel::category_of<Errc>()`, its one instance. Every error enum of reel
/// (reel.http, reel.json, reel.job, reel.store, reel.testing.script) has its category made so.
#pragma once

#include <reel/config.hpp>

#include <string>
#include <system_error>

namespace reel {

/// The category of the error enum `Errc`: named `Name`, each value's message from `Message`
/// (a function `const char*(Errc)`; null for values it does not know).
template <class Errc, const char* Name, const char* (*Message)(Errc) noexcept>
class ErrorCategory final : public std::error_category {
public:
  const char* name() const noexcept override { return Name; }
  std::string message(int ev) const override {
    if (const char* m = Message(static_cast<Errc>(ev))) return m;
    return std::string("unknown ") + Name + " error";
  }

  /// The one instance.
  static const ErrorCategory& instance() noexcept {
    static const ErrorCategory category;
    return category;
  }
};

}  // namespace reel
