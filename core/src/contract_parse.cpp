#include "contract_parse.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "contract_collect.hpp"
#include "contract_lex.hpp"
#include "contract_plain.hpp"
#include "contract_raw.hpp"
#include "vmpulse/detail/json_text.hpp"

namespace vmpulse::detail {

namespace {

// A strict RFC 8259 lexer and parser in one pass, iterative (the nesting is a stack of
// bytes, so any depth is read without recursion), driving BodyHandler. It accepts what
// nlohmann::json's strict parser accepts — a leading UTF-8 byte order mark, whitespace
// around one value and nothing else, strings of valid UTF-8 with no raw control
// character, every escape including surrogate pairs — and reports numbers as
// nlohmann does: an integer that fits int64 (negative) or uint64 (otherwise) as such,
// anything else as a double, and a number beyond a double's range as ±1e308 (finite,
// beyond every range, so that it fails its field's range check as JavaScript's
// Infinity would).
class Parser {
 public:
  Parser(std::string_view text, BodyHandler& handler, std::string& scratch,
         std::vector<unsigned char>& open)
      : begin_(reinterpret_cast<const unsigned char*>(text.data())),
        p_(begin_),
        end_(begin_ + text.size()),
        handler_(handler),
        scratch_(scratch),
        open_(open) {
    open_.clear();
  }

  // False on a syntax error; error() says what and where.
  bool run();
  std::string error() const {
    return "the body is not valid JSON: " + std::string(error_) + " at byte " +
           std::to_string(error_at_);
  }

 private:
  bool fail(const char* what) {
    error_ = what;
    error_at_ = static_cast<std::size_t>(p_ - begin_);
    return false;
  }
  void skip_whitespace() {
    while (p_ < end_ && is_json_whitespace(*p_)) {
      ++p_;
    }
  }
  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(reinterpret_cast<const char*>(p_), word.size()) != word) {
      return fail("invalid literal");
    }
    p_ += word.size();
    return true;
  }
  bool string(std::string_view& out);
  bool escape();
  bool hex4(std::uint32_t& out);
  bool number();
  bool compact_entry(const std::vector<std::string>& keys);

  const unsigned char* begin_;
  const unsigned char* p_;
  const unsigned char* end_;
  BodyHandler& handler_;
  std::string& scratch_;              // a string's text once it needed unescaping
  std::vector<unsigned char>& open_;  // '{' or '[' per open container
  const char* error_ = "";
  std::size_t error_at_ = 0;
};

bool Parser::run() {
  if (p_ < end_ && *p_ == 0xEF) {
    if (end_ - p_ < 3 || p_[1] != 0xBB || p_[2] != 0xBF) {
      return fail("invalid byte order mark");
    }
    p_ += 3;
  }
value:
  skip_whitespace();
  if (p_ == end_) {
    return fail("unexpected end of the body, a value was expected");
  }
  switch (*p_) {
    case '{':
      if (const auto* keys = handler_.compact_entry_keys(); keys && compact_entry(*keys)) {
        goto after_value;
      }
      ++p_;
      handler_.start_object();
      open_.push_back('{');
      skip_whitespace();
      if (p_ < end_ && *p_ == '}') {
        ++p_;
        open_.pop_back();
        handler_.end_object();
        goto after_value;
      }
      goto key;
    case '[':
      ++p_;
      handler_.start_array();
      open_.push_back('[');
      skip_whitespace();
      if (p_ < end_ && *p_ == ']') {
        ++p_;
        open_.pop_back();
        handler_.end_array();
        goto after_value;
      }
      goto value;
    case '"': {
      std::string_view text;
      if (!string(text)) {
        return false;
      }
      handler_.string(text);
      goto after_value;
    }
    case 't':
      if (!literal("true")) {
        return false;
      }
      handler_.boolean();
      goto after_value;
    case 'f':
      if (!literal("false")) {
        return false;
      }
      handler_.boolean();
      goto after_value;
    case 'n':
      if (!literal("null")) {
        return false;
      }
      handler_.null();
      goto after_value;
    default:
      if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) {
        if (!number()) {
          return false;
        }
        goto after_value;
      }
      return fail("unexpected character, a value was expected");
  }
