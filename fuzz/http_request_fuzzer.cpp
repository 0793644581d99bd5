// Bytes from the network through Beast's request parser (with the server's limits and
// its body type, AppendedBody) and into vmpulse's Request, as the server does for every
// connection; the same bytes through a parser with Beast's string_body must give the
// same answer and the same body.
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

// The parser's reading of the bytes as the server's limits allow: done (a whole
// request), or not (more needed, or an error the server answers with 400/413/431).
template <class Body>
bool parse(boost::beast::http::request_parser<Body>& parser, const std::uint8_t* data,
           std::size_t size) {
  namespace http = boost::beast::http;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    const auto n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) return false;
    if (n == 0) break;
    used += n;
  }
  return parser.is_done();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  namespace detail = vmpulse::http::detail;
  http::request_parser<detail::AppendedBody> parser;
  http::request_parser<http::string_body> reference;
  const bool done = parse(parser, data, size);
  require(done == parse(reference, data, size));
  if (!done) return 0;
  require(parser.get().body() == reference.get().body());
  auto message = detail::as_string_request(parser.release());
  require(message.body() == reference.get().body());
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
