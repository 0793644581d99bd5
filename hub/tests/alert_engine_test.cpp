#include "alert_engine.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "vmpulse/record.hpp"

using namespace vmpulse::hub;

namespace {

constexpr std::int64_t kStart = 1'796'450'400;  // 2026-12-05 06:00:00 UTC, in seconds
constexpr std::size_t kCpu = 4;                 // porcentaje_cpu_uso in kMetricColumns
constexpr std::size_t kZombies = 8;             // procesos_zombie

AlertRules rules_from(std::string_view text) {
  auto parsed = parse_alert_rules(text, "test.yaml");
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << *problem;
    return {};
  }
  return std::get<AlertRules>(std::move(parsed));
}

// A row of `vm` sampled `second` seconds after kStart with the CPU at `cpu`.
StoredRecord row(std::string vm, std::int64_t second, double cpu, double zombies = 0) {
  StoredRecord r;
  r.vm = std::move(vm);
  r.hora = vmpulse::format_utc(kStart + second);
  r.metrics[kCpu] = cpu;
  r.metrics[kZombies] = zombies;
  return r;
}

std::int64_t ms(std::int64_t second) { return (kStart + second) * 1000; }

Alert stored(std::string rule, std::string vm, AlertState state, std::int64_t since_ms,
             std::int64_t changed_ms) {
  Alert alert;
  alert.rule = std::move(rule);
  alert.vm = std::move(vm);
  alert.state = state;
  alert.since_ms = since_ms;
  alert.changed_ms = changed_ms;
  return alert;
}

// Feeds rows and returns what changed; `received` is the hora unless given.
struct Harness {
  AlertEngine engine;
  explicit Harness(std::string_view text) : engine(rules_from(text)) {}

  std::vector<Transition> feed(const StoredRecord& r, std::int64_t received_ms = -1) {
    std::vector<Transition> out;
    const std::int64_t at = received_ms >= 0 ? received_ms : ms(0);
    engine.observe(r, at, out);
    return out;
  }
  std::vector<Transition> tick(std::int64_t now_ms) {
    std::vector<Transition> out;
    engine.tick(now_ms, out);
    return out;
  }
};

const char* const kCpuRule = R"(vm_down: {enabled: false}
rules:
  - name: cpu_high
    metric: porcentaje_cpu_uso
    threshold: 90
    resolve: 85
    for: 2m
    severity: warning
)";

}  // namespace

TEST(AlertEngine, PendingThenFiringThenResolved) {
  Harness h(kCpuRule);
  EXPECT_TRUE(h.feed(row("web-1", 0, 50)).empty());

  auto t = h.feed(row("web-1", 10, 95));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, std::nullopt);
  EXPECT_EQ(t[0].alert.state, AlertState::pending);
  EXPECT_EQ(t[0].alert.rule, "cpu_high");
  EXPECT_EQ(t[0].alert.vm, "web-1");
  EXPECT_EQ(t[0].alert.since_ms, ms(10));
  EXPECT_EQ(t[0].alert.value, 95);
  EXPECT_EQ(t[0].alert.threshold, 90);
  EXPECT_FALSE(t[0].notifiable());

  // Still breaching, but not yet for 2 minutes (judged on hora): nothing changes.
  EXPECT_TRUE(h.feed(row("web-1", 129, 96)).empty());
  t = h.feed(row("web-1", 130, 97));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, AlertState::pending);
  EXPECT_EQ(t[0].alert.state, AlertState::firing);
  EXPECT_EQ(t[0].alert.since_ms, ms(10));
  EXPECT_EQ(t[0].alert.changed_ms, ms(130));
  EXPECT_EQ(t[0].alert.summary, "porcentaje_cpu_uso 97 >= 90 for 2m");
  EXPECT_TRUE(t[0].notifiable());
  EXPECT_TRUE(h.feed(row("web-1", 131, 99)).empty());
  ASSERT_EQ(h.engine.active().size(), 1u);
  EXPECT_EQ(h.engine.active()[0].state, AlertState::firing);

  t = h.feed(row("web-1", 140, 80));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, AlertState::firing);
  EXPECT_EQ(t[0].alert.state, AlertState::resolved);
  EXPECT_EQ(t[0].alert.since_ms, ms(10));
  EXPECT_EQ(t[0].alert.changed_ms, ms(140));
  EXPECT_EQ(t[0].alert.value, 80);
  EXPECT_TRUE(t[0].notifiable());
  EXPECT_TRUE(h.engine.active().empty());
}

