#include "alert_rules.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "rows.hpp"
#include "vmpulse/config.hpp"

namespace vmpulse::hub {
namespace {

// A rules file is written by an operator, but it is still read with limits: a file
// this large or a list this long is a mistake, not a configuration.
constexpr std::size_t kMaxFileBytes = 1 << 20;
constexpr std::size_t kMaxRules = 1000;
constexpr std::size_t kMaxOverrides = 1000;
constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxSummaryBytes = 255;
constexpr std::size_t kMaxMatchBytes = 64;
constexpr std::chrono::milliseconds kMaxHold = std::chrono::hours(24);
constexpr std::chrono::milliseconds kMinAfter{100};
constexpr std::chrono::milliseconds kMaxAfter = std::chrono::hours(24);

// "rules[0]" and "for" → "rules[0].for": the field named in an error.
std::string dotted(const std::string& prefix, std::string_view key) {
  std::string field = prefix;
  field += '.';
  field += key;
  return field;
}

// Thrown inside the parser only, caught by parse_alert_rules: the first mistake ends
// the parse, and unwinding is the shortest way back from deep in a rule.
struct RulesError {
  std::string text;
};

class RulesParser {
 public:
  explicit RulesParser(std::string_view file_name) : file_(file_name) {}

  AlertRules parse(const YAML::Node& root) {
    AlertRules rules;
    if (!root.IsDefined() || root.IsNull()) {
      fail(root, "(file)", "is empty; expected the keys vm_down and rules");
    }
    if (!root.IsMap()) {
      fail(root, "(file)", "must be a mapping with the keys vm_down and rules");
    }
    for_each_key(root, "", {"vm_down", "rules"},
                 [&](const std::string& key, const YAML::Node& value, const YAML::Node& at) {
                   if (key == "vm_down") {
                     rules.vm_down = vm_down(value, at);
                   } else {
                     rules.rules = rule_list(value, at);
                   }
                 });
    return rules;
  }

 private:
  [[noreturn]] void fail(const YAML::Node& at, std::string_view field,
                         std::string_view problem) const {
    throw RulesError{where(at) + std::string(field) + ": " + std::string(problem)};
  }

  std::string where(const YAML::Node& at) const {
    const YAML::Mark mark = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
    // A missing value (a null node) has no mark of its own: the last key seen is next
    // to it.
    const int line = mark.is_null() ? last_line_ : mark.line + 1;
    return std::string(file_) + ":" + std::to_string(line) + ": ";
  }

  // Calls `handle(key, value, key_node)` for each key of the mapping `node`, in order;
  // a key not in `allowed`, or given twice, is an error (yaml-cpp keeps both copies).
  template <typename Handle>
  void for_each_key(const YAML::Node& node, const std::string& prefix,
                    std::initializer_list<std::string_view> allowed, Handle handle) {
    std::set<std::string> seen;
    for (const auto& item : node) {
      const YAML::Node& key_node = item.first;
      if (!key_node.IsScalar()) {
        fail(key_node, prefix.empty() ? "(key)" : prefix, "a key must be a plain word");
      }
      const std::string key = key_node.Scalar();
      const std::string field = prefix.empty() ? key : dotted(prefix, key);
      last_line_ = key_node.Mark().line + 1;
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string known;
        for (std::string_view name : allowed) {
          known += known.empty() ? "" : ", ";
          known += name;
        }
        fail(key_node, field, "unknown key (known here: " + known + ")");
      }
      if (!seen.insert(key).second) {
        fail(key_node, field, "given twice");
      }
      handle(key, item.second, key_node);
    }
  }

  std::string scalar(const YAML::Node& node, const YAML::Node& at, const std::string& field) {
    if (!node.IsScalar()) {
      fail(node.IsNull() ? at : node, field, node.IsNull() ? "has no value" : "must be a value");
    }
    return node.Scalar();
  }

