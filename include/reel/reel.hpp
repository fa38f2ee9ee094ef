/// @file
/// Everything in reel, in one include.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http.hpp>
#include <reel/json.hpp>
