// The per-record checks of the ingest contract, in the order contract/README.md step 8
// gives: unknown field, missing required field, each property (type, then range,
// length, pattern), then the cross-field rules.
#include <cmath>
#include <limits>

#include "contract_raw.hpp"
#include "vmpulse/detail/json_text.hpp"

namespace vmpulse::detail {

namespace {

using Kind = RawValue::Kind;

std::string quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string number_text(double value) {
  // Numbers beyond a double's range arrive as ±1e308 (see parse_body); say what they were.
  if (std::fabs(value) >= 1e308) {
    return value > 0 ? "a number too large to represent" : "a number too small to represent";
  }
  std::string out;
  if (std::trunc(value) == value && std::fabs(value) < 1e18) {
    append_json_int(out, static_cast<std::int64_t>(value));
  } else {
    char buffer[64];
    const int n = std::snprintf(buffer, sizeof buffer, "%.17g", value);
    out.assign(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "a string";
    case Kind::kInteger:
    case Kind::kUnsigned:
      return "an integer";
    case Kind::kFloat:
      return "a number with a fractional part";
    case Kind::kBool:
      return "a boolean";
    case Kind::kNull:
      return "null";
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
    case Kind::kAbsent:
      break;
  }
  return "nothing";
}

const char* kind_name(const RawValue& value) { return kind_name(value.kind); }

bool is_number(const RawValue& value) {
  return value.kind == Kind::kInteger || value.kind == Kind::kUnsigned ||
         value.kind == Kind::kFloat;
}

// A PlainValue is never kUnsigned (no fast path reads integers that large).
double as_double(const PlainValue& value) {
  return value.kind == Kind::kInteger ? static_cast<double>(value.integer) : value.number;
}
double as_double(const RawValue& value) {
  switch (value.kind) {
    case Kind::kInteger:
      return static_cast<double>(value.integer);
    case Kind::kUnsigned:
      return static_cast<double>(value.unsigned_integer);
    default:
      return value.number;
  }
}

// The range rule (below_minimum, above_maximum) for a value of any numeric kind; an
// unsigned one (beyond int64) meets a maximum below 2^64 as an integer.
bool below_minimum(const PropertyRule& rule, const RawValue& value) {
  switch (value.kind) {
    case Kind::kInteger:
      return below_minimum(rule, value.integer);
    case Kind::kUnsigned:
      return below_minimum(rule, static_cast<double>(value.unsigned_integer));
    default:
      return below_minimum(rule, value.number);
  }
}
bool above_maximum(const PropertyRule& rule, const RawValue& value) {
  switch (value.kind) {
    case Kind::kInteger:
      return above_maximum(rule, value.integer);
    case Kind::kUnsigned:
      if (rule.maximum && *rule.maximum >= 0 && *rule.maximum < 1.8e19) {
        return value.unsigned_integer > static_cast<std::uint64_t>(*rule.maximum);
      }
      return above_maximum(rule, static_cast<double>(value.unsigned_integer));
    default:
      return above_maximum(rule, value.number);
  }
}

std::string value_text(const RawValue& value) {
  if (value.kind == Kind::kInteger) {
    return std::to_string(value.integer);
  }
  if (value.kind == Kind::kUnsigned) {
    return std::to_string(value.unsigned_integer);
  }
  return number_text(value.number);
}
std::string value_text(const PlainValue& value) {
  return value.kind == Kind::kInteger ? std::to_string(value.integer) : number_text(value.number);
}

std::optional<std::string> check_list(const PropertyRule& rule, const RawValue& value);

std::optional<std::string> check_property(const PropertyRule& rule, const RawValue& value) {
  // Built only for an error: this runs for every field of every record.
  const auto name = [&rule] { return quoted(rule.name); };
  switch (rule.type) {
    case FieldType::kString: {
      if (value.kind != Kind::kString) {
        return name() + " must be a string, not " + kind_name(value);
      }
      return check_string(rule, value.text);
    }
    case FieldType::kInteger:
      if (!is_number(value)) {
        return name() + " must be an integer, not " + kind_name(value);
      }
      if (value.kind == Kind::kFloat && std::trunc(value.number) != value.number) {
        return name() + " must be an integer, not " + number_text(value.number);
      }
      break;
    case FieldType::kNumber:
      if (!is_number(value)) {
        return name() + " must be a number, not " + kind_name(value);
      }
      break;
    case FieldType::kAny:
      return std::nullopt;
    case FieldType::kArray:
      return check_list(rule, value);
    case FieldType::kMap:
      return check_map(rule, value);
  }
  if (below_minimum(rule, value)) {
    return name() + " must be at least " + number_text(*rule.minimum) + ", not " +
           value_text(value);
  }
  if (above_maximum(rule, value)) {
    return name() + " must be at most " + number_text(*rule.maximum) + ", not " + value_text(value);
  }
  // Whatever the schema says, a Record holds integers as int64.
  if (rule.type == FieldType::kInteger &&
      (value.kind == Kind::kUnsigned
           ? value.unsigned_integer >
                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
           : value.kind == Kind::kFloat && !(std::fabs(value.number) < 9.2e18))) {
    return name() + " is out of the 64-bit integer range";
  }
  return std::nullopt;
}

// "pid, nombre, …": an object rule's property names in schema order.
std::string property_names(const ObjectRule& rule) {
  std::string out;
  for (const PropertyRule& property : rule.properties) {
    out.append(out.empty() ? "" : ", ").append(property.name);
  }
  return out;
}

// A list of objects (procesos_top): its type and length, then each entry in order as a
// record is checked (an unknown field, a missing required one, each property in order);
// an array entry of a compact list holds exactly one value per property, in order.
// The error names the list; the detail names the entry and its field.
std::optional<std::string> check_list(const PropertyRule& rule, const RawValue& value) {
  const auto name = [&rule] { return quoted(rule.name); };
  if (value.kind != Kind::kArray) {
    return name() + " must be an array, not " + kind_name(value);
  }
  if (rule.min_items && value.length < *rule.min_items) {
    return name() + " must hold at least " + std::to_string(*rule.min_items) + " entries, not " +
           std::to_string(value.length);
  }
  if (rule.max_items && value.length > *rule.max_items) {
    return name() + " must hold at most " + std::to_string(*rule.max_items) + " entries, not " +
           std::to_string(value.length);
  }
  const ObjectRule& entry_rule = *rule.items;
  for (std::size_t i = 0; i < value.item_count; ++i) {
    const RawItem& item = value.items[i];
    const auto entry = [&name, i] { return name() + " entry " + std::to_string(i) + ": "; };
    const std::size_t count = entry_rule.properties.size();
    if (item.kind == Kind::kArray && rule.compact_items) {
      if (item.length != count) {
        return entry() + "an array entry must hold " + std::to_string(count) + " values (" +
               property_names(entry_rule) + "), not " + std::to_string(item.length);
      }
    } else if (item.kind != Kind::kObject) {
      return entry() + "must be an object" +
             (rule.compact_items ? " or an array of " + std::to_string(count) + " values" : "") +
             ", not " + kind_name(item.kind);
    }
    if (item.first_unknown) {
      return entry() + "unknown field " + quoted(*item.first_unknown);
    }
    for (const std::size_t index : entry_rule.required) {
      if (item.values[index].kind == Kind::kAbsent) {
        return entry() + "missing required field " + quoted(entry_rule.properties[index].name);
      }
    }
    for (std::size_t p = 0; p < entry_rule.properties.size(); ++p) {
      if (item.values[p].kind == Kind::kAbsent) {
        continue;
      }
      if (auto problem = check_property(entry_rule.properties[p], item.values[p])) {
        return entry() + *problem;
      }
    }
  }
  return std::nullopt;
}

std::int64_t as_int64(const PlainValue& value) {
  return value.kind == Kind::kInteger ? value.integer : static_cast<std::int64_t>(value.number);
}
std::int64_t as_int64(const RawValue& value) {
  // Checked before: an integer within the schema's range, so it fits.
  switch (value.kind) {
    case Kind::kInteger:
      return value.integer;
    case Kind::kUnsigned:
      return static_cast<std::int64_t>(value.unsigned_integer);
    default:
      return static_cast<std::int64_t>(value.number);
  }
}

// A checked value into its Record member (the member's type is the property's, as
// build_contract_schema() made sure).
template <class Value>
void assign(std::string& member, const Value& value) {
  member.assign(value.text);
}
template <class Value>
void assign(std::int64_t& member, const Value& value) {
  member = as_int64(value);
}
template <class Value>
void assign(double& member, const Value& value) {
  member = as_double(value);
}
void assign(Labels& member, const PlainValue& value) { member = std::move(*value.pairs); }
void assign(Labels& member, const RawValue& value) {
  member.clear();
  member.reserve(value.pair_count);
  for (std::size_t i = 0; i < value.pair_count; ++i) {
    member.emplace_back(value.pairs[i].key, value.pairs[i].value.text);
  }
}
template <class T, class Value>
void assign(std::optional<T>& member, const Value& value) {
  if (value.kind != Kind::kAbsent) {
    assign(member.emplace(), value);
  }
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// "YYYY-MM-DD HH:MM:SS" naming a real instant: month 1–12, a day the month has, hour
// ≤ 23, minute and second ≤ 59 (MySQL's DATETIME takes no leap second), year 1970–9999.
std::optional<std::string> check_calendar(std::string_view name, std::string_view text) {
  const auto digits = [&text](std::size_t at, std::size_t count, int& out) {
    out = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') {
        return false;
      }
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const bool shaped = text.size() == 19 && digits(0, 4, year) && text[4] == '-' &&
                      digits(5, 2, month) && text[7] == '-' && digits(8, 2, day) &&
                      text[10] == ' ' && digits(11, 2, hour) && text[13] == ':' &&
                      digits(14, 2, minute) && text[16] == ':' && digits(17, 2, second);
  const auto field = [name] { return quoted(name); };
  if (!shaped) {
    return field() + " must be a UTC date and time as YYYY-MM-DD HH:MM:SS";
  }
  if (year < 1970 || year > 9999) {
    return field() + " must have a year from 1970 to 9999, not " + std::to_string(year);
  }
  if (month < 1 || month > 12) {
    return field() + " has no month " + std::to_string(month);
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int days_in_month = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
  if (day < 1 || day > days_in_month) {
    return field() + " names day " + std::to_string(day) + " of a month with " +
           std::to_string(days_in_month) + " days";
  }
  if (hour > 23) {
    return field() + " must have an hour from 00 to 23";
  }
  if (minute > 59) {
    return field() + " must have minutes from 00 to 59";
  }
  if (second > 59) {
    return field() + " must have seconds from 00 to 59";
  }
  return std::nullopt;
}

}  // namespace

// A map of strings (etiquetas): its type and size, then each pair in document order, its
// key (propertyNames) before its value (additionalProperties). The error names the map;
// the detail names the key.
std::optional<std::string> check_map(const PropertyRule& rule, const RawValue& value) {
  const auto name = [&rule] { return quoted(rule.name); };
  if (value.kind != Kind::kObject) {
    return name() + " must be an object, not " + kind_name(value);
  }
  if (rule.min_properties && value.length < *rule.min_properties) {
    return name() + " must hold at least " + std::to_string(*rule.min_properties) + " pairs, not " +
           std::to_string(value.length);
  }
  if (rule.max_properties && value.length > *rule.max_properties) {
    return name() + " must hold at most " + std::to_string(*rule.max_properties) + " pairs, not " +
           std::to_string(value.length);
  }
  for (std::size_t i = 0; i < value.pair_count; ++i) {
    const RawPair& pair = value.pairs[i];
    if (rule.names) {
      if (auto problem = check_string(*rule.names, pair.key)) {
        return *problem + " (key " + quoted(pair.key) + ")";
      }
    }
    if (pair.value.kind != Kind::kString) {
      return name() + " value of " + quoted(pair.key) + " must be a string, not " +
             kind_name(pair.value);
    }
    if (auto problem = check_string(*rule.values, pair.value.text)) {
      return *problem + " (key " + quoted(pair.key) + ")";
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_string(const PropertyRule& rule, std::string_view text) {
  return check_string(rule, text, utf8_length(text));
}

std::optional<std::string> check_string(const PropertyRule& rule, std::string_view text,
                                        std::size_t length) {
  if (meets_string_rules(rule, text, length)) {
    return std::nullopt;
  }
  // Which rule it breaks, in the order meets_string_rules asks them.
  const auto name = [&rule] { return quoted(rule.name); };
  if (rule.min_length && length < *rule.min_length) {
    return name() + " must be at least " + std::to_string(*rule.min_length) + " characters long";
  }
  if (rule.max_length && length > *rule.max_length) {
    return name() + " must be at most " + std::to_string(*rule.max_length) +
           " characters long, not " + std::to_string(length);
  }
  return name() + " must match " + rule.pattern->source();
}

ContractError make_error(const ContractSchema& schema, std::string code,
                         std::optional<std::string> field, std::string detail) {
  ContractError error;
  const auto status = schema.error_status.find(code);
  error.status = status == schema.error_status.end() ? 500 : status->second;
  error.error = std::move(code);
  error.field = std::move(field);
  error.detail = std::move(detail);
  return error;
}

template <class Value>
std::optional<ContractError> presence_error(const ContractSchema& schema,
                                            const std::vector<Value>& values) {
  for (const std::size_t index : schema.required) {
    if (values[index].kind == Kind::kAbsent) {
      const auto& name = schema.properties[index].name;
      return make_error(schema, "invalid_record", name, "missing required field " + quoted(name));
    }
  }
  for (const auto& rule : schema.dependent_required) {
    if (values[rule.key].kind == Kind::kAbsent) {
      continue;
    }
    for (const std::size_t need : rule.needs) {
      if (values[need].kind == Kind::kAbsent) {
        const auto& name = schema.properties[need].name;
        return make_error(schema, "invalid_record", name,
                          "missing field " + quoted(name) + ", required when " +
                              quoted(schema.properties[rule.key].name) + " is present");
      }
    }
  }
  return std::nullopt;
}

template <class Value>
std::optional<ContractError> cross_field_error(const ContractSchema& schema,
                                               const std::vector<Value>& values) {
  const auto fail = [&schema](const std::string& field, std::string detail) {
    return make_error(schema, "invalid_record", field, std::move(detail));
  };
  for (const auto& [kind, at] : schema.cross_field_order) {
    switch (kind) {
      case CrossFieldRule::Kind::kNotGreater: {
        const auto& rule = schema.not_greater[at];
        const auto& a = values[rule.field];
        const auto& b = values[rule.limit];
        if (a.kind == Kind::kAbsent || b.kind == Kind::kAbsent) {
          break;
        }
        const bool both_integers = a.kind == Kind::kInteger && b.kind == Kind::kInteger;
        const bool greater = both_integers ? a.integer > b.integer : as_double(a) > as_double(b);
        if (greater) {
          const auto& name = schema.properties[rule.field].name;
          const auto& limit = schema.properties[rule.limit].name;
          return fail(name, quoted(name) + " (" + value_text(a) + ") must not be greater than " +
                                quoted(limit) + " (" + value_text(b) + ")");
        }
        break;
      }
      case CrossFieldRule::Kind::kSumEquals: {
        const auto& rule = schema.sum_equals[at];
        double sum = 0;
        bool complete = true;
        for (const std::size_t field : rule.fields) {
          complete = complete && values[field].kind != Kind::kAbsent;
          sum += as_double(values[field]);
        }
        if (complete && !(std::fabs(sum - rule.equals) <= rule.tolerance)) {
          std::string names;
          for (const std::size_t field : rule.fields) {
            names += (names.empty() ? "" : " + ") + quoted(schema.properties[field].name);
          }
          return fail(schema.properties[rule.field].name,
                      names + " must equal " + number_text(rule.equals) + " (within " +
                          number_text(rule.tolerance) + "), not " + number_text(sum));
        }
        break;
      }
      case CrossFieldRule::Kind::kCalendar: {
        const auto& name = schema.properties[schema.calendar[at].field].name;
        const auto& value = values[schema.calendar[at].field];
        if (value.kind == Kind::kAbsent) {
          break;
        }
        if (auto problem = check_calendar(name, value.text)) {
          return fail(name, std::move(*problem));
        }
        break;
      }
    }
  }
  return std::nullopt;
}

template std::optional<ContractError> presence_error(const ContractSchema&,
                                                     const std::vector<RawValue>&);
template std::optional<ContractError> presence_error(const ContractSchema&,
                                                     const std::vector<PlainValue>&);
template std::optional<ContractError> cross_field_error(const ContractSchema&,
                                                        const std::vector<RawValue>&);
template std::optional<ContractError> cross_field_error(const ContractSchema&,
                                                        const std::vector<PlainValue>&);

namespace {

template <class Values>
void fill_record_from(const ContractSchema& schema, const Values& values, Record& out) {
  std::size_t member = 0;
  visit_fields(out, [&](std::string_view, auto& field) {
    const std::size_t property = schema.record_fields[member++];
    if (property != kNotFromInput) {
      assign(field, values[property]);
    }
  });
}

template <class Values>
void fill_entry_from(const ContractSchema& schema, const Values& values, ProcessEntry& out) {
  std::size_t member = 0;
  visit_process_fields(out, [&](std::string_view, auto& field) {
    assign(field, values[schema.process_fields[member++]]);
  });
}

}  // namespace

void fill_record(const ContractSchema& schema, const std::vector<RawValue>& values, Record& out) {
  fill_record_from(schema, values, out);
}
void fill_record(const ContractSchema& schema, const std::vector<PlainValue>& values, Record& out) {
  fill_record_from(schema, values, out);
}
void fill_entry(const ContractSchema& schema, const std::vector<RawValue>& values,
                ProcessEntry& out) {
  fill_entry_from(schema, values, out);
}
void fill_entry(const ContractSchema& schema, std::span<const PlainValue> values,
                ProcessEntry& out) {
  fill_entry_from(schema, values, out);
}

std::optional<ContractError> check_record(const ContractSchema& schema, const RawRecord& raw,
                                          Record& out) {
  if (raw.first_unknown) {
    return make_error(schema, "invalid_record", *raw.first_unknown,
                      "unknown field " + quoted(*raw.first_unknown) +
                          " (a record has only the contract's fields)");
  }
  if (auto error = presence_error(schema, raw.values)) {
    return error;
  }
  for (std::size_t i = 0; i < schema.properties.size(); ++i) {
    const auto& value = raw.values[i];
    if (value.kind == Kind::kAbsent) {
      continue;
    }
    const auto& rule = schema.properties[i];
    if (auto problem = check_property(rule, value)) {
      return make_error(schema, "invalid_record", rule.name, std::move(*problem));
    }
  }
  if (auto error = cross_field_error(schema, raw.values)) {
    return error;
  }
  out = Record{};
  fill_record(schema, raw.values, out);
  if (schema.process_list && raw.values[*schema.process_list].kind == Kind::kArray) {
    const RawValue& list = raw.values[*schema.process_list];
    auto& entries = out.procesos_top.emplace(list.item_count);
    for (std::size_t i = 0; i < list.item_count; ++i) {
      fill_entry(schema, list.items[i].values, entries[i]);
    }
  }
  return std::nullopt;
}

}  // namespace vmpulse::detail