  double number(const YAML::Node& node, const YAML::Node& at, const std::string& field) {
    const std::string text = scalar(node, at, field);
    double value = 0;
    if (!YAML::convert<double>::decode(node, value) || !std::isfinite(value)) {
      fail(node, field, "\"" + text + "\" is not a number");
    }
    return value;
  }

  bool boolean(const YAML::Node& node, const YAML::Node& at, const std::string& field) {
    const std::string text = scalar(node, at, field);
    bool value = false;
    if (!YAML::convert<bool>::decode(node, value)) {
      fail(node, field, "\"" + text + "\" is not true or false");
    }
    return value;
  }

  Severity severity(const YAML::Node& node, const YAML::Node& at, const std::string& field) {
    const std::string text = scalar(node, at, field);
    auto parsed = severity_from(text);
    if (!parsed) {
      fail(node, field, "\"" + text + "\" is not a severity (warning or critical)");
    }
    return *parsed;
  }

  // `for` may be 0 (fire at once); every other duration has parse_duration's forms.
  std::chrono::milliseconds duration(const YAML::Node& node, const YAML::Node& at,
                                     const std::string& field, std::chrono::milliseconds low,
                                     std::chrono::milliseconds high) {
    const std::string text = scalar(node, at, field);
    std::chrono::milliseconds value{0};
    if (text != "0" && text != "0s" && text != "0ms") {
      auto parsed = parse_duration(text);
      if (auto* problem = std::get_if<std::string>(&parsed)) {
        fail(node, field, *problem);
      }
      value = std::get<std::chrono::milliseconds>(parsed);
    }
    if (value < low || value > high) {
      fail(node, field,
           "\"" + text + "\" must be from " + std::to_string(low.count()) + "ms to " +
               std::to_string(high.count() / 1000) + "s");
    }
    return value;
  }

  VmDownRule vm_down(const YAML::Node& node, const YAML::Node& at) {
    if (!node.IsMap()) {
      fail(node.IsNull() ? at : node, "vm_down", "must be a mapping of after, severity, enabled");
    }
    VmDownRule rule;
    for_each_key(node, "vm_down", {"after", "severity", "enabled"},
                 [&](const std::string& key, const YAML::Node& value, const YAML::Node& key_at) {
                   const std::string field = "vm_down." + key;
                   if (key == "after") {
                     rule.after = duration(value, key_at, field, kMinAfter, kMaxAfter);
                   } else if (key == "severity") {
                     rule.severity = severity(value, key_at, field);
                   } else {
                     rule.enabled = boolean(value, key_at, field);
                   }
                 });
    return rule;
  }

  std::vector<AlertRule> rule_list(const YAML::Node& node, const YAML::Node& at) {
    std::vector<AlertRule> rules;
    if (node.IsNull()) {
      return rules;  // "rules:" with nothing: only vm_down
    }
    if (!node.IsSequence()) {
      fail(node, "rules", "must be a list of rules");
    }
    if (node.size() > kMaxRules) {
      fail(at, "rules", "more than " + std::to_string(kMaxRules) + " rules");
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string field = "rules[" + std::to_string(i) + "]";
      AlertRule rule = one_rule(node[i], field);
      if (!names.insert(rule.name).second) {
        fail(node[i]["name"], field + ".name", "\"" + rule.name + "\" is used by another rule");
      }
      rules.push_back(std::move(rule));
    }
    return rules;
  }

  static bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxNameBytes || name.front() < 'a' || name.front() > 'z') {
      return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
  }

  static bool valid_match(std::string_view match) {
    // A record's vm name (letters, digits, . _ -) plus the wildcards * and ?.
    return !match.empty() && match.size() <= kMaxMatchBytes &&
           std::all_of(match.begin(), match.end(), [](char c) {
             return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '*' || c == '?';
           });
  }

  static Comparison comparison_from(std::string_view text, bool& ok) {
    ok = true;
    if (text == ">=") {
      return Comparison::greater_equal;
    }
    if (text == ">") {
      return Comparison::greater;
    }
    if (text == "<=") {
      return Comparison::less_equal;
    }
    if (text == "<") {
      return Comparison::less;
    }
    ok = false;
    return Comparison::greater_equal;
  }

