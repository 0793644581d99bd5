#include "contract_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

#include "contract_raw.hpp"
#include "json_text.hpp"

namespace vmpulse::detail {

namespace {

using Kind = RawValue::Kind;

// Receives the lexer's events. Errors of step 6 (a repeated key, too deep) are kept
// but parsing goes on, so that a syntax error later in the body still wins, as a
// parse-then-check implementation would answer. Shape (step 7) and record (step 8)
// errors are kept separately and ranked once the whole body has been read.
class BodyHandler {
 public:
  // Ready for a new body, keeping the buffers of the previous one (a handler is reused
  // per thread, so that a body's parse allocates only what it returns).
  void reset(const ContractSchema& schema) {
    schema_ = &schema;
    raw_.values.resize(schema.properties.size());
    seen_.resize(schema.properties.size());
    frames_.clear();
    skipped_depth_ = 0;
    strict_error.reset();
    shape_error.reset();
    record_error.reset();
    batch_too_large = false;
    top_level_elements = 0;
    records.clear();
    if (records.capacity() > 64) {
      std::vector<Record>().swap(records);  // left by a refused batch
    }
  }

  // Filled in while parsing.
  std::optional<ContractError> strict_error;  // duplicate key or nesting
  std::optional<ContractError> shape_error;
  std::optional<ContractError> record_error;
  bool batch_too_large = false;
  std::size_t top_level_elements = 0;
  std::vector<Record> records;

  void null() {
    if (RawValue* value = scalar(Kind::kNull)) {
      value->text.clear();
    }
  }
  void boolean() {
    if (RawValue* value = scalar(Kind::kBool)) {
      value->text.clear();
    }
  }
  void integer(std::int64_t number) {
    if (RawValue* value = scalar(Kind::kInteger)) {
      value->integer = number;
      value->text.clear();
    }
  }
  void unsigned_integer(std::uint64_t number) {
    // Every non-negative integer arrives here; those that fit are kept as signed.
    if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      integer(static_cast<std::int64_t>(number));
    } else if (RawValue* value = scalar(Kind::kUnsigned)) {
      value->unsigned_integer = number;
      value->text.clear();
    }
  }
  void floating(double number) {
    if (RawValue* value = scalar(Kind::kFloat)) {
      value->number = number;
      value->text.clear();
    }
  }
  void string(std::string_view text) {
    if (RawValue* value = scalar(Kind::kString)) {
      value->text.assign(text);  // reuses the slot's buffer from the previous record
    }
  }

  void start_object() {
    if (!open_container()) {
      return;
    }
    Frame frame;
    frame.is_object = true;
    if (frames_.empty()) {
      frame.is_record = true;
    } else if (frames_.size() == 1 && !frames_.back().is_object) {
      // An element of the top-level array: a record, as long as the batch is in bounds.
      frame.element = frames_.back().count++;
      frame.is_record = frame.element < schema_->limits.max_batch;
      if (!frame.is_record) {
        batch_too_large = true;
      }
    } else {
      mark_current_slot(Kind::kObject);
    }
    if (frame.is_record) {
      for (auto& value : raw_.values) {
        value.kind = Kind::kAbsent;
      }
      std::fill(seen_.begin(), seen_.end(), 0);
      raw_.first_unknown.reset();
      next_property_ = 0;
    }
    frames_.push_back(std::move(frame));
  }

  void key(std::string_view name) {
    if (skipping()) {
      return;
    }
    Frame& frame = frames_.back();
    frame.slot = kNoSlot;
    if (frame.is_record) {
      const auto& properties = schema_->properties;
      std::optional<std::size_t> index;
      if (next_property_ < properties.size() && properties[next_property_].name == name) {
        index = next_property_;
      } else {
        index = schema_->find(name);
      }
      if (index) {
        next_property_ = *index + 1;
        if (seen_[*index]) {
          duplicate(name);
          return;
        }
        seen_[*index] = 1;
        frame.slot = *index;
        return;
      }
      if (!schema_->additional_properties && !raw_.first_unknown) {
        raw_.first_unknown.emplace(name);
      }
    }
    for (const auto& seen : frame.other_keys) {
      if (seen == name) {
        duplicate(name);
        return;
      }
    }
    frame.other_keys.emplace_back(name);
  }

