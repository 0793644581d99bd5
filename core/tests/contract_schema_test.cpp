// The rule table really is the schema: the embedded text is the file in the source
// tree, every property and rule of the file has its entry, and changing the schema
// text changes what is checked.
#include "contract_schema.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "contract_parse.hpp"
#include "contract_test_util.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse {
namespace {

using Json = nlohmann::ordered_json;

std::string schema_file_text() {
  std::ifstream file(std::string(VMPULSE_SOURCE_DIR) + "/contract/record.schema.json");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(Schema, EmbeddedTextIsTheSourceFile) {
  const auto text = schema_file_text();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(detail::kRecordSchemaText, text);
}

// One property's rule against its text in the file (entries of a list included).
void expect_rule_of(const detail::PropertyRule& rule, const std::string& name, const Json& spec) {
  EXPECT_EQ(rule.name, name) << "properties out of schema order";
  const std::string type = spec.value("type", "");
  const auto expected_type = type == "string"    ? detail::FieldType::kString
                             : type == "integer" ? detail::FieldType::kInteger
                             : type == "number"  ? detail::FieldType::kNumber
                             : type == "array"   ? detail::FieldType::kArray
                             : type == "object"  ? detail::FieldType::kMap
                                                 : detail::FieldType::kAny;
  EXPECT_EQ(rule.type, expected_type) << name;
  if (spec.contains("minimum")) {
    EXPECT_EQ(rule.minimum, spec["minimum"].get<double>()) << name;
  } else {
    EXPECT_FALSE(rule.minimum) << name;
  }
  if (spec.contains("maximum")) {
    EXPECT_EQ(rule.maximum, spec["maximum"].get<double>()) << name;
  } else {
    EXPECT_FALSE(rule.maximum) << name;
  }
  // The integer bounds: the schema's whole-number bounds (every one of them is), exactly.
  const auto integer_of = [&spec](const char* keyword) {
    return spec.contains(keyword) && spec[keyword].is_number_integer()
               ? std::optional(spec[keyword].get<std::int64_t>())
               : std::nullopt;
  };
  EXPECT_EQ(rule.integer_minimum, integer_of("minimum")) << name;
  EXPECT_EQ(rule.integer_maximum, integer_of("maximum")) << name;
  const auto size_of = [&spec](const char* keyword) {
    return spec.contains(keyword) ? std::optional(spec[keyword].get<std::size_t>()) : std::nullopt;
  };
  EXPECT_EQ(rule.min_length, size_of("minLength")) << name;
  EXPECT_EQ(rule.max_length, size_of("maxLength")) << name;
  EXPECT_EQ(rule.min_items, size_of("minItems")) << name;
  EXPECT_EQ(rule.max_items, size_of("maxItems")) << name;
  if (spec.contains("pattern")) {
    ASSERT_TRUE(rule.pattern) << name;
    EXPECT_EQ(rule.pattern->source(), spec["pattern"].get<std::string>());
    EXPECT_TRUE(rule.pattern->compiled())
        << name << ": the schema's pattern fell back to std::regex";
  } else {
    EXPECT_FALSE(rule.pattern) << name;
  }
  if (spec.contains("items")) {
    ASSERT_TRUE(rule.items) << name;
    const auto& items = spec["items"];
    ASSERT_EQ(rule.items->properties.size(), items.at("properties").size()) << name;
    std::size_t i = 0;
    for (const auto& [entry_name, entry_spec] : items.at("properties").items()) {
      expect_rule_of(rule.items->properties[i++], entry_name, entry_spec);
    }
    ASSERT_EQ(rule.items->required.size(), items.at("required").size());
    for (std::size_t r = 0; r < rule.items->required.size(); ++r) {
      EXPECT_EQ(rule.items->properties[rule.items->required[r]].name, items["required"][r]);
    }
    EXPECT_EQ(rule.items->additional_properties, items.value("additionalProperties", true));
  } else {
    EXPECT_FALSE(rule.items) << name;
  }
  EXPECT_EQ(rule.min_properties, size_of("minProperties")) << name;
  EXPECT_EQ(rule.max_properties, size_of("maxProperties")) << name;
  if (type == "object") {
    // A map of strings: its keys' rule (propertyNames, always strings) and its values'.
    ASSERT_TRUE(rule.names) << name;
    Json names = spec["propertyNames"];
    names["type"] = "string";
    expect_rule_of(*rule.names, name + " key", names);
    ASSERT_TRUE(rule.values) << name;
    expect_rule_of(*rule.values, name + " value", spec["additionalProperties"]);
  } else {
    EXPECT_FALSE(rule.names) << name;
    EXPECT_FALSE(rule.values) << name;
  }
}

TEST(Schema, EveryPropertyHasItsRule) {
  const auto file = Json::parse(schema_file_text());
  const auto& table = detail::contract_schema();
  ASSERT_EQ(table.properties.size(), file.at("properties").size());
  std::size_t i = 0;
  for (const auto& [name, spec] : file.at("properties").items()) {
    expect_rule_of(table.properties[i++], name, spec);
  }
}

TEST(Schema, DependentRequiredFollowsTheFile) {
  const auto file = Json::parse(schema_file_text());
  const auto& table = detail::contract_schema();
  ASSERT_EQ(table.dependent_required.size(), file.at("dependentRequired").size());
  std::size_t i = 0;
  for (const auto& [key, needs] : file.at("dependentRequired").items()) {
    const auto& rule = table.dependent_required[i++];
    EXPECT_EQ(table.properties[rule.key].name, key) << "dependentRequired out of schema order";
    ASSERT_EQ(rule.needs.size(), needs.size()) << key;
    for (std::size_t n = 0; n < needs.size(); ++n) {
      EXPECT_EQ(table.properties[rule.needs[n]].name, needs[n].get<std::string>()) << key;
    }
  }
}

// The Record's members are bound to the schema's properties by name through
// visit_fields(): every member that is not the route's (api) has its property.
TEST(Schema, RecordMembersAreBoundByName) {
  const auto& table = detail::contract_schema();
  std::size_t member = 0;
  Record record;
  visit_fields(record, [&](std::string_view name, auto&) {
    ASSERT_LT(member, table.record_fields.size());
    const auto property = table.record_fields[member++];
    if (name == "api") {
      EXPECT_EQ(property, detail::kNotFromInput);
    } else {
      ASSERT_NE(property, detail::kNotFromInput) << name;
      EXPECT_EQ(table.properties[property].name, name);
    }
  });
  EXPECT_EQ(member, table.record_fields.size());
  ASSERT_TRUE(table.process_list);
  EXPECT_EQ(table.properties[*table.process_list].name, "procesos_top");
  EXPECT_EQ(table.process_fields.size(), 5U);
}

TEST(Schema, RequiredAndRulesFollowTheFile) {
  const auto file = Json::parse(schema_file_text());
  const auto& table = detail::contract_schema();
  ASSERT_EQ(table.required.size(), file.at("required").size());
  for (std::size_t i = 0; i < table.required.size(); ++i) {
    EXPECT_EQ(table.properties[table.required[i]].name, file["required"][i].get<std::string>());
  }
  const auto& rules = file.at("x-vmpulse-rules");
  EXPECT_EQ(table.not_greater.size(), rules.at("not_greater").size());
  EXPECT_EQ(table.sum_equals.size(), rules.at("sum_equals").size());
  EXPECT_EQ(table.calendar.size(), rules.at("calendar_datetime").size());
  EXPECT_EQ(table.ignored_on_input.size(), rules.at("ignored_on_input").size());
  EXPECT_EQ(table.additional_properties, file.at("additionalProperties").get<bool>());
  EXPECT_EQ(table.error_status.size(), file.at("x-vmpulse-ingest").at("errors").size());
}

// A copy of the schema with one edit, turned into a rule table.
detail::ContractSchema edited(const std::function<void(Json&)>& edit) {
  auto file = Json::parse(schema_file_text());
  edit(file);
  return detail::build_contract_schema(file.dump());
}

TEST(Schema, ChangingTheSchemaChangesTheChecks) {
  const auto table = edited([](Json& s) { s["properties"]["vm"]["maxLength"] = 3; });
  const auto result = detail::parse_body(table, test::kGoodRecord);  // vm is "vm-1", 4 characters
  ASSERT_TRUE(std::holds_alternative<ContractError>(result));
  EXPECT_EQ(std::get<ContractError>(result).field, "vm");

  const auto lenient = edited([](Json& s) { s["properties"]["porcentaje_ram"]["maximum"] = 1000; });
  EXPECT_TRUE(std::holds_alternative<std::vector<Record>>(
      detail::parse_body(lenient, test::with("porcentaje_ram", "500"))));

  // A bound that is not a whole number has no integer form: integers meet it as doubles.
  const auto fractional = edited([](Json& s) {
    s["properties"]["procesos_corriendo"]["minimum"] = 1.5;
    s["properties"]["procesos_corriendo"]["maximum"] = 2.5;
  });
  EXPECT_FALSE(fractional.properties[*fractional.find("procesos_corriendo")].integer_minimum);
  EXPECT_TRUE(std::holds_alternative<std::vector<Record>>(
      detail::parse_body(fractional, test::with("procesos_corriendo", "2"))));
  for (const char* outside : {"1", "3"}) {
    const auto refused = detail::parse_body(fractional, test::with("procesos_corriendo", outside));
    ASSERT_TRUE(std::holds_alternative<ContractError>(refused)) << outside;
    EXPECT_EQ(std::get<ContractError>(refused).field, "procesos_corriendo");
  }

  const auto small_batch = edited([](Json& s) { s["x-vmpulse-ingest"]["max_batch"] = 2; });
  const auto batch = detail::parse_body(small_batch, test::array_of(test::kGoodRecord, 3));
  ASSERT_TRUE(std::holds_alternative<ContractError>(batch));
  EXPECT_EQ(std::get<ContractError>(batch).error, "batch_too_large");

  const auto short_list = edited([](Json& s) { s["properties"]["procesos_top"]["maxItems"] = 1; });
  const auto two = detail::parse_body(
      short_list, test::with("procesos_top", test::array_of(test::entry_with("pid", "1"), 2)));
  ASSERT_TRUE(std::holds_alternative<ContractError>(two));
  EXPECT_EQ(std::get<ContractError>(two).field, "procesos_top");

  const auto no_pairs = edited([](Json& s) { s.erase("dependentRequired"); });
  EXPECT_TRUE(std::holds_alternative<std::vector<Record>>(
      detail::parse_body(no_pairs, test::with("carga_1", "1"))));

  const auto new_pattern =
      edited([](Json& s) { s["properties"]["vm"]["pattern"] = "^[a-z]+-[0-9]$"; });
  EXPECT_TRUE(std::holds_alternative<std::vector<Record>>(
      detail::parse_body(new_pattern, test::kGoodRecord)));
  EXPECT_TRUE(std::holds_alternative<ContractError>(
      detail::parse_body(new_pattern, test::with("vm", R"("vm1")"))));
}

TEST(Schema, RefusesWhatItCannotEnforce) {
  EXPECT_THROW(edited([](Json& s) {
                 s["properties"]["new_field"] = {{"type", "integer"}};
               }),
               std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["properties"]["vm"]["format"] = "hostname"; }),
               std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["x-vmpulse-rules"]["all_different"] = Json::array(); }),
               std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) {
                 s["x-vmpulse-rules"]["not_greater"].push_back({"vm2", "total_ram"});
               }),
               std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["required"].push_back("nothing"); }), std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["properties"]["total_ram"]["type"] = "string"; }),
               std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["properties"]["vm"]["pattern"] = "([a-"; }),
               std::invalid_argument);
  EXPECT_THROW(detail::build_contract_schema("{not json"), std::invalid_argument);
  // Version 2: the Record decides what the schema may say about its members.
  EXPECT_THROW(edited([](Json& s) { s["required"].push_back("carga_1"); }),
               std::invalid_argument);  // Record::carga_1 is optional
  EXPECT_THROW(edited([](Json& s) { s["properties"]["carga_1"]["type"] = "integer"; }),
               std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["properties"].erase("tiempo_activo"); }),
               std::invalid_argument);
  EXPECT_THROW(
      edited([](Json& s) {
        s["properties"]["procesos_top"]["items"]["properties"]["uid"] = {{"type", "integer"}};
      }),
      std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["properties"]["procesos_top"]["uniqueItems"] = true; }),
               std::invalid_argument);
  EXPECT_THROW(
      edited([](Json& s) { s["properties"]["procesos_top"]["items"]["minProperties"] = 1; }),
      std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["dependentRequired"]["carga_1"].push_back("nothing"); }),
               std::invalid_argument);
  // etiquetas: a map of strings, nothing else.
  EXPECT_THROW(edited([](Json& s) {
                 s["properties"]["etiquetas"]["additionalProperties"] = {{"type", "integer"}};
               }),
               std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) { s["properties"]["etiquetas"].erase("additionalProperties"); }),
               std::invalid_argument);
  EXPECT_THROW(edited([](Json& s) {
                 s["properties"]["etiquetas"]["properties"] = {{"env", {{"type", "string"}}}};
               }),
               std::invalid_argument);
  EXPECT_THROW(
      edited([](Json& s) { s["properties"]["etiquetas"]["propertyNames"]["format"] = "x"; }),
      std::invalid_argument);
}

TEST(Schema, ChangingTheMapsRulesChangesTheChecks) {
  const auto table = edited([](Json& s) {
    s["properties"]["etiquetas"]["maxProperties"] = 1;
    s["properties"]["etiquetas"]["propertyNames"]["pattern"] = "^[a-z]{1,3}$";
  });
  const auto& rule = table.properties[*table.find("etiquetas")];
  EXPECT_EQ(rule.max_properties, 1U);
  EXPECT_TRUE(rule.names->pattern->matches("env"));
  EXPECT_FALSE(rule.names->pattern->matches("role"));
}

}  // namespace
}  // namespace vmpulse
