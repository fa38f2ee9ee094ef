// SPDX-License-Identifier: BSL-1.0
// A small multipart/form-data reader (RFC 7578), for create calls sent as forms (the `openai`
// SDK sends videos.create that way): each part's name, optional filename, content type and bytes.
#pragma once

#include <reel_sim/http.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reel_sim {

/// One form field or file.
struct FormPart {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;
  std::string value;
};

namespace detail {

/// The value of `param` (e.g. "boundary", "name") in a header value, unquoted.
inline std::optional<std::string> header_param(std::string_view header, std::string_view param) {
  std::size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    ++pos;
    while (pos < header.size() && header[pos] == ' ') ++pos;
    const auto eq = header.find('=', pos);
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string name = lower(header.substr(pos, eq - pos));
    std::string_view rest = header.substr(eq + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value.push_back(rest[i]);
      }
    } else {
      value = std::string(rest.substr(0, rest.find(';')));
      while (!value.empty() && value.back() == ' ') value.pop_back();
    }
    if (name == param) return value;
  }
  return std::nullopt;
}

}  // namespace detail

/// Splits a multipart/form-data `body`; nullopt when `content_type` has no boundary or the body is
/// not well formed.
inline std::optional<std::vector<FormPart>> parse_multipart(std::string_view content_type, std::string_view body) {
  if (lower(content_type).rfind("multipart/form-data", 0) != 0) return std::nullopt;
  const auto boundary = detail::header_param(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) return std::nullopt;
  const std::string delimiter = "--" + *boundary;
  auto pos = body.find(delimiter);
  if (pos == std::string_view::npos) return std::nullopt;
  std::vector<FormPart> parts;
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // close delimiter
    if (body.substr(pos, 2) != "\r\n") return std::nullopt;
    pos += 2;
    const auto head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) return std::nullopt;
    FormPart part;
    std::string_view headers = body.substr(pos, head_end - pos);
    while (!headers.empty()) {
      const auto eol = headers.find("\r\n");
      const std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) return std::nullopt;
      const std::string name = lower(line.substr(0, colon));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (name == "content-disposition") {
        part.name = detail::header_param(value, "name").value_or("");
        part.filename = detail::header_param(value, "filename");
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }
    const auto next = body.find("\r\n" + delimiter, head_end + 4);
    if (next == std::string_view::npos) return std::nullopt;
    part.value = std::string(body.substr(head_end + 4, next - head_end - 4));
    parts.push_back(std::move(part));
    pos = next + 2;
  }
}

}  // namespace reel_sim
