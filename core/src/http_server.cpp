// The Beast plumbing behind vmpulse::http::Server, in the shape of Beast's
// http_server_async example: a listener that accepts, a session per connection that
// reads one request, hands it to the handler and writes the answer, each step with a
// deadline. Requests and responses are plain values (http_message.hpp).
#include "vmpulse/http_server.hpp"

#include <spdlog/spdlog.h>
#include <strings.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <csignal>
#include <cstdint>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "http_message.hpp"

namespace vmpulse::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using beast::error_code;

namespace {

// What the listener and every session share; Server::Impl is this, so that the
// sessions (outside the class) can hold it.
struct ServerState {
  ServerState(asio::io_context& context, ServerOptions server_options, Handler request_handler)
      : io(context),
        options(std::move(server_options)),
        handler(std::move(request_handler)),
        acceptor(asio::make_strand(context)),
        accept_retry(acceptor.get_executor()) {}

  asio::io_context& io;
  ServerOptions options;
  Handler handler;
  UpgradeHandler upgrade;
  PreparedHandler prepared;
  HeaderCheck header_check;
  std::shared_ptr<HttpMetrics> metrics;  // null: nothing counted
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;  // on the acceptor's strand
  // Accept failures since the last warning, and when it was (both on the acceptor's strand).
  std::uint64_t accept_failures = 0;
  std::chrono::steady_clock::time_point accept_warned{};
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> body_bytes_in_flight{0};  // reserved by sessions (see reserve_body)
  unsigned short bound_port = 0;
};

}  // namespace

struct Server::Impl : ServerState {
  using ServerState::ServerState;
};

