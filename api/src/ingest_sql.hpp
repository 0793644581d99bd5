// The SQL statements of one group commit, as text. Pure functions: values are quoted
// through `quote` (the connection's escaping in production, a plain quoter in tests).
// Table names are db/migrations/'s; metricas' columns are the record's field names
// (visit_fields), which are the schema's property names (migrations 001 and 005).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "vmpulse/record.hpp"

namespace vmpulse::api {

// Appends `value` as a quoted SQL string literal.
using Quote = std::function<void(std::string& sql, std::string_view value)>;

// One multi-row INSERT INTO metricas of every record, each stamped with `api`: a column
// per field of visit_fields plus procesos_top (its JSON text), NULL for an absent
// optional field. `records` must not be empty.
std::string insert_records_sql(std::span<const Record* const> records, std::string_view api,
                               const Quote& quote);

// Adds `count` to the route's row of metricas_por_api (creating it when missing).
std::string add_count_sql(std::string_view api, std::size_t count, const Quote& quote);

// Claims an Idempotency-Key for the body whose SHA-256 is `body_sha256` (hex): affects
// one row when the key is new, none when it exists (db/migrations/003).
std::string claim_key_sql(std::string_view key, std::string_view api, std::size_t stored,
                          std::string_view body_sha256, const Quote& quote);

// How many records the request that first used `key` stored, and its body's SHA-256
// (NULL for keys stored before migration 003).
std::string stored_for_key_sql(std::string_view key, const Quote& quote);

}  // namespace vmpulse::api
