// Conversions between Beast's HTTP messages and vmpulse's plain Request/Response, apart
// from the socket plumbing so that tests and the fuzzer reach them directly.
#pragma once

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/optional.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vmpulse/http.hpp"

namespace vmpulse::http::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// The body a request is read into: a std::string, as string_body's, but grown by
// appending what arrives. string_body's reader resizes the string first, writing zeros
// over every byte it then copies in: a memset of the whole body (~1 instruction a byte,
// about 3 % of route 1's work on a batch of version 2 records). The parser enforces the
// body limit before any of it is read, as with string_body.
struct AppendedBody {
  using value_type = std::string;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>& /*header*/, value_type& body)
        : body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      if (length && *length <= body_.max_size()) {
        body_.reserve(static_cast<std::size_t>(*length));
      }
      ec = {};
    }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      std::size_t taken = 0;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        body_.append(static_cast<const char*>(buffer.data()), buffer.size());
        taken += buffer.size();
      }
      ec = {};
      return taken;
    }
    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

using ReadRequest = boost::beast::http::request<AppendedBody>;

// The request as the rest of the server takes it (the same header and body, moved).
inline BeastRequest as_string_request(ReadRequest&& message) {
  return BeastRequest(std::move(message.base()), std::move(message.body()));
}

Request to_request(BeastRequest&& message, std::string remote);

// `head_only` keeps Content-Length but sends no body (answers to HEAD).
BeastResponse to_message(Response&& response, unsigned version, bool keep_alive, bool head_only,
                         std::string_view server_name);

// The message's bytes on the wire, as Beast's serializer writes them.
std::string serialize(const BeastResponse& message);

// "Upgrade: websocket" on a GET (RFC 6455 section 4.1; the token is case-insensitive).
bool is_websocket_upgrade(const boost::beast::http::request_header<>& message);

}  // namespace vmpulse::http::detail