TEST(AlertEngine, HysteresisBetweenResolveAndThresholdChangesNothing) {
  Harness h(kCpuRule);
  h.feed(row("web-1", 0, 95));
  ASSERT_EQ(h.feed(row("web-1", 120, 95)).size(), 1u);  // firing
  for (const double between : {89.9, 85.0, 87.0}) {
    EXPECT_TRUE(h.feed(row("web-1", 130, between)).empty()) << between;
  }
  EXPECT_EQ(h.engine.active().at(0).state, AlertState::firing);
  EXPECT_EQ(h.feed(row("web-1", 140, 84.9)).at(0).alert.state, AlertState::resolved);

  // A pending alert with a value between: still pending, and it fires only on a
  // breaching row after `for`.
  h.feed(row("web-1", 200, 92));
  EXPECT_TRUE(h.feed(row("web-1", 400, 88)).empty());
  EXPECT_EQ(h.engine.active().at(0).state, AlertState::pending);
  EXPECT_EQ(h.feed(row("web-1", 401, 90)).at(0).alert.state, AlertState::firing);
}

TEST(AlertEngine, PendingResolvesWithoutFiring) {
  Harness h(kCpuRule);
  h.feed(row("web-1", 0, 95));
  auto t = h.feed(row("web-1", 5, 10));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, AlertState::pending);
  EXPECT_EQ(t[0].alert.state, AlertState::resolved);
  EXPECT_FALSE(t[0].notifiable());  // nobody was told it was firing
}

TEST(AlertEngine, ForZeroFiresAtOnce) {
  Harness h(R"(vm_down: {enabled: false}
rules:
  - {name: zombies, metric: procesos_zombie, threshold: 10, resolve: 5, for: 0, severity: critical}
)");
  auto t = h.feed(row("db-1", 0, 0, 12));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, std::nullopt);
  EXPECT_EQ(t[0].alert.state, AlertState::firing);
  EXPECT_EQ(t[0].alert.severity, Severity::critical);
  EXPECT_TRUE(t[0].notifiable());
}

TEST(AlertEngine, PerVmOverrideFirstMatchWinsAndDisabled) {
  Harness h(R"(vm_down: {enabled: false}
rules:
  - name: cpu_high
    metric: porcentaje_cpu_uso
    threshold: 90
    resolve: 85
    for: 0
    vms:
      - match: "build-1"
        threshold: 99
        resolve: 95
        severity: critical
      - match: "build-*"
        threshold: 50
        resolve: 40
      - match: "lab-?"
        enabled: false
)");
  EXPECT_TRUE(h.feed(row("build-1", 0, 95)).empty());  // first match: 99
  auto t = h.feed(row("build-1", 1, 99.5));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.threshold, 99);
  EXPECT_EQ(t[0].alert.severity, Severity::critical);

  t = h.feed(row("build-22", 0, 60));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.threshold, 50);
  EXPECT_TRUE(h.feed(row("build-22", 1, 45)).empty());  // between 40 and 50

  EXPECT_TRUE(h.feed(row("lab-3", 0, 100)).empty());    // disabled
  EXPECT_EQ(h.feed(row("lab-33", 0, 100)).size(), 1u);  // ? is one character
  EXPECT_EQ(h.feed(row("web-1", 0, 91)).at(0).alert.threshold, 90);
}

TEST(AlertEngine, LessThanRules) {
  Harness h(R"(vm_down: {enabled: false}
rules:
  - {name: idle, metric: porcentaje_cpu_uso, op: "<", threshold: 5, resolve: 10, for: 0}
)");
  EXPECT_EQ(h.feed(row("a", 0, 4)).size(), 1u);
  EXPECT_TRUE(h.feed(row("a", 1, 8)).empty());
  EXPECT_EQ(h.feed(row("a", 2, 10.5)).at(0).alert.state, AlertState::resolved);
}

TEST(AlertEngine, VmDownByTickResolvedByTheNextRow) {
  Harness h("vm_down: {after: 30s}\n");
  EXPECT_TRUE(h.tick(ms(100)).empty());  // no VM seen yet: nothing to be down
  h.feed(row("web-1", 0, 1), ms(0));
  h.feed(row("web-2", 0, 1), ms(20));
  EXPECT_TRUE(h.tick(ms(29)).empty());

  auto t = h.tick(ms(30));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.rule, "vm_down");
  EXPECT_EQ(t[0].alert.vm, "web-1");
  EXPECT_EQ(t[0].alert.state, AlertState::firing);
  EXPECT_EQ(t[0].alert.severity, Severity::critical);
  EXPECT_EQ(t[0].alert.since_ms, ms(0));  // the last row
  EXPECT_EQ(t[0].alert.changed_ms, ms(30));
  EXPECT_EQ(t[0].alert.value, std::nullopt);
  EXPECT_EQ(t[0].alert.threshold, std::nullopt);
  EXPECT_TRUE(t[0].notifiable());
  EXPECT_TRUE(h.tick(ms(31)).empty());  // fired once

  t = h.feed(row("web-1", 45, 1), ms(45));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.rule, "vm_down");
  EXPECT_EQ(t[0].from, AlertState::firing);
  EXPECT_EQ(t[0].alert.state, AlertState::resolved);
  EXPECT_EQ(t[0].alert.since_ms, ms(0));
  EXPECT_EQ(t[0].alert.changed_ms, ms(45));

  t = h.tick(ms(60));  // web-2 last sent at 20
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.vm, "web-2");
}

