// SPDX-License-Identifier: BSL-1.0
/// @file
/// Everything a user of reel needs, in one include: sessions (`reel::Session`,
/// `reel::AnySession`, `reel::connect`), the providers, the job engine and its policies, the
/// journal, the JSON and HTTP layers, and the default HTTPS client when OpenSSL is there. The
/// test doubles are apart, in `<reel/testing/...>`.
#pragma once

#include <reel/config.hpp>
#include <reel/core/error_category.hpp>
#include <reel/core/result.hpp>
#include <reel/engine/account.hpp>
#include <reel/engine/batch.hpp>
#include <reel/engine/job_options.hpp>
#include <reel/engine/runner.hpp>
#include <reel/engine/video_job.hpp>
#include <reel/http.hpp>
#include <reel/http/any_client.hpp>
#include <reel/job/error.hpp>
#include <reel/job/handle.hpp>
#include <reel/job/limits.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/progress.hpp>
#include <reel/job/request.hpp>
#include <reel/job/status.hpp>
#include <reel/json.hpp>
#include <reel/policy/bucket.hpp>
#include <reel/policy/hints.hpp>
#include <reel/policy/poll.hpp>
#include <reel/policy/rate_limiter.hpp>
#include <reel/policy/retry.hpp>
#include <reel/providers/fal.hpp>
#include <reel/providers/google_veo.hpp>
#include <reel/providers/luma.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/openai_videos.hpp>
#include <reel/providers/replicate.hpp>
#include <reel/providers/runway.hpp>
#include <reel/providers/provider.hpp>
#include <reel/providers/venice.hpp>
#include <reel/session/any_session.hpp>
#include <reel/session/session.hpp>
#include <reel/store/job_store.hpp>
#include <reel/store/journal.hpp>
#include <reel/store/journaled.hpp>
#include <reel/store/journaled_runner.hpp>
#include <reel/time/clock.hpp>

#if REEL_HAS_OPENSSL
#include <reel/http/client.hpp>
#endif
