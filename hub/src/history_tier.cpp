#include "history_tier.hpp"

namespace vmpulse::hub {
namespace {

constexpr std::int64_t kDay = 24LL * 3600;
// From half-hour buckets on, whole hours: at most half the points asked for, read from
// 60 times fewer rows (30 days of one VM: 720 hours instead of 43,200 minutes, which
// measured 240 ms against the 100 ms target: docs/benchmarks.md).
constexpr std::int64_t kHourTierFrom = 1800;

}  // namespace

std::int64_t bucket_in_units(std::int64_t from, std::int64_t to, int points, std::int64_t unit) {
  std::int64_t bucket = bucket_seconds(from, to, points);
  bucket = (bucket + unit - 1) / unit * unit;
  // The count is not monotonic in the width, so walk up a unit at a time.
  while (to / bucket - from / bucket + 1 > points) {
    bucket += unit;
  }
  return bucket;
}

TierChoice choose_history_tier(const HistoryParams& params, std::int64_t now, TierDays days) {
  const std::int64_t bucket = bucket_seconds(params.from, params.to, params.points);
  const auto at = [&](HistoryTier tier) {
    const std::int64_t unit = tier == HistoryTier::hour     ? 3600
                              : tier == HistoryTier::minute ? 60
                                                            : 1;
    return TierChoice{tier, bucket_in_units(params.from, params.to, params.points, unit)};
  };
  switch (params.source) {
    case HistorySource::raw:
      return at(HistoryTier::raw);
    case HistorySource::rollup:
      return at(HistoryTier::minute);
    case HistorySource::hour:
      return at(HistoryTier::hour);
    case HistorySource::automatic:
      break;
  }
  if (bucket >= kHourTierFrom || params.from < now - days.minute_days * kDay) {
    return at(HistoryTier::hour);
  }
  if (bucket % 60 == 0 || params.from < now - days.raw_days * kDay) {
    return at(HistoryTier::minute);
  }
  return at(HistoryTier::raw);
}

std::string_view history_tier_name(HistoryTier tier) {
  switch (tier) {
    case HistoryTier::raw:
      return "raw";
    case HistoryTier::minute:
      return "rollup";
    case HistoryTier::hour:
      return "hour";
  }
  return "raw";
}

}  // namespace vmpulse::hub
