#include "ingest_sql.hpp"

#include <charconv>
#include <cstdint>
#include <system_error>

namespace vmpulse::api {
namespace {

void append_integer(std::string& sql, std::int64_t value) {
  char buffer[24];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  sql.append(buffer, end);
}

// Shortest text that reads back as the same double, so the database rounds the value
// the client sent to DECIMAL(5,2) exactly as node-api's driver does.
void append_number(std::string& sql, double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  sql.append(buffer, end);
}

void append_row(std::string& sql, const Record& r, std::string_view api, const Quote& quote) {
  sql += '(';
  quote(sql, r.vm);
  sql += ',';
  append_integer(sql, r.total_ram);
  sql += ',';
  append_integer(sql, r.ram_libre);
  sql += ',';
  append_integer(sql, r.uso_ram);
  sql += ',';
  append_number(sql, r.porcentaje_ram);
  sql += ',';
  append_number(sql, r.porcentaje_cpu_uso);
  sql += ',';
  append_number(sql, r.porcentaje_cpu_libre);
  sql += ',';
  append_integer(sql, r.procesos_corriendo);
  sql += ',';
  append_integer(sql, r.total_procesos);
  sql += ',';
  append_integer(sql, r.procesos_durmiendo);
  sql += ',';
  append_integer(sql, r.procesos_zombie);
  sql += ',';
  append_integer(sql, r.procesos_parados);
  sql += ',';
  quote(sql, r.hora);
  sql += ',';
  quote(sql, api);
  sql += ')';
}

}  // namespace

std::string insert_records_sql(std::span<const Record* const> records, std::string_view api,
                               const Quote& quote) {
  std::string sql =
      "INSERT INTO metricas (vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,"
      "porcentaje_cpu_libre,procesos_corriendo,total_procesos,procesos_durmiendo,procesos_zombie,"
      "procesos_parados,hora,api) VALUES ";
  // About 110 bytes per row with typical values; one reservation avoids regrowth.
  sql.reserve(sql.size() + records.size() * 128);
  bool first = true;
  for (const Record* record : records) {
    if (!first) {
      sql += ',';
    }
    first = false;
    append_row(sql, *record, api, quote);
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
