#include "vm_filter.hpp"

#include <algorithm>

#include "vmpulse/contract.hpp"

namespace vmpulse::hub {

std::variant<LabelFilter, ParamError> parse_label_filter(const http::Request& request) {
  LabelFilter filter;
  for (const std::string& param : request.query_params("label")) {
    const auto eq = param.find('=');
    if (eq == std::string::npos || eq == 0) {
      return ParamError{"invalid_parameter",
                        "label must be key=value, not \"" + param.substr(0, 80) + "\""};
    }
    filter.emplace_back(param.substr(0, eq), param.substr(eq + 1));
  }
  if (auto problem = check_labels(filter)) {
    return ParamError{"invalid_parameter", "label: " + *problem};
  }
  return filter;
}

bool labels_match(const Labels& labels, const LabelFilter& filter) {
  return std::ranges::all_of(filter, [&labels](const auto& wanted) {
    return std::ranges::find(labels, wanted) != labels.end();
  });
}

}  // namespace vmpulse::hub
