// The alert rules file (config/alerts.yaml, --alerts FILE; format in docs/alerts.md):
// parsed and checked at start, so a mistake stops the hub with the file, line and
// field instead of an alert that never fires. Pure; thread-compatible.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alert.hpp"

namespace vmpulse::hub {

enum class Comparison { greater_equal, greater, less_equal, less };  // >= > <= <

// A per-VM change to a rule: the first override whose `match` (a VM name, or a pattern
// with * and ?) matches the VM applies; unset fields keep the rule's values.
struct RuleOverride {
  std::string match;
  std::optional<double> threshold;
  std::optional<double> resolve;
  std::optional<std::chrono::milliseconds> hold;  // the rule's `for`
  std::optional<Severity> severity;
  bool enabled = true;  // false: the rule never fires for these VMs
};

struct AlertRule {
  std::string name;    // [a-z][a-z0-9_]*, at most 64 bytes, unique, not vm_down
  std::string metric;  // a numeric column of the record (rows.hpp, kMetricColumns)
  Comparison comparison = Comparison::greater_equal;
  double threshold = 0;
  // Hysteresis: a firing (or pending) alert resolves only once the value is past this
  // (below it for >=/>, above it for <=/<); the default is the threshold itself.
  double resolve = 0;
  std::chrono::milliseconds hold{0};  // `for`: how long the condition holds before firing
  Severity severity = Severity::warning;
  std::string summary;  // optional text for people; "" → made from the rule
  std::vector<RuleOverride> overrides;
};

struct VmDownRule {
  bool enabled = true;
  std::chrono::milliseconds after{30'000};  // no sample from a VM for this long
  Severity severity = Severity::critical;
};

struct AlertRules {
  VmDownRule vm_down;
  std::vector<AlertRule> rules;
};

// Parses a rules file's text; an error reads "<file>:<line>: <field>: <problem>".
std::variant<AlertRules, std::string> parse_alert_rules(std::string_view text,
                                                        std::string_view file_name);
// Reads and parses the file at `path`.
std::variant<AlertRules, std::string> load_alert_rules(const std::string& path);

}  // namespace vmpulse::hub
