// Conversions between Beast's HTTP messages and vmpulse's plain Request/Response, apart
// from the socket plumbing so that tests and the fuzzer reach them directly.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "vmpulse/http.hpp"

namespace vmpulse::http::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

Request to_request(BeastRequest&& message, std::string remote);

// `head_only` keeps Content-Length but sends no body (answers to HEAD).
BeastResponse to_message(Response&& response, unsigned version, bool keep_alive, bool head_only,
                         std::string_view server_name);

// The message's bytes on the wire, as Beast's serializer writes them.
std::string serialize(const BeastResponse& message);

// "Upgrade: websocket" on a GET (RFC 6455 section 4.1; the token is case-insensitive).
bool is_websocket_upgrade(const BeastRequest& message);

}  // namespace vmpulse::http::detail