namespace {

// How long a connection that is being closed after an error answer keeps reading what
// the client still sends, so that closing does not reset the answer away (RFC 9112 9.6).
constexpr std::chrono::milliseconds kLingerTime{500};

// Pause after a failed accept (EMFILE and the like) before accepting again.
constexpr std::chrono::milliseconds kAcceptRetry{50};
// An error that lasts (out of descriptors at a connection peak) is retried 20 times a
// second; it is logged at most this often, with the number of failures in between.
constexpr std::chrono::seconds kAcceptWarnEvery{10};

// What a connection reads at a time: the first bytes of a request, then a body in reads
// of up to kBodyReadBytes. A request's buffer grows to that size only for a body that
// long, once the header check has let it through, and shrinks back when the request has
// been handled, so that an idle connection holds kRequestReadBytes. Reading a 100-record
// version 2 batch (~86 KB) 4 KiB at a time took 21 reads, each a trip through the
// kernel, the stream's timer and the strand.
constexpr std::size_t kRequestReadBytes = 4096;
constexpr std::size_t kBodyReadBytes = std::size_t{64} * 1024;

// The session whose handler is running on this thread, so that an answer given inside
// the handler call is written at once instead of being posted back to the session.
thread_local const void* t_handling_session = nullptr;

std::string peer_of(const tcp::socket& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) {
    return "?";
  }
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerState> server)
      : remote_(peer_of(socket)), stream_(std::move(socket)), server_(std::move(server)) {}
  ~Session() {
    release_body();
    server_->connections.fetch_sub(1);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_request(); });
  }

  // Called by a Respond from any thread; the answer is written on the session's strand.
  // An answer given during the handler call (the usual, synchronous case) is kept and
  // written when the handler returns, without a trip through the io_context's queue.
  void answer_from_anywhere(Response response) {
    if (t_handling_session == this) {
      inline_answer_ = std::move(response);
      return;
    }
    asio::post(stream_.get_executor(),
               [self = shared_from_this(), r = std::move(response)]() mutable {
                 self->write(std::move(r), false);
               });
  }

 private:
  // Between keep-alive requests: wait for the next request's first bytes under the idle
  // timeout, so that the read timeout then bounds the request itself.
  void wait_for_request() {
    if (buffer_.size() > 0) {
      read_request();
      return;
    }
    stream_.expires_after(server_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kRequestReadBytes),
                            [self = shared_from_this()](error_code ec, std::size_t bytes) {
                              if (ec) {
                                self->close();
                                return;
                              }
                              self->buffer_.commit(bytes);
                              self->read_request();
                            });
  }

  void read_request() {
    if (server_->metrics) {
      started_ = std::chrono::steady_clock::now();
      route_ = server_->metrics->other_route();
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->options.max_header_bytes));
    parser_->body_limit(server_->options.max_body_bytes);
    // What is already buffered (the bytes that ended wait_for_request, pipelined
    // requests) is parsed at once, as async_read_header would parse it first; only an
    // incomplete header waits for the socket.
    if (buffer_.size() > 0) {
      error_code ec;
      buffer_.consume(parser_->put(buffer_.data(), ec));
      if (ec != bhttp::error::need_more) {
        if (!ec && !parser_->is_done()) {
          stream_.expires_after(server_->options.read_timeout);
        }
        on_header(ec);
        return;
      }
    }
    stream_.expires_after(server_->options.read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (server_->metrics && (!ec || ec == bhttp::error::body_limit)) {
      const auto target = parser_->get().target();
      route_ = server_->metrics->route_of(
          std::string_view(target.data(), target.size()).substr(0, target.find('?')));
    }
    // A Content-Length over the body limit fails the header read, with the header parsed:
    // the header check still comes first (a stranger gets 401, not 413).
    if (ec == bhttp::error::body_limit && answer_at_header()) {
      return;
    }
    if (!ec && (answer_at_header() || !reserve_body())) {
      return;
    }
    if (ec || parser_->is_done()) {
      on_read(ec);
    } else {
      read_body();
    }
  }

  // The header check's answer, if it has one, given now: true when it answered.
  bool answer_at_header() {
    if (!server_->header_check) {
      return false;
    }
    auto answer = server_->header_check(RequestView(parser_->get()));
    if (!answer) {
      return false;
    }
    const auto& parsed = parser_->get();
    version_ = parsed.version();
    head_only_ = parsed.method() == bhttp::verb::head;
    // With no body (or all of it parsed already) the connection stays usable; otherwise
    // the unread body makes it unusable: answer, then close.
    keep_alive_ = parsed.keep_alive() && parser_->is_done();
    write(std::move(*answer), !keep_alive_);
    return true;
  }

  // Counts this request's body against the server's cap on body bytes in flight; when
  // it does not fit, answers 503 and returns false. The bytes stay counted until the
  // handler has had the request (release_body).
  bool reserve_body() {
    const std::size_t cap = server_->options.max_body_bytes_in_flight;
    if (cap == 0 || parser_->is_done()) {
      return true;
    }
    const auto declared = parser_->content_length();
    const std::size_t bytes =
        declared ? static_cast<std::size_t>(*declared) : server_->options.max_body_bytes;
    std::size_t current = server_->body_bytes_in_flight.load();
    do {
      if (current + bytes > cap) {
        Response busy =
            Response::error(503, "server_busy",
                            "too many request bodies in flight; retry after " +
                                std::to_string(server_->options.busy_retry_after_seconds) + " s");
        busy.headers.emplace_back("Retry-After",
                                  std::to_string(server_->options.busy_retry_after_seconds));
        version_ = parser_->get().version();
        head_only_ = false;
        keep_alive_ = false;
        write(std::move(busy), true);
        return false;
      }
    } while (!server_->body_bytes_in_flight.compare_exchange_weak(current, current + bytes));
    reserved_body_ = bytes;
    return true;
  }

  void release_body() {
    if (reserved_body_ > 0) {
      server_->body_bytes_in_flight.fetch_sub(reserved_body_);
      reserved_body_ = 0;
    }
  }

  // Clients such as curl send "Expect: 100-continue" with larger bodies and wait up to
  // a second for the interim answer before sending the body anyway; give it at once.
  // (Bodies over the limit never get here: the header read already failed with 413.)
  void read_body() {
    const auto expect = parser_->get()[bhttp::field::expect];
    if (expect.size() == 12 && strncasecmp(expect.data(), "100-continue", 12) == 0 &&
        parser_->get().version() >= 11) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](error_code ec, std::size_t) {
                          if (ec) {
                            self->close();
                          } else {
                            self->read_rest();
                          }
                        });
      return;
    }
    read_rest();
  }

  void read_rest() {
    const auto remaining = parser_->content_length_remaining();
    const std::size_t room = buffer_.capacity() - buffer_.size();
    if (remaining && *remaining > room && room < kBodyReadBytes) {
      buffer_.reserve(buffer_.size() + static_cast<std::size_t>(
                                           std::min<std::uint64_t>(*remaining, kBodyReadBytes)));
    }
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (buffer_.capacity() > kRequestReadBytes && buffer_.size() <= kRequestReadBytes) {
      buffer_.shrink_to_fit();  // back from a body's reads (read_rest), what is left kept
    }
    if (!ec) {
      handle_request();
      release_body();  // the handler has had the body (a copy it kept is its own)
      return;
    }
    release_body();
    const auto& parse_errors = bhttp::make_error_code(bhttp::error::bad_method).category();
    if (ec == bhttp::error::header_limit) {
      write_error(431, "request_header_fields_too_large",
                  "the request's headers are larger than " +
                      std::to_string(server_->options.max_header_bytes) + " bytes");
    } else if (ec == bhttp::error::body_limit) {
      write_error(413, "payload_too_large",
                  "the request body is larger than " +
                      std::to_string(server_->options.max_body_bytes) + " bytes");
    } else if (ec.category() == parse_errors && ec != bhttp::error::end_of_stream &&
               ec != bhttp::error::partial_message) {
      write_error(400, "bad_request", "malformed HTTP request: " + ec.message());
    } else {
      // The client went away, was too slow, or the connection failed: nobody to answer.
      if (ec == beast::error::timeout) {
        spdlog::debug("{}: request read timed out", remote_);
      }
      close();
    }
  }

  void handle_request() {
    const auto& parsed = parser_->get();
    keep_alive_ = parsed.keep_alive();
    version_ = parsed.version();
    head_only_ = parsed.method() == bhttp::verb::head;
    if (server_->upgrade && detail::is_websocket_upgrade(parsed)) {
      stream_.expires_never();
      server_->upgrade(stream_.release_socket(), detail::as_string_request(parser_->release()),
                       std::move(buffer_));
      return;
    }
    if (server_->prepared) {
      if (auto prepared = server_->prepared(RequestView(parsed))) {
        write_prepared(std::move(prepared));
        return;
      }
    }
    auto responder = std::make_shared<Responder>(shared_from_this());
    Respond respond = [responder](Response response) { responder->answer(std::move(response)); };
    t_handling_session = this;
    try {
      server_->handler(detail::to_request(detail::as_string_request(parser_->release()), remote_),
                       std::move(respond));
    } catch (const std::exception& error) {
      spdlog::error("{}: request handler failed: {}", remote_, error.what());
      responder->answer(
          Response::error(500, "internal_error", "the server failed to handle the request"));
    }
    responder.reset();  // a handler that kept no Respond and did not answer: 500 now
    t_handling_session = nullptr;
    if (inline_answer_) {
      Response response = std::move(*inline_answer_);
      inline_answer_.reset();
      write(std::move(response), false);
    }
  }

  // The prepared bytes when they are exactly the answer (HTTP/1.1 keep-alive, not HEAD);
  // otherwise the response they were made from, the ordinary way. The bytes are first
  // written at once (a non-blocking send, which takes all of them unless the client's
  // window is full); what the socket does not take is written asynchronously.
  void write_prepared(std::shared_ptr<const PreparedResponse> prepared) {
    if (version_ != 11 || !keep_alive_ || head_only_ ||
        prepared->server_name != server_->options.server_name) {
      write(Response(prepared->response), false);
      return;
    }
    count(prepared->response.status);
    const std::string& wire = prepared->wire;
    error_code failed;
    if (!non_blocking_) {
      stream_.socket().non_blocking(true, failed);
      non_blocking_ = !failed;
    }
    std::size_t written = 0;
    if (non_blocking_) {
      written = stream_.socket().write_some(asio::buffer(wire), failed);
      if (failed && failed != asio::error::would_block && failed != asio::error::try_again) {
        close();
        return;
      }
      if (written == wire.size()) {
        if (buffer_.size() > 0) {
          // Pipelined requests: the next one from the queue, not by recursion.
          asio::post(stream_.get_executor(),
                     [self = shared_from_this()] { self->wait_for_request(); });
        } else {
          wait_for_request();
        }
        return;
      }
    }
    prepared_ = std::move(prepared);
    stream_.expires_after(server_->options.write_timeout);
    asio::async_write(stream_, asio::buffer(prepared_->wire) + written,
                      [self = shared_from_this()](error_code ec, std::size_t) {
                        self->prepared_.reset();
                        if (ec) {
                          self->close();
                        } else {
                          self->wait_for_request();
                        }
                      });
  }

  // Makes sure a request is answered exactly once: a second answer is dropped, and a
  // handler that forgets to answer gets a 500 sent for it.
  struct Responder {
    explicit Responder(std::shared_ptr<Session> owner) : session(std::move(owner)) {}
    ~Responder() {
      if (!answered.exchange(true)) {
        spdlog::error("{}: request handler dropped a request without answering", session->remote_);
        session->answer_from_anywhere(
            Response::error(500, "internal_error", "the server did not answer the request"));
      }
    }
    Responder(const Responder&) = delete;
    Responder& operator=(const Responder&) = delete;
    void answer(Response response) {
      if (answered.exchange(true)) {
        spdlog::warn("{}: request answered twice; the second answer is dropped", session->remote_);
        return;
      }
      session->answer_from_anywhere(std::move(response));
    }
    std::shared_ptr<Session> session;
    std::atomic<bool> answered{false};
  };

  void write_error(int status, std::string_view code, const std::string& detail) {
    keep_alive_ = false;
    version_ = 11;
    head_only_ = false;
    write(Response::error(status, code, detail), true);
  }

  // Every answer passes here once (write() or the prepared bytes), so each is counted once.
  void count(int status) {
    if (server_->metrics) {
      server_->metrics->observe(route_, status, std::chrono::steady_clock::now() - started_);
    }
  }

  void write(Response response, bool close_after) {
    count(response.status);
    response_ = detail::to_message(std::move(response), version_, keep_alive_ && !close_after,
                                   head_only_, server_->options.server_name);
    stream_.expires_after(server_->options.write_timeout);
    bhttp::async_write(stream_, response_, [self = shared_from_this()](error_code ec, std::size_t) {
      if (ec) {
        self->close();
      } else if (!self->response_.keep_alive()) {
        self->linger_close();
      } else {
        self->wait_for_request();
      }
    });
  }

  // Half-close, then read and drop whatever the client still sends until it closes or
  // the linger time is over.
  void linger_close() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
      close();
      return;
    }
    stream_.expires_after(kLingerTime);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](error_code ec, std::size_t) {
                              if (ec) {
                                self->close();
                              } else {
                                self->drain();
                              }
                            });
  }

  void close() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  std::string remote_;
  beast::tcp_stream stream_;
  std::shared_ptr<ServerState> server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<detail::AppendedBody>> parser_;
  detail::BeastResponse response_;
  std::shared_ptr<const PreparedResponse> prepared_;  // while its bytes are being written
  std::optional<Response> inline_answer_;
  std::chrono::steady_clock::time_point started_{};  // the request's first byte (metrics)
  std::size_t route_ = 0;                            // HttpMetrics::route_of its path
  std::size_t reserved_body_ = 0;  // of server_->body_bytes_in_flight, for this request
  bool non_blocking_ = false;      // the socket's user-level non-blocking mode is on
  std::array<char, 4096> drain_buffer_{};
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_only_ = false;
};

