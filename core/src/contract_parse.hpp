// Steps 6 and 7 of contract/README.md in one pass over the body: strict JSON (through
// nlohmann's SAX interface, so duplicate keys and nesting are seen and no DOM is
// built), the body's shape, and each record collected for check_record().
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "contract_schema.hpp"

namespace vmpulse::detail {

std::variant<std::vector<Record>, ContractError> parse_body(const ContractSchema& schema,
                                                            std::string_view body);

}  // namespace vmpulse::detail
