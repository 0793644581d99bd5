#include "cpu_source.hpp"

#include <fcntl.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "proc_file.hpp"

namespace vmpulse::agent {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Result<CpuTimes> parse_proc_stat(std::string_view text) {
  const auto eol = text.find('\n');
  if (eol == std::string_view::npos) {
    return fail("no complete first line");
  }
  std::string_view line = text.substr(0, eol);
  if (!line.starts_with("cpu ") && !line.starts_with("cpu\t")) {
    return fail("first line is not the aggregate \"cpu\" line");
  }
  line.remove_prefix(3);
  std::array<std::uint64_t, 8> values{};
  std::size_t count = 0;
  while (true) {
    while (!line.empty() && is_space(line.front())) {
      line.remove_prefix(1);
    }
    if (line.empty()) {
      break;
    }
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), value);
    if (ec != std::errc() || (end != line.data() + line.size() && !is_space(*end))) {
      return fail("column " + std::to_string(count + 1) + " of the cpu line is not a counter");
    }
    if (count < values.size()) {
      values[count] = value;
    }
    ++count;
    line.remove_prefix(static_cast<std::size_t>(end - line.data()));
  }
  if (count < 4) {
    return fail("the cpu line has " + std::to_string(count) + " columns, at least 4 are needed");
  }
  return CpuTimes{values[0], values[1], values[2], values[3],
                  values[4], values[5], values[6], values[7]};
}

CpuUsage usage_from_percent(double used_percent) {
  double used = std::round(used_percent * 100.0) / 100.0;
  if (!(used >= 0.0)) {  // also catches NaN
    used = 0.0;
  }
  if (used > 100.0) {
    used = 100.0;
  }
  // Computed in hundredths so that the complement has no binary residue to print.
  const double free = static_cast<double>(10000 - std::llround(used * 100.0)) / 100.0;
  return CpuUsage{used, free};
}

std::optional<CpuUsage> cpu_usage_between(const std::optional<CpuTimes>& previous,
                                          const CpuTimes& current) {
  std::uint64_t total = current.total();
  std::uint64_t idle = current.idle_total();
  if (previous) {
    const bool went_back =
        current.total() < previous->total() || current.idle_total() < previous->idle_total();
    if (!went_back) {
      total -= previous->total();
      idle -= previous->idle_total();
    }
  }
  if (total == 0) {
    return std::nullopt;
  }
  const double busy = static_cast<double>(total - std::min(idle, total));
  return usage_from_percent(busy * 100.0 / static_cast<double>(total));
}

std::optional<CpuShares> cpu_shares_between(const std::optional<CpuTimes>& previous,
                                            const CpuTimes& current) {
  std::uint64_t total = current.total();
  std::uint64_t steal = current.steal;
  std::uint64_t iowait = current.iowait;
  if (previous && total >= previous->total()) {
    total -= previous->total();
    // iowait is known to step back on tickless kernels: that interval counts none.
    steal = steal >= previous->steal ? steal - previous->steal : 0;
    iowait = iowait >= previous->iowait ? iowait - previous->iowait : 0;
  }
  if (total == 0) {
    return std::nullopt;
  }
  auto percent = [total](std::uint64_t ticks) {
    return std::round(static_cast<double>(std::min(ticks, total)) * 10000.0 /
                      static_cast<double>(total)) /
           100.0;
  };
  return CpuShares{percent(steal), percent(iowait)};
}

Result<CpuUsage> CpuReader::read() {
  // The first line is all we need; /proc/stat's interrupt lines can be tens of KiB.
  std::array<char, 4096> buffer;
  auto got = read_proc_file(AT_FDCWD, path_.c_str(), buffer.data(), buffer.size(), false);
  if (auto* failure = std::get_if<Failure>(&got)) {
    return std::move(*failure);
  }
  auto times = parse_proc_stat(std::string_view(buffer.data(), std::get<std::size_t>(got)));
  if (auto* failure = std::get_if<Failure>(&times)) {
    return Failure{path_ + ": " + failure->message, false};
  }
  const CpuTimes& current = std::get<CpuTimes>(times);
  if (auto usage = cpu_usage_between(previous_, current)) {
    last_ = usage;
  }
  if (auto shares = cpu_shares_between(previous_, current)) {
    shares_ = shares;
  } else if (!shares_) {
    shares_ = CpuShares{};
  }
  previous_ = current;
  if (!last_) {
    // All counters zero: nothing ran since boot as far as this file says.
    last_ = usage_from_percent(0.0);
  }
  return *last_;
}

}  // namespace vmpulse::agent
