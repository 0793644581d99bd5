#include "http_message.hpp"

#include <strings.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>

namespace vmpulse::http::detail {

namespace http = boost::beast::http;

Request to_request(BeastRequest&& message, std::string remote) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) {
    request.query = request.target.substr(question + 1);
  }
  request.headers.reserve(8);
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote = std::move(remote);
  return request;
}

BeastResponse to_message(Response&& response, unsigned version, bool keep_alive, bool head_only,
                         std::string_view server_name) {
  BeastResponse message;
  message.version(version);
  // Beast keeps unknown codes as their number; anything outside 100..999 would not
  // serialize, so a handler bug there becomes a 500 instead of a broken answer.
  const int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  message.result(static_cast<unsigned>(status));
  message.set(http::field::server,
              boost::beast::string_view(server_name.data(), server_name.size()));
  if (!response.content_type.empty()) {
    message.set(http::field::content_type, response.content_type);
  }
  for (auto& [name, value] : response.headers) {
    message.insert(name, value);
  }
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  if (head_only) {
    message.body().clear();
  }
  return message;
}

std::string serialize(const BeastResponse& message) {
  std::ostringstream out;
  out << message;
  return std::move(out).str();
}

bool is_websocket_upgrade(const http::request_header<>& message) {
  if (message.method() != http::verb::get) {
    return false;
  }
  const auto upgrade = message[http::field::upgrade];
  // Upgrade is a token list ("websocket", "WebSocket, h2c"); look for the token.
  std::size_t start = 0;
  while (start < upgrade.size()) {
    auto end = upgrade.find(',', start);
    if (end == boost::beast::string_view::npos) {
      end = upgrade.size();
    }
    auto token = upgrade.substr(start, end - start);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) {
      token.remove_prefix(1);
    }
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) {
      token.remove_suffix(1);
    }
    if (token.size() == 9 && strncasecmp(token.data(), "websocket", 9) == 0) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

}  // namespace vmpulse::http::detail

namespace vmpulse::http {

std::shared_ptr<const PreparedResponse> PreparedResponse::make(Response response,
                                                               std::string_view server_name) {
  auto prepared = std::make_shared<PreparedResponse>();
  prepared->server_name = std::string(server_name);
  prepared->wire =
      detail::serialize(detail::to_message(Response(response), 11, true, false, server_name));
  prepared->response = std::move(response);
  return prepared;
}

}  // namespace vmpulse::http
