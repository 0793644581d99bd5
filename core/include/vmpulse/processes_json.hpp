// procesos_top as text: the contract's object form (the hub's messages and GET
// /api/processes) and the compact form the ingest routes store in metricas.procesos_top
// since db/migrations/009 (issue 13), which the agent's record also uses
// (x-vmpulse-compact), with the hub's way back from the stored form to the objects. Pure
// functions; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "vmpulse/record.hpp"

namespace vmpulse {

// Appends `[{"pid":…,"nombre":…,"estado":…,"porcentaje_cpu":…,"ram_mib":…},…]`: the
// fields of visit_process_fields in its order, integers as integers, numbers with two
// decimals, strings escaped. Allocation-free apart from `out`'s growth.
void append_processes_json(std::string& out, std::span<const ProcessEntry> processes);

// Appends the stored form, `[[pid,"nombre","estado",porcentaje_cpu,ram_mib],…]`: one
// array per entry, the values of append_processes_json in the same order and written
// the same way, without the keys (half the bytes, and no JSON check in the database).
// node-api/src/record-row.js writes the same bytes.
void append_processes_stored(std::string& out, std::span<const ProcessEntry> processes);

// Appends a stored procesos_top in the contract's form. The compact form becomes
// append_processes_json's text byte for byte (each value's text is copied, keys added);
// an array of objects (rows stored before migration 009) or an empty array is appended
// as it is. Returns what is wrong, with `out` as it was, when `stored` is neither: an
// entry that is not an array of the schema's values, a bad JSON string or number,
// anything after the closing bracket.
std::optional<std::string> append_processes_from_stored(std::string& out, std::string_view stored);

}  // namespace vmpulse
