#include "ingest_sql.hpp"

#include <charconv>
#include <cstdint>
#include <system_error>
#include <type_traits>
#include <vector>

#include "vmpulse/detail/json_text.hpp"
#include "vmpulse/processes_json.hpp"

namespace vmpulse::api {
namespace {

void append_integer(std::string& sql, std::int64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  sql.append(buffer, end);
}

// Shortest text that reads back as the same double, so the database rounds the value
// the client sent to DECIMAL(5,2) exactly as node-api's driver's text does. Fixed
// notation: a decimal parameter is digits and a point (db::Params), and as text the
// server would read "1e+12" as a DOUBLE, "1000000000000" as an exact DECIMAL.
void append_number(std::string& out, double value) { detail::append_shortest_fixed(out, value); }

// A field's value as a parameter: integers as integers, numbers as decimals (their
// shortest text: db::Params), strings as text, an absent optional field as NULL,
// etiquetas as its JSON text (a JSON column), procesos_top in its compact stored form
// (db/migrations/010: an ascii text column) sent as bytes (db::Params: ASCII by the
// contract's rules, so the column keeps them as they are, not read as characters).
template <class T>
void add_value(db::Params& params, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    params.add_text(value);
  } else if constexpr (std::is_same_v<T, double>) {
    params.add_decimal_by([value](std::string& out) { append_number(out, value); });
  } else if constexpr (std::is_integral_v<T>) {
    params.add_integer(static_cast<std::int64_t>(value));
  } else if constexpr (std::is_same_v<T, std::vector<ProcessEntry>>) {
    params.add_bytes_by([&value](std::string& out) { append_processes_stored(out, value); });
  } else if constexpr (std::is_same_v<T, Labels>) {
    params.add_text_by([&value](std::string& out) { append_labels_json(out, value); });
  } else {
    static_assert(
        requires { value.has_value(); }, "a record field of a type not written here");
    if (value.has_value()) {
      add_value(params, *value);
    } else {
      params.add_null();
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

// "(?,?,...,?)": one placeholder per column.
std::string row_placeholders() {
  std::string row = "(";
  std::size_t columns = visits_processes() ? 0 : 1;
  const Record probe;
  visit_fields(probe, [&columns](std::string_view, const auto&) { ++columns; });
  for (std::size_t i = 0; i < columns; ++i) {
    row += "?,";
  }
  row.back() = ')';
  return row;
}

}  // namespace

std::string insert_records_statement(std::size_t rows) {
  static const std::string prefix = insert_prefix();
  static const std::string row = row_placeholders();
  std::string sql = prefix;
  sql.reserve(sql.size() + rows * (row.size() + 1));
  for (std::size_t i = 0; i < rows; ++i) {
    if (i > 0) {
      sql += ',';
    }
    sql += row;
  }
  return sql;
}

void add_record_params(db::Params& params, const Record& record, std::string_view api) {
  static const bool add_processes = !visits_processes();
  visit_fields(record, [&](std::string_view name, const auto& value) {
    // The route that stores the record stamps it, whatever the record says.
    if (name == "api") {
      params.add_text(api);
    } else {
      add_value(params, value);
    }
  });
  if (!add_processes) {
    return;
  }
  if (const std::string& stored = record.procesos_top_stored;
      record.procesos_top && !stored.empty()) {
    // The reader kept the list as its text, already in the stored form (the agent's).
    params.add_bytes_by([&stored](std::string& out) { out.append(stored); });
  } else {
    add_value(params, record.procesos_top);
  }
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

std::string claim_keys_sql(std::span<const KeyClaim> claims, std::string_view api,
                           const Quote& quote) {
  std::string sql = "INSERT IGNORE INTO ingest_keys (idem_key,api,stored,body_sha256) VALUES ";
  for (const KeyClaim& claim : claims) {
    sql += '(';
    quote(sql, claim.key);
    sql += ',';
    quote(sql, api);
    sql += ',';
    append_integer(sql, static_cast<std::int64_t>(claim.stored));
    sql += ',';
    quote(sql, claim.body_sha256);
    sql += "),";
  }
  sql.pop_back();
  return sql;
}

std::string claim_key_sql(std::string_view key, std::string_view api, std::size_t stored,
                          std::string_view body_sha256, const Quote& quote) {
  const KeyClaim claim{key, stored, body_sha256};
  return claim_keys_sql(std::span(&claim, 1), api, quote);
}

std::string stored_for_key_sql(std::string_view key, const Quote& quote) {
  std::string sql = "SELECT stored,body_sha256 FROM ingest_keys WHERE idem_key = ";
  quote(sql, key);
  return sql;
}

}  // namespace vmpulse::api
