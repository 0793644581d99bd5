// Which row ids the hub has delivered, so that a row whose AUTO_INCREMENT id is smaller
// than one already seen is still delivered when its transaction commits late (two
// ingest routes and group commits make ids commit out of order).
//
// Ids up to the watermark are settled: delivered, or given up on. Above it the tracker
// remembers every id it delivered and when; the ids it has not seen between the
// watermark and the largest seen id are gaps: a transaction still in flight, or an id
// that will never commit (rollback, failed insert). A poll asks for everything above
// the largest seen id plus the gaps; a gap older than the late window is given up on.
// Not thread-safe: the poller's thread owns it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace vmpulse::hub {

class RowTracker {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RowTracker(std::chrono::milliseconds late_window, std::size_t max_listed_gaps = 256)
      : late_window_(late_window), max_listed_gaps_(max_listed_gaps) {}

  // Everything up to `watermark` is settled (at start: a little below MAX(id)).
  void start_at(std::uint64_t watermark);

  // The WHERE condition of the next poll on column `id`, e.g.
  // "id > 120 OR id IN (117,118)"; "id > W" when there are too many gaps to list.
  std::string where_clause() const;

  // Records `id` as seen at `now`; true when it is new and must be delivered.
  bool accept(std::uint64_t id, Clock::time_point now);

  // Moves the watermark over seen ids and over gaps older than the late window.
  void settle(Clock::time_point now);

  // Delivered, or settled: a snapshot may contain it without a later duplicate.
  bool delivered(std::uint64_t id) const;

  std::uint64_t watermark() const { return watermark_; }
  std::uint64_t max_seen() const { return max_seen_; }
  std::size_t gap_count() const;
  std::uint64_t abandoned_gaps() const { return abandoned_gaps_; }

 private:
  std::chrono::milliseconds late_window_;
  std::size_t max_listed_gaps_;
  std::uint64_t watermark_ = 0;
  std::uint64_t max_seen_ = 0;
  std::map<std::uint64_t, Clock::time_point> seen_;  // ids above the watermark
  std::uint64_t abandoned_gaps_ = 0;
};

}  // namespace vmpulse::hub
