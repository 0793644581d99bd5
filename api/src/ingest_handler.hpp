// The ingest route as a plain function: an HTTP request in, its answer out (later, from
// a writer thread, once the rows are committed). Checks run in contract/README.md's
// order — path and method, bearer token, body size, media type, Idempotency-Key, then
// core's parse_ingest_body — and an accepted request goes to the IngestSink.
// Thread-safe (holds only immutable options and references).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ingest_item.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::api {

struct IngestHandlerOptions {
  std::string token;        // the bearer token; never empty
  std::string api = "cpp";  // stamped into every row and every answer
  int retry_after_seconds = 1;
};

class IngestHandler {
 public:
  // `ready`: whether the database answered recently (for /readyz).
  IngestHandler(IngestHandlerOptions options, IngestSink& sink, std::function<bool()> ready);

  void handle(http::Request&& request, const http::Respond& respond) const;

 private:
  http::Response ingest(http::Request&& request, const http::Respond& respond,
                        bool& answered_later) const;
  http::Response unavailable(std::string_view detail) const;

  IngestHandlerOptions options_;
  IngestSink& sink_;
  std::function<bool()> ready_;
};

// "Bearer <token>" (scheme case-insensitive) compared in time that depends only on the
// expected token's length.
bool bearer_matches(std::optional<std::string_view> authorization, std::string_view token);

// application/json, any case, parameters such as charset allowed.
bool is_json_media_type(std::optional<std::string_view> content_type);

}  // namespace vmpulse::api
