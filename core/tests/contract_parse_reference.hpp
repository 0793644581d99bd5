// The nlohmann-based ingest-body parser, for differential tests only
// (contract_parse_reference.cpp says how it differs from the production one).
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "contract_schema.hpp"

namespace vmpulse::detail::reference {

std::variant<std::vector<Record>, ContractError> parse_body(const ContractSchema& schema,
                                                            std::string_view body);

}  // namespace vmpulse::detail::reference
