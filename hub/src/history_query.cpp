#include "history_query.hpp"

#include <charconv>
#include <ctime>
#include <utility>

#include "history_series.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/detail/json_text.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::hub {

using vmpulse::detail::append_json_string;
using vmpulse::detail::is_plain_number;
namespace {

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

}  // namespace

std::optional<std::int64_t> parse_time(std::string_view text) {
  if (text.size() == 19 && text[4] == '-' && text[7] == '-' && text[10] == ' ' && text[13] == ':' &&
      text[16] == ':') {
    auto field = [&](std::size_t at, std::size_t len) { return parse_int(text.substr(at, len)); };
    const auto year = field(0, 4), month = field(5, 2), day = field(8, 2);
    const auto hour = field(11, 2), minute = field(14, 2), second = field(17, 2);
    if (!year || !month || !day || !hour || !minute || !second) {
      return std::nullopt;
    }
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*year < 1970 || *month < 1 || *month > 12 || *day < 1 || *hour > 23 || *minute > 59 ||
        *second > 59) {
      return std::nullopt;
    }
    const int month_days =
        kDays[*month - 1] + ((*month == 2 && is_leap(static_cast<int>(*year))) ? 1 : 0);
    if (*day > month_days) {
      return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = static_cast<int>(*year) - 1900;
    tm.tm_mon = static_cast<int>(*month) - 1;
    tm.tm_mday = static_cast<int>(*day);
    tm.tm_hour = static_cast<int>(*hour);
    tm.tm_min = static_cast<int>(*minute);
    tm.tm_sec = static_cast<int>(*second);
    return static_cast<std::int64_t>(timegm(&tm));
  }
  const auto seconds = parse_int(text);
  // Up to year 9999, as DATETIME holds.
  if (!seconds || *seconds < 0 || *seconds > 253402300799) {
    return std::nullopt;
  }
  return seconds;
}

std::variant<std::string, ParamError> vm_param(const http::Request& request) {
  auto vm = request.query_param("vm");
  if (!vm || vm->empty()) {
    return ParamError{"missing_parameter", "vm is required"};
  }
  if (!valid_vm_name(*vm)) {
    return ParamError{"invalid_parameter", "vm is not a valid VM name (the contract's vm rule)"};
  }
  return std::move(*vm);
}

std::variant<HistoryParams, ParamError> parse_history_params(const http::Request& request,
                                                             std::int64_t now) {
  HistoryParams params;
  auto vm = vm_param(request);
  if (auto* error = std::get_if<ParamError>(&vm)) {
    return std::move(*error);
  }
  params.vm = std::get<std::string>(std::move(vm));

  const char* time_rule = "must be YYYY-MM-DD HH:MM:SS (UTC) or Unix seconds";
  params.to = now;
  if (const auto to = request.query_param("to"); to && !to->empty()) {
    const auto parsed = parse_time(*to);
    if (!parsed) {
      return ParamError{"invalid_parameter", std::string("to ") + time_rule};
    }
    params.to = *parsed;
  }
  params.from = params.to - kDefaultSpanSeconds;
  if (const auto from = request.query_param("from"); from && !from->empty()) {
    const auto parsed = parse_time(*from);
    if (!parsed) {
      return ParamError{"invalid_parameter", std::string("from ") + time_rule};
    }
    params.from = *parsed;
  }
  if (params.from > params.to) {
    return ParamError{"invalid_parameter", "from is after to"};
  }
  if (params.to - params.from > kMaxSpanSeconds) {
    return ParamError{"invalid_parameter", "from..to spans more than 400 days"};
  }
  if (const auto points = request.query_param("points"); points && !points->empty()) {
    const auto parsed = parse_int(*points);
    if (!parsed || *parsed < 1 || *parsed > kMaxPoints) {
      return ParamError{"invalid_parameter", "points must be an integer 1..10000"};
    }
    params.points = static_cast<int>(*parsed);
  }
  if (const auto source = request.query_param("source"); source && !source->empty()) {
    if (*source == "raw") {
      params.source = HistorySource::raw;
    } else if (*source == "rollup") {
      params.source = HistorySource::rollup;
    } else if (*source == "hour") {
      params.source = HistorySource::hour;
    } else if (*source != "auto") {
      return ParamError{"invalid_parameter", "source must be auto, raw, rollup or hour"};
    }
  }
  return params;
}

