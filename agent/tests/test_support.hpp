// Shared by the agent's tests: where the fixture /proc trees are.
#pragma once

#include <string>

namespace vmpulse::agent::testing {

inline std::string fixture(const std::string& tree) {
  return std::string(VMPULSE_AGENT_FIXTURES) + "/procfs/" + tree;
}

inline std::string sysfs(const std::string& tree) {
  return std::string(VMPULSE_AGENT_FIXTURES) + "/sysfs/" + tree;
}

inline std::string expected(const std::string& name) {
  return std::string(VMPULSE_AGENT_FIXTURES) + "/expected/" + name;
}

}  // namespace vmpulse::agent::testing
