# vmpulse_tests: one target that every unit-test executable joins, so that a build whose
# only use is ctest (tests/suites/11-unit-asan.sh) compiles the tests and what they link,
# not the servers, tools and benchmarks beside them.
add_custom_target(vmpulse_tests)
include(GoogleTest)

# vmpulse_discover_tests(TARGET [gtest_discover_tests options...]): registers a GoogleTest
# executable with ctest, one ctest test per test case, adds it to vmpulse_tests and
# precompiles GoogleTest for it (cmake/vmpulse_pch.cmake).
function(vmpulse_discover_tests target)
  add_dependencies(vmpulse_tests ${target})
  vmpulse_precompile_headers(${target} ${VMPULSE_PCH_TESTS})
  gtest_discover_tests(${target} ${ARGN})
endfunction()
