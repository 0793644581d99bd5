#include "vmpulse/detail/program.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace vmpulse::detail {

ProgramExit refuse(std::string_view program, std::string_view problem) {
  std::string message(program);
  message += ": ";
  message += problem;
  message += '\n';
  return ProgramExit{2, std::move(message)};
}

int print_exit(const ProgramExit& exit) {
  std::fputs(exit.message.c_str(), exit.code == 0 ? stdout : stderr);
  return exit.code;
}

int log_escaped(const std::exception& error) {
  spdlog::critical("{}", error.what());
  return 1;
}

}  // namespace vmpulse::detail
