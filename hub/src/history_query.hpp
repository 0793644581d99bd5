// GET /api/history: parameter parsing, the bucket width that keeps a series at or under
// `points`, and the SQL that downsamples raw rows in the database over the (vm, hora)
// index (the rollup's SQL is rollup_sql.hpp). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vmpulse/db.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {

inline constexpr int kDefaultPoints = 1000;
inline constexpr int kMaxPoints = 10000;
inline constexpr std::int64_t kDefaultSpanSeconds = 3600;
inline constexpr std::int64_t kMaxSpanSeconds = 400LL * 24 * 3600;

// Where the answer comes from: `automatic` picks the tier (history_tier.hpp) from the
// span and what each tier still holds; `raw`, `rollup` (per minute) and `hour` force one
// (?source=, for tests and benchmarks; every path gives the same answer).
enum class HistorySource { automatic, raw, rollup, hour };

struct HistoryParams {
  std::string vm;
  std::int64_t from = 0;  // Unix seconds, inclusive
  std::int64_t to = 0;    // Unix seconds, inclusive
  int points = kDefaultPoints;
  HistorySource source = HistorySource::automatic;
};

struct EncodeError {
  std::string detail;
};

struct ParamError {
  std::string code;  // "missing_parameter", "invalid_parameter"
  std::string detail;
};

// "YYYY-MM-DD HH:MM:SS" (UTC) or Unix seconds.
std::optional<std::int64_t> parse_time(std::string_view text);

// The required `vm` query parameter, held to the contract's vm rule: the history and
// process queries put it into SQL text, so nothing else may pass.
std::variant<std::string, ParamError> vm_param(const http::Request& request);

// vm required; to defaults to `now`, from to one hour before `to`; points 1..10000;
// source auto (default), raw, rollup (minutes) or hour.
std::variant<HistoryParams, ParamError> parse_history_params(const http::Request& request,
                                                             std::int64_t now);

// The smallest bucket width (seconds, ≥ 1) with which epoch-aligned buckets cover
// [from, to] in at most `points` buckets; when that is more than a minute, the smallest
// whole number of minutes that does, so that every bucket is made of whole minutes of
// the rollup (24 h at 1,000 points: 120 s, not 87 s).
std::int64_t bucket_seconds(std::int64_t from, std::int64_t to, int points);

// SELECT bucket, n, cpu min/avg/max, ram min/avg/max, procesos avg, then avg and max of
// each kHistorySeries (history_series.hpp) … GROUP BY bucket.
std::string history_sql(const HistoryParams& params, std::int64_t bucket);

// {"vm":…,"from":…,"to":…,"bucket_seconds":S,"points":[…]} from history_sql's rows;
// a series none of a bucket's rows has is left out of its point. An error names the
// first malformed row.
std::variant<std::string, EncodeError> encode_history(const HistoryParams& params,
                                                      std::int64_t bucket,
                                                      const std::vector<db::Row>& rows);

}  // namespace vmpulse::hub
