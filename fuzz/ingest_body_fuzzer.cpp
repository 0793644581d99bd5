// parse_ingest_body on any bytes: it must answer (records or a contract error), never
// crash, hang or leak, and whatever it answers must be consistent with the contract and
// the same as the nlohmann-based parser it replaced (core/tests/contract_parse_reference.cpp
// says where they may differ: a NUL byte, more than 16 numbers beyond a double's range).
// And the plain-body reader, wherever it answers, answers the general path's records, and
// read for storage (route 1) it answers the same records but that a list may be kept as
// its text, which is then the stored form of the entries.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "contract_parse.hpp"
#include "contract_parse_reference.hpp"
#include "contract_plain.hpp"
#include "contract_schema.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/processes_json.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();  // libFuzzer reports the input that got here
}

void same_as_reference(
    std::string_view body,
    const std::variant<std::vector<vmpulse::Record>, vmpulse::ContractError>& ours) {
  const auto* our_error = std::get_if<vmpulse::ContractError>(&ours);
  if (body.find('\0') != std::string_view::npos) {
    require(our_error != nullptr && our_error->error == "invalid_json");
    return;
  }
  const auto theirs =
      vmpulse::detail::reference::parse_body(vmpulse::detail::contract_schema(), body);
  const auto* their_error = std::get_if<vmpulse::ContractError>(&theirs);
  if (their_error != nullptr &&
      their_error->detail == "the body has too many numbers out of range") {
    return;
  }
  require(ours.index() == theirs.index());
  if (our_error == nullptr) {
    require(std::get<0>(ours) == std::get<0>(theirs));
    return;
  }
  require(our_error->status == their_error->status && our_error->error == their_error->error &&
          our_error->field == their_error->field && our_error->index == their_error->index);
}

void plain_as_general(std::string_view body) {
  const auto& schema = vmpulse::detail::contract_schema();
  if (const auto plain = vmpulse::detail::read_plain_body(schema, body)) {
    const auto general = vmpulse::detail::parse_body_general(schema, body);
    require(general.index() == 0 && std::get<0>(general) == *plain);
  }
}

void storage_as_entries(std::string_view body) {
  const auto& schema = vmpulse::detail::contract_schema();
  const auto plain = vmpulse::detail::read_plain_body(schema, body);
  const auto stored =
      vmpulse::detail::read_plain_body(schema, body, vmpulse::ListReading::kStoredText);
  require(plain.has_value() == stored.has_value());
  if (!plain) {
    return;
  }
  require(plain->size() == stored->size());
  for (std::size_t i = 0; i < plain->size(); ++i) {
    vmpulse::Record record = (*stored)[i];
    if (!record.procesos_top_stored.empty()) {
      std::string written;
      vmpulse::append_processes_stored(written, *(*plain)[i].procesos_top);
      require(written == record.procesos_top_stored && record.procesos_top->empty());
      record.procesos_top = (*plain)[i].procesos_top;
      record.procesos_top_stored.clear();
    }
    require(record == (*plain)[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto result = vmpulse::parse_ingest_body(body);
  same_as_reference(body, result);
  plain_as_general(body);
  storage_as_entries(body);
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
