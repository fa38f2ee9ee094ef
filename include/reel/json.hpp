// SPDX-License-Identifier: BSL-1.0
/// @file
/// reel's JSON layer: compile-time reflection of structs, a one-pass reader and a compact writer.
#pragma once

#include <reel/json/error.hpp>
#include <reel/json/meta.hpp>
#include <reel/json/options.hpp>
#include <reel/json/read.hpp>
#include <reel/json/reflect.hpp>
#include <reel/json/value.hpp>
#include <reel/json/write.hpp>
