#include "contract_schema.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace vmpulse::detail {

namespace {

using Json = nlohmann::ordered_json;  // keeps the schema's order, which the checks follow

// The one place a schema property meets a C++ member: a property missing here makes
// the schema fail to load, so the contract and the Record cannot drift apart silently.
std::optional<RecordSlot> record_slot(std::string_view name) {
  if (name == "vm") {
    return RecordSlot{&Record::vm, nullptr, nullptr};
  }
  if (name == "hora") {
    return RecordSlot{&Record::hora, nullptr, nullptr};
  }
  if (name == "api") {
    return RecordSlot{&Record::api, nullptr, nullptr};
  }
  if (name == "total_ram") {
    return RecordSlot{nullptr, &Record::total_ram, nullptr};
  }
  if (name == "ram_libre") {
    return RecordSlot{nullptr, &Record::ram_libre, nullptr};
  }
  if (name == "uso_ram") {
    return RecordSlot{nullptr, &Record::uso_ram, nullptr};
  }
  if (name == "procesos_corriendo") {
    return RecordSlot{nullptr, &Record::procesos_corriendo, nullptr};
  }
  if (name == "procesos_durmiendo") {
    return RecordSlot{nullptr, &Record::procesos_durmiendo, nullptr};
  }
  if (name == "procesos_zombie") {
    return RecordSlot{nullptr, &Record::procesos_zombie, nullptr};
  }
  if (name == "procesos_parados") {
    return RecordSlot{nullptr, &Record::procesos_parados, nullptr};
  }
  if (name == "total_procesos") {
    return RecordSlot{nullptr, &Record::total_procesos, nullptr};
  }
  if (name == "porcentaje_ram") {
    return RecordSlot{nullptr, nullptr, &Record::porcentaje_ram};
  }
  if (name == "porcentaje_cpu_uso") {
    return RecordSlot{nullptr, nullptr, &Record::porcentaje_cpu_uso};
  }
  if (name == "porcentaje_cpu_libre") {
    return RecordSlot{nullptr, nullptr, &Record::porcentaje_cpu_libre};
  }
  return std::nullopt;
}

// The message from parts, so that no call builds temporaries with operator+.
template <typename... Parts>
[[noreturn]] void bad_schema(const Parts&... parts) {
  std::string what = "contract schema: ";
  (what.append(parts), ...);
  throw std::invalid_argument(what);
}

std::size_t property_index(const ContractSchema& schema, const Json& name, std::string_view where) {
  if (!name.is_string()) {
    bad_schema(std::string(where) + " names a property with a non-string");
  }
  const auto index = schema.find(name.get<std::string>());
  if (!index) {
    bad_schema(std::string(where) + " names unknown property \"" + name.get<std::string>() + "\"");
  }
  return *index;
}

std::size_t size_value(const Json& value, std::string_view where) {
  if (!value.is_number_unsigned()) {
    bad_schema(std::string(where) + " must be a non-negative integer");
  }
  return value.get<std::size_t>();
}

PropertyRule property_rule(const std::string& name, const Json& spec) {
  PropertyRule rule;
  rule.name = name;
  const auto slot = record_slot(name);
  if (!slot) {
    bad_schema("property \"" + name + "\" has no member in vmpulse::Record");
  }
  rule.slot = *slot;
  const std::string type = spec.value("type", "");
  if (type == "string") {
    rule.type = FieldType::kString;
    if (!slot->text) {
      bad_schema("property \"" + name + "\" is a string in the schema but not in Record");
    }
  } else if (type == "integer") {
    rule.type = FieldType::kInteger;
    if (!slot->integer) {
      bad_schema("property \"" + name + "\" is an integer in the schema but not in Record");
    }
  } else if (type == "number") {
    rule.type = FieldType::kNumber;
    if (!slot->number) {
      bad_schema("property \"" + name + "\" is a number in the schema but not in Record");
    }
  } else {
    bad_schema("property \"" + name + "\" has unsupported type \"" + type + "\"");
  }
  for (const auto& [keyword, value] : spec.items()) {
    if (keyword == "type") {
      continue;
    }
    if (keyword == "minimum" || keyword == "maximum") {
      if (!value.is_number()) {
        bad_schema(name, ".", keyword, " must be a number");
      }
      (keyword == "minimum" ? rule.minimum : rule.maximum) = value.get<double>();
    } else if (keyword == "minLength") {
      rule.min_length = size_value(value, name + ".minLength");
    } else if (keyword == "maxLength") {
      rule.max_length = size_value(value, name + ".maxLength");
    } else if (keyword == "pattern") {
      if (!value.is_string()) {
        bad_schema(name + ".pattern must be a string");
      }
      rule.pattern.emplace(value.get<std::string>());
    } else if (keyword != "description" && keyword != "title" && keyword != "examples") {
      // A keyword this validator would ignore is a rule nobody enforces: refuse it.
      bad_schema("property \"", name, "\" uses keyword \"", keyword,
                 "\", which the C++ validator does not implement");
    }
  }
  return rule;
}

void read_rules(ContractSchema& schema, const Json& rules) {
  for (const auto& [kind, list] : rules.items()) {
    if (kind == "not_greater") {
      for (const auto& pair : list) {
        if (!pair.is_array() || pair.size() != 2) {
          bad_schema("not_greater entries are [field, limit]");
        }
        schema.not_greater.push_back({property_index(schema, pair[0], "not_greater"),
                                      property_index(schema, pair[1], "not_greater")});
        schema.cross_field_order.push_back(
            {CrossFieldRule::Kind::kNotGreater, schema.not_greater.size() - 1});
      }
    } else if (kind == "sum_equals") {
      for (const auto& spec : list) {
        SumEqualsRule rule;
        for (const auto& field : spec.at("fields")) {
          rule.fields.push_back(property_index(schema, field, "sum_equals"));
        }
        rule.equals = spec.at("equals").get<double>();
        rule.tolerance = spec.at("tolerance").get<double>();
        rule.field = property_index(schema, spec.at("field"), "sum_equals");
        schema.sum_equals.push_back(std::move(rule));
        schema.cross_field_order.push_back(
            {CrossFieldRule::Kind::kSumEquals, schema.sum_equals.size() - 1});
      }
    } else if (kind == "calendar_datetime") {
      for (const auto& field : list) {
        const auto index = property_index(schema, field, "calendar_datetime");
        if (schema.properties[index].type != FieldType::kString) {
          bad_schema("calendar_datetime needs a string property");
        }
        schema.calendar.push_back({index});
        schema.cross_field_order.push_back(
            {CrossFieldRule::Kind::kCalendar, schema.calendar.size() - 1});
      }
    } else if (kind == "ignored_on_input") {
      for (const auto& field : list) {
        schema.ignored_on_input.push_back(property_index(schema, field, "ignored_on_input"));
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
  schema.idempotency_key.emplace(ingest.at("idempotency_key_pattern").get<std::string>());
  for (const auto& [code, status] : ingest.at("errors").items()) {
    schema.error_status.emplace(code, status.get<int>());
  }
  for (const char* needed : {"invalid_json", "invalid_record", "batch_too_large"}) {
    if (!schema.error_status.count(needed)) {
      bad_schema(std::string("errors lacks \"") + needed + "\"");
    }
  }
}

}  // namespace

std::optional<std::size_t> ContractSchema::find(std::string_view name) const {
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
    schema.additional_properties = root.value("additionalProperties", true);
    for (const auto& [name, spec] : root.at("properties").items()) {
      schema.properties.push_back(property_rule(name, spec));
    }
    for (const auto& name : root.at("required")) {
      schema.required.push_back(property_index(schema, name, "required"));
    }
    if (root.contains("x-vmpulse-rules")) {
      read_rules(schema, root.at("x-vmpulse-rules"));
    }
    read_ingest(schema, root.at("x-vmpulse-ingest"));
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
