// SPDX-License-Identifier: BSL-1.0
// One rate limit per account across the reel processes of a machine: each process's limiter
// shares its state through a small file next to the journal (reel::store::LimiterFile), named
// after a digest of provider, base URL and key (reel::store::account_tag), so N `reel generate`
// runs on one key stay inside its limits together. The key itself is never written anywhere.
#pragma once

#include <reel/store/account_tag.hpp>

namespace reel_cli {

using reel::store::account_tag;
using reel::store::limits_path;

}  // namespace reel_cli
