// Which storage tier answers GET /api/history (docs/storage.md): raw rows, the
// per-minute rollup or the per-hour rollup, and the bucket width that goes with it. The
// answer's shape is the same from every tier. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "history_query.hpp"
#include "vmpulse/defaults.hpp"

namespace vmpulse::hub {

enum class HistoryTier { raw, minute, hour };

// Days each tier is kept (retention.hpp); a tier is used only where it still holds the
// span's start.
struct TierDays {
  int raw_days = static_cast<int>(defaults::kRetentionRawDays);
  int minute_days = static_cast<int>(defaults::kRetentionMinuteDays);
};

struct TierChoice {
  HistoryTier tier = HistoryTier::raw;
  std::int64_t bucket = 1;  // seconds; a whole number of the tier's periods
};

// The smallest multiple of `unit` seconds with which epoch-aligned buckets cover
// [from, to] in at most `points` buckets.
std::int64_t bucket_in_units(std::int64_t from, std::int64_t to, int points, std::int64_t unit);

// source=raw, rollup (minutes) or hour force that tier. Otherwise the coarsest tier the
// bucket allows, and never one whose retention no longer holds `from`:
//   - hour when the bucket is half an hour or more (30 days at 1,000 points), or `from`
//     is older than minute_days;
//   - minute when the bucket is whole minutes, or `from` is older than raw_days;
//   - raw otherwise (buckets under a minute over recent rows).
// The bucket is bucket_seconds', rounded up to the tier's period.
TierChoice choose_history_tier(const HistoryParams& params, std::int64_t now, TierDays days);

// The X-History-Source header's value: raw, rollup (minutes, as before 007) or hour.
std::string_view history_tier_name(HistoryTier tier);

}  // namespace vmpulse::hub