void accept_next(const std::shared_ptr<ServerState>& impl);

// Each connection's handlers run on a strand of their own, unless the io_context runs
// on one thread, where a strand only adds a queue and a lock.
template <class Executor>
void accept_on(const std::shared_ptr<ServerState>& impl, const Executor& executor) {
  impl->acceptor.async_accept(executor, [impl](error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !impl->acceptor.is_open()) {
        return;  // stopped
      }
      // Out of file descriptors and the like: say so, and try again a little later
      // rather than spinning on an error that will not clear at once.
      ++impl->accept_failures;
      const auto now = std::chrono::steady_clock::now();
      if (now - impl->accept_warned >= kAcceptWarnEvery) {
        spdlog::warn("accept failed: {} ({} failures since the last warning); retrying every {} ms",
                     ec.message(), impl->accept_failures, kAcceptRetry.count());
        impl->accept_failures = 0;
        impl->accept_warned = now;
      }
      impl->accept_retry.expires_after(kAcceptRetry);
      impl->accept_retry.async_wait([impl](error_code) { accept_next(impl); });
      return;
    } else if (impl->connections.load() >= impl->options.max_connections) {
      error_code ignored;
      socket.close(ignored);
    } else {
      impl->connections.fetch_add(1);
      std::make_shared<Session>(std::move(socket), impl)->start();
    }
    accept_next(impl);
  });
}

