/// @file
/// reel's HTTP/1.1 building blocks: URLs, header fields, the request writer and the incremental
/// response parser (no sockets here).
#pragma once

#include <reel/http/error.hpp>
#include <reel/http/fields.hpp>
#include <reel/http/request_writer.hpp>
#include <reel/http/response_parser.hpp>
#include <reel/http/url.hpp>
