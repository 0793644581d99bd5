// The SQL statements of one group commit. Pure functions. The records' INSERT is a
// prepared statement with its values as parameters (db::Params); the small statements
// are text, values quoted through `quote` (the connection's escaping in production, a
// plain quoter in tests).
// Table names are db/migrations/'s; metricas' columns are the record's field names
// (visit_fields), which are the schema's property names (migrations 001 and 005).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "vmpulse/db.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::api {

// Appends `value` as a quoted SQL string literal.
using Quote = std::function<void(std::string& sql, std::string_view value)>;

// "INSERT INTO metricas (...) VALUES (?,...),..." for `rows` records (rows > 0): a
// column per field of visit_fields plus procesos_top.
std::string insert_records_statement(std::size_t rows);

// Appends one record's values to `params`, in insert_records_statement's column order:
// stamped with `api`, integers as integers, numbers as their shortest exact decimal
// text, NULL for an absent optional field, etiquetas as its JSON text, procesos_top in
// its stored form (core's append_processes_stored, db/migrations/009).
void add_record_params(db::Params& params, const Record& record, std::string_view api);

// Adds `count` to the route's row of metricas_por_api (creating it when missing).
std::string add_count_sql(std::string_view api, std::size_t count, const Quote& quote);

// One request's Idempotency-Key, the records it stores and its body's SHA-256 (hex).
struct KeyClaim {
  std::string_view key;
  std::size_t stored = 0;
  std::string_view body_sha256;
};

// Claims the keys in one statement, in the order given: affects one row per key that is
// new, none for one that exists (db/migrations/003) or comes twice. Not empty.
std::string claim_keys_sql(std::span<const KeyClaim> claims, std::string_view api,
                           const Quote& quote);

// claim_keys_sql of one key.
std::string claim_key_sql(std::string_view key, std::string_view api, std::size_t stored,
                          std::string_view body_sha256, const Quote& quote);

// How many records the request that first used `key` stored, and its body's SHA-256
// (NULL for keys stored before migration 003).
std::string stored_for_key_sql(std::string_view key, const Quote& quote);

}  // namespace vmpulse::api
