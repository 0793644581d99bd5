// The `pattern` keywords of the contract schema (ECMAScript regular expressions), matched
// without std::regex on the hot path. Patterns of the form ^ATOMS$, where an atom is a
// literal, an escaped character or a bracket class and each may carry ?, *, + or {n,m},
// are compiled into a small table and matched with bounded backtracking; anything else
// falls back to std::regex, so every pattern the schema may hold is honoured.
// Immutable once built; matching is thread-safe.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vmpulse::detail {

class Pattern {
 public:
  // Throws std::invalid_argument when `source` is not a valid regular expression.
  explicit Pattern(std::string source);

  bool matches(std::string_view text) const {
    // Inline for one-atom patterns: the contract's string checks ask for every string of
    // every body (a process's name and state, a VM's name).
    return single_ ? match_single(text) : match_compiled_or_regex(text);
  }
  // The same answer for a text known to be printable ASCII (0x20..0x7e: a plain run,
  // contract_lex.hpp), without looking at its bytes when the pattern is one atom that
  // takes every printable character (^[ -~]+$: a process's name, a label's value).
  bool matches_printable(std::string_view text) const {
    if (printable_) {
      const Atom& atom = atoms_.front();
      return text.size() >= atom.min && text.size() <= atom.max;
    }
    return matches(text);
  }
  const std::string& source() const { return source_; }
  // True when the pattern is matched by the compiled table rather than std::regex.
  bool compiled() const { return compiled_; }

 private:
  struct Atom {
    std::bitset<256> bytes;  // which bytes the atom accepts
    std::size_t min = 1;
    std::size_t max = 1;  // SIZE_MAX: unbounded
  };
  bool compile();
  bool match_from(std::size_t atom, std::string_view text, std::size_t pos,
                  std::size_t& budget) const;
  bool match_linear(std::string_view text) const;
  bool match_compiled_or_regex(std::string_view text) const;
  // One atom taking the whole text: the length within its count, every byte in its set.
  bool match_single(std::string_view text) const {
    const Atom& atom = atoms_.front();
    if (text.size() < atom.min || text.size() > atom.max) {
      return false;
    }
    for (const char c : text) {
      if (!single_bytes_[static_cast<unsigned char>(c)]) {
        return false;
      }
    }
    return true;
  }

  std::string source_;
  std::vector<Atom> atoms_;
  bool anchored_start_ = false;
  bool anchored_end_ = false;
  bool compiled_ = false;
  bool linear_ = false;  // compiled, and no atom but the last has a choice of count
  // compiled, anchored and one atom (^[...]+$ and the like: a process's name and state,
  // a VM's name): `single_bytes_` is that atom's set as a table, one lookup per byte.
  bool single_ = false;
  std::array<bool, 256> single_bytes_{};
  bool printable_ = false;  // single_, and its set holds every byte from 0x20 to 0x7e
  // std::regex, kept out of this header: it validates the pattern and is the matcher
  // when the pattern is not compiled. Shared so that a Pattern copies cheaply.
  struct Fallback;
  std::shared_ptr<const Fallback> regex_;
};

}  // namespace vmpulse::detail
