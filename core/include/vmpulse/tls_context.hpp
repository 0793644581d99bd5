// The TLS client settings of the agent's push or the hub's notifications, built once at
// start: TLS 1.2 at least, the server's certificate verified against the system's CA
// store or --ca-file, and optionally a client certificate for mutual TLS. One context
// serves every connection of an HttpClient; once built it is only read, which OpenSSL allows from
// any thread.
#pragma once

#include <memory>
#include <string>
#include <variant>

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace vmpulse {

struct TlsFiles {
  std::string ca_file;                // PEM CA certificates to trust instead of the system's store
  std::string cert_file;              // PEM client certificate chain (mutual TLS), with key_file
  std::string key_file;               // its unencrypted PEM private key
  std::string ca_flag = "--ca-file";  // the option that named ca_file, for messages
};

// The context, or what is wrong, naming the flag and the path (never a key's content).
std::variant<std::shared_ptr<boost::asio::ssl::context>, std::string> make_tls_context(
    const TlsFiles& files);

}  // namespace vmpulse