  static bool upward(Comparison comparison) {
    return comparison == Comparison::greater_equal || comparison == Comparison::greater;
  }

  // The resolve threshold must leave the firing side: below the threshold for >= and >,
  // above it for <= and <; otherwise the alert would resolve while still breaching.
  void check_resolve(Comparison comparison, double threshold, double resolve, const YAML::Node& at,
                     const std::string& field) {
    const bool ok = upward(comparison) ? resolve <= threshold : resolve >= threshold;
    if (!ok) {
      std::ostringstream text;
      text << resolve << " is on the firing side of the threshold " << threshold
           << (upward(comparison) ? " (with >= or > it must be at most the threshold)"
                                  : " (with <= or < it must be at least the threshold)");
      fail(at, field, text.str());
    }
  }

  AlertRule one_rule(const YAML::Node& node, const std::string& field) {
    if (!node.IsMap()) {
      fail(node, field, "must be a mapping (name, metric, op, threshold, …)");
    }
    AlertRule rule;
    YAML::Node resolve_node;
    bool has_name = false;
    bool has_metric = false;
    bool has_threshold = false;
    bool has_resolve = false;
    bool has_overrides = false;
    YAML::Node overrides;
    YAML::Node overrides_at;
    for_each_key(
        node, field,
        {"name", "metric", "op", "threshold", "resolve", "for", "severity", "summary", "vms"},
        [&](const std::string& key, const YAML::Node& value, const YAML::Node& at) {
          const std::string sub = dotted(field, key);
          if (key == "name") {
            rule.name = scalar(value, at, sub);
            if (rule.name == kVmDownRule) {
              fail(value, sub, "vm_down is the built-in rule; configure it under vm_down:");
            }
            if (!valid_name(rule.name)) {
              fail(value, sub,
                   "\"" + rule.name +
                       "\" must be lower-case letters, digits and _, starting with a letter, at "
                       "most 64 bytes");
            }
            has_name = true;
          } else if (key == "metric") {
            rule.metric = scalar(value, at, sub);
            if (std::find(kMetricColumns.begin(), kMetricColumns.end(), rule.metric) ==
                kMetricColumns.end()) {
              std::string known;
              for (std::string_view name : kMetricColumns) {
                known += known.empty() ? "" : ", ";
                known += name;
              }
              fail(value, sub, "unknown metric \"" + rule.metric + "\" (known: " + known + ")");
            }
            has_metric = true;
          } else if (key == "op") {
            bool ok = false;
            const std::string text = scalar(value, at, sub);
            rule.comparison = comparison_from(text, ok);
            if (!ok) {
              fail(value, sub, "\"" + text + "\" is not one of >=, >, <=, <");
            }
          } else if (key == "threshold") {
            rule.threshold = number(value, at, sub);
            has_threshold = true;
          } else if (key == "resolve") {
            rule.resolve = number(value, at, sub);
            resolve_node = value;
            has_resolve = true;
          } else if (key == "for") {
            rule.hold = duration(value, at, sub, std::chrono::milliseconds(0), kMaxHold);
          } else if (key == "severity") {
            rule.severity = severity(value, at, sub);
          } else if (key == "summary") {
            rule.summary = scalar(value, at, sub);
            if (rule.summary.size() > kMaxSummaryBytes) {
              fail(value, sub, "longer than 255 bytes");
            }
          } else {
            overrides = value;
            overrides_at = at;
            has_overrides = true;
          }
        });
    const auto require = [&](bool given, std::string_view key) {
      if (!given) {
        fail(node, field + "." + std::string(key), "missing");
      }
    };
    require(has_name, "name");
    require(has_metric, "metric");
    require(has_threshold, "threshold");
    if (has_resolve) {
      check_resolve(rule.comparison, rule.threshold, rule.resolve, resolve_node,
                    field + ".resolve");
    } else {
      rule.resolve = rule.threshold;
    }
    if (has_overrides) {
      rule.overrides = override_list(rule, overrides, overrides_at, field + ".vms");
    }
    return rule;
  }

