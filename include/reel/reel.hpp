// SPDX-License-Identifier: BSL-1.0
/// @file
/// Everything in reel, in one include (the OpenSSL-based `reel::http::Client` is in
/// `<reel/http/asio_client.hpp>`, the test double `ScriptedClient` in `<reel/http/scripted_client.hpp>`).
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http.hpp>
#include <reel/job/account.hpp>
#include <reel/job/batch.hpp>
#include <reel/job/runner.hpp>
#include <reel/job/error.hpp>
#include <reel/job/outcome.hpp>
#include <reel/job/types.hpp>
#include <reel/job/video_job.hpp>
#include <reel/json.hpp>
#include <reel/policy/hints.hpp>
#include <reel/policy/poll.hpp>
#include <reel/policy/rate_limiter.hpp>
#include <reel/policy/retry.hpp>
#include <reel/providers/lumenfall.hpp>
#include <reel/providers/provider.hpp>
#include <reel/providers/venice.hpp>
#include <reel/store/job_store.hpp>
#include <reel/store/journal.hpp>
#include <reel/store/journaled.hpp>
#include <reel/time/clock.hpp>
#include <reel/time/virtual_clock.hpp>
