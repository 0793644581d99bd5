#include "pattern.hpp"

#include <charconv>
#include <limits>
#include <regex>
#include <stdexcept>

namespace vmpulse::detail {

struct Pattern::Fallback {
  std::regex regex;
};

namespace {

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

// The bytes of an escape outside or inside brackets: \d \w \s and escaped punctuation.
// Returns false for escapes this compiler does not handle (\b, \uXXXX, back-references…).
bool escape_bytes(char c, std::bitset<256>& bytes) {
  const auto set_range = [&bytes](unsigned char from, unsigned char to) {
    for (unsigned v = from; v <= to; ++v) {
      bytes.set(v);
    }
  };
  switch (c) {
    case 'd':
      set_range('0', '9');
      return true;
    case 'w':
      set_range('0', '9'), set_range('a', 'z'), set_range('A', 'Z'), bytes.set('_');
      return true;
    case 's':
      for (const char space : {' ', '\t', '\n', '\r', '\f', '\v'}) {
        bytes.set(static_cast<unsigned char>(space));
      }
      return true;
    default:
      // Escaped punctuation stands for itself; letters and digits are special escapes.
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return false;
      }
      bytes.set(static_cast<unsigned char>(c));
      return true;
  }
}

}  // namespace

Pattern::Pattern(std::string source) : source_(std::move(source)) {
  try {
    // Validates the pattern in every case, and is the matcher when compile() gives up.
    regex_ =
        std::make_shared<const Fallback>(Fallback{std::regex(source_, std::regex::ECMAScript)});
    compiled_ = compile();
  } catch (const std::regex_error& error) {
    throw std::invalid_argument("invalid pattern \"" + source_ + "\": " + error.what());
  }
}

bool Pattern::compile() {
  std::string_view p = source_;
  if (!p.empty() && p.front() == '^') {
    anchored_start_ = true, p.remove_prefix(1);
  }
  if (!p.empty() && p.back() == '$' && (p.size() < 2 || p[p.size() - 2] != '\\')) {
    anchored_end_ = true, p.remove_suffix(1);
  }
  std::size_t i = 0;
  while (i < p.size()) {
    Atom atom;
    const char c = p[i];
    if (c == '[') {
      ++i;
      bool negate = false;
      if (i < p.size() && p[i] == '^') {
        negate = true, ++i;
      }
      bool first = true;
      while (i < p.size() && (p[i] != ']' || first)) {
        first = false;
        std::bitset<256> item;
        unsigned char low = 0;
        if (p[i] == '\\') {
          if (i + 1 >= p.size() || !escape_bytes(p[i + 1], item)) {
            return false;
          }
          i += 2;
          if (item.count() != 1) {  // a class escape cannot start a range
            atom.bytes |= item;
            continue;
          }
          low = static_cast<unsigned char>(p[i - 1]);
        } else {
          if (p[i] == '[') {
            return false;  // [:classes:] and friends
          }
          low = static_cast<unsigned char>(p[i]);
          ++i;
        }
        // A range "a-z"; a '-' first or last is a literal.
        if (i + 1 < p.size() && p[i] == '-' && p[i + 1] != ']') {
          unsigned char high = static_cast<unsigned char>(p[i + 1]);
          if (high == '\\') {
            return false;
          }
          if (high < low) {
            return false;  // std::regex has already rejected it
          }
          for (unsigned v = low; v <= high; ++v) {
            atom.bytes.set(v);
          }
          i += 2;
        } else {
          atom.bytes.set(low);
        }
      }
      if (i >= p.size()) {
        return false;
      }
      ++i;  // ']'
      if (negate) {
        atom.bytes.flip();
      }
    } else if (c == '\\') {
      if (i + 1 >= p.size() || !escape_bytes(p[i + 1], atom.bytes)) {
        return false;
      }
      i += 2;
    } else if (std::string_view(".()|^$*+?{}").find(c) != std::string_view::npos) {
      return false;  // groups, alternation and the rest: std::regex
    } else {
      atom.bytes.set(static_cast<unsigned char>(c));
      ++i;
    }
    // Non-ASCII bytes are parts of UTF-8 sequences, which one atom cannot express.
    for (unsigned v = 0x80; v < 256; ++v) {
      if (atom.bytes.test(v)) {
        return false;
      }
    }
    if (i < p.size()) {
      const char q = p[i];
      if (q == '?') {
        atom.min = 0, atom.max = 1, ++i;
      } else if (q == '*') {
        atom.min = 0, atom.max = kUnbounded, ++i;
      } else if (q == '+') {
        atom.min = 1, atom.max = kUnbounded, ++i;
      } else if (q == '{') {
        const auto close = p.find('}', i);
        if (close == std::string_view::npos) {
          return false;
        }
        const auto body = p.substr(i + 1, close - i - 1);
        const auto comma = body.find(',');
        const auto number = [](std::string_view text, std::size_t& out) {
          const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
          return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
        };
        if (!number(body.substr(0, comma), atom.min)) {
          return false;
        }
        if (comma == std::string_view::npos) {
          atom.max = atom.min;
        } else if (comma + 1 == body.size()) {
          atom.max = kUnbounded;
        } else if (!number(body.substr(comma + 1), atom.max)) {
          return false;
        }
        i = close + 1;
      }
      // Lazy and possessive suffixes change nothing for a full match, but are rare
      // enough to leave to std::regex.
      if (i < p.size() && (p[i] == '?' || p[i] == '+')) {
        return false;
      }
    }
    atoms_.push_back(atom);
  }
  // Unanchored patterns search anywhere; leave them to std::regex_search.
  if (!anchored_start_ || !anchored_end_) {
    return false;
  }
  linear_ = true;
  for (std::size_t k = 0; k + 1 < atoms_.size(); ++k) {
    linear_ = linear_ && atoms_[k].min == atoms_[k].max;
  }
  single_ = atoms_.size() == 1;
  if (single_) {
    for (std::size_t byte = 0; byte < single_bytes_.size(); ++byte) {
      single_bytes_[byte] = atoms_.front().bytes.test(byte);
    }
    printable_ = true;
    for (std::size_t byte = 0x20; byte <= 0x7e; ++byte) {
      printable_ = printable_ && single_bytes_[byte];
    }
  }
  return true;
}

