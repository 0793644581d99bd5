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

// A plain body (contract_plain.hpp) read by read_plain_body(), anything else, and any body
// that breaks a rule, by the general path.
std::variant<std::vector<Record>, ContractError> parse_body(
    const ContractSchema& schema, std::string_view body, ListReading lists = ListReading::kEntries);

// The general path alone: any body, and the error with its precedence (the tests compare
// the plain path with it).
std::variant<std::vector<Record>, ContractError> parse_body_general(const ContractSchema& schema,
                                                                    std::string_view body);

}  // namespace vmpulse::detail
