// HTTP as plain values: handlers take a Request and produce a Response, so that tests
// call them without sockets. The Beast plumbing that moves these over TCP is in
// http_server.hpp. Thread-compatible value types.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vmpulse::http {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // as sent: path plus query
  std::string path;    // target before '?', percent-decoding not applied
  std::string query;   // after '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;
  std::string remote;  // peer address, for logs

  // Case-insensitive header lookup (first match).
  std::optional<std::string_view> header(std::string_view name) const;
  // Value of a query parameter (the first when repeated), percent-decoded; nullopt when
  // absent.
  std::optional<std::string> query_param(std::string_view name) const;
  // Every value of a repeated query parameter, in order, percent-decoded.
  std::vector<std::string> query_params(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static Response json(int status, std::string body);
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // {"error":code,"detail":detail}
  static Response error(int status, std::string_view code, std::string_view detail);
  // 200 {"status":"ok"}: /livez of every vmpulse server (node-api's handler.js answers
  // the same body), so probes and people see one answer.
  static Response alive();
};

// A response serialized once and sent many times (the agent serves the same snapshot to
// every scraper): `wire` holds the exact bytes the server would write for `response`
// to an HTTP/1.1 keep-alive GET, status line to body, so that serving it is one write of
// a shared buffer. Other requests (HEAD, HTTP/1.0, "Connection: close") are answered
// from `response` the ordinary way. Immutable once made; share it across threads.
struct PreparedResponse {
  Response response;
  std::string server_name;  // the Server header in `wire`
  std::string wire;

  // Serializes `response` as Server would with ServerOptions::server_name == server_name.
  static std::shared_ptr<const PreparedResponse> make(Response response,
                                                      std::string_view server_name);
};

// A handler answers exactly once, possibly later and from another thread (the ingest
// route answers after its group commit). `respond` is thread-safe.
using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request&&, Respond)>;

// Wraps a synchronous handler.
Handler sync(std::function<Response(const Request&)> fn);

}  // namespace vmpulse::http
