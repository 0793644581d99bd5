#include "uptime_source.hpp"

#include <fcntl.h>

#include <array>

#include "proc_file.hpp"
#include "text_fields.hpp"

namespace vmpulse::agent {

Result<double> parse_uptime(std::string_view text) {
  const std::string_view word = next_word(text);
  const auto seconds = parse_decimal(word);
  if (!seconds) {
    return fail("\"" + std::string(word) + "\" is not a number of seconds");
  }
  return *seconds;
}

Result<double> UptimeReader::read() const {
  std::array<char, 128> buffer;
  auto got = read_proc_file(AT_FDCWD, path_.c_str(), buffer.data(), buffer.size(), false);
  if (auto* failure = std::get_if<Failure>(&got)) {
    return std::move(*failure);
  }
  auto seconds = parse_uptime(std::string_view(buffer.data(), std::get<std::size_t>(got)));
  if (auto* failure = std::get_if<Failure>(&seconds)) {
    return Failure{path_ + ": " + failure->message, false};
  }
  return seconds;
}

}  // namespace vmpulse::agent
