#include "frame_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <functional>
#include <string>
#include <vector>

#include "messages.hpp"

using namespace vmpulse::hub;
namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// A connected pair on loopback with small buffers, so a big write is taken in part.
struct Pair {
  asio::io_context io;
  tcp::socket client{io};
  tcp::socket server{io};
  Pair() {
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    client.open(tcp::v4());
    client.set_option(asio::socket_base::receive_buffer_size(4096));
    client.connect(acceptor.local_endpoint());
    acceptor.accept(server);
    server.set_option(asio::socket_base::send_buffer_size(4096));
  }
};

}  // namespace

TEST(FrameStream, AFrameTheSocketDidNotTakeFinishesBeforeBeastWrites) {
  Pair pair;
  FrameStream stream(std::move(pair.server));
  const Message big = make_message(std::string(2'000'000, 'a'));
  const Message small = make_message("b");
  const std::string ping("\x89\x00", 2);  // what Beast writes for a ping

  ASSERT_TRUE(stream.idle());
  error_code ec;
  const long sent = stream.try_send(big->data(), big->size(), ec);
  ASSERT_FALSE(ec);
  ASSERT_GT(sent, 0);
  ASSERT_LT(static_cast<std::size_t>(sent), big->size()) << "the client reads nothing yet";
  std::vector<std::string> done;
  stream.async_write_frame(big->data() + sent, big->size() - static_cast<std::size_t>(sent), big,
                           [&](error_code e) { done.push_back(e ? "big failed" : "big"); });
  EXPECT_FALSE(stream.idle());
  // Beast's composed write of a ping, then another session frame: both wait.
  asio::async_write(stream, asio::buffer(ping),
                    [&](error_code e, std::size_t) { done.push_back(e ? "ping failed" : "ping"); });
  stream.async_write_frame(small->data(), small->size(), small,
                           [&](error_code e) { done.push_back(e ? "small failed" : "small"); });
  pair.io.poll();
  EXPECT_TRUE(done.empty());

  std::string received(big->size() + ping.size() + small->size(), '\0');
  asio::async_read(pair.client, asio::buffer(received), [](error_code, std::size_t) {});
  pair.io.run();
  EXPECT_EQ(done, (std::vector<std::string>{"big", "ping", "small"}));
  EXPECT_TRUE(received == *big + ping + *small) << "frames interleaved or reordered";
  EXPECT_TRUE(stream.idle());
}

TEST(FrameStream, ErrorsOfADeadConnectionAreReported) {
  Pair pair;
  FrameStream stream(std::move(pair.server));
  pair.client.set_option(asio::socket_base::linger(true, 0));
  pair.client.close();  // RST
  const Message message = make_message(std::string(1000, 'x'));
  error_code ec;
  long sent = 0;
  // The reset reaches the server's socket after a send or two.
  for (int i = 0; i < 100 && !ec; ++i) sent = stream.try_send(message->data(), message->size(), ec);
  EXPECT_EQ(sent, -1);
  EXPECT_TRUE(ec);
}

// Beast's websocket stream over FrameStream: frames written by the session (at once or
// in the background) and Beast's pings arrive whole and in order at a Beast client,
// and the close handshake and teardown work.
TEST(FrameStream, UnderBeastsWebSocketStream) {
  Pair pair;
  websocket::stream<FrameStream, false> server(std::move(pair.server));
  websocket::stream<tcp::socket> client(std::move(pair.client));
  server.async_accept([](error_code ec) { ASSERT_FALSE(ec); });
  client.async_handshake("127.0.0.1", "/ws", [](error_code ec) { ASSERT_FALSE(ec); });
  pair.io.run();
  pair.io.restart();
  ASSERT_TRUE(server.is_open());

  std::vector<std::string> sent_texts;
  for (int i = 0; i < 40; ++i)
    sent_texts.push_back(std::string(static_cast<std::size_t>(i % 7 == 0 ? 300'000 : 10 + i),
                                     static_cast<char>('a' + i % 26)));
  FrameStream& stream = server.next_layer();
  std::size_t in_background = 0;
  for (std::size_t i = 0; i < sent_texts.size(); ++i) {
    const Message message = make_message(sent_texts[i]);
    std::size_t offset = 0;
    if (stream.idle()) {
      error_code ec;
      const long n = stream.try_send(message->data(), message->size(), ec);
      ASSERT_GE(n, 0);
      offset = static_cast<std::size_t>(n);
      if (offset == message->size()) continue;
    }
    ++in_background;
    stream.async_write_frame(message->data() + offset, message->size() - offset, message,
                             [](error_code ec) { ASSERT_FALSE(ec) << ec.message(); });
  }
  std::vector<std::string> received;
  int pings_sent = 0, pings_seen = 0;
  bool closing = false;
  // Once every message and ping is through, the server closes; the client reads on
  // until the close.
  auto close_when_done = [&] {
    if (closing || received.size() < sent_texts.size() || pings_sent < 3) return;
    closing = true;
    server.async_close(websocket::close_code::normal, [](error_code ec) { EXPECT_FALSE(ec); });
  };
  // Beast allows one ping at a time: three in a row, the first behind waiting frames.
  std::function<void()> ping_next = [&] {
    server.async_ping({}, [&](error_code ec) {
      ASSERT_FALSE(ec) << ec.message();
      if (++pings_sent < 3) return ping_next();
      close_when_done();
    });
  };
  ping_next();
  EXPECT_GT(in_background, 0u) << "the test should make some frames wait";

  client.control_callback([&](websocket::frame_type kind, boost::beast::string_view) {
    if (kind == websocket::frame_type::ping) ++pings_seen;
  });
  boost::beast::flat_buffer buffer;
  std::function<void()> read_next = [&] {
    client.async_read(buffer, [&](error_code ec, std::size_t) {
      if (ec) return;  // the close
      received.push_back(boost::beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
      close_when_done();
      read_next();
    });
  };
  read_next();
  pair.io.run();
  EXPECT_EQ(received, sent_texts);
  EXPECT_EQ(pings_seen, 3);
  EXPECT_FALSE(server.is_open());
  EXPECT_FALSE(client.is_open());
}
