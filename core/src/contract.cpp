// The public face of the ingest contract (vmpulse/contract.hpp) over the rule table
// built from the embedded schema.
#include "vmpulse/contract.hpp"

#include "contract_parse.hpp"
#include "contract_schema.hpp"

namespace vmpulse {

const IngestLimits& ingest_limits() { return detail::contract_schema().limits; }

std::variant<std::vector<Record>, ContractError> parse_ingest_body(std::string_view body) {
  return detail::parse_body(detail::contract_schema(), body);
}

int status_of(std::string_view error_code) {
  const auto& table = detail::contract_schema().error_status;
  const auto found = table.find(error_code);
  return found == table.end() ? 500 : found->second;
}

bool valid_idempotency_key(std::string_view key) {
  const auto& pattern = detail::contract_schema().idempotency_key;
  return pattern && pattern->matches(key);
}

}  // namespace vmpulse
