// Which browser origins may open /ws and read /api/* by CORS (cors.hpp): a page on
// another site must not read the live data with the visitor's network position.
// Requests without Origin (non-browser clients) are allowed; same-host origins always
// are. Without --allow-origin, localhost origins are allowed too; "*" allows every
// origin. Immutable after parse; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vmpulse::hub {

class OriginPolicy {
 public:
  // Each spec is "*" or an origin "scheme://host[:port]"; a spec may hold several,
  // comma separated. An empty list is the default policy.
  static std::variant<OriginPolicy, std::string> parse(const std::vector<std::string>& specs);

  // `origin`: the Origin header, if any; `host`: the Host header of the request.
  bool allows(std::optional<std::string_view> origin, std::string_view host) const;

 private:
  bool any_ = false;
  bool localhost_ = true;
  std::vector<std::string> origins_;  // lower case
};

}  // namespace vmpulse::hub