std::int64_t bucket_seconds(std::int64_t from, std::int64_t to, int points) {
  const std::int64_t span = to - from + 1;
  std::int64_t bucket = (span + points - 1) / points;
  if (bucket < 1) {
    bucket = 1;
  }
  // Buckets are aligned to the epoch, so [from, to] may touch one more than span/bucket.
  while (to / bucket - from / bucket + 1 > points) {
    ++bucket;
  }
  if (bucket <= 60) {
    return bucket;
  }
  // Whole minutes: the count is not monotonic in the width, so walk up in minutes.
  bucket = (bucket + 59) / 60 * 60;
  while (to / bucket - from / bucket + 1 > points) {
    bucket += 60;
  }
  return bucket;
}

std::string history_sql(const HistoryParams& params, std::int64_t bucket) {
  // vm passed valid_vm_name, so it needs no escaping inside quotes. UNIX_TIMESTAMP is
  // UTC because the connection sets time_zone = '+00:00'.
  const std::string b = std::to_string(bucket);
  std::string sql =
      "SELECT FLOOR(UNIX_TIMESTAMP(hora) / " + b +
      ") AS bucket, COUNT(*), "
      "MIN(porcentaje_cpu_uso), ROUND(AVG(porcentaje_cpu_uso), 2), MAX(porcentaje_cpu_uso), "
      "MIN(porcentaje_ram), ROUND(AVG(porcentaje_ram), 2), MAX(porcentaje_ram), "
      "ROUND(AVG(total_procesos), 2)";
  for (const HistorySeries& series : kHistorySeries) {
    const std::string_view value = series.expression;
    append_sql(sql, {", ROUND(AVG(", value, "), 2), MAX(", value, ")"});
  }
  sql += " FROM metricas WHERE vm = '" + params.vm + "' AND hora BETWEEN '" +
         format_utc(params.from) + "' AND '" + format_utc(params.to) +
         "' GROUP BY bucket ORDER BY bucket";
  return sql;
}

std::variant<std::string, EncodeError> encode_history(const HistoryParams& params,
                                                      std::int64_t bucket,
                                                      const std::vector<db::Row>& rows) {
  std::string out;
  out.reserve(128 + rows.size() * 400);
  out += "{\"vm\":";
  append_json_string(out, params.vm);
  out += ",\"from\":\"" + format_utc(params.from) + "\",\"to\":\"" + format_utc(params.to) +
         "\",\"bucket_seconds\":" + std::to_string(bucket) + ",\"points\":[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const db::Row& row = rows[i];
    if (row.size() != kHistoryColumns) {
      return EncodeError{"history row has the wrong number of columns"};
    }
    for (std::size_t column = 0; column < kHistoryColumns; ++column) {
      const auto& cell = row[column];
      // A series is NULL in a bucket without it (avg and max together).
      const bool may_be_null = column >= kHistoryBaseColumns &&
                               !row[kHistoryBaseColumns + (column - kHistoryBaseColumns) / 2 * 2];
      if (cell ? !is_plain_number(*cell) : !may_be_null) {
        return EncodeError{"history row " + std::to_string(i) + " has a non-numeric value"};
      }
    }
    const auto index = parse_int(*row[0]);
    if (!index) {
      return EncodeError{"history bucket is not an integer"};
    }
    if (i > 0) {
      out += ',';
    }
    out += "{\"t\":\"" + format_utc(*index * bucket) + "\",\"n\":" + *row[1];
    out += ",\"cpu\":{\"min\":" + *row[2] + ",\"avg\":" + *row[3] + ",\"max\":" + *row[4] + '}';
    out += ",\"ram\":{\"min\":" + *row[5] + ",\"avg\":" + *row[6] + ",\"max\":" + *row[7] + '}';
    out += ",\"procesos\":{\"avg\":" + *row[8] + '}';
    for (std::size_t k = 0; k < kHistorySeries.size(); ++k) {
      const auto& avg = row[kHistoryBaseColumns + 2 * k];
      const auto& max = row[kHistoryBaseColumns + 2 * k + 1];
      if (avg && max) {
        out += ",\"";
        out += kHistorySeries[k].name;
        out += "\":{\"avg\":" + *avg + ",\"max\":" + *max + '}';
      }
    }
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace vmpulse::hub
