#include "vmpulse/log_excerpt.hpp"

#include <algorithm>

namespace vmpulse {

std::string log_excerpt(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes + 3));
  bool space = false;
  bool cut = false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f || c == ' ') {
      space = !out.empty();  // leading blanks are dropped, inner runs become one space
      continue;
    }
    if (out.size() + (space ? 1 : 0) + 1 > max_bytes) {
      cut = true;
      break;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  if (cut) {
    // Drop a multi-byte UTF-8 character the cut left incomplete: find its lead byte
    // (continuation bytes are 10xxxxxx) and the length it announces.
    std::size_t lead = out.size();
    while (lead > 0 && (static_cast<unsigned char>(out[lead - 1]) & 0xC0) == 0x80) {
      --lead;
    }
    if (lead > 0) {
      const auto byte = static_cast<unsigned char>(out[lead - 1]);
      const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
      if (out.size() - (lead - 1) < length) {
        out.resize(lead - 1);
      }
    }
    out += "…";
  }
  return out;
}

}  // namespace vmpulse
