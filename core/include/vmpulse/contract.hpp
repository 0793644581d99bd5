// The ingest contract (contract/README.md): strict parsing of a request body into
// records and validation of each record against contract/record.schema.json, which is
// embedded at build time; no rule is written here that the schema does not hold.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vmpulse/record.hpp"

namespace vmpulse {

// One contract error, as answered on the wire:
// {"error":code,"field":…,"index":…,"detail":…} with `status`.
struct ContractError {
  int status = 400;
  std::string error;                 // code from x-vmpulse-ingest.errors
  std::optional<std::string> field;  // the record field (or duplicated key) at fault
  std::optional<std::size_t> index;  // position in the array, when the body was one
  std::string detail;                // for people

  bool operator==(const ContractError&) const = default;
};

std::string to_json(const ContractError& error);

// Limits from x-vmpulse-ingest.
struct IngestLimits {
  std::size_t max_batch = 0;
  std::size_t max_body_bytes = 0;
  std::size_t max_depth = 0;
  // Retry-After of a 503 server_busy answer, the same on both routes.
  std::size_t busy_retry_after_seconds = 0;
};
const IngestLimits& ingest_limits();

// What parse_ingest_body makes of a procesos_top written exactly as metricas stores it
// (the agent's compact entries, contract/README.md): its entries (kEntries), or, for a
// route that only stores the records, its text in Record::procesos_top_stored with
// procesos_top an empty list (kStoredText). Every value is checked either way; other
// lists are read into entries either way.
enum class ListReading { kEntries, kStoredText };

// Steps 6–8 of contract/README.md: strict JSON, shape, and every record's rules.
// On success the records in body order; `api` is empty whatever was sent (the contract
// ignores it on input), for the route to stamp.
std::variant<std::vector<Record>, ContractError> parse_ingest_body(
    std::string_view body, ListReading lists = ListReading::kEntries);

// Status of an error code (x-vmpulse-ingest.errors); 500 for an unknown code.
int status_of(std::string_view error_code);

// Idempotency-Key check (x-vmpulse-ingest.idempotency_key_pattern).
bool valid_idempotency_key(std::string_view key);

// The `vm` rule: the schema's vm property (length and pattern). The hub puts names that
// pass it between quotes in SQL, so the schema's pattern must never admit a quote or a
// backslash (core's contract tests check that it does not).
bool valid_vm_name(std::string_view name);

// The etiquetas rule (the schema's etiquetas property: at most maxProperties pairs, each
// key and value as propertyNames and additionalProperties say, no key twice), for the
// agent's --label and the hub's label filter: the reason `labels` breaks it, or nullopt.
std::optional<std::string> check_labels(const Labels& labels);

// The paths on which the ingest route named `route` ("cpp", "nodejs") takes records:
// its own (x-vmpulse-ingest.routes), then the shared ones (x-vmpulse-ingest.paths).
// Empty for a route the schema does not name.
std::vector<std::string> ingest_paths(std::string_view route);

// The `route` label and path of each endpoint whose requests the ingest route named
// `route` counts: "ingest" for its own path (x-vmpulse-ingest.routes), then
// x-vmpulse-ingest.metrics_routes. Empty for a route the schema does not name.
struct RouteLabel {
  std::string label;
  std::string path;
};
std::vector<RouteLabel> ingest_route_labels(std::string_view route);

}  // namespace vmpulse
