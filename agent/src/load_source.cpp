#include "load_source.hpp"

#include <fcntl.h>

#include <array>

#include "proc_file.hpp"
#include "text_fields.hpp"

namespace vmpulse::agent {

Result<LoadAverage> parse_loadavg(std::string_view text) {
  std::array<double, 3> values{};
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string_view word = next_word(text);
    const auto value = parse_decimal(word);
    if (!value) {
      return fail("column " + std::to_string(i + 1) + " (\"" + std::string(word) +
                  "\") is not a load average");
    }
    values[i] = *value;
  }
  return LoadAverage{values[0], values[1], values[2]};
}

Result<LoadAverage> LoadReader::read() const {
  std::array<char, 256> buffer;
  auto got = read_proc_file(AT_FDCWD, path_.c_str(), buffer.data(), buffer.size(), false);
  if (auto* failure = std::get_if<Failure>(&got)) {
    return std::move(*failure);
  }
  auto load = parse_loadavg(std::string_view(buffer.data(), std::get<std::size_t>(got)));
  if (auto* failure = std::get_if<Failure>(&load)) {
    return Failure{path_ + ": " + failure->message, false};
  }
  return load;
}

}  // namespace vmpulse::agent
