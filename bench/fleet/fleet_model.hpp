// What one simulated VM reports at second k of a fleet run: values that move like a
// real VM's (a base load per VM, a slow wave, noise; memory drifting; counters that only
// grow), a pure function of the VM's index and k, so a run needs no per-VM state and a
// test can check the values are valid records. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "vmpulse/record.hpp"

namespace vmpulse::fleet {

// "<prefix>-00042": distinct for every index, sorted like the index for a fixed width.
std::string vm_name(const std::string& prefix, std::size_t index, std::size_t count);

// VM `index`'s sample at `second` (hora = start + second), with `top` procesos_top entries.
Record sample(const std::string& vm, std::size_t index, std::uint64_t second,
              std::chrono::system_clock::time_point start, std::size_t top);

}  // namespace vmpulse::fleet
