#include "alert.hpp"

#include <array>

namespace vmpulse::hub {

std::string_view to_string(Severity severity) {
  return severity == Severity::critical ? "critical" : "warning";
}

std::string_view to_string(AlertState state) {
  switch (state) {
    case AlertState::pending:
      return "pending";
    case AlertState::firing:
      return "firing";
    case AlertState::resolved:
      return "resolved";
  }
  return "pending";
}

std::optional<Severity> severity_from(std::string_view text) {
  if (text == "warning") {
    return Severity::warning;
  }
  if (text == "critical") {
    return Severity::critical;
  }
  return std::nullopt;
}

std::optional<AlertState> alert_state_from(std::string_view text) {
  for (AlertState state : {AlertState::pending, AlertState::firing, AlertState::resolved}) {
    if (text == to_string(state)) {
      return state;
    }
  }
  return std::nullopt;
}

std::string Alert::fingerprint() const {
  // FNV-1a 64: tiny, stable across builds and machines (std::hash is neither), and
  // enough to tell a receiver's repeats apart; not a security boundary.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto feed = [&hash](std::string_view bytes) {
    for (const char c : bytes) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
  };
  feed("alertname=");
  feed(rule);
  feed("\xff");
  feed("vm=");
  feed(vm);
  feed("\xff");
  constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                      '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[hash & 0xf];
    hash >>= 4;
  }
  return out;
}

}  // namespace vmpulse::hub
