#include "ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <ctime>
#include <mutex>

#include "client_message.hpp"
#include "frame_stream.hpp"
#include "viewer_api.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class WsSession final : public Subscriber, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket&& socket, std::shared_ptr<WsContext> context,
            std::unique_ptr<AddressLimit::Lease> lease, std::string vm, int minutes)
      : ws_(std::move(socket)),
        context_(std::move(context)),
        lease_(std::move(lease)),
        queue_(context_->options.queue, context_->resync),
        vm_(std::move(vm)),
        minutes_(minutes) {}

  ~WsSession() override { --context_->clients; }

  void start(bhttp::request<bhttp::string_body> request) {
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(10);
    timeout.idle_timeout = context_->options.idle_timeout;
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.read_message_max(context_->options.max_message_bytes);
    // Messages are written as pre-built frames (do_write), one send each: no delay.
    error_code ignored;
    ws_.next_layer().next_layer().set_option(tcp::no_delay(true), ignored);
    request_ = std::move(request);  // must outlive the handshake
    ws_.async_accept(request_, [self = shared_from_this()](error_code ec) { self->on_accept(ec); });
  }

  void deliver_update(const Message& message) override {
    if (context_->single_thread && write_now(message)) {
      return;
    }
    PushResult result;
    {
      std::lock_guard lock(mutex_);
      result = queue_.push_update(message);
    }
    if (context_->single_thread) {
      // Called by fan_out on the io thread, which is this session's executor.
      if (result.need_snapshot) {
        request_snapshot();
      }
      if (result.start_write) {
        do_write();
      }
      return;
    }
    if (result.start_write || result.need_snapshot) {
      // Runs on the session's strand; asking the poller from here would re-enter it.
      asio::post(ws_.get_executor(), [self = shared_from_this(), result] {
        if (result.need_snapshot) {
          self->request_snapshot();
        }
        if (result.start_write) {
          self->do_write();
        }
      });
    }
  }

  void deliver_snapshot(const Message& message) override {
    if (context_->single_thread) {
      // Behind any fan_out task already posted, so updates and snapshots keep their order.
      asio::post(ws_.get_executor(),
                 [self = shared_from_this(), message] { self->push_snapshot(message); });
      return;
    }
    push_snapshot(message);
  }

 private:
  void push_snapshot(const Message& message) {
    PushResult result;
    {
      std::lock_guard lock(mutex_);
      result = queue_.push_snapshot(message);
    }
    if (!result.start_write) {
      return;
    }
    if (context_->single_thread) {
      return do_write();
    }
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->do_write(); });
  }

  void on_accept(error_code ec) {
    request_ = {};
    if (ec) {
      return finish(ec, "handshake");
    }
    context_->poller.subscribe(shared_from_this(), vm_, minutes_);
    do_read();
  }

  void request_snapshot() {
    if (finished_) {
      return;
    }
    ++context_->resyncs;
    spdlog::debug("ws: slow client, resyncing");
    if (!context_->poller.request_snapshot(weak_from_this(), vm_, minutes_)) {
      overloaded();
    }
  }

  // The poller's snapshot queue is full: this client cannot be served its snapshot.
  void overloaded() {
    if (!closing_) {
      close_with(kCloseTryAgainLater, "the hub is busy; reconnect later");
    }
  }

  void do_read() {
    ws_.async_read(buffer_,
                   [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    // Too big: Beast has already sent close 1009.
    if (ec) {
      return finish(ec, "read");
    }
    if (ws_.got_binary()) {
      return close_with(kCloseUnsupported, "binary frames are not supported");
    }
    const std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    buffer_.shrink_to_fit();  // reads are rare; keep idle clients small
    const ClientMessage message = parse_client_message(text);
    if (const auto* violation = std::get_if<ProtocolViolation>(&message)) {
      return close_with(violation->code, violation->reason);
    }
    if (const auto* select = std::get_if<SelectMessage>(&message)) {
      vm_ = select->vm;
      minutes_ = select->minutes;
      {
        std::lock_guard lock(mutex_);
        queue_.await_snapshot();
      }
      if (!context_->poller.request_snapshot(weak_from_this(), vm_, minutes_)) {
        return overloaded();
      }
    } else {
      PushResult result;
      {
        std::lock_guard lock(mutex_);
        result = queue_.push_reply(context_->pong);
      }
      if (result.start_write) {
        do_write();
      }
    }
    do_read();
  }

  // The common case of fan_out, on the io thread: nothing pending for this client, so
  // the update goes straight to the socket, one send(), without touching the queue.
  // False when it has to be queued (something pending, or the socket buffer is full).
  bool write_now(const Message& message) {
    FrameStream& stream = ws_.next_layer();
    if (finished_ || !stream.idle() || !ws_.is_open()) {
      return false;
    }
    {
      std::lock_guard lock(mutex_);
      if (!queue_.can_write_now()) {
        return false;
      }
    }
    error_code ec;
    const long n = stream.try_send(message->data(), message->size(), ec);
    if (n < 0) {
      finish(ec, "write");
      return true;
    }
    const auto sent = static_cast<std::size_t>(n);
    if (sent == message->size()) {
      return true;
    }
    if (sent == 0) {
      return false;
    }
    {
      std::lock_guard lock(mutex_);
      queue_.begin_write();
    }
    write_rest(message, sent);
    return true;
  }

  // The rest of a frame the socket took in part; then the queue.
  void write_rest(const Message& message, std::size_t sent) {
    ws_.next_layer().async_write_frame(message->data() + sent, message->size() - sent, message,
                                       [self = shared_from_this()](error_code ec) {
                                         if (ec) {
                                           return self->finish(ec, "write");
                                         }
                                         self->do_write();
                                       });
  }

  // Writes the queue out. A message is a whole frame, the same bytes for every client:
  // when nobody else is writing on the socket it is sent at once, one send(), and the
  // next one follows; only what the socket does not take waits for it, asynchronously.
  // Nothing is written once a close has been sent or received (is_open).
  void do_write() {
    FrameStream& stream = ws_.next_layer();
    while (!finished_ && ws_.is_open()) {
      Message message;
      {
        std::lock_guard lock(mutex_);
        message = queue_.next();
      }
      if (!message) {
        return;
      }
      std::size_t sent = 0;
      if (stream.idle()) {
        error_code ec;
        const long n = stream.try_send(message->data(), message->size(), ec);
        if (n < 0) {
          return finish(ec, "write");
        }
        sent = static_cast<std::size_t>(n);
        if (sent == message->size()) {
          continue;
        }
      }
      return write_rest(message, sent);
    }
  }

  void close_with(std::uint16_t code, std::string reason) {
    spdlog::debug("ws: closing {}: {}", code, reason);
    closing_ = true;
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                    [self = shared_from_this()](error_code ec) { self->finish(ec, "close"); });
  }

  void finish(error_code ec, const char* where) {
    if (finished_) {
      return;
    }
    finished_ = true;
    if (ec && ec != websocket::error::closed && ec != asio::error::operation_aborted && !closing_) {
      spdlog::debug("ws: {} ended: {}", where, ec.message());
    }
    context_->poller.unsubscribe(this);
  }

  // No permessage-deflate (compiled out): messages go out as the frames they were built as.
  websocket::stream<FrameStream, false> ws_;
  bhttp::request<bhttp::string_body> request_;
  std::shared_ptr<WsContext> context_;
  std::unique_ptr<AddressLimit::Lease> lease_;  // this client's slot of its address
  beast::flat_buffer buffer_;
  std::mutex mutex_;  // guards queue_ (the poller pushes from its thread)
  ClientQueue queue_;
  // Strand only:
  std::string vm_;
  int minutes_;
  bool finished_ = false;
  bool closing_ = false;
};

