// How the agent's readers and parsers answer: a value, or a Failure that says what
// went wrong with enough context (the path, the line) to be reported as it is.
#pragma once

#include <string>
#include <system_error>
#include <utility>
#include <variant>

namespace vmpulse::agent {

struct Failure {
  std::string message;
  bool missing = false;  // the file does not exist (a module that is not loaded)
};

template <class T>
using Result = std::variant<T, Failure>;

inline Failure fail(std::string message) { return Failure{std::move(message), false}; }

// errno's text; unlike strerror, safe on any thread.
inline std::string errno_text(int error) { return std::generic_category().message(error); }

template <class T>
const Failure* failure_of(const Result<T>& result) {
  return std::get_if<Failure>(&result);
}

}  // namespace vmpulse::agent
