#include "contract_schema.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

namespace vmpulse::detail {

namespace {

using Json = nlohmann::ordered_json;  // keeps the schema's order, which the checks follow

// The message from parts, so that no call builds temporaries with operator+.
template <typename... Parts>
[[noreturn]] void bad_schema(const Parts&... parts) {
  std::string what = "contract schema: ";
  (what.append(parts), ...);
  throw std::invalid_argument(what);
}

std::size_t size_value(const Json& value, std::string_view where) {
  if (!value.is_number_unsigned()) {
    bad_schema(std::string(where) + " must be a non-negative integer");
  }
  return value.get<std::size_t>();
}

void read_object(ObjectRule& object, const Json& spec, std::string_view where, bool nested);
std::shared_ptr<const PropertyRule> string_rule(const std::string& name, const Json& spec,
                                                std::string_view where);

PropertyRule property_rule(const std::string& name, const Json& spec, bool nested) {
  PropertyRule rule;
  rule.name = name;
  if (!spec.contains("type")) {
    rule.type = FieldType::kAny;  // any JSON value (`api`, ignored on input)
  } else {
    const std::string type = spec.value("type", "");
    if (type == "string") {
      rule.type = FieldType::kString;
    } else if (type == "integer") {
      rule.type = FieldType::kInteger;
    } else if (type == "number") {
      rule.type = FieldType::kNumber;
    } else if (type == "array" && !nested) {
      rule.type = FieldType::kArray;
    } else if (type == "object" && !nested) {
      rule.type = FieldType::kMap;
    } else {
      bad_schema("property \"", name, "\" has unsupported type \"", type, "\"");
    }
  }
  for (const auto& [keyword, value] : spec.items()) {
    if (keyword == "type") {
      continue;
    }
    if (keyword == "minimum" || keyword == "maximum") {
      if (!value.is_number()) {
        bad_schema(name, ".", keyword, " must be a number");
      }
      const double bound = value.get<double>();
      (keyword == "minimum" ? rule.minimum : rule.maximum) = bound;
      if (std::trunc(bound) == bound && std::fabs(bound) < 9.2e18) {
        (keyword == "minimum" ? rule.integer_minimum : rule.integer_maximum) =
            static_cast<std::int64_t>(bound);
      }
    } else if (keyword == "minLength") {
      rule.min_length = size_value(value, name + ".minLength");
    } else if (keyword == "maxLength") {
      rule.max_length = size_value(value, name + ".maxLength");
    } else if (keyword == "pattern") {
      if (!value.is_string()) {
        bad_schema(name + ".pattern must be a string");
      }
      rule.pattern.emplace(value.get<std::string>());
    } else if (keyword == "minItems" && rule.type == FieldType::kArray) {
      rule.min_items = size_value(value, name + ".minItems");
    } else if (keyword == "maxItems" && rule.type == FieldType::kArray) {
      rule.max_items = size_value(value, name + ".maxItems");
    } else if (keyword == "x-vmpulse-compact" && rule.type == FieldType::kArray) {
      if (!value.is_boolean()) {
        bad_schema(name, ".x-vmpulse-compact must be true or false");
      }
      rule.compact_items = value.get<bool>();
    } else if (keyword == "items" && rule.type == FieldType::kArray) {
      if (!value.is_object() || value.value("type", "") != "object") {
        bad_schema(name, ".items must be an object schema (a list of objects)");
      }
      auto items = std::make_shared<ObjectRule>();
      read_object(*items, value, name + ".items", true);
      rule.items = std::move(items);
    } else if ((keyword == "minProperties" || keyword == "maxProperties") &&
               rule.type == FieldType::kMap) {
      std::string where = name;
      where.append(".").append(keyword);
      (keyword == "minProperties" ? rule.min_properties : rule.max_properties) =
          size_value(value, where);
    } else if (keyword == "propertyNames" && rule.type == FieldType::kMap) {
      rule.names = string_rule(name + " key", value, name + ".propertyNames");
    } else if (keyword == "additionalProperties" && rule.type == FieldType::kMap) {
      rule.values = string_rule(name + " value", value, name + ".additionalProperties");
    } else if (keyword != "description" && keyword != "title" && keyword != "examples") {
      // A keyword this validator would ignore is a rule nobody enforces: refuse it.
      bad_schema("property \"", name, "\" uses keyword \"", keyword,
                 "\", which the C++ validator does not implement");
    }
  }
  if (rule.type == FieldType::kArray && !rule.items) {
    bad_schema("property \"", name, "\" is an array without \"items\"");
  }
  if (rule.type == FieldType::kMap && !rule.values) {
    // Without it any value would pass here but not in the Record's Labels.
    bad_schema("property \"", name, "\" is an object without \"additionalProperties\"");
  }
  return rule;
}

// The rule of a map's keys (propertyNames: always strings, "type" may be left out) or of
// its values (additionalProperties: {"type": "string", ...}).
std::shared_ptr<const PropertyRule> string_rule(const std::string& name, const Json& spec,
                                                std::string_view where) {
  if (!spec.is_object()) {
    bad_schema(where, " must be a schema object");
  }
  PropertyRule rule = property_rule(name, spec, true);
  if (rule.type == FieldType::kAny && !spec.contains("type")) {
    rule.type = FieldType::kString;
  }
  if (rule.type != FieldType::kString) {
    bad_schema(where, " must describe strings");
  }
  return std::make_shared<const PropertyRule>(std::move(rule));
}

std::size_t object_index(const ObjectRule& object, const Json& name, std::string_view where) {
  if (!name.is_string()) {
    bad_schema(where, " names a property with a non-string");
  }
  const auto index = object.find(name.get<std::string>());
  if (!index) {
    bad_schema(where, " names unknown property \"", name.get<std::string>(), "\"");
  }
  return *index;
}

// properties, required and additionalProperties of the record or of a list's entry.
void read_object(ObjectRule& object, const Json& spec, std::string_view where, bool nested) {
  for (const auto& [keyword, value] : spec.items()) {
    if (nested && keyword != "type" && keyword != "properties" && keyword != "required" &&
        keyword != "additionalProperties" && keyword != "description") {
      bad_schema(where, " uses keyword \"", keyword,
                 "\", which the C++ validator does not implement");
    }
  }
  object.additional_properties = spec.value("additionalProperties", true);
  for (const auto& [name, property] : spec.at("properties").items()) {
    object.properties.push_back(property_rule(name, property, nested));
  }
  if (spec.contains("required")) {
    for (const auto& name : spec.at("required")) {
      object.required.push_back(object_index(object, name, std::string(where) + ".required"));
    }
  }
  // Only names that JSON writes as they are (no escapes); otherwise no fast path.
  const bool plain = std::all_of(
      object.properties.begin(), object.properties.end(), [](const PropertyRule& property) {
        return std::all_of(property.name.begin(), property.name.end(),
                           [](char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; });
      });
  for (std::size_t k = 0; plain && k < object.properties.size(); ++k) {
    object.quoted_keys.push_back("\"" + object.properties[k].name + "\":");
  }
}

void read_rules(ContractSchema& schema, const Json& rules) {
  for (const auto& [kind, list] : rules.items()) {
    if (kind == "not_greater") {
      for (const auto& pair : list) {
        if (!pair.is_array() || pair.size() != 2) {
          bad_schema("not_greater entries are [field, limit]");
        }
        schema.not_greater.push_back({object_index(schema, pair[0], "not_greater"),
                                      object_index(schema, pair[1], "not_greater")});
        schema.cross_field_order.push_back(
            {CrossFieldRule::Kind::kNotGreater, schema.not_greater.size() - 1});
      }
    } else if (kind == "sum_equals") {
      for (const auto& spec : list) {
        SumEqualsRule rule;
        for (const auto& field : spec.at("fields")) {
          rule.fields.push_back(object_index(schema, field, "sum_equals"));
        }
        rule.equals = spec.at("equals").get<double>();
        rule.tolerance = spec.at("tolerance").get<double>();
        rule.field = object_index(schema, spec.at("field"), "sum_equals");
        schema.sum_equals.push_back(std::move(rule));
        schema.cross_field_order.push_back(
            {CrossFieldRule::Kind::kSumEquals, schema.sum_equals.size() - 1});
      }
    } else if (kind == "calendar_datetime") {
      for (const auto& field : list) {
        const auto index = object_index(schema, field, "calendar_datetime");
        if (schema.properties[index].type != FieldType::kString) {
          bad_schema("calendar_datetime needs a string property");
        }
        schema.calendar.push_back({index});
        schema.cross_field_order.push_back(
            {CrossFieldRule::Kind::kCalendar, schema.calendar.size() - 1});
      }
    } else if (kind == "ignored_on_input") {
      for (const auto& field : list) {
        schema.ignored_on_input.push_back(object_index(schema, field, "ignored_on_input"));
      }
    } else {
      bad_schema("unknown cross-field rule \"" + kind + "\" in x-vmpulse-rules");
    }
  }
}

void read_ingest(ContractSchema& schema, const Json& ingest) {
  schema.limits.max_batch = size_value(ingest.at("max_batch"), "max_batch");
  schema.limits.max_body_bytes = size_value(ingest.at("max_body_bytes"), "max_body_bytes");
  schema.limits.max_depth = size_value(ingest.at("max_depth"), "max_depth");
  if (schema.limits.max_depth < 2) {
    bad_schema("max_depth below 2 would refuse every batch");
  }
  schema.limits.busy_retry_after_seconds =
      size_value(ingest.at("busy_retry_after_seconds"), "busy_retry_after_seconds");
  schema.idempotency_key.emplace(ingest.at("idempotency_key_pattern").get<std::string>());
  for (const auto& [code, status] : ingest.at("errors").items()) {
    schema.error_status.emplace(code, status.get<int>());
  }
  if (ingest.contains("routes")) {
    for (const auto& [route, path] : ingest.at("routes").items()) {
      schema.routes.emplace_back(route, path.get<std::string>());
    }
  }
  if (ingest.contains("paths")) {
    for (const auto& path : ingest.at("paths")) {
      schema.paths.push_back(path.get<std::string>());
    }
  }
  if (ingest.contains("metrics_routes")) {
    for (const auto& [label, path] : ingest.at("metrics_routes").items()) {
      schema.metrics_routes.emplace_back(label, path.get<std::string>());
    }
  }
  for (const char* needed : {"invalid_json", "invalid_record", "batch_too_large"}) {
    if (!schema.error_status.count(needed)) {
      bad_schema(std::string("errors lacks \"") + needed + "\"");
    }
  }
}

void read_dependent_required(ContractSchema& schema, const Json& spec) {
  for (const auto& [key, needs] : spec.items()) {
    DependentRule rule;
    rule.key = object_index(schema, Json(key), "dependentRequired");
    for (const auto& need : needs) {
      rule.needs.push_back(object_index(schema, need, "dependentRequired"));
    }
    schema.dependent_required.push_back(std::move(rule));
  }
}

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

// The schema type a C++ member holds: std::string, std::int64_t, double or Labels, possibly
// inside std::optional (the property is then not required).
template <class T>
constexpr FieldType member_type() {
  if constexpr (IsOptional<T>::value) {
    return member_type<typename T::value_type>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    return FieldType::kString;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return FieldType::kInteger;
  } else if constexpr (std::is_same_v<T, Labels>) {
    return FieldType::kMap;
  } else {
    static_assert(std::is_same_v<T, double>, "a Record member of a type the contract lacks");
    return FieldType::kNumber;
  }
}

const char* type_name(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "a string";
    case FieldType::kInteger:
      return "an integer";
    case FieldType::kNumber:
      return "a number";
    case FieldType::kAny:
      return "any value";
    case FieldType::kArray:
      return "an array";
    case FieldType::kMap:
      return "an object of strings";
  }
  return "?";
}

// The members `visit` visits on an `Object`, matched with the properties of `object`
// by name: the property each member is filled from (kNotFromInput for those the route
// sets). A member without a property, or of another type, or optional where the schema
// requires it (or the reverse), makes the schema fail to load: the contract and the C++
// types cannot drift apart silently.
template <class Object, class Visit>
std::vector<std::size_t> bind_members(const ObjectRule& object,
                                      const std::vector<std::size_t>& route_set,
                                      std::string_view what, std::vector<char>& bound,
                                      Visit visit) {
  std::vector<std::size_t> slots;
  bound.assign(object.properties.size(), 0);
  Object sample{};
  visit(sample, [&](std::string_view name, auto& member) {
    using Member = std::remove_cv_t<std::remove_reference_t<decltype(member)>>;
    const auto index = object.find(name);
    if (!index) {
      bad_schema(what, " member \"", name, "\" has no property in the schema");
    }
    bound[*index] = 1;
    const auto& rule = object.properties[*index];
    if (std::find(route_set.begin(), route_set.end(), *index) != route_set.end()) {
      slots.push_back(kNotFromInput);
      return;
    }
    if (rule.type != member_type<Member>()) {
      bad_schema("property \"", name, "\" is ", type_name(rule.type), " in the schema but ",
                 type_name(member_type<Member>()), " in ", what);
    }
    const bool required =
        std::find(object.required.begin(), object.required.end(), *index) != object.required.end();
    if (required == IsOptional<Member>::value) {
      bad_schema("property \"", name, "\" is ", required ? "required" : "optional",
                 " in the schema but not in ", what);
    }
    // The visit order is the order the record's JSON, SQL columns and rows follow: it
    // must be the schema's.
    if (!slots.empty() && slots.back() != kNotFromInput && slots.back() > *index) {
      bad_schema(what, " visits \"", name, "\" out of the schema's properties order");
    }
    slots.push_back(*index);
  });
  return slots;
}

void bind_record(ContractSchema& schema) {
  std::vector<char> bound;
  schema.record_fields =
      bind_members<Record>(schema, schema.ignored_on_input, "vmpulse::Record", bound,
                           [](Record& record, auto&& visitor) { visit_fields(record, visitor); });
  for (std::size_t i = 0; i < schema.properties.size(); ++i) {
    const auto& rule = schema.properties[i];
    if (bound[i]) {
      continue;
    }
    // The one list of a Record; visit_fields() visits scalars only.
    if (rule.type != FieldType::kArray || rule.name != "procesos_top" || schema.process_list) {
      bad_schema("property \"", rule.name, "\" has no member in vmpulse::Record");
    }
    schema.process_list = i;
    std::vector<char> entry_bound;
    schema.process_fields = bind_members<ProcessEntry>(
        *rule.items, {}, "vmpulse::ProcessEntry", entry_bound,
        [](ProcessEntry& entry, auto&& visitor) { visit_process_fields(entry, visitor); });
    for (std::size_t j = 0; j < entry_bound.size(); ++j) {
      if (!entry_bound[j]) {
        bad_schema("property \"", rule.name, ".", rule.items->properties[j].name,
                   "\" has no member in vmpulse::ProcessEntry");
      }
    }
  }
}

}  // namespace

