// parse_ingest_body on any bytes: it must answer (records or a contract error), never
// crash, hang or leak, and whatever it answers must be consistent with the contract.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "vmpulse/contract.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();  // libFuzzer reports the input that got here
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto result = vmpulse::parse_ingest_body(body);
  if (const auto* error = std::get_if<vmpulse::ContractError>(&result)) {
    require(error->status == vmpulse::status_of(error->error));
    require(error->error == "invalid_json" || error->error == "invalid_record" ||
            error->error == "batch_too_large");
    require(!error->detail.empty());
    // The error answer is always valid JSON, whatever bytes the body held.
    require(nlohmann::json::accept(vmpulse::to_json(*error)));
    return 0;
  }
  const auto& records = std::get<std::vector<vmpulse::Record>>(result);
  require(!records.empty() && records.size() <= vmpulse::ingest_limits().max_batch);
  // An accepted body is strict JSON, and each record written back is JSON a parser takes.
  require(nlohmann::json::accept(body));
  for (const auto& record : records) require(nlohmann::json::accept(vmpulse::to_json(record)));
  return 0;
}
