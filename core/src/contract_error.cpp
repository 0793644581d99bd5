#include "vmpulse/contract.hpp"
#include "vmpulse/detail/json_text.hpp"

namespace vmpulse {

std::string to_json(const ContractError& error) {
  // Field order as the contract shows it: error, field, index, detail.
  std::string out = "{\"error\":";
  detail::append_json_string(out, error.error);
  if (error.field) {
    out += ",\"field\":";
    detail::append_json_string(out, *error.field);
  }
  if (error.index) {
    out += ",\"index\":";
    detail::append_json_uint(out, *error.index);
  }
  out += ",\"detail\":";
  detail::append_json_string(out, error.detail);
  out += '}';
  return out;
}

}  // namespace vmpulse