void accept_next(const std::shared_ptr<ServerState>& impl) {
  if (impl->options.single_thread) {
    accept_on(impl, impl->io.get_executor());
  } else {
    accept_on(impl, asio::make_strand(impl->io));
  }
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions options, Handler handler)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(handler))) {
  const std::string where = impl_->options.host + ":" + std::to_string(impl_->options.port);
  error_code ec;
  tcp::resolver resolver(io);
  const auto results =
      resolver.resolve(impl_->options.host, std::to_string(impl_->options.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    throw std::system_error(ec ? ec : make_error_code(std::errc::address_not_available),
                            "cannot resolve listen address " + where);
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    throw std::system_error(ec, "socket for " + where);
  }
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    throw std::system_error(ec, "SO_REUSEADDR on " + where);
  }
  if (acceptor.bind(endpoint, ec); ec) {
    throw std::system_error(ec, "cannot listen on " + where);
  }
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    throw std::system_error(ec, "cannot listen on " + where);
  }
  impl_->bound_port = acceptor.local_endpoint().port();
}

Server::~Server() { stop(); }

void Server::set_upgrade_handler(UpgradeHandler handler) { impl_->upgrade = std::move(handler); }

void Server::set_prepared_handler(PreparedHandler handler) { impl_->prepared = std::move(handler); }

