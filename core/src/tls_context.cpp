#include "vmpulse/tls_context.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <fstream>

namespace vmpulse {
namespace {

namespace ssl = boost::asio::ssl;

std::string problem(const std::string& flag, const std::string& path,
                    const boost::system::error_code& ec) {
  return flag + " " + path + ": " + ec.message();
}

// OpenSSL's errors for a missing file are vague ("system lib"); say it plainly first.
bool readable(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

std::variant<std::shared_ptr<ssl::context>, std::string> make_tls_context(const TlsFiles& files) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    return std::string("TLS: cannot require TLS 1.2 or later");
  }
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  context->set_verify_mode(ssl::verify_peer);
  // An encrypted key would make OpenSSL ask for its passphrase on the terminal; a
  // daemon has none, so it fails at once with an error instead.
  context->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); });
  boost::system::error_code ec;
  if (files.ca_file.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) {
      return "TLS: cannot load the system's CA certificates: " + ec.message();
    }
  } else {
    if (!readable(files.ca_file)) {
      return files.ca_flag + " " + files.ca_file + ": cannot be read";
    }
    context->load_verify_file(files.ca_file, ec);
    if (ec) {
      return problem(files.ca_flag, files.ca_file, ec) + " (expected PEM certificates)";
    }
  }
  if (files.cert_file.empty() != files.key_file.empty()) {
    return std::string("--cert-file and --key-file go together (mutual TLS needs both)");
  }
  if (!files.cert_file.empty()) {
    if (!readable(files.cert_file)) {
      return "--cert-file " + files.cert_file + ": cannot be read";
    }
    if (!readable(files.key_file)) {
      return "--key-file " + files.key_file + ": cannot be read";
    }
    context->use_certificate_chain_file(files.cert_file, ec);
    if (ec) {
      return problem("--cert-file", files.cert_file, ec) + " (expected a PEM certificate chain)";
    }
    context->use_private_key_file(files.key_file, ssl::context::pem, ec);
    if (ec) {
      // OpenSSL also refuses here a key that is not the certificate's ("key values mismatch").
      return problem("--key-file", files.key_file, ec) +
             " (expected the unencrypted PEM key of --cert-file)";
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
      return "--key-file " + files.key_file + ": does not match --cert-file " + files.cert_file;
    }
  }
  return context;
}

}  // namespace vmpulse