// Every atom but the last takes a fixed count, so there is one way to match: each atom
// takes its count in turn and the last one the rest (no backtracking, no recursion).
// All the schema's patterns are of this kind (vm, hora, a process's name and state).
bool Pattern::match_linear(std::string_view text) const {
  std::size_t pos = 0;
  for (const Atom& atom : atoms_) {
    std::size_t count = 0;
    while (count < atom.max && pos < text.size() &&
           atom.bytes[static_cast<unsigned char>(text[pos])]) {
      ++count, ++pos;
    }
    if (count < atom.min) {
      return false;
    }
  }
  return pos == text.size();
}

bool Pattern::match_from(std::size_t atom, std::string_view text, std::size_t pos,
                         std::size_t& budget) const {
  if (atom == atoms_.size()) {
    return pos == text.size();
  }
  if (budget == 0) {
    return false;
  }
  --budget;
  const Atom& a = atoms_[atom];
  std::size_t count = 0;
  while (count < a.max && pos + count < text.size() &&
         a.bytes[static_cast<unsigned char>(text[pos + count])]) {
    ++count;
  }
  if (count < a.min) {
    return false;
  }
  // Greedy, then give back one at a time (only needed when a later atom overlaps).
  for (std::size_t taken = count + 1; taken-- > a.min;) {
    if (match_from(atom + 1, text, pos + taken, budget)) {
      return true;
    }
  }
  return false;
}

bool Pattern::match_compiled_or_regex(std::string_view text) const {
  if (compiled_ && linear_) {
    return match_linear(text);
  }
  if (compiled_) {
    // Backtracking is bounded so that no input makes a match slow; the schema's patterns
    // never come near it. A pattern that does is answered by std::regex instead.
    std::size_t budget = 64 * (text.size() + 1) * (atoms_.size() + 1);
    if (match_from(0, text, 0, budget)) {
      return true;
    }
    if (budget > 0) {
      return false;
    }
  }
  return std::regex_search(text.begin(), text.end(), regex_->regex);
}

}  // namespace vmpulse::detail