key:  // after '{' or ',' in an object, whitespace skipped
  if (p_ == end_ || *p_ != '"') {
    return fail("a key string was expected");
  }
  {
    std::string_view name;
    if (!string(name)) {
      return false;
    }
    handler_.key(name);
  }
  skip_whitespace();
  if (p_ == end_ || *p_ != ':') {
    return fail("':' was expected after a key");
  }
  ++p_;
  goto value;
after_value:
  skip_whitespace();
  if (open_.empty()) {
    return p_ == end_ || fail("unexpected text after the value");
  }
  if (p_ == end_) {
    return fail("unexpected end of the body inside an object or array");
  }
  if (*p_ == ',') {
    ++p_;
    if (open_.back() == '{') {
      skip_whitespace();
      goto key;
    }
    goto value;
  }
  const unsigned char closer = open_.back() == '{' ? '}' : ']';
  if (*p_ == closer) {
    ++p_;
    const bool object = open_.back() == '{';
    open_.pop_back();
    if (object) {
      handler_.end_object();
    } else {
      handler_.end_array();
    }
    goto after_value;
  }
  return fail(open_.back() == '{' ? "',' or '}' was expected" : "',' or ']' was expected");
}

// At the opening quote. A string of printable ASCII without escapes (every key and
// value of a normal record) is a view into the body; anything else is copied.
bool Parser::string(std::string_view& out) {
  ++p_;
  const unsigned char* start = p_;
  p_ = plain_run_end(p_, end_);
  if (p_ < end_ && *p_ == '"') {
    out = std::string_view(reinterpret_cast<const char*>(start),
                           static_cast<std::size_t>(p_ - start));
    ++p_;
    return true;
  }
  scratch_.assign(reinterpret_cast<const char*>(start), static_cast<std::size_t>(p_ - start));
  for (;;) {
    if (p_ == end_) {
      return fail("unterminated string");
    }
    const unsigned char c = *p_;
    if (c == '"') {
      ++p_;
      out = scratch_;
      return true;
    }
    if (c < 0x20) {
      return fail("control character in a string (it must be escaped)");
    }
    if (c == '\\') {
      if (!escape()) {
        return false;
      }
    } else if (c < 0x80) {
      scratch_.push_back(static_cast<char>(c));
      ++p_;
    } else {
      const std::size_t length = utf8_sequence_length(
          std::string_view(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(end_ - p_)));
      if (length == 0) {
        return fail("invalid UTF-8 in a string");
      }
      scratch_.append(reinterpret_cast<const char*>(p_), length);
      p_ += length;
    }
  }
}

// At the '{' of a list entry: reads it whole when it is written as an agent writes it —
// every property in schema order, no whitespace, strings without escapes or non-ASCII,
// numbers of at most 15 digits without exponent — and hands its values over in one
// call, as the events of start_object, key, each value and end_object would have left
// them. Anything else leaves p_ where it was and reports nothing: the general path reads
// the entry (and finds what is wrong with it, if anything).
bool Parser::compact_entry(const std::vector<std::string>& keys) {
  std::array<PlainValue, BodyHandler::kMaxCompactEntryKeys> values{};
  if (keys.size() > values.size()) {
    return false;
  }
  const unsigned char* p = p_ + 1;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (k > 0) {
      if (p == end_ || *p != ',') {
        return false;
      }
      ++p;
    }
    const std::string& key = keys[k];
    if (static_cast<std::size_t>(end_ - p) < key.size() ||
        std::memcmp(p, key.data(), key.size()) != 0 || p + key.size() == end_) {
      return false;
    }
    p += key.size();
    if (*p == '"') {
      const unsigned char* start = ++p;
      p = plain_run_end(p, end_);
      if (p == end_ || *p != '"') {
        return false;
      }
      values[k].kind = RawValue::Kind::kString;
      values[k].text = std::string_view(reinterpret_cast<const char*>(start),
                                        static_cast<std::size_t>(p - start));
      ++p;
    } else if (!read_plain_number(p, end_, values[k])) {
      return false;
    }
  }
  if (p == end_ || *p != '}') {
    return false;
  }
  handler_.compact_entry(std::span(values.data(), keys.size()));
  p_ = p + 1;
  return true;
}

