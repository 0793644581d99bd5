// A record as the strict parser collected it (values per schema property, before any
// rule was checked), and the check of one such record against the rule table.
// Internal to the contract implementation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract_schema.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::detail {

struct RawItem;
struct RawPair;

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
  // kArray of a list property (procesos_top): its elements, the first `item_count` of
  // `items` (the vector keeps its capacity from record to record); `length` counts every
  // element, also those past the list's maxItems, which are not kept.
  std::vector<RawItem> items;
  std::size_t item_count = 0;
  std::size_t length = 0;
  // kObject of a map property (etiquetas): its pairs in document order, the first
  // `pair_count` of `pairs` kept the same way; `length` counts every pair, also those
  // past the map's maxProperties.
  std::vector<RawPair> pairs;
  std::size_t pair_count = 0;
};

// An object's values as collected: the record, or one element of a list (whose `kind`
// says what the element was; its values only mean something for kObject).
struct RawObject {
  std::vector<RawValue> values;              // one per schema property
  std::optional<std::string> first_unknown;  // first key the schema does not know, document order
};
using RawRecord = RawObject;

struct RawItem : RawObject {
  RawValue::Kind kind = RawValue::Kind::kAbsent;
};

// One key and its value in a map property.
struct RawPair {
  std::string key;
  RawValue value;
};

// Step 8 of contract/README.md for one record: on success fills `out`, otherwise the
// error (without `index`, which the caller knows).
std::optional<ContractError> check_record(const ContractSchema& schema, const RawRecord& raw,
                                          Record& out);

// The length and pattern rules of a string property (its type already checked): the
// reason `text` breaks them, or nullopt.
std::optional<std::string> check_string(const PropertyRule& rule, std::string_view text);

// The rules of a map property (etiquetas) for a value of kind kObject with its pairs
// collected (a repeated key is the parser's to find): the reason it breaks them, or
// nullopt.
std::optional<std::string> check_map(const PropertyRule& rule, const RawValue& value);

// An invalid_record / invalid_json … error with the status from the schema's table.
ContractError make_error(const ContractSchema& schema, std::string code,
                         std::optional<std::string> field, std::string detail);

}  // namespace vmpulse::detail
