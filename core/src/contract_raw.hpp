// A record as the strict parser collected it (values per schema property, before any
// rule was checked), and the check of one such record against the rule table.
// Internal to the contract implementation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contract_schema.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::detail {

struct RawValue {
  enum class Kind : std::uint8_t {
    kAbsent,
    kString,
    kInteger,
    kUnsigned,
    kFloat,
    kBool,
    kNull,
    kObject,
    kArray
  };
  Kind kind = Kind::kAbsent;
  std::int64_t integer = 0;
  std::uint64_t unsigned_integer = 0;
  double number = 0;
  std::string text;
};

struct RawRecord {
  std::vector<RawValue> values;              // one per schema property
  std::optional<std::string> first_unknown;  // first key the schema does not know, document order
};

// Step 8 of contract/README.md for one record: on success fills `out`, otherwise the
// error (without `index`, which the caller knows).
std::optional<ContractError> check_record(const ContractSchema& schema, const RawRecord& raw,
                                          Record& out);

// An invalid_record / invalid_json … error with the status from the schema's table.
ContractError make_error(const ContractSchema& schema, std::string code,
                         std::optional<std::string> field, std::string detail);

}  // namespace vmpulse::detail