// Answers a request that may not become a WebSocket, then closes the connection.
void refuse(tcp::socket socket, unsigned version, const http::Response& error) {
  const auto status = static_cast<bhttp::status>(error.status);
  auto response = std::make_shared<bhttp::response<bhttp::string_body>>(status, version);
  response->set(bhttp::field::content_type, "application/json");
  for (const auto& [name, value] : error.headers) {
    response->set(name, value);
  }
  response->set(bhttp::field::connection, "close");
  response->body() = error.body;
  response->prepare_payload();
  auto stream = std::make_shared<tcp::socket>(std::move(socket));
  bhttp::async_write(*stream, *response, [stream, response](error_code, std::size_t) {
    error_code ignored;
    stream->shutdown(tcp::socket::shutdown_both, ignored);
  });
}

void refuse(tcp::socket socket, unsigned version, bhttp::status status, std::string_view code,
            std::string_view detail) {
  refuse(std::move(socket), version, http::Response::error(static_cast<int>(status), code, detail));
}

std::optional<std::string_view> header(const bhttp::request<bhttp::string_body>& request,
                                       bhttp::field field) {
  const auto it = request.find(field);
  if (it == request.end()) {
    return std::nullopt;
  }
  return std::string_view(it->value().data(), it->value().size());
}

std::optional<std::string_view> forwarded_for(const bhttp::request<bhttp::string_body>& request) {
  const auto it = request.find("X-Forwarded-For");
  if (it == request.end()) {
    return std::nullopt;
  }
  return std::string_view(it->value().data(), it->value().size());
}

}  // namespace

