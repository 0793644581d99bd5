// Bytes from the network through Beast's request parser (with the server's limits) and
// into vmpulse's Request, as the server does for every connection.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "http_message.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    const auto n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;  // answered 400/413/431 by the server
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done()) return 0;
  auto message = parser.release();
  const bool upgrade = vmpulse::http::detail::is_websocket_upgrade(message);
  const auto request = vmpulse::http::detail::to_request(std::move(message), "fuzz");
  require(request.query.empty()
              ? request.target == request.path || request.target == request.path + "?"
              : request.target == request.path + "?" + request.query);
  require(request.path.find('?') == std::string::npos);
  (void)upgrade;
  (void)request.header("Authorization");
  (void)request.header("Content-Type");
  (void)request.query_param("vm");
  (void)request.query_param("limit");
  auto response = vmpulse::http::detail::to_message(
      vmpulse::http::Response::text(200, request.body), 11, true, request.method == "HEAD", "fuzz");
  require(response.result_int() == 200);
  return 0;
}
