// Steps 6 and 7 of contract/README.md in one pass over the body: strict JSON (a
// hand-written lexer, so duplicate keys and nesting are seen, no DOM is built and a
// normal record's strings are never copied until they land in the Record), the body's
// shape, and each record collected for check_record().
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "contract_schema.hpp"

namespace vmpulse::detail {

std::variant<std::vector<Record>, ContractError> parse_body(const ContractSchema& schema,
                                                            std::string_view body);

}  // namespace vmpulse::detail
