// The HTTP server every vmpulse binary runs (Boost.Beast, async, one io_context on a
// few threads). Every connection has a read timeout, a header limit (431) and a body
// limit (413); a slow client cannot hold a connection; keep-alive is supported. A
// request with "Upgrade: websocket" goes to the upgrade handler when one is set (the
// hub), otherwise it is an ordinary request.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vmpulse/http.hpp"
#include "vmpulse/http_metrics.hpp"

namespace vmpulse::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  unsigned short port = 0;  // 0: any free port (see Server::port)
  std::size_t max_header_bytes = std::size_t{8} * 1024;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;
  std::chrono::milliseconds read_timeout{10'000};  // whole request, headers and body
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive between requests
  std::chrono::milliseconds write_timeout{10'000};
  std::size_t max_connections = 20'000;  // further accepts are closed at once
  // Body bytes of the requests being read or handled, across all connections. A request
  // whose body would take the total over this (its Content-Length, or max_body_bytes
  // when chunked) is answered 503 "server_busy" with Retry-After as soon as its headers
  // are read (after the header check), and closed unread. 0: no cap.
  std::size_t max_body_bytes_in_flight = 0;
  int busy_retry_after_seconds = 1;
  std::string server_name = "vmpulse";
  // The io_context runs on one thread only: connections then need no strands. Only for
  // a context that no other thread runs (answers may still come from any thread).
  bool single_thread = false;
};

using UpgradeHandler =
    std::function<void(boost::asio::ip::tcp::socket socket,
                       boost::beast::http::request<boost::beast::http::string_body> request,
                       boost::beast::flat_buffer buffer)>;

// What a PreparedHandler sees of a request: views into the server's parsed message,
// valid during the call only. No copies, no allocation.
class RequestView {
 public:
  using Message = boost::beast::http::request_header<>;
  explicit RequestView(const Message& message) : message_(message) {}

  std::string_view method() const;
  std::string_view target() const;
  std::string_view path() const;  // target before '?'
  // Case-insensitive header lookup (first match), like Request::header.
  std::optional<std::string_view> header(std::string_view name) const;

 private:
  const Message& message_;
};

// A fast path tried before a request becomes a Request: it returns a response prepared
// beforehand (see PreparedResponse), or null to hand the request to the Handler. Runs on
// an io thread, so it must not block; it must not throw.
using PreparedHandler =
    std::function<std::shared_ptr<const PreparedResponse>(const RequestView& request)>;

// A check run as soon as a request's headers are parsed, before any of its body is read
// and before "100 Continue" is sent: an answer it returns is sent at once and, when the
// request has a body, the connection is then closed without reading it (an
// unauthenticated stranger cannot make the server buffer a body). Null: the request goes
// on as usual. Runs on an io thread, so it must not block; it must not throw.
using HeaderCheck = std::function<std::optional<Response>(const RequestView& request)>;

class Server {
 public:
  // Binds and listens at once (throws std::system_error with context on failure).
  Server(boost::asio::io_context& io, ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void set_upgrade_handler(UpgradeHandler handler);    // before start()
  void set_prepared_handler(PreparedHandler handler);  // before start()
  void set_header_check(HeaderCheck check);            // before start()
  // Counts every answered request by route and status, with its duration (before start()).
  void set_metrics(std::shared_ptr<HttpMetrics> metrics);
  unsigned short port() const;  // the bound port
  void start();                 // begins accepting on the io_context
  void stop();                  // stops accepting; open connections finish

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Runs `io` on `threads` threads until SIGINT or SIGTERM, then calls `on_stop` and
// stops it. With `on_hangup`, each SIGHUP calls it on an io thread (a reload: the
// programs read their token files again); without, SIGHUP keeps its default action.
void run_until_signal(boost::asio::io_context& io, unsigned threads,
                      std::function<void()> on_stop = {}, std::function<void()> on_hangup = {});

}  // namespace vmpulse::http
