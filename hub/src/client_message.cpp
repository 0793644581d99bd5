#include "client_message.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "vmpulse/contract.hpp"

namespace vmpulse::hub {
namespace {

std::optional<int> minutes_of(const nlohmann::json& value) {
  // 15 and 15.0 are the same number in JSON.
  if (!value.is_number()) {
    return std::nullopt;
  }
  const auto minutes = value.get<double>();
  if (!(minutes >= 1 && minutes <= kMaxMinutes) || minutes != std::floor(minutes)) {
    return std::nullopt;
  }
  return static_cast<int>(minutes);
}

}  // namespace

ClientMessage parse_client_message(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return ProtocolViolation{kCloseUnsupported, "not JSON"};
  }
  if (!json.is_object()) {
    return ProtocolViolation{kClosePolicy, "message must be a JSON object"};
  }
  const auto type = json.find("type");
  if (type == json.end() || !type->is_string()) {
    return ProtocolViolation{kClosePolicy, "missing \"type\""};
  }
  const auto& name = type->get_ref<const std::string&>();

  if (name == "ping") {
    return PingMessage{};
  }
  if (name != "select") {
    // Echo at most a few bytes of what was sent so the reason stays under 123 bytes.
    return ProtocolViolation{kClosePolicy, "unknown type \"" + name.substr(0, 40) + "\""};
  }

  SelectMessage select;
  const auto vm = json.find("vm");
  if (vm == json.end() || !vm->is_string() || !valid_vm_name(vm->get_ref<const std::string&>())) {
    return ProtocolViolation{kClosePolicy,
                             "select: vm is not a valid VM name (the contract's vm rule)"};
  }
  select.vm = vm->get<std::string>();
  const auto minutes = json.find("minutes");
  if (minutes != json.end()) {
    const auto value = minutes_of(*minutes);
    if (!value) {
      return ProtocolViolation{kClosePolicy, "select: minutes must be an integer 1..60"};
    }
    select.minutes = *value;
  }
  return select;
}

std::optional<int> parse_minutes(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return json.is_discarded() ? std::nullopt : minutes_of(json);
}

}  // namespace vmpulse::hub
