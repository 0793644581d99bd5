# vmpulse_generate_defaults(ENV_FILE HEADER): turns config/defaults.env into constexpr
# values, so the C++ binaries and the scripts read the same ports and defaults.
#   VMPULSE_AGENT_PORT=8080  -> kAgentPort (unsigned short) and kAgentPortEnv ("VMPULSE_AGENT_PORT")
#   VMPULSE_DB_NAME=x        -> kDbName (std::string_view)
#   VMPULSE_INTERVAL=1s      -> kInterval ("1s") and kIntervalDuration (std::chrono::milliseconds)
#   other integers           -> long long
function(vmpulse_generate_defaults env_file header)
  file(STRINGS "${env_file}" lines)
  set(body "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*#" OR NOT line MATCHES "^([A-Z][A-Z0-9_]*)=(.*)$")
      continue()
    endif()
    set(key "${CMAKE_MATCH_1}")
    set(value "${CMAKE_MATCH_2}")
    # Strip one level of quotes, as the shell would.
    if(value MATCHES "^\"(.*)\"$" OR value MATCHES "^'(.*)'$")
      set(value "${CMAKE_MATCH_1}")
    endif()
    # VMPULSE_AGENT_PORT -> AgentPort
    string(REGEX REPLACE "^VMPULSE_" "" short "${key}")
    string(TOLOWER "${short}" short)
    string(REPLACE "_" ";" parts "${short}")
    set(name "k")
    foreach(part IN LISTS parts)
      string(SUBSTRING "${part}" 0 1 first)
      string(SUBSTRING "${part}" 1 -1 rest)
      string(TOUPPER "${first}" first)
      string(APPEND name "${first}${rest}")
    endforeach()
    string(APPEND body "inline constexpr std::string_view ${name}Env = \"${key}\";\n")
    if(key MATCHES "_PORT$" AND value MATCHES "^[0-9]+$")
      if(value GREATER 65535)
        message(FATAL_ERROR "${env_file}: ${key}=${value} is not a port")
      endif()
      string(APPEND body "inline constexpr unsigned short ${name} = ${value};\n")
    elseif(value MATCHES "^[0-9]+$")
      string(APPEND body "inline constexpr long long ${name} = ${value};\n")
    elseif(value MATCHES "^([0-9]+)(ms|s|m|h)$")
      set(amount "${CMAKE_MATCH_1}")
      set(unit "${CMAKE_MATCH_2}")
      if(unit STREQUAL "ms")
        set(ms "${amount}")
      elseif(unit STREQUAL "s")
        math(EXPR ms "${amount} * 1000")
      elseif(unit STREQUAL "m")
        math(EXPR ms "${amount} * 60000")
      else()
        math(EXPR ms "${amount} * 3600000")
      endif()
      string(APPEND body "inline constexpr std::string_view ${name} = \"${value}\";\n")
      string(APPEND body "inline constexpr std::chrono::milliseconds ${name}Duration{${ms}};\n")
    else()
      string(REPLACE "\\" "\\\\" value "${value}")
      string(REPLACE "\"" "\\\"" value "${value}")
      string(APPEND body "inline constexpr std::string_view ${name} = \"${value}\";\n")
    endif()
  endforeach()
  set(text "// Generated from config/defaults.env by core/cmake/generate_defaults.cmake; do not edit.
// Each value can be overridden at run time by the environment variable named in k…Env.
#pragma once

#include <chrono>
#include <string_view>

namespace vmpulse::defaults {

${body}
}  // namespace vmpulse::defaults
")
  file(WRITE "${header}.tmp" "${text}")
  file(COPY_FILE "${header}.tmp" "${header}" ONLY_IF_DIFFERENT)
  file(REMOVE "${header}.tmp")
endfunction()