void Server::set_header_check(HeaderCheck check) { impl_->header_check = std::move(check); }

void Server::set_metrics(std::shared_ptr<HttpMetrics> metrics) {
  impl_->metrics = std::move(metrics);
}

std::string_view RequestView::method() const {
  const auto method = message_.method_string();
  return {method.data(), method.size()};
}

std::string_view RequestView::target() const {
  const auto target = message_.target();
  return {target.data(), target.size()};
}

std::string_view RequestView::path() const {
  const auto whole = target();
  return whole.substr(0, whole.find('?'));
}

std::optional<std::string_view> RequestView::header(std::string_view name) const {
  const auto field = message_.find(beast::string_view(name.data(), name.size()));
  if (field == message_.end()) {
    return std::nullopt;
  }
  return std::string_view(field->value().data(), field->value().size());
}

unsigned short Server::port() const { return impl_->bound_port; }

void Server::start() {
  asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_] { accept_next(impl); });
}

void Server::stop() {
  asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_] {
    error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
  });
}

void run_until_signal(asio::io_context& io, unsigned threads, std::function<void()> on_stop,
                      std::function<void()> on_hangup) {
  std::optional<asio::signal_set> hangup;
  std::function<void()> await_hangup = [&] {
    hangup->async_wait([&](error_code ec, int) {
      if (!ec) {
        on_hangup();
        await_hangup();
      }
    });
  };
  if (on_hangup) {
    hangup.emplace(io, SIGHUP);
    await_hangup();
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&io, &on_stop](error_code ec, int signal_number) {
    if (ec) {
      return;
    }
    spdlog::info("received {}, stopping", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
    if (on_stop) {
      on_stop();
    }
    io.stop();
  });
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) {
    pool.emplace_back([&io] { io.run(); });
  }
  io.run();
  for (auto& thread : pool) {
    thread.join();
  }
}

}  // namespace vmpulse::http
