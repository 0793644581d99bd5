#include "silence.hpp"

namespace vmpulse::hub {

bool pattern_matches(std::string_view pattern, std::string_view vm) {
  // Iterative glob with one backtrack point: linear for the short names VMs have.
  std::size_t p = 0;
  std::size_t v = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_v = 0;
  while (v < vm.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == vm[v])) {
      ++p;
      ++v;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_v = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++star_v;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool is_silenced(const std::vector<Silence>& silences, std::string_view vm, std::int64_t now_s) {
  for (const auto& silence : silences) {
    if (silence.until_s > now_s && pattern_matches(silence.match, vm)) {
      return true;
    }
  }
  return false;
}

}  // namespace vmpulse::hub
