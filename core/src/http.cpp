#include "vmpulse/http.hpp"

#include <strings.h>

#include <memory>
#include <utility>

#include "hex.hpp"
#include "vmpulse/detail/json_text.hpp"

namespace vmpulse::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

using vmpulse::detail::hex_value;

// application/x-www-form-urlencoded decoding: '+' is a space, bad escapes stay as sent.
std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  // A query is a few short pairs: decoding every match to keep the first costs nothing.
  std::vector<std::string> values = query_params(name);
  if (values.empty()) {
    return std::nullopt;
  }
  return std::move(values.front());
}

std::vector<std::string> Request::query_params(std::string_view name) const {
  std::vector<std::string> values;
  std::string_view rest = query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const auto eq = pair.find('=');
    if (form_decode(pair.substr(0, eq)) == name) {
      values.push_back(eq == std::string_view::npos ? std::string{}
                                                    : form_decode(pair.substr(eq + 1)));
    }
  }
  return values;
}

Response Response::json(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

Response Response::alive() { return json(200, R"({"status":"ok"})"); }

Response Response::error(int status, std::string_view code, std::string_view detail) {
  std::string body = "{\"error\":";
  detail::append_json_string(body, code);
  body += ",\"detail\":";
  detail::append_json_string(body, detail);
  body += '}';
  return json(status, std::move(body));
}

Handler sync(std::function<Response(const Request&)> fn) {
  auto shared = std::make_shared<std::function<Response(const Request&)>>(std::move(fn));
  return [shared](Request&& request, const Respond& respond) { respond((*shared)(request)); };
}

}  // namespace vmpulse::http
