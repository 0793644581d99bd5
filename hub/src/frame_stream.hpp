// The TCP socket under a Beast WebSocket stream, written by two writers: Beast (the
// handshake answer, pongs, keepalive pings, close frames) and the session, which writes
// its messages as pre-built frames (messages.hpp) straight to the socket: one send()
// per message when the socket takes it at once, no per-client copy, no asynchronous
// operation, no completion handler. Writes never interleave inside a frame: while one
// writer's frame is being written (a composed write of Beast's, or the rest of a
// session frame the socket did not take at once), the other's waits, and starts when
// that frame is done. Beast's websocket::stream uses it as its next layer.
// Not thread-safe: like the socket, it lives on one executor (the io thread, or the
// session's strand).
#pragma once

#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <cerrno>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace vmpulse::hub {

class FrameStream {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using next_layer_type = socket_type;
  using error_code = boost::system::error_code;

  explicit FrameStream(socket_type&& socket)
      : socket_(std::move(socket)), state_(std::make_shared<State>()) {}
  ~FrameStream() {
    state_->alive = false;
    state_->waiting.clear();  // handlers destroyed, not invoked (their owner is going)
  }
  FrameStream(FrameStream&&) = delete;
  FrameStream& operator=(FrameStream&&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  socket_type& next_layer() noexcept { return socket_; }
  const socket_type& next_layer() const noexcept { return socket_; }

  // Nobody is writing: a frame written now goes on the wire whole, before anything else.
  bool idle() const { return state_->writer == Writer::none; }

  // Sends what the socket takes now, without waiting; only when idle(). Returns the bytes
  // sent (0 when the socket buffer is full) or -1 with `ec` set when the connection failed.
  long try_send(const char* data, std::size_t size, error_code& ec) {
    while (true) {
      const ssize_t sent = ::send(socket_.native_handle(), data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (sent >= 0) {
        return static_cast<long>(sent);
      }
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return 0;
      }
      ec = error_code(errno, boost::system::system_category());
      return -1;
    }
  }

  // Writes [data, data + size) whole, after whatever frame is being written; `keep`
  // holds the bytes until then. handler(error_code) runs on the socket's executor.
  template <class Keep, class Handler>
  void async_write_frame(const char* data, std::size_t size, Keep keep, Handler handler) {
    auto start = [this, state = state_, data, size, keep = std::move(keep),
                  handler = std::move(handler)]() mutable {
      state->writer = Writer::session;
      boost::asio::async_write(
          socket_, boost::asio::const_buffer(data, size),
          [state, keep = std::move(keep), handler = std::move(handler)](error_code ec,
                                                                        std::size_t) mutable {
            state->writer = Writer::none;
            resume(state);  // a waiting Beast frame (a pong, a close) goes first
            handler(ec);
          });
    };
    if (idle()) {
      return start();
    }
    hold(std::move(start));
  }

  // The AsyncStream that Beast reads and writes.
  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    socket_.async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    auto start = [this, state = state_, buffers,
                  handler = std::forward<Handler>(handler)]() mutable {
      state->writer = Writer::beast;
      socket_.async_write_some(
          buffers, [state, handler = std::move(handler)](error_code ec, std::size_t n) mutable {
            state->writer = Writer::none;
            // A composed write of Beast's writes the rest of its frame from here.
            std::move(handler)(ec, n);
            if (state->alive && state->writer == Writer::none) {
              resume(state);
            }
          });
    };
    if (idle()) {
      return start();
    }
    hold(std::move(start));
  }

 private:
  enum class Writer { none, beast, session };
  struct State {
    Writer writer = Writer::none;
    bool alive = true;
    std::deque<std::function<void()>> waiting;  // writes waiting for the current frame
  };

  // Handlers may be move-only; std::function wants a copyable callable.
  template <class Start>
  void hold(Start&& start) {
    auto held = std::make_shared<std::decay_t<Start>>(std::forward<Start>(start));
    state_->waiting.emplace_back([held] { (*held)(); });
  }

  static void resume(const std::shared_ptr<State>& state) {
    if (!state->alive || state->waiting.empty()) {
      return;
    }
    auto next = std::move(state->waiting.front());
    state->waiting.pop_front();
    next();
  }

  socket_type socket_;
  std::shared_ptr<State> state_;
};

// Beast closes the connection through these (found by argument-dependent lookup).
inline void teardown(boost::beast::role_type role, FrameStream& stream,
                     boost::system::error_code& ec) {
  boost::beast::websocket::teardown(role, stream.next_layer(), ec);
}
template <class Handler>
void async_teardown(boost::beast::role_type role, FrameStream& stream, Handler&& handler) {
  boost::beast::websocket::async_teardown(role, stream.next_layer(),
                                          std::forward<Handler>(handler));
}

}  // namespace vmpulse::hub
