// An alert as every part of the hub's alerting sees it (docs/alerts.md): the engine
// makes them, the store keeps them in MySQL, the notifier sends them, the API and the
// WebSocket show them. Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vmpulse::hub {

enum class Severity { warning, critical };
// An alert is pending while its condition holds for less than the rule's `for`,
// firing after, resolved when the value is back past the resolve threshold (or, for
// vm_down, when the VM sends again).
enum class AlertState { pending, firing, resolved };

std::string_view to_string(Severity severity);
std::string_view to_string(AlertState state);
std::optional<Severity> severity_from(std::string_view text);
std::optional<AlertState> alert_state_from(std::string_view text);

// The rule name of "no sample from a VM for vm_down.after".
inline constexpr std::string_view kVmDownRule = "vm_down";

struct Alert {
  std::string rule;  // Alertmanager's alertname
  std::string vm;
  Severity severity = Severity::warning;
  AlertState state = AlertState::pending;
  std::optional<double> value;      // the metric's value at the latest change; none for vm_down
  std::optional<double> threshold;  // the threshold that applied to this VM
  std::int64_t since_ms = 0;        // Unix ms: the condition began (startsAt)
  std::int64_t changed_ms = 0;      // Unix ms: the current state began (endsAt when resolved)
  std::string summary;              // one line for people: "CPU 95.2 ≥ 90 for 2m"
  bool silenced = false;            // set by the store from the silences, not by the engine

  // 16 lower-case hex digits: FNV-1a 64 over "alertname=<rule>\xffvm=<vm>\xff", so the
  // same rule and VM always give the same fingerprint, across restarts and hubs.
  std::string fingerprint() const;
  bool operator==(const Alert&) const = default;
};

// One state change. `alert.state` is the new state; `from` the old one (none: the alert
// is new, pending, or firing at once when its `for` is 0 or it is vm_down).
struct Transition {
  Alert alert;
  std::optional<AlertState> from;

  // What the notifier sends: to firing, or from firing to resolved; never pending, and
  // never what was silenced (the store decides that).
  bool notifiable() const {
    return alert.state == AlertState::firing ||
           (alert.state == AlertState::resolved && from == AlertState::firing);
  }
};

}  // namespace vmpulse::hub
