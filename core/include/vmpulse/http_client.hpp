// A small blocking HTTP/1.1 client for one thread (the agent's pusher, the hub's alert
// notifier): one POST at a time over a
// keep-alive connection (plain, or TLS with the server verified and the TLS session
// resumed when it reconnects), every step bounded by a timeout, answering the status
// (and Retry-After, Location) or a transport error. Redirects are never followed: a
// token goes only to the URL it was configured for. Boost.Beast and OpenSSL live only in
// push_client.cpp and tls_context.cpp. Not thread-safe (one per thread), except cancel().
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "vmpulse/http_url.hpp"
#include "vmpulse/tls_context.hpp"

namespace vmpulse {

struct HttpAnswer {
  int status = 0;
  std::optional<std::chrono::seconds> retry_after;
  std::string location;  // of a 3xx, as a one-line excerpt
  std::string body;      // a one-line excerpt of it, for the log (log_excerpt)
  // Content-Type application/json: the ingest routes answer every error so; a page
  // from something in front of them (nginx's 400 for a missing client certificate) is
  // not.
  bool json = false;
};

struct PostRequest {
  std::string body;             // sent as application/json
  std::string token;            // "Authorization: Bearer"; none when empty
  std::string idempotency_key;  // "Idempotency-Key"; none when empty
};

class HttpClient {
 public:
  // `tls` is used for https:// URLs; throws std::runtime_error when its files cannot
  // be loaded (the options have checked them already at start). `user_agent` names
  // the program in the User-Agent header.
  HttpClient(HttpUrl url, std::chrono::milliseconds timeout, const TlsFiles& tls = {},
             std::string user_agent = "vmpulse-agent");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The server's answer, or the transport error's text (resolve, connect, TLS
  // handshake with the verification failure, timeout…). A kept-alive connection the
  // server has closed meanwhile is reopened and the request sent once more (the
  // Idempotency-Key makes that safe). The whole call takes at most twice `timeout`.
  std::variant<HttpAnswer, std::string> post(const PostRequest& request);
  // Makes a post() in progress on another thread return at once (for shutdown);
  // thread-safe. Later posts are not affected.
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vmpulse
