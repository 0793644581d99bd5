// A silence (a maintenance window, docs/alerts.md) and which VMs it covers: the alerts
// of a VM whose name matches its pattern still show, but do not notify, until it ends.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vmpulse::hub {

struct Silence {
  std::uint64_t id = 0;
  std::string match;         // a VM name, or a pattern with * and ?
  std::int64_t until_s = 0;  // Unix seconds
  std::string comment;
  std::int64_t created_s = 0;  // Unix seconds
  bool operator==(const Silence&) const = default;
};

// A VM name against a silence's pattern: * is any run of characters, ? one character.
bool pattern_matches(std::string_view pattern, std::string_view vm);
// Whether one of `silences` covers `vm` at `now_s` (until > now).
bool is_silenced(const std::vector<Silence>& silences, std::string_view vm, std::int64_t now_s);

}  // namespace vmpulse::hub
