// The public face of the ingest contract (vmpulse/contract.hpp) over the rule table
// built from the embedded schema.
#include "vmpulse/contract.hpp"

#include "contract_parse.hpp"
#include "contract_raw.hpp"
#include "contract_schema.hpp"

namespace vmpulse {

const IngestLimits& ingest_limits() { return detail::contract_schema().limits; }

std::variant<std::vector<Record>, ContractError> parse_ingest_body(std::string_view body,
                                                                   ListReading lists) {
  return detail::parse_body(detail::contract_schema(), body, lists);
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

bool valid_vm_name(std::string_view name) {
  const auto& schema = detail::contract_schema();
  const auto vm = schema.find("vm");
  return vm && !detail::check_string(schema.properties[*vm], name);
}

std::optional<std::string> check_labels(const Labels& labels) {
  const auto& schema = detail::contract_schema();
  const auto index = schema.find("etiquetas");
  if (!index || schema.properties[*index].type != detail::FieldType::kMap) {
    return "the contract has no etiquetas";
  }
  detail::RawValue value;
  value.kind = detail::RawValue::Kind::kObject;
  value.length = labels.size();
  value.pair_count = labels.size();
  value.pairs.resize(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (labels[j].first == labels[i].first) {
        return "the key \"" + labels[i].first + "\" appears twice";
      }
    }
    value.pairs[i].key = labels[i].first;
    value.pairs[i].value.kind = detail::RawValue::Kind::kString;
    value.pairs[i].value.text = labels[i].second;
  }
  return detail::check_map(schema.properties[*index], value);
}

std::vector<std::string> ingest_paths(std::string_view route) {
  const auto& schema = detail::contract_schema();
  std::vector<std::string> paths;
  for (const auto& [name, path] : schema.routes) {
    if (name == route) {
      paths.push_back(path);
    }
  }
  if (!paths.empty()) {
    paths.insert(paths.end(), schema.paths.begin(), schema.paths.end());
  }
  return paths;
}

std::vector<RouteLabel> ingest_route_labels(std::string_view route) {
  const auto& schema = detail::contract_schema();
  std::vector<RouteLabel> labels;
  for (const auto& [name, path] : schema.routes) {
    if (name == route) {
      labels.push_back({"ingest", path});
    }
  }
  if (!labels.empty()) {
    for (const auto& [label, path] : schema.metrics_routes) {
      labels.push_back({label, path});
    }
  }
  return labels;
}

}  // namespace vmpulse