TEST(AlertEngine, RestoreContinuesWithoutNewTransitions) {
  Harness first(kCpuRule);
  first.feed(row("web-1", 0, 95));                          // pending since 0
  first.feed(row("web-2", 0, 95));                          // pending since 0 …
  ASSERT_EQ(first.feed(row("web-2", 120, 95)).size(), 1u);  // … firing at 120
  const std::vector<Alert> saved = first.engine.active();
  ASSERT_EQ(saved.size(), 2u);

  Harness second(R"(vm_down: {after: 30s}
rules:
  - {name: cpu_high, metric: porcentaje_cpu_uso, threshold: 90, resolve: 85, for: 2m}
)");
  std::vector<Alert> with_down = saved;
  with_down.push_back(stored("vm_down", "web-3", AlertState::firing, ms(0), ms(30)));
  second.engine.restore(with_down, {{"web-1", ms(100)}, {"web-2", ms(120)}, {"web-3", ms(0)}});
  EXPECT_EQ(second.engine.active().size(), 3u);
  EXPECT_TRUE(second.tick(ms(125)).empty());  // web-3 already down, web-1 seen at 100
  EXPECT_TRUE(second.feed(row("web-2", 121, 99), ms(121)).empty());  // still firing
  auto t = second.feed(row("web-1", 120, 95), ms(121));              // pending since 0: fires now
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, AlertState::pending);
  EXPECT_EQ(t[0].alert.since_ms, ms(0));
  t = second.feed(row("web-3", 125, 1), ms(125));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.rule, "vm_down");
  EXPECT_EQ(t[0].alert.state, AlertState::resolved);
  // web-1 and web-2 last sent at 121: down at 151, not before; web-3 (125) later.
  EXPECT_TRUE(second.tick(ms(150)).empty());
  EXPECT_EQ(second.tick(ms(151)).size(), 2u);
}

TEST(AlertEngine, RestoredAlertOfARemovedRuleResolvesAtTheNextTick) {
  Harness h(kCpuRule);
  h.engine.restore({stored("disk_full", "web-1", AlertState::firing, ms(0), ms(10))}, {});
  EXPECT_EQ(h.engine.active().size(), 1u);
  auto t = h.tick(ms(20));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.rule, "disk_full");
  EXPECT_EQ(t[0].from, AlertState::firing);
  EXPECT_EQ(t[0].alert.state, AlertState::resolved);
  EXPECT_EQ(t[0].alert.changed_ms, ms(20));
  EXPECT_TRUE(h.engine.active().empty());
}

TEST(AlertEngine, ActiveIsOrderedByRuleThenVm) {
  Harness h(R"(vm_down: {enabled: false}
rules:
  - {name: b_rule, metric: porcentaje_cpu_uso, threshold: 1, for: 0}
  - {name: a_rule, metric: porcentaje_cpu_uso, threshold: 1, for: 0}
)");
  h.feed(row("z", 0, 5));
  h.feed(row("a", 0, 5));
  const auto active = h.engine.active();
  ASSERT_EQ(active.size(), 4u);
  EXPECT_EQ(active[0].rule + "/" + active[0].vm, "a_rule/a");
  EXPECT_EQ(active[1].rule + "/" + active[1].vm, "a_rule/z");
  EXPECT_EQ(active[3].rule + "/" + active[3].vm, "b_rule/z");
}

TEST(Alert, FingerprintIsStableAndDistinct) {
  const Alert a = stored("cpu_high", "web-1", AlertState::pending, 0, 0);
  Alert later = a;
  later.state = AlertState::resolved;
  later.value = 3;
  later.since_ms = 99;
  EXPECT_EQ(a.fingerprint(), later.fingerprint());
  EXPECT_EQ(a.fingerprint().size(), 16u);
  // Pinned: a receiver drops repeats across restarts and versions by this value.
  EXPECT_EQ(a.fingerprint(), "f3d0eced0e0a3be0");
  EXPECT_NE(a.fingerprint(), stored("cpu_high", "web-2", AlertState::pending, 0, 0).fingerprint());
  EXPECT_NE(stored("a", "bc", AlertState::pending, 0, 0).fingerprint(),
            stored("ab", "c", AlertState::pending, 0, 0).fingerprint());
}