bool Parser::hex4(std::uint32_t& out) {
  if (end_ - p_ < 4) {
    return fail("\\u must be followed by four hexadecimal digits");
  }
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const unsigned char c = *p_;
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10u;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10u;
    } else {
      return fail("\\u must be followed by four hexadecimal digits");
    }
    out = out * 16 + digit;
    ++p_;
  }
  return true;
}

// At a backslash inside a string: appends what it stands for to scratch_.
bool Parser::escape() {
  ++p_;
  if (p_ == end_) {
    return fail("unterminated string");
  }
  const unsigned char c = *p_++;
  switch (c) {
    case '"':
    case '\\':
    case '/':
      scratch_.push_back(static_cast<char>(c));
      return true;
    case 'b':
      scratch_.push_back('\b');
      return true;
    case 'f':
      scratch_.push_back('\f');
      return true;
    case 'n':
      scratch_.push_back('\n');
      return true;
    case 'r':
      scratch_.push_back('\r');
      return true;
    case 't':
      scratch_.push_back('\t');
      return true;
    case 'u':
      break;
    default:
      --p_;
      return fail("invalid escape in a string");
  }
  std::uint32_t code = 0;
  if (!hex4(code)) {
    return false;
  }
  if (code >= 0xDC00 && code <= 0xDFFF) {
    return fail("a low surrogate \\uDC00-\\uDFFF must follow a high one");
  }
  if (code >= 0xD800 && code <= 0xDBFF) {
    std::uint32_t low = 0;
    if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') {
      return fail("a high surrogate \\uD800-\\uDBFF must be followed by a low one");
    }
    p_ += 2;
    if (!hex4(low)) {
      return false;
    }
    if (low < 0xDC00 || low > 0xDFFF) {
      return fail("a high surrogate \\uD800-\\uDBFF must be followed by a low one");
    }
    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }
  if (code < 0x80) {
    scratch_.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    scratch_.push_back(static_cast<char>(0xC0 | (code >> 6)));
    scratch_.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    scratch_.push_back(static_cast<char>(0xE0 | (code >> 12)));
    scratch_.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    scratch_.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    scratch_.push_back(static_cast<char>(0xF0 | (code >> 18)));
    scratch_.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    scratch_.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    scratch_.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
  return true;
}

// A number std::from_chars found beyond a double's range (a valid JSON number): ±1e308
// when its magnitude is above 1, else a zero of its sign (as strtod rounds it).
double out_of_range_value(std::string_view token) {
  const bool negative = !token.empty() && token.front() == '-';
  std::size_t i = negative ? 1 : 0;
  long long magnitude = 0;  // decimal exponent of the first nonzero digit
  bool found = false;
  long long integer_digits = 0;
  while (i < token.size() && is_digit(static_cast<unsigned char>(token[i]))) {
    if (!found && token[i] != '0') {
      found = true;
      magnitude = -integer_digits;  // fixed below once the integer part's length is known
    }
    ++integer_digits;
    ++i;
  }
  if (found) {
    magnitude += integer_digits - 1;
  }
  if (i < token.size() && token[i] == '.') {
    ++i;
    long long position = 0;
    while (i < token.size() && is_digit(static_cast<unsigned char>(token[i]))) {
      ++position;
      if (!found && token[i] != '0') {
        found = true;
        magnitude = -position;
      }
      ++i;
    }
  }
  long long exponent = 0;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) {
      exponent_negative = token[i] == '-';
      ++i;
    }
    while (i < token.size()) {
      exponent = std::min<long long>(exponent * 10 + (token[i] - '0'), 1'000'000'000LL);
      ++i;
    }
    if (exponent_negative) {
      exponent = -exponent;
    }
  }
  if (magnitude + exponent > 0) {
    return negative ? -1e308 : 1e308;
  }
  return negative ? -0.0 : 0.0;
}

