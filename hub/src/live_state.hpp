// What the hub knows about every VM without asking the database: its newest record,
// the time of its last sample and how many rows it has, plus the rows stored per route
// (metricas_por_api). Loaded once at start, then kept current from the delivered rows,
// so snapshots, /api/vms and /api/split never scan the big table.
// Not thread-safe: the poller owns it and publishes encoded copies.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "rows.hpp"

namespace vmpulse::hub {

struct VmEntry {
  std::string last;  // newest hora
  std::uint64_t rows = 0;
  std::optional<StoredRecord> latest;  // the row with the newest hora (ties: larger id)
};

// Rows stored per route, as metricas_por_api holds them.
struct Split {
  std::map<std::string, std::uint64_t> per_api;
  std::uint64_t total() const;
  bool operator==(const Split&) const = default;
};

class LiveState {
 public:
  // From the start-up load: one VM with its last time and row count.
  void add_vm(const std::string& vm, const std::string& last, std::uint64_t rows);
  // From the start-up load: a VM's newest record.
  void set_latest(StoredRecord record);
  // A delivered row: counts it and keeps it when it is the VM's newest.
  void apply(const StoredRecord& record);

  void set_split(Split split) { split_ = std::move(split); }
  const Split& split() const { return split_; }
  const std::map<std::string, VmEntry>& vms() const { return vms_; }
  const VmEntry* find(const std::string& vm) const;
  // The VM that reported last (the default choice of a new dashboard), if any.
  std::optional<std::string> newest_vm() const;

 private:
  std::map<std::string, VmEntry> vms_;
  Split split_;
};

}  // namespace vmpulse::hub
