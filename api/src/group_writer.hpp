// The database side of the group commit: stores a group of items in one transaction.
// IngestQueue owns one GroupWriter per writer thread; each is used by that thread only.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "ingest_item.hpp"

namespace vmpulse::api {

// The group could not be stored, or its commit's outcome is unknown. `connection_lost`
// says whether the writer must reconnect before the next group.
class WriteFailed : public std::runtime_error {
 public:
  WriteFailed(const std::string& what, bool connection_lost)
      : std::runtime_error(what), connection_lost_(connection_lost) {}
  bool connection_lost() const { return connection_lost_; }

 private:
  bool connection_lost_;
};

class GroupWriter {
 public:
  virtual ~GroupWriter() = default;

  // Opens the connection when there is none; true when connected. Never throws.
  virtual bool ensure_connected() = 0;
  // Drops the connection (after a failure whose effect on the session is unknown).
  virtual void disconnect() = 0;
  // One cheap round trip, to notice a dead database while idle. Throws WriteFailed.
  virtual void ping() = 0;
  // Stores every item in one transaction and returns one result per item, in order;
  // the results hold only after the commit returned. Throws WriteFailed when nothing
  // (or nothing known) was committed.
  virtual std::vector<ItemResult> write(std::span<const IngestItem* const> items) = 0;
};

}  // namespace vmpulse::api
