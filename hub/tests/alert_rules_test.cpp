#include "alert_rules.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace vmpulse::hub;
using std::chrono::milliseconds;

namespace {

std::string error_of(std::string_view text) {
  auto parsed = parse_alert_rules(text, "rules.yaml");
  if (auto* rules = std::get_if<AlertRules>(&parsed)) {
    return "(parsed " + std::to_string(rules->rules.size()) + " rules)";
  }
  return std::get<std::string>(parsed);
}

AlertRules parsed_ok(std::string_view text) {
  auto parsed = parse_alert_rules(text, "rules.yaml");
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << *problem;
    return {};
  }
  return std::get<AlertRules>(std::move(parsed));
}

const char* const kOneRule = R"(vm_down:
  after: 10s
rules:
  - name: cpu_high
    metric: porcentaje_cpu_uso
    op: ">="
    threshold: 90
    resolve: 85
    for: 2m
    severity: warning
)";

}  // namespace

TEST(AlertRules, ShippedDefaultsParse) {
  const auto rules = load_alert_rules(VMPULSE_SOURCE_DIR "/config/alerts.yaml");
  ASSERT_TRUE(std::holds_alternative<AlertRules>(rules)) << std::get<std::string>(rules);
  const AlertRules& r = std::get<AlertRules>(rules);
  EXPECT_TRUE(r.vm_down.enabled);
  EXPECT_EQ(r.vm_down.after, milliseconds(30'000));
  EXPECT_EQ(r.vm_down.severity, Severity::critical);
  ASSERT_EQ(r.rules.size(), 4u);
  EXPECT_EQ(r.rules[0].name, "cpu_high");
  EXPECT_EQ(r.rules[0].hold, std::chrono::minutes(2));
  EXPECT_EQ(r.rules[0].resolve, 85);
  EXPECT_EQ(r.rules[1].name, "cpu_critical");
  EXPECT_EQ(r.rules[1].threshold, 97);
  EXPECT_EQ(r.rules[1].severity, Severity::critical);
  EXPECT_EQ(r.rules[2].name, "ram_high");
  EXPECT_EQ(r.rules[2].metric, "porcentaje_ram");
  EXPECT_EQ(r.rules[3].name, "zombies");
  EXPECT_EQ(r.rules[3].metric, "procesos_zombie");
  EXPECT_EQ(r.rules[3].hold, std::chrono::minutes(5));
}

TEST(AlertRules, FieldsAndDefaults) {
  const AlertRules r = parsed_ok(R"(rules:
  - name: low_free
    metric: ram_libre
    op: "<"
    threshold: 100
    for: 500ms
    vms:
      - match: "db-*"
        threshold: 200
      - match: lab-?
        enabled: false
)");
  EXPECT_EQ(r.vm_down.after, milliseconds(30'000));  // vm_down: not given
  ASSERT_EQ(r.rules.size(), 1u);
  const AlertRule& rule = r.rules[0];
  EXPECT_EQ(rule.comparison, Comparison::less);
  EXPECT_EQ(rule.resolve, 100);  // no resolve: the threshold
  EXPECT_EQ(rule.hold, milliseconds(500));
  EXPECT_EQ(rule.severity, Severity::warning);
  ASSERT_EQ(rule.overrides.size(), 2u);
  EXPECT_EQ(rule.overrides[0].match, "db-*");
  EXPECT_EQ(rule.overrides[0].threshold, 200);
  EXPECT_EQ(rule.overrides[0].resolve, 200);  // no hysteresis in the rule: none here
  EXPECT_FALSE(rule.overrides[1].enabled);
}

TEST(AlertRules, ForZeroAndVmDownSettings) {
  const AlertRules r = parsed_ok(R"(vm_down: {after: 1h, severity: warning, enabled: false}
rules:
  - {name: z, metric: procesos_zombie, threshold: 1, for: 0}
)");
  EXPECT_FALSE(r.vm_down.enabled);
  EXPECT_EQ(r.vm_down.after, std::chrono::hours(1));
  EXPECT_EQ(r.vm_down.severity, Severity::warning);
  EXPECT_EQ(r.rules.at(0).hold, milliseconds(0));
}

TEST(AlertRules, ErrorsNameFileLineAndField) {
  struct Case {
    std::string text;
    std::string expected;  // a prefix of the error
    std::string mentions;
  };
  const std::string head = "rules:\n  - name: cpu_high\n";
  const std::vector<Case> cases = {
      {head + "    metric: porcentaje_gpu\n    threshold: 90\n",
       "rules.yaml:3: rules[0].metric: unknown metric \"porcentaje_gpu\"", "porcentaje_cpu_uso"},
      // The known list names the version 2 metrics too; text fields are not metrics.
      {head + "    metric: carga_2\n    threshold: 90\n",
       "rules.yaml:3: rules[0].metric: unknown metric \"carga_2\"", "porcentaje_cpu_robado"},
      {head + "    metric: procesos_top\n    threshold: 90\n",
       "rules.yaml:3: rules[0].metric: unknown metric \"procesos_top\"", "carga_1"},
      {head + "    metric: hora\n    threshold: 90\n",
       "rules.yaml:3: rules[0].metric: unknown metric \"hora\"", "red_tx_kib_s"},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n    for: 5x\n",
       "rules.yaml:5: rules[0].for: ", "unit"},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n    for: soon\n",
       "rules.yaml:5: rules[0].for: ", "number"},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n"
              "  - name: cpu_high\n    metric: porcentaje_ram\n    threshold: 90\n",
       "rules.yaml:5: rules[1].name: \"cpu_high\" is used by another rule", ""},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n    severity: page\n",
       "rules.yaml:5: rules[0].severity: \"page\" is not a severity", "critical"},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n    resolve: 95\n",
       "rules.yaml:5: rules[0].resolve: 95 is on the firing side", "at most"},
      {head + "    metric: ram_libre\n    op: \"<\"\n    threshold: 10\n    resolve: 5\n",
       "rules.yaml:6: rules[0].resolve: 5 is on the firing side", "at least"},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n    treshold: 80\n",
       "rules.yaml:5: rules[0].treshold: unknown key", "threshold"},
      {"vm_down:\n  after: 30s\n  enabld: true\n", "rules.yaml:3: vm_down.enabld: unknown key", ""},
      {"alerts:\n  - x\n", "rules.yaml:1: alerts: unknown key", ""},
      {"rules:\n  - name: vm_down\n    metric: porcentaje_cpu_uso\n    threshold: 1\n",
       "rules.yaml:2: rules[0].name: vm_down is the built-in rule", ""},
      {"rules:\n  - name: CPU-High\n    metric: porcentaje_cpu_uso\n    threshold: 1\n",
       "rules.yaml:2: rules[0].name: \"CPU-High\" must be lower-case", ""},
      {head + "    metric: porcentaje_cpu_uso\n", "rules.yaml:2: rules[0].threshold: missing", ""},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: ninety\n",
       "rules.yaml:4: rules[0].threshold: \"ninety\" is not a number", ""},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n    op: \"=>\"\n",
       "rules.yaml:5: rules[0].op: \"=>\" is not one of", ""},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n    metric: porcentaje_ram\n",
       "rules.yaml:5: rules[0].metric: given twice", ""},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n    resolve: 80\n"
              "    vms:\n      - match: web-1\n        threshold: 70\n",
       "rules.yaml:8: rules[0].vms[0].threshold: 80 is on the firing side", ""},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n"
              "    vms:\n      - threshold: 70\n",
       "rules.yaml:6: rules[0].vms[0].match: missing", ""},
      {head + "    metric: porcentaje_cpu_uso\n    threshold: 90\n"
              "    vms:\n      - match: \"web 1\"\n",
       "rules.yaml:6: rules[0].vms[0].match: \"web 1\" must be a VM name", ""},
      {"vm_down:\n  after: 0\n", "rules.yaml:2: vm_down.after: \"0\" must be from", ""},
      {"vm_down:\n  severity: high\n", "rules.yaml:2: vm_down.severity: \"high\"", ""},
      {"rules:\n  - name: [a\n", "rules.yaml:", "(yaml)"},
      {"", "rules.yaml:1: (file): is empty", ""},
      {"- just a list\n", "rules.yaml:1: (file): must be a mapping", ""},
  };
  for (const Case& c : cases) {
    const std::string error = error_of(c.text);
    EXPECT_EQ(error.rfind(c.expected, 0), 0u) << "got: " << error << "\nfor:\n" << c.text;
    EXPECT_NE(error.find(c.mentions), std::string::npos) << error;
  }
}

TEST(AlertRules, LoadNamesTheFile) {
  const std::string path = ::testing::TempDir() + "alert_rules_test.yaml";
  {
    std::ofstream out(path);
    out << kOneRule << "    for: 3m\n";
  }
  const auto loaded = load_alert_rules(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(loaded));
  EXPECT_EQ(std::get<std::string>(loaded), path + ":11: rules[0].for: given twice");
  const auto missing = load_alert_rules(path + ".missing");
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_NE(std::get<std::string>(missing).find(path + ".missing"), std::string::npos);
}
