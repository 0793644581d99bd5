#include "device_rates.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vmpulse::agent {

std::uint64_t counter_delta(std::uint64_t previous, std::uint64_t current) {
  if (current >= previous) {
    return current - previous;
  }
  constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();
  if (previous <= kMax32) {
    return (kMax32 - previous) + current + 1;
  }
  return 0;
}

std::optional<Throughput> DeviceRates::update(std::vector<DeviceCounters>& current,
                                              double seconds) {
  std::sort(current.begin(), current.end(),
            [](const DeviceCounters& a, const DeviceCounters& b) { return a.name < b.name; });
  std::optional<Throughput> rates;
  if (previous_seconds_ && seconds > *previous_seconds_) {
    std::uint64_t in = 0, out = 0;
    auto old = previous_.begin();
    for (const DeviceCounters& device : current) {
      while (old != previous_.end() && old->name < device.name) {
        ++old;  // vanished since the previous reading
      }
      if (old != previous_.end() && old->name == device.name) {
        in += counter_delta(old->in, device.in);
        out += counter_delta(old->out, device.out);
      }  // else: new, counted from the next reading
    }
    const double kib_per_second =
        static_cast<double>(unit_bytes_) / 1024.0 / (seconds - *previous_seconds_);
    auto two_decimals = [](double value) { return std::round(value * 100.0) / 100.0; };
    rates = Throughput{two_decimals(static_cast<double>(in) * kib_per_second),
                       two_decimals(static_cast<double>(out) * kib_per_second)};
  }
  previous_.swap(current);
  previous_seconds_ = seconds;
  return rates;
}

}  // namespace vmpulse::agent
