// Evaluates the alert rules on the rows the poller already delivers (no query of its
// own) and VM down on a timer, and says what changed. Keeps per rule and VM only the
// state it needs, so a row costs a few comparisons per rule. Pure (the caller gives
// every time); not thread-safe: the caller serialises observe, tick and restore.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alert.hpp"
#include "alert_rules.hpp"
#include "rows.hpp"

namespace vmpulse::hub {

class AlertEngine {
 public:
  explicit AlertEngine(AlertRules rules);
  ~AlertEngine();
  AlertEngine(AlertEngine&&) noexcept;
  AlertEngine& operator=(AlertEngine&&) noexcept;

  // Continues from stored state (a restart, or another hub taking over): the alerts
  // pending or firing, and each VM's last sample time (Unix ms). Replaces all state.
  void restore(const std::vector<Alert>& active,
               const std::map<std::string, std::int64_t>& last_seen_ms);

  // One delivered row. The rules' `for` runs on the row's own time (hora), so a burst
  // of late rows is judged by when they were sampled; `received_ms` (the hub's clock)
  // is what VM down measures from. A row of a VM that was down resolves vm_down.
  // Appends the changes to `out`.
  void observe(const StoredRecord& row, std::int64_t received_ms, std::vector<Transition>& out);

  // The timer (about once a second): a VM with no row for vm_down.after fires vm_down.
  void tick(std::int64_t now_ms, std::vector<Transition>& out);

  // Every alert now pending or firing, ordered by rule then VM.
  std::vector<Alert> active() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vmpulse::hub
