// The rule table of the ingest contract, read once from the embedded
// contract/record.schema.json: what contract_parse.cpp and contract_validate.cpp check,
// in the schema's order. Built on first use; immutable and thread-safe afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pattern.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::detail {

// kAny: a property without "type" (`api`), any JSON value. kArray: a list of objects
// (`procesos_top`), its entries checked by `items`. kMap: an object of string values
// (`etiquetas`), its keys checked by `names` and its values by `values`.
enum class FieldType { kString, kInteger, kNumber, kAny, kArray, kMap };

struct ObjectRule;

struct PropertyRule {
  std::string name;
  FieldType type = FieldType::kString;
  std::optional<double> minimum;
  std::optional<double> maximum;
  // minimum and maximum again when each is a whole number an int64 holds: an integer
  // value is compared with them as integers (2^53-1 and 2^53 told apart), and without
  // recomputing that on every value.
  std::optional<std::int64_t> integer_minimum;
  std::optional<std::int64_t> integer_maximum;
  std::optional<std::size_t> min_length;
  std::optional<std::size_t> max_length;
  std::optional<Pattern> pattern;
  std::optional<std::size_t> min_items;     // kArray
  std::optional<std::size_t> max_items;     // kArray
  std::shared_ptr<const ObjectRule> items;  // kArray: the rules of one entry
  // kArray, x-vmpulse-compact: an entry may also be an array of its properties' values in
  // schema order (the agent's compact form, the stored one), each checked by its rule.
  bool compact_items = false;
  std::optional<std::size_t> min_properties;   // kMap
  std::optional<std::size_t> max_properties;   // kMap
  std::shared_ptr<const PropertyRule> names;   // kMap: propertyNames, a string rule
  std::shared_ptr<const PropertyRule> values;  // kMap: additionalProperties, a string rule
};

// The rules of an object: the record itself, or one entry of a list.
struct ObjectRule {
  std::vector<PropertyRule> properties;  // schema order
  std::vector<std::size_t> required;     // `required` order, as property indices
  bool additional_properties = true;
  // `"name":` per property, in schema order: how a key written as it is reads, with its
  // colon (the fast paths match keys against these); empty when a name would need
  // escaping.
  std::vector<std::string> quoted_keys;

  // Property index by name, or nullopt.
  std::optional<std::size_t> find(std::string_view name) const;
};

// dependentRequired: when `key` is present, every one of `needs` must be too.
struct DependentRule {
  std::size_t key;
  std::vector<std::size_t> needs;
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

// visit_fields()'s members in visit order → the property each one is filled from;
// kNotFromInput for a field the route sets (ignored_on_input: `api`).
inline constexpr std::size_t kNotFromInput = std::numeric_limits<std::size_t>::max();

struct ContractSchema : ObjectRule {
  std::vector<DependentRule> dependent_required;  // schema order
  std::vector<NotGreaterRule> not_greater;
  std::vector<SumEqualsRule> sum_equals;
  std::vector<CalendarRule> calendar;
  std::vector<CrossFieldRule> cross_field_order;  // every cross-field rule, in schema order
  std::vector<std::size_t> ignored_on_input;
  IngestLimits limits;
  std::optional<Pattern> idempotency_key;
  std::map<std::string, int, std::less<>> error_status;
  std::vector<std::pair<std::string, std::string>> routes;  // x-vmpulse-ingest.routes
  std::vector<std::string> paths;                           // x-vmpulse-ingest.paths
  // x-vmpulse-ingest.metrics_routes: (label, path) of the routes' request counts.
  std::vector<std::pair<std::string, std::string>> metrics_routes;

  // Where a Record's members come from (see kNotFromInput): one entry per member that
  // visit_fields() visits, one per member of visit_process_fields(), and the property
  // of Record::procesos_top (the one list a Record holds).
  std::vector<std::size_t> record_fields;
  std::vector<std::size_t> process_fields;
  std::optional<std::size_t> process_list;
};

// Builds the table from schema text; throws std::invalid_argument naming what is wrong
// (a property the Record has no member for, a rule naming an unknown property…).
ContractSchema build_contract_schema(std::string_view schema_text);

// The table of the embedded schema.
const ContractSchema& contract_schema();

extern const std::string_view kRecordSchemaText;

}  // namespace vmpulse::detail
