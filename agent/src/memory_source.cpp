#include "memory_source.hpp"

#include <fcntl.h>

#include <array>
#include <charconv>
#include <cmath>
#include <optional>

#include "proc_file.hpp"

namespace vmpulse::agent {
namespace {

// "Name:   12345 kB" → 12345; the line must be well formed to count.
std::optional<std::int64_t> kib_value(std::string_view rest) {
  while (!rest.empty() && rest.front() == ' ') {
    rest.remove_prefix(1);
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc() || value < 0) {
    return std::nullopt;
  }
  std::string_view unit(end, static_cast<std::size_t>(rest.data() + rest.size() - end));
  if (unit != " kB" && !unit.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Result<MemInfo> parse_meminfo(std::string_view text) {
  std::optional<std::int64_t> total, available, free, buffers, cached;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const std::string_view name = line.substr(0, colon);
    std::optional<std::int64_t>* slot = name == "MemTotal"       ? &total
                                        : name == "MemAvailable" ? &available
                                        : name == "MemFree"      ? &free
                                        : name == "Buffers"      ? &buffers
                                        : name == "Cached"       ? &cached
                                                                 : nullptr;
    if (slot == nullptr) {
      continue;
    }
    *slot = kib_value(line.substr(colon + 1));
    if (!*slot) {
      return fail(std::string(name) + " is not a number of kB");
    }
  }
  if (!total) {
    return fail("no MemTotal line");
  }
  if (!available) {
    if (!free || !buffers || !cached) {
      return fail("neither MemAvailable nor MemFree, Buffers and Cached");
    }
    available = *free + *buffers + *cached;
  }
  // Available can exceed total only in a broken file; clamp so that used stays >= 0.
  return MemInfo{*total, std::min(*available, *total)};
}

double percent_of(std::int64_t used, std::int64_t total) {
  if (total <= 0) {
    return 0.0;
  }
  return std::round(static_cast<double>(used) * 10000.0 / static_cast<double>(total)) / 100.0;
}

Memory memory_from(const MemInfo& info) {
  Memory memory;
  memory.total_mib = info.total_kib / 1024;
  memory.available_mib = std::min(info.available_kib / 1024, memory.total_mib);
  memory.used_mib = memory.total_mib - memory.available_mib;
  memory.used_percent = percent_of(memory.used_mib, memory.total_mib);
  return memory;
}

Result<Memory> MemoryReader::read() const {
  std::array<char, 8192> buffer;  // meminfo is about 1.5 KiB
  auto got = read_proc_file(AT_FDCWD, path_.c_str(), buffer.data(), buffer.size(), false);
  if (auto* failure = std::get_if<Failure>(&got)) {
    return std::move(*failure);
  }
  auto info = parse_meminfo(std::string_view(buffer.data(), std::get<std::size_t>(got)));
  if (auto* failure = std::get_if<Failure>(&info)) {
    return Failure{path_ + ": " + failure->message, false};
  }
  return memory_from(std::get<MemInfo>(info));
}

}  // namespace vmpulse::agent