std::optional<std::size_t> ObjectRule::find(std::string_view name) const {
  for (std::size_t i = 0; i < properties.size(); ++i) {
    if (properties[i].name == name) {
      return i;
    }
  }
  return std::nullopt;
}

ContractSchema build_contract_schema(std::string_view schema_text) {
  Json root;
  try {
    root = Json::parse(schema_text);
  } catch (const Json::exception& error) {
    bad_schema(std::string("not JSON: ") + error.what());
  }
  ContractSchema schema;
  try {
    if (root.value("type", "") != "object") {
      bad_schema("the record must be an object");
    }
    if (!root.contains("required")) {
      bad_schema("the record has no \"required\" list");
    }
    read_object(schema, root, "record", false);
    if (root.contains("dependentRequired")) {
      read_dependent_required(schema, root.at("dependentRequired"));
    }
    if (root.contains("x-vmpulse-rules")) {
      read_rules(schema, root.at("x-vmpulse-rules"));
    }
    read_ingest(schema, root.at("x-vmpulse-ingest"));
    bind_record(schema);
  } catch (const Json::exception& error) {
    bad_schema(error.what());
  }
  return schema;
}

const ContractSchema& contract_schema() {
  // Built once, on first use; a broken embedded schema fails loudly at start-up in
  // every binary and in the unit tests, never quietly at the first request.
  static const ContractSchema schema = build_contract_schema(kRecordSchemaText);
  return schema;
}

}  // namespace vmpulse::detail
