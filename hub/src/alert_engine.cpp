#include "alert_engine.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <tuple>
#include <unordered_map>

namespace vmpulse::hub {
namespace {

// What one rule asks of one VM once the overrides are applied.
struct Limits {
  double threshold = 0;
  double resolve = 0;
  std::int64_t hold_ms = 0;
  Severity severity = Severity::warning;
  bool enabled = true;
};

struct CompiledRule {
  const AlertRule* source = nullptr;
  std::size_t metric = 0;  // index into StoredRecord::metrics
  bool upward = true;      // >= or >: resolves below `resolve`
  Limits base;
  std::vector<Limits> overrides;  // parallel to source->overrides
};

// A rule's alert on one VM while it is pending or firing.
struct ActiveRule {
  std::uint32_t rule = 0;
  AlertState state = AlertState::pending;
  Severity severity = Severity::warning;
  std::int64_t since_ms = 0;
  std::int64_t changed_ms = 0;
  double value = 0;
};

struct VmState {
  bool seen = false;  // a row arrived (or a restored last time): vm_down may apply
  std::int64_t last_seen_ms = 0;
  bool down = false;
  std::int64_t down_since_ms = 0;
  std::int64_t down_changed_ms = 0;
  // Per rule, which Limits apply: 0 the rule's own, k the override k-1. Empty when no
  // rule has overrides, so the common case costs no memory per VM.
  std::vector<std::uint16_t> choice;
  // Sorted by rule; usually empty: a row then costs one comparison per rule.
  std::vector<ActiveRule> active;
};

// * matches any run of characters, ? any one; everything else itself.
bool matches(std::string_view pattern, std::string_view name) {
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

// "YYYY-MM-DD HH:MM:SS" (UTC, as stored) to Unix ms; nullopt when it is not that.
std::optional<std::int64_t> time_ms(std::string_view text) {
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  auto field = [&](std::size_t at, std::size_t length, int& out) {
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, out);
    return ec == std::errc{} && end == text.data() + at + length;
  };
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!field(0, 4, year) || !field(5, 2, month) || !field(8, 2, day) || !field(11, 2, hour) ||
      !field(14, 2, minute) || !field(17, 2, second) || month < 1 || month > 12 || day < 1 ||
      day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  // Howard Hinnant's days_from_civil: no time zone, no locale, no libc call per row.
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return ((days * 24 + hour) * 60 + minute) * 60'000LL + second * 1000LL;
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

std::string format_hold(std::int64_t ms) {
  if (ms == 0) {
    return "0s";
  }
  if (ms % 3'600'000 == 0) {
    return std::to_string(ms / 3'600'000) + "h";
  }
  if (ms % 60'000 == 0) {
    return std::to_string(ms / 60'000) + "m";
  }
  if (ms % 1000 == 0) {
    return std::to_string(ms / 1000) + "s";
  }
  return std::to_string(ms) + "ms";
}

std::string_view op_text(Comparison comparison) {
  switch (comparison) {
    case Comparison::greater_equal:
      return ">=";
    case Comparison::greater:
      return ">";
    case Comparison::less_equal:
      return "<=";
    case Comparison::less:
      return "<";
  }
  return ">=";
}

bool breaches(Comparison comparison, double value, double threshold) {
  switch (comparison) {
    case Comparison::greater_equal:
      return value >= threshold;
    case Comparison::greater:
      return value > threshold;
    case Comparison::less_equal:
      return value <= threshold;
    case Comparison::less:
      return value < threshold;
  }
  return false;
}

}  // namespace

struct AlertEngine::State {
  AlertRules rules;
  std::vector<CompiledRule> compiled;
  bool any_overrides = false;
  std::unordered_map<std::string, VmState> vms;
  // Restored alerts whose rule is gone, or disabled for their VM: resolved at the next
  // tick so that the stored state does not keep them forever.
  std::vector<Alert> orphans;

  explicit State(AlertRules given) : rules(std::move(given)) {
    compiled.reserve(rules.rules.size());
    for (const AlertRule& rule : rules.rules) {
      CompiledRule c;
      c.source = &rule;
      c.metric = static_cast<std::size_t>(
          std::find(kMetricColumns.begin(), kMetricColumns.end(), rule.metric) -
          kMetricColumns.begin());
      c.upward =
          rule.comparison == Comparison::greater_equal || rule.comparison == Comparison::greater;
      c.base = {.threshold = rule.threshold,
                .resolve = rule.resolve,
                .hold_ms = rule.hold.count(),
                .severity = rule.severity,
                .enabled = true};
      for (const RuleOverride& change : rule.overrides) {
        c.overrides.push_back({.threshold = change.threshold.value_or(rule.threshold),
                               .resolve = change.resolve.value_or(rule.resolve),
                               .hold_ms = change.hold.value_or(rule.hold).count(),
                               .severity = change.severity.value_or(rule.severity),
                               .enabled = change.enabled});
      }
      any_overrides = any_overrides || !rule.overrides.empty();
      compiled.push_back(std::move(c));
    }
  }

  // The VM's state, made on first sight with the overrides that apply to its name.
  VmState& vm(const std::string& name) {
    auto found = vms.find(name);
    if (found != vms.end()) {
      return found->second;
    }
    VmState state;
    if (any_overrides) {
      state.choice.assign(compiled.size(), 0);
      for (std::size_t i = 0; i < compiled.size(); ++i) {
        const auto& overrides = compiled[i].source->overrides;
        for (std::size_t k = 0; k < overrides.size(); ++k) {
          if (matches(overrides[k].match, name)) {
            state.choice[i] = static_cast<std::uint16_t>(k + 1);
            break;  // the first match wins
          }
        }
      }
    }
    return vms.emplace(name, std::move(state)).first->second;
  }

  const Limits& limits(const VmState& state, std::size_t rule) const {
    const CompiledRule& c = compiled[rule];
    const std::uint16_t k = state.choice.empty() ? 0 : state.choice[rule];
    return k == 0 ? c.base : c.overrides[k - 1];
  }

  std::string summary(const CompiledRule& rule, const Limits& limits, double value,
                      AlertState state) const {
    if (!rule.source->summary.empty()) {
      return rule.source->summary;
    }
    const std::string name(kMetricColumns[rule.metric]);
    if (state == AlertState::resolved) {
      return name + " " + format_number(value) + (rule.upward ? " < " : " > ") +
             format_number(limits.resolve) + ": resolved";
    }
    return name + " " + format_number(value) + " " + std::string(op_text(rule.source->comparison)) +
           " " + format_number(limits.threshold) + " for " + format_hold(limits.hold_ms);
  }

  Alert rule_alert(const std::string& vm_name, const ActiveRule& active,
                   const Limits& limits) const {
    const CompiledRule& rule = compiled[active.rule];
    return {.rule = rule.source->name,
            .vm = vm_name,
            .severity = active.severity,
            .state = active.state,
            .value = active.value,
            .threshold = limits.threshold,
            .since_ms = active.since_ms,
            .changed_ms = active.changed_ms,
            .summary = summary(rule, limits, active.value, active.state),
            .silenced = false};
  }

  Alert down_alert(const std::string& vm_name, const VmState& state, AlertState alert_state) const {
    return {.rule = std::string(kVmDownRule),
            .vm = vm_name,
            .severity = rules.vm_down.severity,
            .state = alert_state,
            .value = std::nullopt,
            .threshold = std::nullopt,
            .since_ms = state.down_since_ms,
            .changed_ms = state.down_changed_ms,
            .summary = alert_state == AlertState::resolved
                           ? "sending again"
                           : "no sample for " + format_hold(rules.vm_down.after.count()),
            .silenced = false};
  }
};

AlertEngine::AlertEngine(AlertRules rules) : state_(std::make_unique<State>(std::move(rules))) {}
AlertEngine::~AlertEngine() = default;
AlertEngine::AlertEngine(AlertEngine&&) noexcept = default;
AlertEngine& AlertEngine::operator=(AlertEngine&&) noexcept = default;

void AlertEngine::restore(const std::vector<Alert>& active,
                          const std::map<std::string, std::int64_t>& last_seen_ms) {
  State& s = *state_;
  s.vms.clear();
  s.orphans.clear();
  for (const auto& [name, seen] : last_seen_ms) {
    VmState& vm = s.vm(name);
    vm.seen = true;
    vm.last_seen_ms = seen;
  }
  for (const Alert& alert : active) {
    if (alert.state == AlertState::resolved) {
      continue;
    }
    VmState& vm = s.vm(alert.vm);
    if (alert.rule == kVmDownRule) {
      if (!s.rules.vm_down.enabled) {
        s.orphans.push_back(alert);
        continue;
      }
      vm.down = true;
      vm.down_since_ms = alert.since_ms;
      vm.down_changed_ms = alert.changed_ms;
      vm.last_seen_ms = vm.seen ? std::max(vm.last_seen_ms, alert.since_ms) : alert.since_ms;
      vm.seen = true;
      continue;
    }
    const auto rule = std::find_if(s.compiled.begin(), s.compiled.end(),
                                   [&](const auto& c) { return c.source->name == alert.rule; });
    const auto index = static_cast<std::size_t>(rule - s.compiled.begin());
    if (rule == s.compiled.end() || !s.limits(vm, index).enabled ||
        std::any_of(vm.active.begin(), vm.active.end(),
                    [&](const ActiveRule& a) { return a.rule == index; })) {
      s.orphans.push_back(alert);
      continue;
    }
    vm.active.push_back({.rule = static_cast<std::uint32_t>(index),
                         .state = alert.state,
                         .severity = alert.severity,
                         .since_ms = alert.since_ms,
                         .changed_ms = alert.changed_ms,
                         .value = alert.value.value_or(0)});
  }
  for (auto& [name, vm] : s.vms) {
    std::sort(vm.active.begin(), vm.active.end(),
              [](const ActiveRule& a, const ActiveRule& b) { return a.rule < b.rule; });
  }
}

void AlertEngine::observe(const StoredRecord& row, std::int64_t received_ms,
                          std::vector<Transition>& out) {
  State& s = *state_;
  VmState& vm = s.vm(row.vm);
  vm.last_seen_ms = vm.seen ? std::max(vm.last_seen_ms, received_ms) : received_ms;
  vm.seen = true;
  if (vm.down) {
    vm.down = false;
    vm.down_changed_ms = received_ms;
    out.push_back({s.down_alert(row.vm, vm, AlertState::resolved), AlertState::firing});
  }
  const std::int64_t at_ms = time_ms(row.hora).value_or(received_ms);
  // vm.active is sorted by rule and the rules are walked in order, so one cursor finds
  // each rule's alert: a row costs O(rules + active), even with many alerts firing.
  std::size_t cursor = 0;
  for (std::size_t i = 0; i < s.compiled.size(); ++i) {
    while (cursor < vm.active.size() && vm.active[cursor].rule < i) {
      ++cursor;
    }
    const CompiledRule& rule = s.compiled[i];
    const Limits& limits = s.limits(vm, i);
    if (!limits.enabled) {
      continue;
    }
    const double value = row.metrics[rule.metric];
    if (std::isnan(value)) {
      // NULL (a row without this version 2 field): no news about the metric, so the
      // rule's state stays as it is: nothing starts, fires or resolves.
      if (cursor < vm.active.size() && vm.active[cursor].rule == i) {
        ++cursor;
      }
      continue;
    }
    const bool breach = breaches(rule.source->comparison, value, limits.threshold);
    if (cursor == vm.active.size() || vm.active[cursor].rule != i) {
      if (breach) {
        const ActiveRule started{
            .rule = static_cast<std::uint32_t>(i),
            .state = limits.hold_ms == 0 ? AlertState::firing : AlertState::pending,
            .severity = limits.severity,
            .since_ms = at_ms,
            .changed_ms = at_ms,
            .value = value};
        vm.active.insert(vm.active.begin() + static_cast<std::ptrdiff_t>(cursor), started);
        ++cursor;
        out.push_back({s.rule_alert(row.vm, started, limits), std::nullopt});
      }
      continue;
    }
    ActiveRule& active = vm.active[cursor];
    if (breach) {
      if (active.state == AlertState::pending && at_ms - active.since_ms >= limits.hold_ms) {
        active.state = AlertState::firing;
        active.changed_ms = at_ms;
        active.value = value;
        out.push_back({s.rule_alert(row.vm, active, limits), AlertState::pending});
      }
      ++cursor;
      continue;
    }
    const bool past_resolve = rule.upward ? value < limits.resolve : value > limits.resolve;
    if (!past_resolve) {
      ++cursor;
      continue;
    }
    ActiveRule ended = active;
    ended.state = AlertState::resolved;
    ended.changed_ms = at_ms;
    ended.value = value;
    out.push_back({s.rule_alert(row.vm, ended, limits), active.state});
    vm.active.erase(vm.active.begin() + static_cast<std::ptrdiff_t>(cursor));
  }
}

void AlertEngine::tick(std::int64_t now_ms, std::vector<Transition>& out) {
  State& s = *state_;
  for (Alert& orphan : s.orphans) {
    const AlertState from = orphan.state;
    orphan.state = AlertState::resolved;
    orphan.changed_ms = now_ms;
    out.push_back({std::move(orphan), from});
  }
  s.orphans.clear();
  if (!s.rules.vm_down.enabled) {
    return;
  }
  const std::int64_t after_ms = s.rules.vm_down.after.count();
  for (auto& [name, vm] : s.vms) {
    if (vm.down || !vm.seen || now_ms - vm.last_seen_ms < after_ms) {
      continue;
    }
    vm.down = true;
    vm.down_since_ms = vm.last_seen_ms;
    vm.down_changed_ms = now_ms;
    out.push_back({s.down_alert(name, vm, AlertState::firing), std::nullopt});
  }
}

std::vector<Alert> AlertEngine::active() const {
  const State& s = *state_;
  std::vector<Alert> alerts = s.orphans;
  for (const auto& [name, vm] : s.vms) {
    if (vm.down) {
      alerts.push_back(s.down_alert(name, vm, AlertState::firing));
    }
    for (const ActiveRule& active : vm.active) {
      alerts.push_back(s.rule_alert(name, active, s.limits(vm, active.rule)));
    }
  }
  std::sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
    return std::tie(a.rule, a.vm) < std::tie(b.rule, b.vm);
  });
  return alerts;
}

}  // namespace vmpulse::hub
