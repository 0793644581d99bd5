// /ws: one dashboard's WebSocket connection (Boost.Beast). Checks the viewer's
// credential (401), the origin (403), the per-address cap (429) and the client limit
// (503) before the handshake, then receives snapshots and updates from the
// poller through a bounded per-client queue (client_queue.hpp) and answers the
// client's select and ping messages. Keepalive: a ping after 20 s without traffic, the
// connection dropped after 40 s of silence. Thread-safe entry point.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "address_limit.hpp"
#include "client_queue.hpp"
#include "origin_policy.hpp"
#include "poller.hpp"
#include "viewer_auth.hpp"

namespace vmpulse::hub {

struct WsOptions {
  std::size_t max_clients = 20'000;
  std::size_t max_message_bytes = 4096;
  std::chrono::milliseconds idle_timeout{40'000};  // keepalive ping at half of it
  QueueLimits queue;
  OriginPolicy origins;
  std::size_t max_per_address = 64;
  std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For is believed
  std::shared_ptr<const ViewerAuth> viewers = std::make_shared<ViewerAuth>();  // nobody
};

// Shared by every session: options, the poller, the number of open clients.
struct WsContext {
  WsContext(boost::asio::io_context& io_, bool single_thread_, Poller& poller_, WsOptions options_)
      : io(io_),
        single_thread(single_thread_),
        poller(poller_),
        options(std::move(options_)),
        per_address(std::make_shared<AddressLimit>(options.max_per_address)) {}
  boost::asio::io_context& io;
  // One io thread (the server's ServerOptions::single_thread): sessions need no strand,
  // and an update reaches every session in one task on that thread (fan_out) instead
  // of one posted task per session.
  const bool single_thread;
  Poller& poller;
  WsOptions options;
  std::shared_ptr<AddressLimit> per_address;
  std::atomic<std::size_t> clients{0};
  std::atomic<std::uint64_t> resyncs{0};
  Message resync = make_message(encode_resync("slow client"));
  Message pong = make_message(encode_pong());
};

// Hands an update (each message to its subscribers, in order) over from the io thread,
// in one posted task, then tells the poller (Poller::fanout_done). Only for a
// single-threaded io_context (WsContext::single_thread).
void fan_out(const std::shared_ptr<WsContext>& context, std::vector<Delivery> update);

// The Server's upgrade handler: takes over a socket whose request asked for a WebSocket.
void serve_websocket(boost::asio::ip::tcp::socket socket,
                     boost::beast::http::request<boost::beast::http::string_body> request,
                     const std::shared_ptr<WsContext>& context);

}  // namespace vmpulse::hub