bool Parser::number() {
  const unsigned char* start = p_;
  if (*p_ == '-') {
    ++p_;
  }
  if (p_ == end_ || !is_digit(*p_)) {
    return fail("a number must have digits");
  }
  if (*p_ == '0') {
    ++p_;
  } else {
    while (p_ < end_ && is_digit(*p_)) {
      ++p_;
    }
  }
  bool integral = true;
  if (p_ < end_ && *p_ == '.') {
    integral = false;
    ++p_;
    if (p_ == end_ || !is_digit(*p_)) {
      return fail("a number's '.' must be followed by digits");
    }
    while (p_ < end_ && is_digit(*p_)) {
      ++p_;
    }
  }
  bool exponent = false;
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    integral = false;
    exponent = true;
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) {
      ++p_;
    }
    if (p_ == end_ || !is_digit(*p_)) {
      return fail("a number's exponent must have digits");
    }
    while (p_ < end_ && is_digit(*p_)) {
      ++p_;
    }
  }
  const char* first = reinterpret_cast<const char*>(start);
  const char* last = reinterpret_cast<const char*>(p_);
  if (integral) {
    if (*start == '-') {
      std::int64_t value = 0;
      if (const auto result = std::from_chars(first, last, value); result.ec == std::errc{}) {
        handler_.integer(value);
        return true;
      }
    } else {
      std::uint64_t value = 0;
      if (const auto result = std::from_chars(first, last, value); result.ec == std::errc{}) {
        handler_.unsigned_integer(value);
        return true;
      }
    }
    // Beyond 64 bits: a double, as nlohmann (and JavaScript) read it.
  }
  if (!integral && !exponent) {
    if (const auto value = short_decimal(first, last)) {
      handler_.floating(*value);
      return true;
    }
  }
  double value = 0;
  const auto result = std::from_chars(first, last, value);
  if (result.ec == std::errc::result_out_of_range) {
    value = out_of_range_value(std::string_view(first, static_cast<std::size_t>(last - first)));
  }
  handler_.floating(value);
  return true;
}

bool blank(std::string_view body) {
  return body.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::variant<std::vector<Record>, ContractError> parse_body(const ContractSchema& schema,
                                                            std::string_view body,
                                                            ListReading lists) {
  if (auto records = read_plain_body(schema, body, lists)) {
    return std::move(*records);
  }
  return parse_body_general(schema, body);
}

std::variant<std::vector<Record>, ContractError> parse_body_general(const ContractSchema& schema,
                                                                    std::string_view body) {
  if (blank(body)) {
    return make_error(schema, "invalid_json", std::nullopt, "the body is empty");
  }
  // Per thread, reused: the handler's record slots, the nesting stack, the string buffer.
  struct Workspace {
    BodyHandler handler;
    std::string scratch;
    std::vector<unsigned char> open;
  };
  thread_local Workspace workspace;
  BodyHandler& handler = workspace.handler;
  handler.reset(schema);
  Parser parser(body, handler, workspace.scratch, workspace.open);
  const bool parsed = parser.run();
  if (workspace.open.capacity() > 4096) {
    std::vector<unsigned char>().swap(workspace.open);  // a deeply nested body's stack
  }
  if (workspace.scratch.capacity() > 4096) {
    std::string().swap(workspace.scratch);
  }
  if (!parsed) {
    return make_error(schema, "invalid_json", std::nullopt, parser.error());
  }
  if (handler.strict_error) {
    return std::move(*handler.strict_error);
  }
  if (handler.batch_too_large) {
    return make_error(schema, "batch_too_large", std::nullopt,
                      "the array holds " + std::to_string(handler.top_level_elements) +
                          " records; at most " + std::to_string(schema.limits.max_batch) +
                          " are accepted at once");
  }
  if (handler.shape_error) {
    return std::move(*handler.shape_error);
  }
  if (handler.record_error) {
    return std::move(*handler.record_error);
  }
  return std::move(handler.records);
}

}  // namespace vmpulse::detail
