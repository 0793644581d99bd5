// The rule table of the ingest contract, read once from the embedded
// contract/record.schema.json: what contract_parse.cpp and contract_validate.cpp check,
// in the schema's order. Built on first use; immutable and thread-safe afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pattern.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::detail {

enum class FieldType { kString, kInteger, kNumber };

// Where a property's value goes in a Record (one of these is set).
struct RecordSlot {
  std::string Record::*text = nullptr;
  std::int64_t Record::*integer = nullptr;
  double Record::*number = nullptr;
};

struct PropertyRule {
  std::string name;
  FieldType type = FieldType::kString;
  std::optional<double> minimum;
  std::optional<double> maximum;
  std::optional<std::size_t> min_length;
  std::optional<std::size_t> max_length;
  std::optional<Pattern> pattern;
  RecordSlot slot;
};

struct NotGreaterRule {
  std::size_t field;  // index into properties; the one named in the error
  std::size_t limit;
};

struct SumEqualsRule {
  std::vector<std::size_t> fields;
  double equals = 0;
  double tolerance = 0;
  std::size_t field = 0;  // the one named in the error
};

struct CalendarRule {
  std::size_t field;
};

struct CrossFieldRule {
  enum class Kind { kNotGreater, kSumEquals, kCalendar } kind;
  std::size_t index;  // into the vector of that kind
};

struct ContractSchema {
  std::vector<PropertyRule> properties;  // schema order
  std::vector<std::size_t> required;     // `required` order, as property indices
  bool additional_properties = true;
  std::vector<NotGreaterRule> not_greater;
  std::vector<SumEqualsRule> sum_equals;
  std::vector<CalendarRule> calendar;
  std::vector<CrossFieldRule> cross_field_order;  // every cross-field rule, in schema order
  std::vector<std::size_t> ignored_on_input;
  IngestLimits limits;
  std::optional<Pattern> idempotency_key;
  std::map<std::string, int, std::less<>> error_status;

  // Property index by name, or nullopt.
  std::optional<std::size_t> find(std::string_view name) const;
};

// Builds the table from schema text; throws std::invalid_argument naming what is wrong
// (a property the Record has no member for, a rule naming an unknown property…).
ContractSchema build_contract_schema(std::string_view schema_text);

// The table of the embedded schema.
const ContractSchema& contract_schema();

extern const std::string_view kRecordSchemaText;

}  // namespace vmpulse::detail
