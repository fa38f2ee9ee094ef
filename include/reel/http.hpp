// SPDX-License-Identifier: BSL-1.0
/// @file
/// reel's HTTP layer: URLs, header fields, the request writer, the incremental response parser,
/// the request and response types, body sinks and the `HttpClient` concept.
#pragma once

#include <reel/http/body.hpp>
#include <reel/http/client_concept.hpp>
#include <reel/http/error.hpp>
#include <reel/http/fields.hpp>
#include <reel/http/message.hpp>
#include <reel/http/request_writer.hpp>
#include <reel/http/response_parser.hpp>
#include <reel/http/url.hpp>
