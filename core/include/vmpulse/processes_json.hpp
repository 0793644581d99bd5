// procesos_top as JSON text: what the ingest routes store in metricas.procesos_top and
// what the hub streams as it is (contract/record.schema.json, issue 13). Pure functions;
// thread-safe.
#pragma once

#include <span>
#include <string>

#include "vmpulse/record.hpp"

namespace vmpulse {

// Appends `[{"pid":…,"nombre":…,"estado":…,"porcentaje_cpu":…,"ram_mib":…},…]`: the
// fields of visit_process_fields in its order, integers as integers, numbers with two
// decimals, strings escaped. Allocation-free apart from `out`'s growth.
void append_processes_json(std::string& out, std::span<const ProcessEntry> processes);

}  // namespace vmpulse
