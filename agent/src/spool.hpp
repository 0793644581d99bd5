// The push spool: batches of samples waiting for the ingest API, one file each in a
// directory, so they survive an ingest outage and an agent restart. A file is written
// to a temporary name, synced, renamed, and the directory synced, so a crash or a power
// cut never leaves half a batch nor loses a finished one; files are opened with
// O_NOFOLLOW. Names sort in the order the batches were made. Bounded by count and
// bytes: the oldest batches are dropped (and logged) first. Not thread-safe: the pusher
// thread owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace vmpulse::agent {

struct SpooledBatch {
  std::string file;             // name inside the spool directory
  std::string idempotency_key;  // sent with every attempt, across restarts
  std::string body;             // a JSON array of records
  std::size_t samples = 0;
};

class Spool {
 public:
  // Creates the directory if needed and indexes the batches already there (throws
  // std::runtime_error when the directory cannot be made or read).
  Spool(std::string directory, std::size_t max_files, std::size_t max_bytes);

  // Writes a new batch and returns its file name; drops the oldest batches when the
  // bounds are exceeded. Throws std::runtime_error when the file cannot be written.
  std::string add(const std::string& idempotency_key, const std::string& body, std::size_t samples);
  // The name the next add() would use, so that the journal can record where a batch
  // goes before it is written; add_as() then writes it under that name (or under a name
  // recorded by an earlier run, keeping the order of names).
  std::string reserve_name();
  void add_as(const std::string& file, const std::string& idempotency_key, const std::string& body,
              std::size_t samples);
  bool contains(const std::string& file) const;

  // The oldest batch, read back from disk; a file that cannot be read or parsed is
  // removed (logged) and the next one tried.
  std::optional<SpooledBatch> oldest();
  void remove(const std::string& file);

  std::size_t batches() const { return files_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::uint64_t dropped_batches() const { return dropped_; }
  const std::string& directory() const { return directory_; }

 private:
  struct Entry {
    std::string file;
    std::size_t bytes = 0;
  };
  void enforce_bounds();

  std::string directory_;
  std::size_t max_files_;
  std::size_t max_bytes_;
  std::deque<Entry> files_;  // oldest first
  std::size_t bytes_ = 0;
  std::uint64_t counter_ = 0;
  std::uint64_t dropped_ = 0;
};

// Spool file format: the first line is "vmpulse-batch 1 <key> <samples>", the rest the
// request body. Pure, for the tests.
std::string encode_batch(const std::string& idempotency_key, const std::string& body,
                         std::size_t samples);
std::optional<SpooledBatch> decode_batch(const std::string& file, const std::string& text);

}  // namespace vmpulse::agent
