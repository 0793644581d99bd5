#include "ingest_handler.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "vmpulse/contract.hpp"
#include "vmpulse/secret.hpp"

namespace vmpulse::api {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// The status is the schema's for the code (x-vmpulse-ingest.errors).
http::Response error(std::string code, std::string detail) {
  ContractError e;
  e.status = status_of(code);
  e.error = std::move(code);
  e.detail = std::move(detail);
  return http::Response::json(e.status, to_json(e));
}

http::Response method_not_allowed(std::string allow) {
  http::Response response = error("method_not_allowed", "allowed: " + allow);
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

std::string saved_body(std::size_t stored, std::string_view api, bool replayed) {
  std::string body = R"({"status":"saved","stored":)" + std::to_string(stored) + R"(,"api":")";
  body += api;  // the route's own name, from configuration: no escaping needed
  body += replayed ? R"(","replayed":true})" : R"("})";
  return body;
}

}  // namespace

bool is_json_media_type(std::optional<std::string_view> content_type) {
  if (!content_type) {
    return false;
  }
  std::string_view type = *content_type;
  if (const auto semicolon = type.find(';'); semicolon != std::string_view::npos) {
    type = type.substr(0, semicolon);
  }
  return iequals(trim(type), "application/json");
}

IngestHandler::IngestHandler(IngestHandlerOptions options, IngestSink& sink,
                             std::function<bool()> ready)
    : options_(std::move(options)),
      paths_(ingest_paths(options_.api)),
      sink_(sink),
      ready_(std::move(ready)) {}

void IngestHandler::handle(http::Request&& request, const http::Respond& respond) const {
  const std::string& path = request.path;
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (path == "/livez") {
    respond(read ? http::Response::alive() : method_not_allowed("GET, HEAD"));
    return;
  }
  if (path == "/readyz") {
    if (!read) {
      respond(method_not_allowed("GET, HEAD"));
    } else {
      respond(ready_() ? http::Response::json(200, R"({"status":"ready"})")
                       : unavailable("database not reachable"));
    }
    return;
  }
  if (auto early =
          answer_before_body(request.method, path, request.header("Authorization"), std::nullopt)) {
    respond(std::move(*early));
    return;
  }
  bool answered_later = false;
  http::Response response = ingest(std::move(request), respond, answered_later);
  if (!answered_later) {
    respond(std::move(response));
  }
}

std::optional<http::Response> IngestHandler::answer_before_body(
    std::string_view method, std::string_view path, std::optional<std::string_view> authorization,
    std::optional<std::string_view> content_length) const {
  if (path == "/livez" || path == "/readyz") {
    return std::nullopt;
  }
  if (std::find(paths_.begin(), paths_.end(), path) == paths_.end()) {
    return error("not_found", "no route for " + std::string(path));
  }
  if (method != "POST") {
    return method_not_allowed("POST");
  }
  if (!authorization || !options_.tokens->accepts_authorization(*authorization)) {
    http::Response response = error("unauthorized", "missing or wrong bearer token");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  const std::size_t max_body = ingest_limits().max_body_bytes;
  if (content_length) {
    std::uint64_t declared = 0;
    const auto* end = content_length->data() + content_length->size();
    const auto [at, ec] = std::from_chars(content_length->data(), end, declared);
    if (ec == std::errc() && at == end && declared > max_body) {
      return error("payload_too_large", "body over " + std::to_string(max_body) + " bytes");
    }
  }
  return std::nullopt;
}

http::Response IngestHandler::ingest(http::Request&& request, const http::Respond& respond,
                                     bool& answered_later) const {
  const std::size_t max_body = ingest_limits().max_body_bytes;
  if (request.body.size() > max_body) {
    return error("payload_too_large", "body over " + std::to_string(max_body) + " bytes");
  }
  if (!is_json_media_type(request.header("Content-Type"))) {
    return error("unsupported_media_type", "Content-Type must be application/json");
  }
  std::optional<std::string> key;
  if (const auto header = request.header("Idempotency-Key")) {
    if (!valid_idempotency_key(*header)) {
      return error("invalid_idempotency_key",
                   "Idempotency-Key does not match the contract's idempotency_key_pattern");
    }
    key.emplace(*header);
  }

  // Stored and never read back here: a list sent as metricas stores it stays its text.
  auto parsed = parse_ingest_body(request.body, ListReading::kStoredText);
  if (auto* contract_error = std::get_if<ContractError>(&parsed)) {
    return http::Response::json(contract_error->status, to_json(*contract_error));
  }
  // A key stands for one body: the same key with another body is refused, not replayed.
  std::string body_sha256 = key ? secret::sha256_hex(request.body) : std::string();
  IngestItem item{std::move(std::get<std::vector<Record>>(parsed)), std::move(key),
                  std::move(body_sha256)};

  auto done = [respond, this](ItemResult result) {
    switch (result.status) {
      case ItemResult::Status::stored:
        respond(http::Response::json(201, saved_body(result.stored, options_.api, false)));
        break;
      case ItemResult::Status::replayed:
        respond(http::Response::json(201, saved_body(result.stored, options_.api, true)));
        break;
      case ItemResult::Status::key_reused:
        respond(error("idempotency_key_reused",
                      "this Idempotency-Key was stored with another body; nothing was stored"));
        break;
      case ItemResult::Status::unavailable:
        respond(unavailable(
            "the database did not confirm the commit; retry with the same Idempotency-Key"));
        break;
    }
  };
  switch (sink_.submit(std::move(item), std::move(done))) {
    case IngestSink::Submit::accepted:
      answered_later = true;
      return {};
    case IngestSink::Submit::full:
      return unavailable("ingest queue full");
    case IngestSink::Submit::unavailable:
      break;
  }
  return unavailable("database not reachable");
}

http::Response IngestHandler::unavailable(std::string_view detail) const {
  http::Response response = error("database_unavailable", std::string(detail));
  response.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_seconds));
  return response;
}

}  // namespace vmpulse::api