  std::vector<RuleOverride> override_list(const AlertRule& rule, const YAML::Node& node,
                                          const YAML::Node& at, const std::string& field) {
    std::vector<RuleOverride> overrides;
    if (!node.IsSequence()) {
      fail(node.IsNull() ? at : node, field, "must be a list of {match, …}");
    }
    if (node.size() > kMaxOverrides) {
      fail(at, field, "more than " + std::to_string(kMaxOverrides) + " overrides");
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string item_field = field + "[" + std::to_string(i) + "]";
      const YAML::Node item = node[i];
      if (!item.IsMap()) {
        fail(item, item_field, "must be a mapping with match and what changes");
      }
      RuleOverride change;
      bool has_resolve = false;
      YAML::Node resolve_node;
      YAML::Node threshold_node;
      for_each_key(
          item, item_field, {"match", "threshold", "resolve", "for", "severity", "enabled"},
          [&](const std::string& key, const YAML::Node& value, const YAML::Node& key_at) {
            const std::string sub = dotted(item_field, key);
            if (key == "match") {
              change.match = scalar(value, key_at, sub);
              if (!valid_match(change.match)) {
                fail(value, sub,
                     "\"" + change.match +
                         "\" must be a VM name or a pattern with * and ? (letters, "
                         "digits, . _ -; at most 64 bytes)");
              }
            } else if (key == "threshold") {
              change.threshold = number(value, key_at, sub);
              threshold_node = value;
            } else if (key == "resolve") {
              change.resolve = number(value, key_at, sub);
              resolve_node = value;
              has_resolve = true;
            } else if (key == "for") {
              change.hold = duration(value, key_at, sub, std::chrono::milliseconds(0), kMaxHold);
            } else if (key == "severity") {
              change.severity = severity(value, key_at, sub);
            } else {
              change.enabled = boolean(value, key_at, sub);
            }
          });
      if (change.match.empty()) {
        fail(item, item_field + ".match", "missing");
      }
      // Checked on what applies to the VMs: an override of the threshold alone keeps
      // the rule's resolve, and that pair must still make sense.
      const double threshold = change.threshold.value_or(rule.threshold);
      double resolve = rule.resolve;
      if (change.resolve) {
        resolve = *change.resolve;
      } else if (change.threshold && rule.resolve == rule.threshold) {
        resolve = threshold;  // the rule had no hysteresis: neither has the override
      }
      if (change.threshold && !change.resolve) {
        change.resolve = resolve;
      }
      check_resolve(rule.comparison, threshold, resolve,
                    has_resolve ? resolve_node : threshold_node,
                    item_field + (has_resolve ? ".resolve" : ".threshold"));
      overrides.push_back(std::move(change));
    }
    return overrides;
  }

  std::string_view file_;
  int last_line_ = 1;
};

}  // namespace

std::variant<AlertRules, std::string> parse_alert_rules(std::string_view text,
                                                        std::string_view file_name) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return RulesParser(file_name).parse(root);
  } catch (const RulesError& error) {
    return error.text;
  } catch (const YAML::Exception& error) {
    // A syntax error: yaml-cpp's mark is 0-based, people count lines from 1.
    const int line = error.mark.is_null() ? 1 : error.mark.line + 1;
    return std::string(file_name) + ":" + std::to_string(line) + ": (yaml): " + error.msg;
  }
}

std::variant<AlertRules, std::string> load_alert_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return path + ": cannot read the alert rules file";
  }
  std::string text;
  char buffer[8192];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxFileBytes) {
      return path + ": larger than 1 MiB; not an alert rules file";
    }
  }
  return parse_alert_rules(text, path);
}

}  // namespace vmpulse::hub
