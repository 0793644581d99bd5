#include "push_client.hpp"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>

namespace vmpulse::agent {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxResponseBody = std::size_t{64} * 1024;

}  // namespace

std::variant<HttpUrl, std::string> parse_http_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) {
    return std::string("only http:// URLs are supported");
  }
  url.remove_prefix(scheme.size());
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  HttpUrl parsed;
  parsed.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return std::string("credentials in the URL are not supported; use --token");
  }
  std::string_view host = authority;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::string("missing ']' after the IPv6 address");
    }
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && !authority.starts_with(':')) {
      return std::string("unexpected text after ']'");
    }
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    authority = colon == std::string_view::npos ? std::string_view{} : authority.substr(colon);
  }
  if (host.empty()) {
    return std::string("no host");
  }
  parsed.host = std::string(host);
  if (!authority.empty()) {
    const std::string_view port = authority.substr(1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return std::string("the port must be a number from 1 to 65535");
    }
    parsed.port = std::string(port);
  }
  return parsed;
}

struct PushClient::Impl {
  HttpUrl url;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  std::atomic<bool> cancelled{false};
};

PushClient::PushClient(HttpUrl url, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->timeout = timeout;
}

void PushClient::cancel() {
  impl_->cancelled = true;
  impl_->io.stop();
}

PushClient::~PushClient() = default;

std::variant<PushResponse, std::string> PushClient::post(const PostRequest& request) {
  // Asynchronous operations run to completion here: Beast's tcp_stream timeouts work
  // only for asynchronous operations, and every step must be bounded.
  Impl& impl = *impl_;
  if (impl.cancelled.exchange(false)) {
    return std::string("cancelled");
  }
  impl.io.restart();
  tcp::resolver resolver(impl.io);
  beast::tcp_stream stream(impl.io);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> message{bhttp::verb::post, impl.url.target, 11};
  message.set(bhttp::field::host, impl.url.host + ":" + impl.url.port);
  message.set(bhttp::field::user_agent, "vmpulse-agent");
  message.set(bhttp::field::content_type, "application/json");
  message.set(bhttp::field::authorization, "Bearer " + request.token);
  message.set("Idempotency-Key", request.idempotency_key);
  message.set(bhttp::field::connection, "close");
  message.body() = request.body;
  message.prepare_payload();
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxResponseBody);

  std::string failure;
  auto set_failure = [&](const char* step, const beast::error_code& ec) {
    failure = std::string(step) + " " + impl.url.host + ":" + impl.url.port + ": " + ec.message();
  };
  resolver.async_resolve(
      impl.url.host, impl.url.port,
      [&](beast::error_code ec, const tcp::resolver::results_type& results) {
        if (ec) {
          return set_failure("resolve", ec);
        }
        stream.expires_after(impl.timeout);
        stream.async_connect(results, [&](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2) {
            return set_failure("connect", ec2);
          }
          stream.expires_after(impl.timeout);
          bhttp::async_write(stream, message, [&](beast::error_code ec3, std::size_t) {
            if (ec3) {
              return set_failure("send to", ec3);
            }
            stream.expires_after(impl.timeout);
            bhttp::async_read(stream, buffer, parser, [&](beast::error_code ec4, std::size_t) {
              if (ec4) {
                return set_failure("read answer from", ec4);
              }
            });
          });
        });
      });
  // The resolver has no timeout of its own; the whole exchange is bounded here.
  impl.io.run_for(impl.timeout * 2);
  const bool cancelled = impl.cancelled.exchange(false);
  if (!impl.io.stopped() || cancelled) {
    resolver.cancel();
    beast::error_code ignored;
    stream.socket().close(ignored);
    impl.io.restart();
    impl.io.run();  // let the aborted handlers finish before their captures go away
    if (cancelled) {
      return std::string("cancelled");
    }
    return "no answer from " + impl.url.host + ":" + impl.url.port + " in time";
  }
  if (!failure.empty()) {
    return failure;
  }
  const auto& response = parser.get();
  PushResponse answer;
  answer.status = static_cast<int>(response.result_int());
  answer.body = response.body().substr(0, 512);
  if (const auto it = response.find(bhttp::field::retry_after); it != response.end()) {
    const auto raw = it->value();
    const std::string_view value(raw.data(), raw.size());
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0) {
      answer.retry_after = std::chrono::seconds(seconds);
    }
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return answer;
}

}  // namespace vmpulse::agent