  void end_object() {
    if (close_container()) {
      return;
    }
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frame.is_record) {
      if (record_error) {
        // No use checking or keeping records once one failed.
      } else if (records.emplace_back();
                 auto error = check_record(*schema_, raw_, records.back())) {
        records.pop_back();
        record_error = std::move(error);
        if (!frames_.empty()) {
          record_error->index = frame.element;
        }
      }
    }
    if (!frames_.empty()) {
      frames_.back().slot = kNoSlot;
    }
  }

  void start_array() {
    if (!open_container()) {
      return;
    }
    if (frames_.size() == 1 && !frames_.back().is_object) {
      not_an_object();
    } else if (!frames_.empty()) {
      mark_current_slot(Kind::kArray);
    }
    frames_.push_back(Frame{});
  }

  void end_array() {
    if (close_container()) {
      return;
    }
    const Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frames_.empty()) {
      top_level_elements = frame.count;
      if (frame.count == 0 && !shape_error) {
        shape_error =
            make_error(*schema_, "invalid_record", std::nullopt, "the array holds no records");
      }
    } else {
      frames_.back().slot = kNoSlot;
    }
  }

 private:
  static constexpr std::size_t kNoSlot = std::numeric_limits<std::size_t>::max();

  struct Frame {
    bool is_object = false;
    bool is_record = false;
    std::size_t element = 0;              // position in the top-level array (records)
    std::size_t count = 0;                // elements so far (arrays)
    std::size_t slot = kNoSlot;           // the schema property the next value belongs to
    std::vector<std::string> other_keys;  // keys that are not schema properties, for duplicates
  };

  bool skipping() const { return strict_error.has_value(); }

  // Depth bookkeeping is all that is left once a strict error was found.
  bool open_container() {
    if (skipping()) {
      ++skipped_depth_;
      return false;
    }
    if (frames_.size() + 1 > schema_->limits.max_depth) {
      strict_error =
          make_error(*schema_, "invalid_json", std::nullopt,
                     "the body nests deeper than " + std::to_string(schema_->limits.max_depth) +
                         " levels (a record's values must be plain values)");
      ++skipped_depth_;
      return false;
    }
    return true;
  }

  bool close_container() {
    if (skipped_depth_ > 0) {
      --skipped_depth_;
      return true;
    }
    return false;
  }

  void duplicate(std::string_view name) {
    strict_error = make_error(*schema_, "invalid_json", std::string(name),
                              "the key \"" + std::string(name) + "\" appears twice in one object");
  }

  void not_an_object() {
    Frame& array = frames_.back();
    const std::size_t index = array.count++;
    if (index >= schema_->limits.max_batch) {
      batch_too_large = true;
    } else if (!shape_error) {
      shape_error = make_error(*schema_, "invalid_record", std::nullopt,
                               "every element of the array must be a record object");
      shape_error->index = index;
    }
  }

  void mark_current_slot(Kind kind) {
    Frame& frame = frames_.back();
    if (frame.is_record && frame.slot != kNoSlot) {
      raw_.values[frame.slot].kind = kind;
    }
  }

  // The shape bookkeeping of one plain value; where it goes when a record field takes
  // it (its kind set and its numbers zeroed, as a fresh value), else nullptr.
  RawValue* scalar(Kind kind) {
    if (skipping()) {
      return nullptr;
    }
    if (frames_.empty()) {
      shape_error = make_error(*schema_, "invalid_record", std::nullopt,
                               "the body must be a record object or an array of them");
      return nullptr;
    }
    Frame& frame = frames_.back();
    if (!frame.is_object) {
      if (frames_.size() == 1) {
        not_an_object();
      }
      return nullptr;
    }
    RawValue* value = nullptr;
    if (frame.is_record && frame.slot != kNoSlot) {
      value = &raw_.values[frame.slot];
      value->kind = kind;
      value->integer = 0;
      value->unsigned_integer = 0;
      value->number = 0;
    }
    frame.slot = kNoSlot;
    return value;
  }

  const ContractSchema* schema_ = nullptr;
  std::size_t next_property_ = 0;  // where the next key most likely is: records come in order
  std::vector<Frame> frames_;
  std::size_t skipped_depth_ = 0;
  RawRecord raw_;
  std::vector<char> seen_;
};

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
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
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
  while (p_ < end_ && *p_ != '"' && *p_ != '\\' && *p_ >= 0x20 && *p_ < 0x80) {
    ++p_;
  }
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

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

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
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    integral = false;
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
