// The ingest route as a plain function: an HTTP request in, its answer out (later, from
// a writer thread, once the rows are committed). Checks run in contract/README.md's
// order — path and method, bearer token, body size, media type, Idempotency-Key, then
// core's parse_ingest_body — and an accepted request goes to the IngestSink. The checks
// that need no body are also offered to the server before it reads one
// (answer_before_body), so a stranger never gets a body buffered.
// Thread-safe (holds only immutable options, references and the thread-safe TokenStore).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest_item.hpp"
#include "token_store.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::api {

struct IngestHandlerOptions {
  std::shared_ptr<const TokenStore> tokens;  // the accepted bearer tokens; never null
  std::string api = "cpp";                   // stamped into every row and every answer
  int retry_after_seconds = 1;
};

class IngestHandler {
 public:
  // `ready`: whether the database answered recently (for /readyz).
  IngestHandler(IngestHandlerOptions options, IngestSink& sink, std::function<bool()> ready);

  void handle(http::Request&& request, const http::Respond& respond) const;

  // The answer a request gets from its request line and headers alone — 404, 405, 401,
  // or 413 for a declared Content-Length over the contract's limit — or nullopt when
  // its body is needed (or it is a health check). Same order as handle().
  std::optional<http::Response> answer_before_body(
      std::string_view method, std::string_view path, std::optional<std::string_view> authorization,
      std::optional<std::string_view> content_length) const;

 private:
  http::Response ingest(http::Request&& request, const http::Respond& respond,
                        bool& answered_later) const;
  http::Response unavailable(std::string_view detail) const;

  IngestHandlerOptions options_;
  std::vector<std::string> paths_;  // where options_.api takes records (the schema's)
  IngestSink& sink_;
  std::function<bool()> ready_;
};

// application/json, any case, parameters such as charset allowed.
bool is_json_media_type(std::optional<std::string_view> content_type);

}  // namespace vmpulse::api
