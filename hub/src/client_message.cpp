#include "client_message.hpp"

#include <nlohmann/json.hpp>

#include "vmpulse/contract.hpp"

namespace vmpulse::hub {

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
    // 15 and 15.0 are the same number in JSON.
    if (!minutes->is_number() ||
        minutes->get<double>() !=
            static_cast<double>(static_cast<long long>(minutes->get<double>())) ||
        minutes->get<double>() < 1 || minutes->get<double>() > kMaxMinutes) {
      return ProtocolViolation{kClosePolicy, "select: minutes must be an integer 1..60"};
    }
    select.minutes = static_cast<int>(minutes->get<double>());
  }
  return select;
}

}  // namespace vmpulse::hub
