#include "text_fields.hpp"

#include <charconv>

namespace vmpulse::agent {

std::string_view next_word(std::string_view& text) {
  std::size_t start = 0;
  while (start < text.size() && (is_blank(text[start]) || text[start] == '\n')) {
    ++start;
  }
  std::size_t end = start;
  while (end < text.size() && !is_blank(text[end]) && text[end] != '\n') {
    ++end;
  }
  const std::string_view word = text.substr(start, end - start);
  text.remove_prefix(end);
  return word;
}

std::string_view trim_blank(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_blank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view next_line(std::string_view& text) {
  const auto eol = text.find('\n');
  const std::string_view line = text.substr(0, eol);
  text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
  return line;
}

std::optional<std::uint64_t> parse_counter(std::string_view word) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (word.empty() || ec != std::errc() || end != word.data() + word.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> parse_decimal(std::string_view word) {
  double value = 0;
  const auto [end, ec] =
      std::from_chars(word.data(), word.data() + word.size(), value, std::chars_format::fixed);
  if (word.empty() || word.front() == '-' || ec != std::errc() ||
      end != word.data() + word.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace vmpulse::agent