TEST(Alert, NamesRoundTrip) {
  for (AlertState s : {AlertState::pending, AlertState::firing, AlertState::resolved}) {
    EXPECT_EQ(alert_state_from(to_string(s)), s);
  }
  EXPECT_EQ(severity_from("critical"), Severity::critical);
  EXPECT_EQ(severity_from("Critical"), std::nullopt);
  EXPECT_EQ(to_string(Severity::warning), "warning");
}

TEST(AlertEngine, ManyRulesKeepTheirOwnAlerts) {
  Harness h(R"(vm_down: {enabled: false}
rules:
  - {name: r0, metric: porcentaje_cpu_uso, threshold: 10, for: 0}
  - {name: r1, metric: porcentaje_cpu_uso, threshold: 20, for: 0}
  - {name: r2, metric: porcentaje_cpu_uso, threshold: 30, for: 0}
  - {name: r3, metric: procesos_zombie, threshold: 1, for: 0}
)");
  EXPECT_EQ(h.feed(row("a", 0, 15, 0)).size(), 1u);  // r0
  EXPECT_EQ(h.feed(row("a", 1, 35, 2)).size(), 3u);  // r1, r2, r3 join r0
  auto t = h.feed(row("a", 2, 25, 2));               // r2 resolves, the others stay
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.rule, "r2");
  t = h.feed(row("a", 3, 5, 0));  // all resolve, in rule order
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].alert.rule, "r0");
  EXPECT_EQ(t[1].alert.rule, "r1");
  EXPECT_EQ(t[2].alert.rule, "r3");
  EXPECT_TRUE(h.engine.active().empty());
}

// A version 2 metric is NULL (NaN) in version 1 rows: such a row is no news about it,
// so it neither starts, fires nor resolves the rule, and the rules on other metrics go on.
TEST(AlertEngine, NullMetricNeitherFiresNorResolves) {
  Harness h(R"(vm_down: {enabled: false}
rules:
  - name: load_high
    metric: carga_1
    threshold: 8
    resolve: 4
    for: 1m
  - name: steal_high
    metric: porcentaje_cpu_robado
    op: ">"
    threshold: 20
    resolve: 10
    for: 0s
  - name: cpu_high
    metric: porcentaje_cpu_uso
    threshold: 90
    resolve: 85
    for: 0s
)");
  const std::size_t load = metric_index("carga_1");
  const std::size_t steal = metric_index("porcentaje_cpu_robado");
  auto v2 = [&](std::int64_t second, double load_value, double steal_value, double cpu) {
    StoredRecord r = row("web-1", second, cpu);
    r.metrics[load] = load_value;
    r.metrics[steal] = steal_value;
    return r;
  };
  // NULL everywhere but cpu: only cpu_high may act.
  auto t = h.feed(v2(0, kNullMetric, kNullMetric, 95));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.rule, "cpu_high");
  // load pending, steal firing.
  t = h.feed(v2(10, 9, 30, 95));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].alert.rule, "load_high");
  EXPECT_EQ(t[0].alert.state, AlertState::pending);
  EXPECT_EQ(t[1].alert.rule, "steal_high");
  EXPECT_EQ(t[1].alert.state, AlertState::firing);
  // NULL rows past `for`: load stays pending (no value fires it), steal stays firing
  // (NULL is not below resolve), while cpu resolves on its own value.
  t = h.feed(v2(100, kNullMetric, kNullMetric, 50));
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].alert.rule, "cpu_high");
  EXPECT_EQ(t[0].alert.state, AlertState::resolved);
  const auto active = h.engine.active();
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0].rule, "load_high");
  EXPECT_EQ(active[0].state, AlertState::pending);
  EXPECT_EQ(active[1].rule, "steal_high");
  EXPECT_EQ(active[1].state, AlertState::firing);
  // The next real values act as usual: load fires (held since 10 s), steal resolves.
  t = h.feed(v2(110, 9, 5, 50));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].alert.rule, "load_high");
  EXPECT_EQ(t[0].alert.state, AlertState::firing);
  EXPECT_EQ(t[1].alert.rule, "steal_high");
  EXPECT_EQ(t[1].alert.state, AlertState::resolved);
}
