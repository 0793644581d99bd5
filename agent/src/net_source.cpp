#include "net_source.hpp"

#include <fcntl.h>

#include <array>

#include "proc_file.hpp"
#include "text_fields.hpp"

namespace vmpulse::agent {

Result<std::size_t> parse_net_dev(std::string_view text, std::vector<DeviceCounters>& out) {
  std::size_t count = 0;
  std::size_t line_number = 0;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    ++line_number;
    if (line_number <= 2) {
      continue;  // the two header lines
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      if (next_word(line).empty()) {
        continue;
      }
      return fail("line " + std::to_string(line_number) + " has no \"name:\"");
    }
    std::string_view name = line.substr(0, colon);
    name = next_word(name);
    line.remove_prefix(colon + 1);
    // rx: bytes packets errs drop fifo frame compressed multicast; then tx: bytes …
    std::array<std::string_view, 9> words;
    std::size_t n = 0;
    while (n < words.size() && !(words[n] = next_word(line)).empty()) {
      ++n;
    }
    const auto rx = n == words.size() ? parse_counter(words[0]) : std::nullopt;
    const auto tx = n == words.size() ? parse_counter(words[8]) : std::nullopt;
    if (name.empty() || !rx || !tx) {
      return fail("line " + std::to_string(line_number) +
                  " is not \"name: rx-bytes … (8 columns) tx-bytes …\"");
    }
    if (name == "lo") {
      continue;
    }
    if (count == out.size()) {
      out.emplace_back();
    }
    out[count].name.assign(name);
    out[count].in = *rx;
    out[count].out = *tx;
    ++count;
  }
  out.resize(count);
  return count;
}

Result<std::optional<Throughput>> NetReader::read(double seconds) {
  text_.resize(std::size_t{64} * 1024);  // ~130 bytes an interface
  auto got = read_proc_file(AT_FDCWD, path_.c_str(), text_.data(), text_.size(), true);
  if (auto* failure = std::get_if<Failure>(&got)) {
    rates_.reset();
    return std::move(*failure);
  }
  auto parsed =
      parse_net_dev(std::string_view(text_.data(), std::get<std::size_t>(got)), interfaces_);
  if (auto* failure = std::get_if<Failure>(&parsed)) {
    rates_.reset();
    return Failure{path_ + ": " + failure->message, false};
  }
  return rates_.update(interfaces_, seconds);
}

}  // namespace vmpulse::agent
