# Precompiled headers: what nearly every translation unit of a target parses again,
# parsed once per target. Measured on this project (docs/development.md, "Where the
# suite's time goes"): GoogleTest and the standard library it pulls in are in all 63
# test files; the heavy third-party headers (Asio, Beast, CLI11, nlohmann/json) are each
# in a few files only, where a PCH costs more to build and load than it saves (the hub's
# server, with spdlog in 9 of its 11 files, is the exception).
# -DVMPULSE_PCH=OFF builds without them (each file includes what it uses either way).
#
# Off by default for GCC before 13: with its PCH, libstdc++ loses its system-header mark,
# so GCC 12's false positives inside std::string (-Wstringop-overflow on operator+) are
# reported again and -Werror stops the release build. The sanitizer builds (clang:
# unit-asan, fuzz) are the ones it serves.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  set(vmpulse_pch_default OFF)
else()
  set(vmpulse_pch_default ON)
endif()
option(VMPULSE_PCH "Precompile the headers every file of a target includes" ${vmpulse_pch_default})

set(VMPULSE_PCH_STD
  <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional> <string>
  <string_view> <utility> <variant> <vector>)
set(VMPULSE_PCH_TESTS <gtest/gtest.h> ${VMPULSE_PCH_STD})

# ccache caches compiles that use a PCH only with this sloppiness (its manual,
# "Precompiled headers"): the PCH is made just before them and hides its macros.
if(VMPULSE_PCH AND CMAKE_CXX_COMPILER_LAUNCHER MATCHES "ccache$")
  set(CMAKE_CXX_COMPILER_LAUNCHER env
    CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
    ${CMAKE_CXX_COMPILER_LAUNCHER})
endif()

# vmpulse_precompile_headers(TARGET HEADERS...)
function(vmpulse_precompile_headers target)
  if(VMPULSE_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
