#include "vmpulse/processes_json.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "vmpulse/detail/json_text.hpp"

namespace vmpulse {

namespace {

// One value of an entry as both forms write it: integers as integers, numbers with two
// decimals, strings escaped.
template <class T>
void append_value(std::string& out, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    detail::append_json_string(out, value);
  } else if constexpr (std::is_same_v<T, double>) {
    detail::append_json_fixed(out, value, 2);
  } else {
    static_assert(std::is_integral_v<T>, "a process field of a type not written here");
    detail::append_json_int(out, static_cast<std::int64_t>(value));
  }
}

// Writes the entry as append_entry below would, into [at, end), when that is the usual
// entry: strings with nothing to escape and numbers write_json_fixed_fast writes, all of
// it fitting. Returns the end of what it wrote, or nullptr (then append_entry writes the
// entry value by value): one append per entry instead of a dozen appends and push_backs
// (route 1 writes ten entries per record; this was most of their stored form's cost).
char* write_plain_entry(char* at, char* const end, const ProcessEntry& entry, bool with_keys) {
  *at++ = with_keys ? '{' : '[';
  bool first_field = true;
  visit_process_fields(entry, [&](std::string_view name, const auto& value) {
    using T = std::remove_cvref_t<decltype(value)>;
    if (at == nullptr) {
      return;
    }
    std::size_t bound = 1 + (with_keys ? name.size() + 3 : 0);
    if constexpr (std::is_same_v<T, std::string>) {
      bound += value.size() + 2;
    } else {
      bound += detail::kJsonFixedFastMax;  // an int64 is 20 bytes at most
    }
    if (static_cast<std::size_t>(end - at) < bound + 1) {  // and the closing bracket
      at = nullptr;
      return;
    }
    if (!first_field) {
      *at++ = ',';
    }
    first_field = false;
    if (with_keys) {
      *at++ = '"';
      at = std::copy(name.begin(), name.end(), at);  // a schema property name: plain
      *at++ = '"';
      *at++ = ':';
    }
    if constexpr (std::is_same_v<T, std::string>) {
      const auto plain = [](char c) {
        return !detail::needs_json_escape(static_cast<unsigned char>(c));
      };
      if (!std::all_of(value.begin(), value.end(), plain)) {
        at = nullptr;
        return;
      }
      *at++ = '"';
      at = std::copy(value.begin(), value.end(), at);
      *at++ = '"';
    } else if constexpr (std::is_same_v<T, double>) {
      at = detail::write_json_fixed_fast(at, value, 2);
    } else {
      static_assert(std::is_integral_v<T>, "a process field of a type not written here");
      at = std::to_chars(at, end, static_cast<std::int64_t>(value)).ptr;
    }
  });
  if (at != nullptr) {
    *at++ = with_keys ? '}' : ']';
  }
  return at;
}

// Generic over the entry's fields, so a field added to the schema needs no edit here:
// `with_keys` writes an object (the contract's form), otherwise an array (the stored one).
void append_entry(std::string& out, const ProcessEntry& entry, bool with_keys) {
  out.push_back(with_keys ? '{' : '[');
  bool first_field = true;
  visit_process_fields(entry,
                       [&out, &first_field, with_keys](std::string_view name, const auto& value) {
                         if (!first_field) {
                           out.push_back(',');
                         }
                         first_field = false;
                         if (with_keys) {
                           out.push_back('"');
                           out.append(name);  // a schema property name: nothing to escape
                           out.append("\":");
                         }
                         append_value(out, value);
                       });
  out.push_back(with_keys ? '}' : ']');
}

void append_processes(std::string& out, std::span<const ProcessEntry> processes, bool with_keys) {
  out.push_back('[');
  bool first_entry = true;
  for (const ProcessEntry& entry : processes) {
    if (!first_entry) {
      out.push_back(',');
    }
    first_entry = false;
    char buffer[256];
    if (const char* end = write_plain_entry(buffer, buffer + sizeof buffer, entry, with_keys)) {
      out.append(static_cast<const char*>(buffer), end);
    } else {
      append_entry(out, entry, with_keys);
    }
  }
  out.push_back(']');
}

enum class ValueKind { integer, number, string };

struct ProcessField {
  std::string_view name;
  ValueKind kind;
};

// The entry's fields in visit_process_fields' order, with what each holds.
const std::vector<ProcessField>& process_fields() {
  static const std::vector<ProcessField> fields = [] {
    std::vector<ProcessField> out;
    const ProcessEntry probe{};
    visit_process_fields(probe, [&out](std::string_view name, const auto& value) {
      using T = std::remove_cvref_t<decltype(value)>;
      if constexpr (std::is_same_v<T, std::string>) {
        out.push_back({name, ValueKind::string});
      } else if constexpr (std::is_same_v<T, double>) {
        out.push_back({name, ValueKind::number});
      } else {
        static_assert(std::is_integral_v<T>, "a process field of a type not read here");
        out.push_back({name, ValueKind::integer});
      }
    });
    return out;
  }();
  return fields;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Reads the stored text token by token (JSON whitespace allowed between tokens); each
// value comes back as its exact text so that it can be copied.
class StoredReader {
 public:
  explicit StoredReader(std::string_view text) : text_(text) {}

  // Consumes `c` when it is the next token.
  bool take(char c) {
    skip_space();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  char peek() {
    skip_space();
    return at_ < text_.size() ? text_[at_] : '\0';
  }

  bool at_end() {
    skip_space();
    return at_ == text_.size();
  }

  std::optional<std::string_view> value(ValueKind kind) {
    skip_space();
    const std::size_t end = kind == ValueKind::string ? string_end() : number_end(kind);
    if (end == 0) {
      return std::nullopt;
    }
    const std::string_view token = text_.substr(at_, end - at_);
    at_ = end;
    return token;
  }

 private:
  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }

  // Where the JSON string literal at at_ ends (after its closing quote), or 0. The
  // column is utf8mb4, but the text still goes to browsers as it is: check it all.
  std::size_t string_end() const {
    std::size_t i = at_;
    if (i >= text_.size() || text_[i] != '"') {
      return 0;
    }
    ++i;
    while (i < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[i]);
      if (c == '"') {
        return i + 1;
      }
      if (c < 0x20) {
        return 0;
      }
      if (c >= 0x80) {
        const std::size_t length = detail::utf8_sequence_length(text_.substr(i));
        if (length == 0) {
          return 0;
        }
        i += length;
      } else if (c == '\\') {
        if (i + 1 >= text_.size()) {
          return 0;
        }
        const char escaped = text_[i + 1];
        if (escaped == 'u') {
          if (i + 6 > text_.size()) {
            return 0;
          }
          for (std::size_t k = i + 2; k < i + 6; ++k) {
            if (!is_hex(text_[k])) {
              return 0;
            }
          }
          i += 6;
        } else if (std::string_view("\"\\/bfnrt").find(escaped) != std::string_view::npos) {
          i += 2;
        } else {
          return 0;
        }
      } else {
        ++i;
      }
    }
    return 0;  // no closing quote
  }

  // Where the JSON number at at_ ends, or 0; an integer has no fraction or exponent.
  std::size_t number_end(ValueKind kind) const {
    std::size_t i = at_;
    auto digits = [&] {
      const std::size_t from = i;
      while (i < text_.size() && is_digit(text_[i])) {
        ++i;
      }
      return i - from;
    };
    if (i < text_.size() && text_[i] == '-') {
      ++i;
    }
    const std::size_t integer_start = i;
    const std::size_t integer_digits = digits();
    if (integer_digits == 0 || (text_[integer_start] == '0' && integer_digits > 1)) {
      return 0;
    }
    if (kind == ValueKind::integer) {
      return i;
    }
    if (i < text_.size() && text_[i] == '.') {
      ++i;
      if (digits() == 0) {
        return 0;
      }
    }
    if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
      ++i;
      if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) {
        ++i;
      }
      if (digits() == 0) {
        return 0;
      }
    }
    return i;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

const char* kind_text(ValueKind kind) {
  switch (kind) {
    case ValueKind::integer:
      return "an integer";
    case ValueKind::number:
      return "a JSON number";
    case ValueKind::string:
      return "a JSON string";
  }
  return "a value";
}

}  // namespace

