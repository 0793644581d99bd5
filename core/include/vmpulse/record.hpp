// The vmpulse record: one sample of one VM, in the contract's field names and units
// (contract/record.schema.json, which generates the type). A plain value type;
// thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Record, ProcessEntry, visit_fields() and visit_process_fields(), generated from the
// schema at build time (core/cmake/generate_record.cmake).
#include "vmpulse/record_fields.hpp"

namespace vmpulse {

// Appends the record as one JSON object, fields in the contract's order: integers as
// integers, numbers with two decimals, optional fields only when present, procesos_top
// in the compact form (an array of values per entry, x-vmpulse-compact: the stored form,
// which route 1 then stores as it came), `api` only when non-empty. Allocation-free apart from
// `out`'s growth.
void append_json(std::string& out, const Record& record);
std::string to_json(const Record& record);

// Appends etiquetas as `{"key":"value",…}`, pairs in their order, no spaces: the text both
// ingest routes store (node-api's JSON.stringify writes the same bytes for the printable
// ASCII the contract allows) and the hub sends.
void append_labels_json(std::string& out, const Labels& labels);

// "YYYY-MM-DD HH:MM:SS" in UTC.
std::string format_utc(std::chrono::system_clock::time_point when);
// The same for seconds since the Unix epoch (the hub's query bounds and time buckets).
std::string format_utc(std::int64_t unix_seconds);

}  // namespace vmpulse
