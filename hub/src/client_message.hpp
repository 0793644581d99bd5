// Messages a dashboard may send (docs/ws-protocol.md) and the close code and reason for
// anything else. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace vmpulse::hub {

inline constexpr int kDefaultMinutes = 15;
inline constexpr int kMaxMinutes = 60;

struct SelectMessage {
  std::string vm;
  int minutes = kDefaultMinutes;
};
struct PingMessage {};

// Why a connection is closed: RFC 6455 code and a reason (≤ 123 bytes).
struct ProtocolViolation {
  std::uint16_t code = 1008;
  std::string reason;
};

inline constexpr std::uint16_t kClosePolicy = 1008;
inline constexpr std::uint16_t kCloseUnsupported = 1003;
inline constexpr std::uint16_t kCloseTooBig = 1009;
inline constexpr std::uint16_t kCloseTryAgainLater = 1013;

using ClientMessage = std::variant<SelectMessage, PingMessage, ProtocolViolation>;

// A text frame's payload.
ClientMessage parse_client_message(std::string_view text);

// The `minutes` of /ws?minutes=N, by select's rule (a JSON number that is a whole
// number of minutes, 1..60: 15 and 15.0 alike); nullopt for anything else.
std::optional<int> parse_minutes(std::string_view text);

}  // namespace vmpulse::hub
