// SPDX-License-Identifier: BSL-1.0
/// @file
/// TLS for reel's client: the client-side `asio::ssl::context` (peer verification always on,
/// the system CA store plus an optional extra CA file, TLS 1.2 or newer) and the mapping of
/// handshake failures to `Errc::tls_verification_failed`.
#pragma once

#include <reel/config.hpp>
#include <reel/core/result.hpp>
#include <reel/http/error.hpp>

#include <asio/error.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <exception>
#include <memory>
#include <string>
#include <system_error>

namespace reel::http::detail {

/// A client TLS context that verifies peers against the system CA store and, when `ca_file` is
/// not empty, the PEM certificates in it. Fails with the OpenSSL error (for example an unreadable
/// `ca_file`); never throws.
inline Result<std::shared_ptr<asio::ssl::context>> make_tls_context(const std::string& ca_file) {
  std::shared_ptr<asio::ssl::context> context;
  try {
    context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  } catch (const std::system_error& e) {
    return fail(e.code());
  } catch (const std::exception&) {
    return fail(std::make_error_code(std::errc::not_enough_memory));
  }
  std::error_code ec;
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1,
                       ec);
  if (!ec) context->set_verify_mode(asio::ssl::verify_peer, ec);
  if (!ec) context->set_default_verify_paths(ec);
  if (!ec && !ca_file.empty()) context->load_verify_file(ca_file, ec);
  if (ec) return fail(ec);
  return context;
}

/// Maps a failed TLS handshake on `ssl` to `tls_verification_failed` when the certificate or the
/// host name did not verify; other errors are returned as they are.
inline std::error_code map_handshake_error(std::error_code ec, SSL* ssl) noexcept {
  if (ssl != nullptr && SSL_get_verify_result(ssl) != X509_V_OK) return Errc::tls_verification_failed;
  if (ec.category() == asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
    return Errc::tls_verification_failed;
  }
  return ec;
}

}  // namespace reel::http::detail
