// /ws: one dashboard's WebSocket connection (Boost.Beast). Checks the origin and the
// client limit before the handshake, then receives snapshots and updates from the
// poller through a bounded per-client queue (client_queue.hpp) and answers the
// client's select and ping messages. Keepalive: a ping after 20 s without traffic, the
// connection dropped after 40 s of silence. Thread-safe entry point.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "client_queue.hpp"
#include "origin_policy.hpp"
#include "poller.hpp"

namespace vmpulse::hub {

struct WsOptions {
  std::size_t max_clients = 20'000;
  std::size_t max_message_bytes = 4096;
  std::chrono::milliseconds idle_timeout{40'000};  // keepalive ping at half of it
  QueueLimits queue;
  OriginPolicy origins;
};

// Shared by every session: options, the poller, the number of open clients.
struct WsContext {
  WsContext(Poller& poller_, WsOptions options_) : poller(poller_), options(std::move(options_)) {}
  Poller& poller;
  WsOptions options;
  std::atomic<std::size_t> clients{0};
  std::atomic<std::uint64_t> resyncs{0};
  Message resync = make_message(encode_resync("slow client"));
  Message pong = make_message(encode_pong());
};

// The Server's upgrade handler: takes over a socket whose request asked for a WebSocket.
void serve_websocket(boost::asio::ip::tcp::socket socket,
                     boost::beast::http::request<boost::beast::http::string_body> request,
                     const std::shared_ptr<WsContext>& context);

}  // namespace vmpulse::hub
