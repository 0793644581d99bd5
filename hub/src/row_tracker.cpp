#include "row_tracker.hpp"

namespace vmpulse::hub {

void RowTracker::start_at(std::uint64_t watermark) {
  watermark_ = watermark;
  max_seen_ = watermark;
  seen_.clear();
}

std::size_t RowTracker::gap_count() const {
  return static_cast<std::size_t>(max_seen_ - watermark_) - seen_.size();
}

std::string RowTracker::where_clause() const {
  const std::size_t gaps = gap_count();
  if (gaps == 0) {
    return "id > " + std::to_string(max_seen_);
  }
  if (gaps > max_listed_gaps_) {
    return "id > " + std::to_string(watermark_);
  }
  std::string sql = "id > " + std::to_string(max_seen_) + " OR id IN (";
  bool first = true;
  auto next_seen = seen_.begin();
  for (std::uint64_t id = watermark_ + 1; id < max_seen_; ++id) {
    if (next_seen != seen_.end() && next_seen->first == id) {
      ++next_seen;
      continue;
    }
    if (!first) {
      sql += ',';
    }
    sql += std::to_string(id);
    first = false;
  }
  sql += ')';
  return sql;
}

bool RowTracker::accept(std::uint64_t id, Clock::time_point now) {
  if (id <= watermark_) {
    return false;
  }
  auto [it, inserted] = seen_.emplace(id, now);
  if (!inserted) {
    return false;
  }
  if (id > max_seen_) {
    max_seen_ = id;
  }
  return true;
}

void RowTracker::settle(Clock::time_point now) {
  while (!seen_.empty()) {
    auto lowest = seen_.begin();
    if (lowest->first != watermark_ + 1) {
      // A gap below the lowest seen id: wait for it as long as the row above it is
      // younger than the late window (an in-flight transaction commits well within it).
      if (now - lowest->second < late_window_) {
        break;
      }
      abandoned_gaps_ += lowest->first - watermark_ - 1;
    }
    watermark_ = lowest->first;
    seen_.erase(lowest);
  }
}

bool RowTracker::delivered(std::uint64_t id) const {
  return id <= watermark_ || seen_.contains(id);
}

}  // namespace vmpulse::hub