void append_processes_json(std::string& out, std::span<const ProcessEntry> processes) {
  append_processes(out, processes, true);
}

void append_processes_stored(std::string& out, std::span<const ProcessEntry> processes) {
  append_processes(out, processes, false);
}

std::optional<std::string> append_processes_from_stored(std::string& out, std::string_view stored) {
  const std::size_t start = out.size();
  auto fail = [&out, start](std::string why) {
    out.resize(start);
    return std::optional<std::string>(std::move(why));
  };
  StoredReader in(stored);
  if (!in.take('[')) {
    return fail("not a JSON array");
  }
  if (in.peek() != '[') {
    // An empty list, or objects stored before migration 009: the database checked those
    // with json_valid then, and they are what clients have always been sent.
    if (!detail::is_json_array_text(stored)) {
      return fail("not a JSON array");
    }
    out.append(stored);
    return std::nullopt;
  }
  const auto& fields = process_fields();
  // Built only for an error: the hub converts every row it streams.
  auto where = [](std::size_t entry) { return "entry " + std::to_string(entry) + ": "; };
  out.push_back('[');
  for (std::size_t entry = 0;; ++entry) {
    if (!in.take('[')) {
      return fail(where(entry) + "not an array");
    }
    out.push_back('{');
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) {
        if (!in.take(',')) {
          return fail(where(entry) +
                      (in.peek() == ']' || in.peek() == '\0'
                           ? "fewer than " + std::to_string(fields.size()) + " values"
                           : "no ',' after " + std::string(fields[i - 1].name)));
        }
        out.push_back(',');
      }
      const auto value = in.value(fields[i].kind);
      if (!value) {
        return fail(where(entry) + std::string(fields[i].name) + " is not " +
                    kind_text(fields[i].kind));
      }
      out.push_back('"');
      out.append(fields[i].name);
      out.append("\":");
      out.append(*value);
    }
    if (!in.take(']')) {
      return fail(where(entry) + "more than " + std::to_string(fields.size()) +
                  " values, or not closed");
    }
    out.push_back('}');
    if (in.take(']')) {
      break;
    }
    if (!in.take(',')) {
      return fail(where(entry) + "not followed by ',' or the closing ']'");
    }
    out.push_back(',');
  }
  out.push_back(']');
  if (!in.at_end()) {
    return fail("text after the closing ']'");
  }
  return std::nullopt;
}

}  // namespace vmpulse
