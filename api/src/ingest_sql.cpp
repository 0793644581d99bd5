#include "ingest_sql.hpp"

#include <charconv>
#include <cstdint>
#include <system_error>
#include <type_traits>
#include <vector>

#include "vmpulse/processes_json.hpp"

namespace vmpulse::api {
namespace {

void append_integer(std::string& sql, std::int64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  sql.append(buffer, end);
}

// Shortest text that reads back as the same double, so the database rounds the value
// the client sent to DECIMAL(5,2) exactly as node-api's driver does. Fixed notation:
// 1e+12 would be a DOUBLE literal, 1000000000000 is an exact DECIMAL one.
void append_number(std::string& sql, double value) {
  char buffer[400];  // fixed notation of the largest double fits
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  sql.append(buffer, end);
}

// A field's value as SQL: numbers as text, strings through the quoter, an absent
// optional field as NULL, procesos_top as its JSON text (quoted: the column is JSON).
template <class T>
void append_value(std::string& sql, const T& value, const Quote& quote) {
  if constexpr (std::is_same_v<T, std::string>) {
    quote(sql, value);
  } else if constexpr (std::is_same_v<T, double>) {
    append_number(sql, value);
  } else if constexpr (std::is_integral_v<T>) {
    append_integer(sql, static_cast<std::int64_t>(value));
  } else if constexpr (std::is_same_v<T, std::vector<ProcessEntry>>) {
    std::string json;
    json.reserve(value.size() * 96);
    append_processes_json(json, value);
    quote(sql, json);
  } else {
    static_assert(
        requires { value.has_value(); }, "a record field of a type not written here");
    if (value.has_value()) {
      append_value(sql, *value, quote);
    } else {
      sql += "NULL";
    }
  }
}

constexpr std::string_view kProcessesColumn = "procesos_top";

// True when visit_fields visits procesos_top itself; otherwise it is added after the
// scalar fields (record.hpp: procesos_top is not a scalar and is not visited today).
bool visits_processes() {
  bool found = false;
  const Record probe;
  visit_fields(probe, [&found](std::string_view name, const auto&) {
    found = found || name == kProcessesColumn;
  });
  return found;
}

// "INSERT INTO metricas (<every field of the record>) VALUES ": the column names are the
// schema's property names, which are the table's (db/migrations/001, 005).
std::string insert_prefix() {
  std::string sql = "INSERT INTO metricas (";
  const Record probe;
  visit_fields(probe, [&sql](std::string_view name, const auto&) {
    sql += name;
    sql += ',';
  });
  if (!visits_processes()) {
    sql += kProcessesColumn;
    sql += ',';
  }
  sql.back() = ')';
  sql += " VALUES ";
  return sql;
}

void append_row(std::string& sql, const Record& r, std::string_view api, const Quote& quote,
                bool add_processes) {
  sql += '(';
  visit_fields(r, [&](std::string_view name, const auto& value) {
    // The route that stores the record stamps it, whatever the record says.
    if (name == "api") {
      quote(sql, api);
    } else {
      append_value(sql, value, quote);
    }
    sql += ',';
  });
  if (add_processes) {
    append_value(sql, r.procesos_top, quote);
    sql += ',';
  }
  sql.back() = ')';
}

}  // namespace

std::string insert_records_sql(std::span<const Record* const> records, std::string_view api,
                               const Quote& quote) {
  static const std::string prefix = insert_prefix();
  static const bool add_processes = !visits_processes();
  std::string sql = prefix;
  // About 110 bytes per version 1 row with typical values, 250 more with the version 2
  // scalars; procesos_top grows it further as needed.
  sql.reserve(sql.size() + records.size() * 384);
  bool first = true;
  for (const Record* record : records) {
    if (!first) {
      sql += ',';
    }
    first = false;
    append_row(sql, *record, api, quote, add_processes);
  }
  return sql;
}

std::string add_count_sql(std::string_view api, std::size_t count, const Quote& quote) {
  std::string sql = "INSERT INTO metricas_por_api (api,total) VALUES (";
  quote(sql, api);
  sql += ',';
  append_integer(sql, static_cast<std::int64_t>(count));
  sql += ") ON DUPLICATE KEY UPDATE total = total + ";
  append_integer(sql, static_cast<std::int64_t>(count));
  return sql;
}

std::string claim_key_sql(std::string_view key, std::string_view api, std::size_t stored,
                          std::string_view body_sha256, const Quote& quote) {
  std::string sql = "INSERT IGNORE INTO ingest_keys (idem_key,api,stored,body_sha256) VALUES (";
  quote(sql, key);
  sql += ',';
  quote(sql, api);
  sql += ',';
  append_integer(sql, static_cast<std::int64_t>(stored));
  sql += ',';
  quote(sql, body_sha256);
  sql += ')';
  return sql;
}

std::string stored_for_key_sql(std::string_view key, const Quote& quote) {
  std::string sql = "SELECT stored,body_sha256 FROM ingest_keys WHERE idem_key = ";
  quote(sql, key);
  return sql;
}

}  // namespace vmpulse::api
