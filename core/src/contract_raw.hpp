// A record as the strict parser collected it (values per schema property, before any
// rule was checked), and the check of one such record against the rule table; the
// values the fast paths read (PlainValue) and the rule checks both readers share, so
// that each rule is written once. Internal to the contract implementation.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
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

// A value as read by a fast path (a procesos_top entry in the general parser, every
// value in the plain-body reader): its kind (kString, kInteger or kFloat there; kObject
// and kArray too in the plain-body reader), the number that kind says, a string's text as
// a view into the body, and a map's pairs as the plain-body reader read them (filling the
// Record moves them there).
struct PlainValue {
  RawValue::Kind kind = RawValue::Kind::kAbsent;
  std::int64_t integer = 0;
  double number = 0;
  std::string_view text;
  Labels* pairs = nullptr;
};

// An object's values as collected: the record, or one element of a list (whose `kind`
// says what the element was; its values only mean something for kObject).
struct RawObject {
  std::vector<RawValue> values;              // one per schema property
  std::optional<std::string> first_unknown;  // first key the schema does not know, document order
};
using RawRecord = RawObject;

// A list entry. An array entry of a compact list (PropertyRule::compact_items) keeps its
// elements in `values` by position, as an object entry keeps its properties, and counts
// them in `length` (also those past the entry's properties, which are not kept).
struct RawItem : RawObject {
  RawValue::Kind kind = RawValue::Kind::kAbsent;
  std::size_t length = 0;
};

// One key and its value in a map property.
struct RawPair {
  std::string key;
  RawValue value;
};

// The range rule of a number property (minimum, maximum) for an integer value and for a
// double: true when the value is below the minimum / above the maximum. An integer meets
// a bound that is itself an integer an int64 holds as an integer (the rule's
// integer_minimum / integer_maximum), so that 2^53-1 and 2^53 are told apart; anything
// else is compared as doubles.
inline bool below_minimum(const PropertyRule& rule, std::int64_t value) {
  return rule.minimum && (rule.integer_minimum ? value < *rule.integer_minimum
                                               : static_cast<double>(value) < *rule.minimum);
}
inline bool above_maximum(const PropertyRule& rule, std::int64_t value) {
  return rule.maximum && (rule.integer_maximum ? value > *rule.integer_maximum
                                               : static_cast<double>(value) > *rule.maximum);
}
inline bool below_minimum(const PropertyRule& rule, double value) {
  return rule.minimum && value < *rule.minimum;
}
inline bool above_maximum(const PropertyRule& rule, double value) {
  return rule.maximum && value > *rule.maximum;
}

// The record-wide rules of step 8 for a record's values, one per schema property, as
// either reader keeps them (RawValue, PlainValue): every required field present and
// every dependentRequired met (presence_error), then the cross-field rules in schema
// order (cross_field_error). The error, or nullopt.
template <class Value>
std::optional<ContractError> presence_error(const ContractSchema& schema,
                                            const std::vector<Value>& values);
template <class Value>
std::optional<ContractError> cross_field_error(const ContractSchema& schema,
                                               const std::vector<Value>& values);

// The record's members from checked values (the route's own fields left empty): every
// field visit_fields() visits; procesos_top is the caller's.
void fill_record(const ContractSchema& schema, const std::vector<RawValue>& values, Record& out);
void fill_record(const ContractSchema& schema, const std::vector<PlainValue>& values, Record& out);
// One procesos_top entry's members from its checked values.
void fill_entry(const ContractSchema& schema, const std::vector<RawValue>& values,
                ProcessEntry& out);
void fill_entry(const ContractSchema& schema, std::span<const PlainValue> values,
                ProcessEntry& out);

// Step 8 of contract/README.md for one record: on success fills `out`, otherwise the
// error (without `index`, which the caller knows).
std::optional<ContractError> check_record(const ContractSchema& schema, const RawRecord& raw,
                                          Record& out);

// Whether a text of `length` characters meets the length rules of a string property.
inline bool meets_length_rules(const PropertyRule& rule, std::size_t length) {
  return (!rule.min_length || length >= *rule.min_length) &&
         (!rule.max_length || length <= *rule.max_length);
}

// Whether a text of `length` characters meets the length and pattern rules of a string
// property (its type already checked): check_string's answer without the reason, for the
// plain reader, which asks it of every string of a body and needs no reason (a body it
// refuses is read again the general way, which says what is wrong).
inline bool meets_string_rules(const PropertyRule& rule, std::string_view text,
                               std::size_t length) {
  return meets_length_rules(rule, length) && (!rule.pattern || rule.pattern->matches(text));
}

// The same for a text known to be printable ASCII, a plain run (contract_lex.hpp), as the
// plain reader's strings are: a byte a character, and the pattern asked as
// Pattern::matches_printable, which need not look at the bytes.
inline bool meets_plain_string_rules(const PropertyRule& rule, std::string_view text) {
  return meets_length_rules(rule, text.size()) &&
         (!rule.pattern || rule.pattern->matches_printable(text));
}

// The length and pattern rules of a string property (its type already checked): the
// reason `text` breaks them, or nullopt.
std::optional<std::string> check_string(const PropertyRule& rule, std::string_view text);
// The same for a text whose length in characters is known (`length`: its size when it is
// ASCII).
std::optional<std::string> check_string(const PropertyRule& rule, std::string_view text,
                                        std::size_t length);

// The rules of a map property (etiquetas) for a value of kind kObject with its pairs
// collected (a repeated key is the parser's to find): the reason it breaks them, or
// nullopt.
std::optional<std::string> check_map(const PropertyRule& rule, const RawValue& value);

// An invalid_record / invalid_json … error with the status from the schema's table.
ContractError make_error(const ContractSchema& schema, std::string code,
                         std::optional<std::string> field, std::string detail);

}  // namespace vmpulse::detail