void fan_out(const std::shared_ptr<WsContext>& context, std::vector<Delivery> update) {
  asio::post(context->io, [context, update = std::move(update)] {
    for (const Delivery& delivery : update) {
      for (const auto& subscriber : *delivery.subscribers) {
        subscriber->deliver_update(delivery.message);
      }
    }
    context->poller.fanout_done();
  });
}

void serve_websocket(tcp::socket socket, bhttp::request<bhttp::string_body> request,
                     const std::shared_ptr<WsContext>& context) {
  // The request target's query, parsed the same way as for HTTP handlers.
  http::Request plain;
  const std::string_view target(request.target().data(), request.target().size());
  plain.target = std::string(target);
  plain.path = std::string(target.substr(0, target.find('?')));
  if (const auto q = target.find('?'); q != std::string_view::npos) {
    plain.query = std::string(target.substr(q + 1));
  }

  if (plain.path != "/ws") {
    return refuse(std::move(socket), request.version(), bhttp::status::not_found, "not_found",
                  "WebSocket connections are served on /ws");
  }
  // Before anything else is looked at: a stranger learns nothing but "sign in".
  const Credential credential = context->options.viewers->check(
      header(request, bhttp::field::authorization), header(request, bhttp::field::cookie),
      static_cast<std::int64_t>(std::time(nullptr)));
  if (credential != Credential::valid) {
    return refuse(std::move(socket), request.version(), unauthorized(credential));
  }
  if (!context->options.origins.allows(header(request, bhttp::field::origin),
                                       header(request, bhttp::field::host).value_or(""))) {
    return refuse(std::move(socket), request.version(), bhttp::status::forbidden,
                  "origin_not_allowed",
                  "this origin may not open /ws (see the hub's --allow-origin)");
  }
  // An optional first choice, so a dashboard linked to one VM needs no select.
  std::string vm = plain.query_param("vm").value_or("");
  int minutes = kDefaultMinutes;
  if (!vm.empty() && !valid_vm_name(vm)) {
    return refuse(std::move(socket), request.version(), bhttp::status::bad_request,
                  "invalid_parameter", "vm is not a valid VM name (the contract's vm rule)");
  }
  if (const auto text = plain.query_param("minutes")) {
    const auto parsed = parse_minutes(*text);
    if (!parsed) {
      return refuse(std::move(socket), request.version(), bhttp::status::bad_request,
                    "invalid_parameter", "minutes must be an integer 1..60");
    }
    minutes = *parsed;
  }
  error_code peer_error;
  const auto peer = socket.remote_endpoint(peer_error);
  const std::string address =
      client_address(peer_error ? "?" : peer.address().to_string(), forwarded_for(request),
                     context->options.trusted_proxies);
  auto lease = AddressLimit::acquire(context->per_address, address);
  if (!lease) {
    return refuse(std::move(socket), request.version(), bhttp::status::too_many_requests,
                  "too_many_connections",
                  "this address has reached the hub's --max-per-address WebSocket clients");
  }
  if (++context->clients > context->options.max_clients) {
    --context->clients;
    return refuse(std::move(socket), request.version(), bhttp::status::service_unavailable,
                  "too_many_clients", "the hub has reached --max-clients");
  }
  // The socket stays on the executor the server gave it: the io_context itself with one
  // io thread (ServerOptions::single_thread), else the connection's own strand.
  auto session = std::make_shared<WsSession>(std::move(socket), context, std::move(lease),
                                             std::move(vm), minutes);
  session->start(std::move(request));
}

}  // namespace vmpulse::hub
