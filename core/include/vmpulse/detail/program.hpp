// How every vmpulse program (agent, api, hub) starts and ends, so that their main()s
// read alike: flags parsed (a problem → exit 2 with one line on stderr, --help → exit 0
// with the usage on stdout), logging started, the program run, and an exception that
// escapes it logged as critical → exit 1. Internal to vmpulse, not a public API.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vmpulse/log.hpp"

namespace vmpulse::detail {

// Not options: how the program ends at once (--help → 0, bad input → 2).
struct ProgramExit {
  int code = 2;
  std::string message;  // printed as is: to stdout when code is 0, to stderr otherwise
};

// What a program's flags parse to.
template <class Options>
using Parsed = std::variant<Options, ProgramExit>;

// Bad input: "<program>: <problem>\n", exit 2.
ProgramExit refuse(std::string_view program, std::string_view problem);

// The api's and the hub's parsers answer options (with a `help` flag) or a problem.
template <class Options>
Parsed<Options> with_usage(std::string_view program, std::variant<Options, std::string> parsed,
                           std::string (*usage)()) {
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    return refuse(program, *problem);
  }
  auto& options = std::get<Options>(parsed);
  if (options.help) {
    return ProgramExit{0, usage()};
  }
  return std::move(options);
}

// Prints the exit's message where it belongs; returns its code.
int print_exit(const ProgramExit& exit);
// Logs what escaped the program as critical; returns 1.
int log_escaped(const std::exception& error);

// parse(argv[1..]) → Parsed<Options>; logging started at the options' log_level and
// log_format; then run(options), whose result is the exit code.
template <class Parse, class Run>
int run_logged(std::string_view program, int argc, char** argv, Parse parse, Run run) {
  auto parsed = parse(std::vector<std::string>(argv + 1, argv + argc));
  if (const auto* exit = std::get_if<ProgramExit>(&parsed)) {
    return print_exit(*exit);
  }
  using Options = std::variant_alternative_t<0, decltype(parsed)>;
  const Options& options = std::get<Options>(parsed);
  if (auto problem = init_logging(program, options.log_level, options.log_format)) {
    return print_exit(refuse(program, *problem));
  }
  try {
    return run(options);
  } catch (const std::exception& error) {
    return log_escaped(error);
  }
}

}  // namespace vmpulse::detail
