#include "swap_source.hpp"

#include <fcntl.h>

#include <array>
#include <optional>

#include "proc_file.hpp"
#include "text_fields.hpp"

namespace vmpulse::agent {

Result<Swap> parse_swap(std::string_view meminfo) {
  std::optional<std::uint64_t> total, free;
  while (!meminfo.empty()) {
    std::string_view line = next_line(meminfo);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const std::string_view name = line.substr(0, colon);
    auto* slot = name == "SwapTotal" ? &total : name == "SwapFree" ? &free : nullptr;
    if (slot == nullptr) {
      continue;
    }
    line.remove_prefix(colon + 1);
    *slot = parse_counter(next_word(line));
    const std::string_view unit = next_word(line);
    if (!*slot || (unit != "kB" && !unit.empty())) {
      return fail(std::string(name) + " is not a number of kB");
    }
  }
  if (!total || !free) {
    return fail("no SwapTotal and SwapFree lines");
  }
  const auto total_mib = static_cast<std::int64_t>(*total / 1024);
  // Free above total only in a broken file; clamped like MemAvailable.
  return Swap{total_mib, std::min(static_cast<std::int64_t>(*free / 1024), total_mib)};
}

Result<Swap> SwapReader::read() const {
  std::array<char, 8192> buffer;  // meminfo is about 1.5 KiB
  auto got = read_proc_file(AT_FDCWD, path_.c_str(), buffer.data(), buffer.size(), false);
  if (auto* failure = std::get_if<Failure>(&got)) {
    return std::move(*failure);
  }
  auto swap = parse_swap(std::string_view(buffer.data(), std::get<std::size_t>(got)));
  if (auto* failure = std::get_if<Failure>(&swap)) {
    return Failure{path_ + ": " + failure->message, false};
  }
  return swap;
}

}  // namespace vmpulse::agent
