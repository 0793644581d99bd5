// What the ingest handler hands to the writer side: one request's records, its
// optional Idempotency-Key, and how it was stored. Plain values; thread-compatible.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vmpulse/record.hpp"

namespace vmpulse::api {

// One accepted request: stored all together or not at all.
struct IngestItem {
  std::vector<Record> records;
  std::optional<std::string> idempotency_key;
  std::string body_sha256;  // hex SHA-256 of the request body, when there is a key
};

struct ItemResult {
  enum class Status {
    stored,       // committed now
    replayed,     // the key was stored before; nothing stored now
    key_reused,   // the key was stored before with another body; nothing stored now
    unavailable,  // not stored, or the commit's outcome is unknown: the client retries
  };
  Status status = Status::unavailable;
  std::size_t stored = 0;  // records stored (for `replayed`: by the original request)

  bool operator==(const ItemResult&) const = default;
};

// Called exactly once per accepted item, from a writer thread.
using ItemDone = std::function<void(ItemResult)>;

// Where the handler puts requests. Implemented by IngestQueue; tests use a fake.
class IngestSink {
 public:
  enum class Submit {
    accepted,     // `done` will be called
    full,         // the queue holds too many records: try again shortly
    unavailable,  // the database is unreachable
  };
  virtual ~IngestSink() = default;
  // Thread-safe. When the answer is not `accepted`, `done` is never called.
  virtual Submit submit(IngestItem item, ItemDone done) = 0;
};

}  // namespace vmpulse::api
