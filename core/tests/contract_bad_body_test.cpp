// Bad bodies and the exact answer contract/README.md steps 6–8 give for each:
// status, error code, field and index (detail is for people and only checked to exist).
#include <gtest/gtest.h>

#include "contract_test_util.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse {
namespace {

using test::array_of;
using test::entry_with;
using test::kGoodRecord;
using test::with;
using test::with_all;
using test::with_raw;
using test::without;

struct BadBody {
  std::string name;
  std::string body;
  int status;
  std::string error;
  std::optional<std::string> field;
  std::optional<std::size_t> index;
};

void PrintTo(const BadBody& c, std::ostream* os) { *os << c.name; }

// {"k0":"v",…,"k16":"v"}: one pair over maxProperties.
std::string seventeen_labels() {
  std::string out = "{";
  for (int i = 0; i < 17; ++i) {
    out += (i > 0 ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  }
  return out + "}";
}

std::vector<BadBody> bad_bodies() {
  const std::string good = kGoodRecord;
  const auto none = std::nullopt;
  return {
      // Step 6: strict JSON.
      {"empty", "", 400, "invalid_json", none, none},
      {"only_spaces", " \n\t ", 400, "invalid_json", none, none},
      {"truncated", good.substr(0, 40), 400, "invalid_json", none, none},
      {"trailing_comma", R"({"vm":"a",})", 400, "invalid_json", none, none},
      {"nan", with_raw("porcentaje_ram", "NaN"), 400, "invalid_json", none, none},
      {"infinity", with_raw("porcentaje_ram", "Infinity"), 400, "invalid_json", none, none},
      {"negative_infinity", with_raw("porcentaje_ram", "-Infinity"), 400, "invalid_json", none,
       none},
      {"raw_tab_in_string", with_raw("vm", "\"vm\t1\""), 400, "invalid_json", none, none},
      {"raw_newline_in_string", with_raw("vm", "\"vm\n1\""), 400, "invalid_json", none, none},
      {"invalid_utf8", with_raw("vm", "\"vm\xff\""), 400, "invalid_json", none, none},
      {"overlong_utf8", with_raw("vm", "\"\xc0\xaf\""), 400, "invalid_json", none, none},
      {"lone_surrogate_escape", with_raw("vm", R"("\ud800")"), 400, "invalid_json", none, none},
      {"single_quotes", "{'vm':'a'}", 400, "invalid_json", none, none},
      {"comment", "/* c */" + good, 400, "invalid_json", none, none},
      {"trailing_garbage", good + " x", 400, "invalid_json", none, none},
      {"two_values", good + good, 400, "invalid_json", none, none},
      {"hex_number", with_raw("total_ram", "0x10"), 400, "invalid_json", none, none},
      {"leading_zero", with_raw("total_ram", "0123"), 400, "invalid_json", none, none},
      // max_depth 4: body array, record, procesos_top, entry.
      {"too_deep_array", "[[[[" + good + "]]]]", 400, "invalid_json", none, none},
      {"too_deep_value_in_batch", "[" + with("vm", "[[{}]]") + "]", 400, "invalid_json", none,
       none},
      {"too_deep_in_record", with("vm", "[[[[1]]]]"), 400, "invalid_json", none, none},
      {"too_deep_entry_value_in_batch",
       "[" + with("procesos_top", "[" + entry_with("pid", "{}") + "]") + "]", 400, "invalid_json",
       none, none},
      {"too_deep_api", with("api", "[[[[1]]]]"), 400, "invalid_json", none, none},
      {"duplicate_key_in_entry",
       with_raw("hora", R"("2026-11-26 18:00:00","procesos_top":[{"pid":1,"pid":2}])"), 400,
       "invalid_json", "pid", none},
      {"duplicate_key", good.substr(0, good.size() - 1) + R"(,"vm":"vm-2"})", 400, "invalid_json",
       "vm", none},
      {"duplicate_unknown_key", R"({"x":1,"x":2})", 400, "invalid_json", "x", none},
      {"duplicate_key_in_batch", "[" + good + "," + R"({"hora":1,"hora":2})" + "]", 400,
       "invalid_json", "hora", none},
      {"duplicate_key_nested", R"({"vm":{"a":1,"a":2}})", 400, "invalid_json", "a", none},
      {"syntax_error_beats_duplicate", R"({"vm":"a","vm":"b",)", 400, "invalid_json", none, none},
      {"depth_beats_shape", R"([5, [[[[1]]]]])", 400, "invalid_json", none, none},
      {"depth_4_is_json", with("vm", "[[[1]]]"), 400, "invalid_record", "vm", none},
      // Step 7: shape.
      {"empty_array", "[]", 400, "invalid_record", none, none},
      {"number_body", "5", 400, "invalid_record", none, none},
      {"string_body", R"("record")", 400, "invalid_record", none, none},
      {"null_body", "null", 400, "invalid_record", none, none},
      {"element_not_object", "[" + good + ",5]", 400, "invalid_record", none, 1},
      {"element_is_array", "[" + good + ",[]]", 400, "invalid_record", none, 1},
      {"shape_beats_record", "[" + with("vm", "5") + ",true]", 400, "invalid_record", none, 1},
      {"batch_too_large", array_of(good, 1001), 400, "batch_too_large", none, none},
      {"batch_too_large_beats_bad_element", "[5," + array_of(good, 1001).substr(1), 400,
       "batch_too_large", none, none},
      // Step 8: each record.
      {"unknown_field", with("extra", "1"), 400, "invalid_record", "extra", none},
      {"first_unknown_in_document_order", R"({"zzz":1,"aaa":2})", 400, "invalid_record", "zzz",
       none},
      {"unknown_beats_missing", R"({"vm":"a","nope":1})", 400, "invalid_record", "nope", none},
      {"missing_field", without("total_ram"), 400, "invalid_record", "total_ram", none},
      {"missing_in_required_order", R"({"hora":"2026-01-01 00:00:00"})", 400, "invalid_record",
       "vm", none},
      {"missing_last", without("hora"), 400, "invalid_record", "hora", none},
      {"empty_object", "{}", 400, "invalid_record", "vm", none},
      {"vm_not_string", with("vm", "5"), 400, "invalid_record", "vm", none},
      {"vm_empty", with("vm", R"("")"), 400, "invalid_record", "vm", none},
      {"vm_too_long", with("vm", "\"" + std::string(65, 'a') + "\""), 400, "invalid_record", "vm",
       none},
      {"vm_space", with("vm", R"("vm 1")"), 400, "invalid_record", "vm", none},
      {"vm_non_ascii", with("vm", R"("vm\u00e9")"), 400, "invalid_record", "vm", none},
      {"vm_slash", with("vm", R"("a/b")"), 400, "invalid_record", "vm", none},
      {"vm_object", with("vm", "{}"), 400, "invalid_record", "vm", none},
      {"total_ram_negative", with("total_ram", "-1"), 400, "invalid_record", "total_ram", none},
      {"total_ram_fraction", with("total_ram", "5.5"), 400, "invalid_record", "total_ram", none},
      {"total_ram_string", with("total_ram", R"("8000")"), 400, "invalid_record", "total_ram",
       none},
      {"total_ram_array", with("total_ram", "[1]"), 400, "invalid_record", "total_ram", none},
      {"total_ram_over_2_53", with_raw("total_ram", "9007199254740992"), 400, "invalid_record",
       "total_ram", none},
      {"total_ram_uint64_max", with_raw("total_ram", "18446744073709551615"), 400, "invalid_record",
       "total_ram", none},
      {"total_ram_beyond_uint64", with_raw("total_ram", "18446744073709551616"), 400,
       "invalid_record", "total_ram", none},
      {"total_ram_beyond_int64_negative", with_raw("total_ram", "-9223372036854775809"), 400,
       "invalid_record", "total_ram", none},
      {"total_ram_beyond_double", with_raw("total_ram", "1e400"), 400, "invalid_record",
       "total_ram", none},
      {"percent_beyond_double", with_raw("porcentaje_ram", "-1e999"), 400, "invalid_record",
       "porcentaje_ram", none},
      {"ram_libre_bool", with("ram_libre", "true"), 400, "invalid_record", "ram_libre", none},
      {"porcentaje_ram_over_100", with("porcentaje_ram", "100.01"), 400, "invalid_record",
       "porcentaje_ram", none},
      {"porcentaje_ram_negative", with("porcentaje_ram", "-0.5"), 400, "invalid_record",
       "porcentaje_ram", none},
      {"porcentaje_ram_null", with("porcentaje_ram", "null"), 400, "invalid_record",
       "porcentaje_ram", none},
      {"procesos_zombie_over_int32", with("procesos_zombie", "2147483648"), 400, "invalid_record",
       "procesos_zombie", none},
      {"hora_iso_t", with("hora", R"("2026-11-26T18:00:00")"), 400, "invalid_record", "hora", none},
      {"hora_number", with("hora", "20261126"), 400, "invalid_record", "hora", none},
      {"hora_feb_30", with("hora", R"("2026-02-30 00:00:00")"), 400, "invalid_record", "hora",
       none},
      {"hora_feb_29_non_leap", with("hora", R"("2023-02-29 00:00:00")"), 400, "invalid_record",
       "hora", none},
      {"hora_feb_29_1900_rule", with("hora", R"("2100-02-29 00:00:00")"), 400, "invalid_record",
       "hora", none},
      {"hora_hour_24", with("hora", R"("2026-11-26 24:00:00")"), 400, "invalid_record", "hora",
       none},
      {"hora_minute_60", with("hora", R"("2026-11-26 23:60:00")"), 400, "invalid_record", "hora",
       none},
      {"hora_second_60", with("hora", R"("2026-11-26 23:59:60")"), 400, "invalid_record", "hora",
       none},
      {"hora_month_13", with("hora", R"("2026-13-01 00:00:00")"), 400, "invalid_record", "hora",
       none},
      {"hora_day_0", with("hora", R"("2026-01-00 00:00:00")"), 400, "invalid_record", "hora", none},
      {"hora_before_1970", with("hora", R"("1969-12-31 23:59:59")"), 400, "invalid_record", "hora",
       none},
      {"ram_libre_over_total", with("ram_libre", "8001"), 400, "invalid_record", "ram_libre", none},
      {"uso_ram_over_total", with("uso_ram", "9000"), 400, "invalid_record", "uso_ram", none},
      {"corriendo_over_total", with("procesos_corriendo", "155"), 400, "invalid_record",
       "procesos_corriendo", none},
      {"parados_over_total", with("procesos_parados", "200"), 400, "invalid_record",
       "procesos_parados", none},
      {"cpu_sum_low", with("porcentaje_cpu_libre", "78.7"), 400, "invalid_record",
       "porcentaje_cpu_libre", none},
      {"cpu_sum_high", with("porcentaje_cpu_uso", "21.5"), 400, "invalid_record",
       "porcentaje_cpu_libre", none},
      {"properties_in_schema_order", with_all({{"total_ram", R"("x")"}, {"vm", "5"}}), 400,
       "invalid_record", "vm", none},
      {"property_check_before_cross_field", with_all({{"ram_libre", "9000"}, {"hora", "1"}}), 400,
       "invalid_record", "hora", none},
      {"cross_field_rules_in_order", with_all({{"uso_ram", "9000"}, {"ram_libre", "9000"}}), 400,
       "invalid_record", "ram_libre", none},
      {"bad_record_in_batch", "[" + good + "," + good + "," + with("total_ram", "-1") + "]", 400,
       "invalid_record", "total_ram", 2},
      {"first_bad_record_wins", "[" + good + "," + with("vm", "1") + "," + without("hora") + "]",
       400, "invalid_record", "vm", 1},
      {"unknown_field_in_batch", "[" + with("x", "1") + "]", 400, "invalid_record", "x", 0},
      // Version 2: optional fields, dependentRequired (right after required, in its key
      // order, the missing dependency named), the new cross-field pairs.
      {"carga_1_alone", with("carga_1", "1"), 400, "invalid_record", "carga_5", none},
      {"carga_5_alone", with("carga_5", "1"), 400, "invalid_record", "carga_1", none},
      {"carga_1_and_5", with_all({{"carga_1", "1"}, {"carga_5", "1"}}), 400, "invalid_record",
       "carga_15", none},
      {"swap_libre_alone", with("swap_libre", "1"), 400, "invalid_record", "swap_total", none},
      {"disco_total_alone", with("disco_total", "1"), 400, "invalid_record", "disco_libre", none},
      {"robado_alone", with("porcentaje_cpu_robado", "1"), 400, "invalid_record",
       "porcentaje_cpu_espera", none},
      {"red_tx_alone", with("red_tx_kib_s", "1"), 400, "invalid_record", "red_rx_kib_s", none},
      {"escritura_alone", with("disco_escritura_kib_s", "1"), 400, "invalid_record",
       "disco_lectura_kib_s", none},
      {"dependent_in_key_order", with_all({{"swap_total", "1"}, {"carga_15", "1"}}), 400,
       "invalid_record", "carga_1", none},
      {"dependent_null_is_present", with_all({{"swap_total", "null"}}), 400, "invalid_record",
       "swap_libre", none},
      {"dependent_before_hora_type", with_all({{"carga_1", "1"}, {"hora", "null"}}), 400,
       "invalid_record", "carga_5", none},
      {"required_beats_dependent",
       without("hora").substr(0, without("hora").size() - 1) + R"(,"carga_1":1})", 400,
       "invalid_record", "hora", none},
      {"dependent_before_properties", with_all({{"vm", "5"}, {"swap_total", "1"}}), 400,
       "invalid_record", "swap_libre", none},
      {"carga_string", with_all({{"carga_1", R"("1")"}, {"carga_5", "1"}, {"carga_15", "1"}}), 400,
       "invalid_record", "carga_1", none},
      {"carga_over_max", with_all({{"carga_1", "1"}, {"carga_5", "1000001"}, {"carga_15", "1"}}),
       400, "invalid_record", "carga_5", none},
      {"robado_over_100",
       with_all({{"porcentaje_cpu_robado", "100.5"}, {"porcentaje_cpu_espera", "1"}}), 400,
       "invalid_record", "porcentaje_cpu_robado", none},
      {"espera_negative",
       with_all({{"porcentaje_cpu_robado", "1"}, {"porcentaje_cpu_espera", "-0.5"}}), 400,
       "invalid_record", "porcentaje_cpu_espera", none},
      {"swap_fraction", with_all({{"swap_total", "1.5"}, {"swap_libre", "1"}}), 400,
       "invalid_record", "swap_total", none},
      {"swap_libre_over_total", with_all({{"swap_total", "100"}, {"swap_libre", "101"}}), 400,
       "invalid_record", "swap_libre", none},
      {"disco_libre_over_total", with_all({{"disco_total", "100"}, {"disco_libre", "101"}}), 400,
       "invalid_record", "disco_libre", none},
      {"red_rx_over_max", with_all({{"red_rx_kib_s", "1e13"}, {"red_tx_kib_s", "1"}}), 400,
       "invalid_record", "red_rx_kib_s", none},
      {"tiempo_activo_negative", with("tiempo_activo", "-1"), 400, "invalid_record",
       "tiempo_activo", none},
      {"tiempo_activo_fraction", with("tiempo_activo", "1.5"), 400, "invalid_record",
       "tiempo_activo", none},
      {"tiempo_activo_null", with("tiempo_activo", "null"), 400, "invalid_record", "tiempo_activo",
       none},
      // procesos_top: the error names the list; the detail the entry and its field.
      {"top_not_array", with("procesos_top", "{}"), 400, "invalid_record", "procesos_top", none},
      {"top_null", with("procesos_top", "null"), 400, "invalid_record", "procesos_top", none},
      {"top_51_entries", with("procesos_top", array_of(entry_with("pid", "1"), 51)), 400,
       "invalid_record", "procesos_top", none},
      {"top_entry_not_object", with("procesos_top", "[" + entry_with("pid", "1") + ",5]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_entry_array", with("procesos_top", "[[]]"), 400, "invalid_record", "procesos_top",
       none},
      {"top_entry_unknown_field", with("procesos_top", "[" + entry_with("uid", "0") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_entry_missing_pid",
       with("procesos_top", R"([{"nombre":"a","estado":"R",)"
                            R"("porcentaje_cpu":1,"ram_mib":1}])"),
       400, "invalid_record", "procesos_top", none},
      {"top_pid_zero", with("procesos_top", "[" + entry_with("pid", "0") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_pid_over_max", with("procesos_top", "[" + entry_with("pid", "4194305") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_pid_fraction", with("procesos_top", "[" + entry_with("pid", "1.5") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_nombre_empty", with("procesos_top", "[" + entry_with("nombre", R"("")") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_nombre_65_bytes",
       with("procesos_top", "[" + entry_with("nombre", "\"" + std::string(65, 'n') + "\"") + "]"),
       400, "invalid_record", "procesos_top", none},
      {"top_nombre_control",
       with("procesos_top", "[" + entry_with("nombre", R"("a\u0001b")") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_nombre_del", with("procesos_top", "[" + entry_with("nombre", R"("a\u007f")") + "]"),
       400, "invalid_record", "procesos_top", none},
      {"top_nombre_not_ascii",
       with("procesos_top", "[" + entry_with("nombre", R"("caf\u00e9")") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_estado_two_letters", with("procesos_top", "[" + entry_with("estado", R"("RS")") + "]"),
       400, "invalid_record", "procesos_top", none},
      {"top_estado_digit", with("procesos_top", "[" + entry_with("estado", R"("1")") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_cpu_over_100", with("procesos_top", "[" + entry_with("porcentaje_cpu", "100.01") + "]"),
       400, "invalid_record", "procesos_top", none},
      {"top_ram_negative", with("procesos_top", "[" + entry_with("ram_mib", "-1") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_ram_string", with("procesos_top", "[" + entry_with("ram_mib", R"("1")") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_entry_value_object", with("procesos_top", "[" + entry_with("pid", "{}") + "]"), 400,
       "invalid_record", "procesos_top", none},
      {"top_before_hora", with_all({{"procesos_top", "5"}, {"hora", "1"}}), 400, "invalid_record",
       "procesos_top", none},
      {"top_after_tiempo_activo", with_all({{"tiempo_activo", "-1"}, {"procesos_top", "5"}}), 400,
       "invalid_record", "tiempo_activo", none},
      {"top_bad_in_batch",
       "[" + good + "," + with("procesos_top", "[" + entry_with("estado", R"("")") + "]") + "]",
       400, "invalid_record", "procesos_top", 1},
      // etiquetas: a map of strings (maxProperties, propertyNames, additionalProperties).
      {"labels_array", with("etiquetas", R"(["env"])"), 400, "invalid_record", "etiquetas", none},
      {"labels_null", with("etiquetas", "null"), 400, "invalid_record", "etiquetas", none},
      {"labels_string", with("etiquetas", R"("env=prod")"), 400, "invalid_record", "etiquetas",
       none},
      {"labels_17_pairs", with("etiquetas", seventeen_labels()), 400, "invalid_record", "etiquetas",
       none},
      {"labels_upper_key", with("etiquetas", R"({"Env":"prod"})"), 400, "invalid_record",
       "etiquetas", none},
      {"labels_digit_first", with("etiquetas", R"({"1env":"prod"})"), 400, "invalid_record",
       "etiquetas", none},
      {"labels_empty_key", with("etiquetas", R"({"":"prod"})"), 400, "invalid_record", "etiquetas",
       none},
      {"labels_key_33", with("etiquetas", "{\"k" + std::string(32, '0') + "\":\"v\"}"), 400,
       "invalid_record", "etiquetas", none},
      {"labels_empty_value", with("etiquetas", R"({"env":""})"), 400, "invalid_record", "etiquetas",
       none},
      {"labels_value_65", with("etiquetas", "{\"env\":\"" + std::string(65, 'v') + "\"}"), 400,
       "invalid_record", "etiquetas", none},
      {"labels_number_value", with("etiquetas", R"({"env":1})"), 400, "invalid_record", "etiquetas",
       none},
      {"labels_null_value", with("etiquetas", R"({"env":null})"), 400, "invalid_record",
       "etiquetas", none},
      {"labels_object_value", with("etiquetas", R"({"env":{}})"), 400, "invalid_record",
       "etiquetas", none},
      {"labels_control_value", with("etiquetas", R"({"env":"a\u0001"})"), 400, "invalid_record",
       "etiquetas", none},
      {"labels_del_value", with("etiquetas", R"({"env":"a\u007f"})"), 400, "invalid_record",
       "etiquetas", none},
      {"labels_non_ascii_value", with("etiquetas", R"({"env":"\u00f1"})"), 400, "invalid_record",
       "etiquetas", none},
      {"labels_bad_after_good", with("etiquetas", R"({"env":"prod","Role":"db"})"), 400,
       "invalid_record", "etiquetas", none},
      // Raw text: a JSON library would keep one of the two keys.
      {"labels_duplicate_key", R"({"etiquetas":{"env":"a","env":"b"},)" + good.substr(1), 400,
       "invalid_json", "env", none},
      {"labels_duplicate_wins_over_bad_value",
       R"({"etiquetas":{"env":"","env":"b"},)" + good.substr(1), 400, "invalid_json", "env", none},
      {"labels_before_hora", with_all({{"etiquetas", "[]"}, {"hora", "1"}}), 400, "invalid_record",
       "etiquetas", none},
      {"labels_bad_in_batch", "[" + good + "," + with("etiquetas", R"({"env":""})") + "]", 400,
       "invalid_record", "etiquetas", 1},
      // In a batch etiquetas is depth 3: a value one more level down is still judged by the
      // rules, two more is past max_depth.
      {"labels_value_at_max_depth", "[" + with("etiquetas", R"({"env":[1]})") + "]", 400,
       "invalid_record", "etiquetas", 0},
      {"labels_value_past_max_depth", "[" + with("etiquetas", R"({"env":[[1]]})") + "]", 400,
       "invalid_json", none, none},
  };
}

class BadBodyTest : public ::testing::TestWithParam<BadBody> {};

TEST_P(BadBodyTest, AnswersTheContractsError) {
  const auto& expected = GetParam();
  const auto result = parse_ingest_body(expected.body);
  ASSERT_TRUE(std::holds_alternative<ContractError>(result)) << "accepted: " << expected.body;
  const auto& error = std::get<ContractError>(result);
  EXPECT_EQ(error.status, expected.status);
  EXPECT_EQ(error.error, expected.error) << error.detail;
  EXPECT_EQ(error.field, expected.field) << error.detail;
  EXPECT_EQ(error.index, expected.index) << error.detail;
  EXPECT_FALSE(error.detail.empty());
}

INSTANTIATE_TEST_SUITE_P(Contract, BadBodyTest, ::testing::ValuesIn(bad_bodies()),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(BadBodies, AtLeastFortyCases) { EXPECT_GE(bad_bodies().size(), 40U); }

TEST(ContractErrorJson, FieldsInContractOrder) {
  ContractError error{400, "invalid_record", "vm", 3, "\"vm\" must match ^[A-Za-z0-9._-]+$"};
  EXPECT_EQ(
      to_json(error),
      R"({"error":"invalid_record","field":"vm","index":3,"detail":"\"vm\" must match ^[A-Za-z0-9._-]+$"})");
  error.field.reset();
  error.index.reset();
  EXPECT_EQ(to_json(error),
            R"({"error":"invalid_record","detail":"\"vm\" must match ^[A-Za-z0-9._-]+$"})");
}

TEST(ContractErrorJson, DetailsNameTheProblem) {
  const auto detail_of = [](const std::string& body) {
    return std::get<ContractError>(parse_ingest_body(body)).detail;
  };
  EXPECT_NE(detail_of(with("ram_libre", "8001")).find("must not be greater than \"total_ram\""),
            std::string::npos);
  EXPECT_NE(detail_of(with("hora", R"("2026-02-30 00:00:00")")).find("day 30"), std::string::npos);
  EXPECT_NE(detail_of(without("vm")).find("missing required field \"vm\""), std::string::npos);
  EXPECT_NE(detail_of(with("total_ram", "-1")).find("at least 0"), std::string::npos);
  EXPECT_NE(detail_of("").find("empty"), std::string::npos);
  EXPECT_NE(detail_of(with("carga_5", "1")).find("\"carga_1\""), std::string::npos);
  const auto entry_detail =
      detail_of(with("procesos_top", "[" + test::entry_with("pid", "1") + "," +
                                         test::entry_with("nombre", R"("a\u0001")") + "]"));
  EXPECT_NE(entry_detail.find("entry 1"), std::string::npos) << entry_detail;
  EXPECT_NE(entry_detail.find("\"nombre\""), std::string::npos) << entry_detail;
  const auto long_detail =
      detail_of(with("procesos_top", array_of(test::entry_with("pid", "1"), 60)));
  EXPECT_NE(long_detail.find("at most 50"), std::string::npos) << long_detail;
}

}  // namespace
}  // namespace vmpulse
