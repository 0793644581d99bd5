// A small blocking HTTP/1.1 client for the pusher thread: one POST, bounded by a
// timeout, answering the status (and Retry-After) or a transport error. Boost.Beast
// lives only in push_client.cpp. Not thread-safe: one per thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace vmpulse::agent {

struct HttpUrl {
  std::string host;
  std::string port = "80";
  std::string target = "/";
};

// "http://host[:port][/path]"; the error names what is wrong.
std::variant<HttpUrl, std::string> parse_http_url(std::string_view url);

struct PushResponse {
  int status = 0;
  std::optional<std::chrono::seconds> retry_after;
  std::string body;  // the start of it, for the log
};

struct PostRequest {
  std::string body;
  std::string token;
  std::string idempotency_key;
};

class PushClient {
 public:
  PushClient(HttpUrl url, std::chrono::milliseconds timeout);
  ~PushClient();
  PushClient(const PushClient&) = delete;
  PushClient& operator=(const PushClient&) = delete;

  // The server's answer, or the transport error's text (resolve, connect, timeout…).
  std::variant<PushResponse, std::string> post(const PostRequest& request);
  // Makes a post() in progress on another thread return at once (for shutdown);
  // thread-safe. Later posts are not affected.
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vmpulse::agent
