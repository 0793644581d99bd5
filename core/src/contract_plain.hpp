// Steps 6 to 8 of contract/README.md in one pass for a plain body — the records as agents
// and most clients write them — straight into Records. Internal to the contract
// implementation; parse_body() (contract_parse.cpp) tries it first.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "contract_schema.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse::detail {

// The records of `body` when it is plain and every record meets every rule; nullopt
// otherwise, and then the general parser reads the body and says what is wrong with it
// (the errors' order of precedence is its alone). Plain: a record object or an array of
// them, keys in any order, whitespace where JSON allows it, strings of printable ASCII
// without escapes, numbers without exponent of at most 18 digits (15 with a fraction),
// no `api` and no unknown key. What it accepts, the general parser accepts with the same
// records (contract_plain_test.cpp and the differential tests hold it to that).
// `lists` as parse_ingest_body's (vmpulse/contract.hpp).
std::optional<std::vector<Record>> read_plain_body(const ContractSchema& schema,
                                                   std::string_view body,
                                                   ListReading lists = ListReading::kEntries);

}  // namespace vmpulse::detail
