// The ingest-body parser as it was before the hand-written lexer (nlohmann's SAX
// interface driving the same record checks), kept for the differential tests: the
// production parser (core/src/contract_parse.cpp) must answer exactly as this one on
// any body, except that this one refuses a body with more than 16 numbers beyond a
// double's range as invalid_json (a guard against its re-parse per such number).
#include "contract_parse_reference.hpp"

#include <nlohmann/json.hpp>

#include "contract_raw.hpp"

namespace vmpulse::detail::reference {

namespace {

using Json = nlohmann::json;
using Kind = RawValue::Kind;

RawValue raw_of(Kind kind) {
  RawValue value;
  value.kind = kind;
  return value;
}

// How many numbers too large for a double (1e400) one body may carry before it is
// refused as invalid JSON: each one costs a re-parse (see parse_body).
constexpr int kMaxOverflowRetries = 16;

// Receives nlohmann's SAX events. Errors of step 6 (a repeated key, too deep) are kept
// but parsing goes on, so that a syntax error later in the body still wins, as a
// parse-then-check implementation would answer. Shape (step 7) and record (step 8)
// errors are kept separately and ranked once the whole body has been read.
class BodyHandler {
 public:
  explicit BodyHandler(const ContractSchema& schema) : schema_(schema) {
    raw_.values.resize(schema.properties.size());
    seen_.resize(schema.properties.size());
  }

  // Filled in while parsing.
  std::optional<ContractError> syntax_error;
  std::optional<std::string> overflow_token;  // a number too large for a double
  std::size_t overflow_position = 0;
  std::optional<ContractError> strict_error;  // duplicate key or nesting
  std::optional<ContractError> shape_error;
  std::optional<ContractError> record_error;
  bool batch_too_large = false;
  std::size_t top_level_elements = 0;
  std::vector<Record> records;

  bool null() { return scalar(raw_of(Kind::kNull)); }
  bool boolean(bool) { return scalar(raw_of(Kind::kBool)); }
  bool number_integer(Json::number_integer_t value) {
    RawValue raw = raw_of(Kind::kInteger);
    raw.integer = value;
    return scalar(std::move(raw));
  }
  bool number_unsigned(Json::number_unsigned_t value) {
    // nlohmann reports every non-negative integer here; keep those that fit as signed.
    RawValue raw = raw_of(Kind::kUnsigned);
    if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      raw.kind = Kind::kInteger;
      raw.integer = static_cast<std::int64_t>(value);
    } else {
      raw.unsigned_integer = value;
    }
    return scalar(std::move(raw));
  }
  bool number_float(Json::number_float_t value, const Json::string_t&) {
    RawValue raw = raw_of(Kind::kFloat);
    raw.number = value;
    return scalar(std::move(raw));
  }
  bool string(Json::string_t& value) {
    RawValue raw = raw_of(Kind::kString);
    raw.text = std::move(value);
    return scalar(std::move(raw));
  }
  bool binary(Json::binary_t&) { return scalar(raw_of(Kind::kNull)); }  // not in JSON text

  bool start_object(std::size_t) {
    if (!open_container()) {
      return true;
    }
    Frame frame;
    frame.is_object = true;
    if (frames_.empty()) {
      frame.is_record = true;
    } else if (frames_.size() == 1 && !frames_.back().is_object) {
      // An element of the top-level array: a record, as long as the batch is in bounds.
      frame.element = frames_.back().count++;
      frame.is_record = frame.element < schema_.limits.max_batch;
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
    }
    frames_.push_back(std::move(frame));
    return true;
  }

  bool key(Json::string_t& name) {
    if (skipping()) {
      return true;
    }
    Frame& frame = frames_.back();
    frame.slot.reset();
    if (frame.is_record) {
      if (const auto index = schema_.find(name)) {
        if (seen_[*index]) {
          return duplicate(name);
        }
        seen_[*index] = 1;
        frame.slot = *index;
        return true;
      }
      if (!schema_.additional_properties && !raw_.first_unknown) {
        raw_.first_unknown = name;
      }
    }
    for (const auto& seen : frame.other_keys) {
      if (seen == name) {
        return duplicate(name);
      }
    }
    frame.other_keys.push_back(name);
    return true;
  }

  bool end_object() {
    if (close_container()) {
      return true;
    }
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frame.is_record) {
      Record record;
      if (auto error = check_record(schema_, raw_, record)) {
        if (!record_error) {
          record_error = std::move(error);
          if (!frames_.empty()) {
            record_error->index = frame.element;
          }
        }
      } else if (!record_error) {
        records.push_back(std::move(record));  // no use keeping records once one failed
      }
    }
    if (!frames_.empty()) {
      frames_.back().slot.reset();
    }
    return true;
  }

  bool start_array(std::size_t) {
    if (!open_container()) {
      return true;
    }
    if (frames_.size() == 1 && !frames_.back().is_object) {
      not_an_object();
    } else if (!frames_.empty()) {
      mark_current_slot(Kind::kArray);
    }
    frames_.push_back(Frame{});
    return true;
  }

  bool end_array() {
    if (close_container()) {
      return true;
    }
    const Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frames_.empty()) {
      top_level_elements = frame.count;
      if (frame.count == 0 && !shape_error) {
        shape_error =
            make_error(schema_, "invalid_record", std::nullopt, "the array holds no records");
      }
    } else {
      frames_.back().slot.reset();
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& error) {
    if (error.id == 406) {  // out_of_range.406: a number beyond the range of a double
      overflow_token = last_token;
      overflow_position = position;
      return false;
    }
    std::string what = error.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error …"
    if (const auto bracket = what.find("] "); bracket != std::string::npos) {
      what.erase(0, bracket + 2);
    }
    syntax_error =
        make_error(schema_, "invalid_json", std::nullopt, "the body is not valid JSON: " + what);
    return false;
  }

 private:
  struct Frame {
    bool is_object = false;
    bool is_record = false;
    std::size_t element = 0;              // position in the top-level array (records)
    std::size_t count = 0;                // elements so far (arrays)
    std::optional<std::size_t> slot;      // the schema property the next value belongs to
    std::vector<std::string> other_keys;  // keys that are not schema properties, for duplicates
  };

  bool skipping() const { return strict_error.has_value(); }

  // Depth bookkeeping is all that is left once a strict error was found.
  bool open_container() {
    if (skipping()) {
      ++skipped_depth_;
      return false;
    }
    if (frames_.size() + 1 > schema_.limits.max_depth) {
      strict_error =
          make_error(schema_, "invalid_json", std::nullopt,
                     "the body nests deeper than " + std::to_string(schema_.limits.max_depth) +
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

  bool duplicate(const std::string& name) {
    strict_error = make_error(schema_, "invalid_json", name,
                              "the key \"" + name + "\" appears twice in one object");
    return true;
  }

  void not_an_object() {
    Frame& array = frames_.back();
    const std::size_t index = array.count++;
    if (index >= schema_.limits.max_batch) {
      batch_too_large = true;
    } else if (!shape_error) {
      shape_error = make_error(schema_, "invalid_record", std::nullopt,
                               "every element of the array must be a record object");
      shape_error->index = index;
    }
  }

  void mark_current_slot(Kind kind) {
    Frame& frame = frames_.back();
    if (frame.is_record && frame.slot) {
      raw_.values[*frame.slot].kind = kind;
    }
  }

  bool scalar(RawValue&& value) {
    if (skipping()) {
      return true;
    }
    if (frames_.empty()) {
      shape_error = make_error(schema_, "invalid_record", std::nullopt,
                               "the body must be a record object or an array of them");
      return true;
    }
    Frame& frame = frames_.back();
    if (!frame.is_object) {
      if (frames_.size() == 1) {
        not_an_object();
      }
      return true;
    }
    if (frame.is_record && frame.slot) {
      raw_.values[*frame.slot] = std::move(value);
    }
    frame.slot.reset();
    return true;
  }

  const ContractSchema& schema_;
  std::vector<Frame> frames_;
  std::size_t skipped_depth_ = 0;
  RawRecord raw_;
  std::vector<char> seen_;
};

bool blank(std::string_view body) {
  return body.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::variant<std::vector<Record>, ContractError> parse_body(const ContractSchema& schema,
                                                            std::string_view body) {
  if (blank(body)) {
    return make_error(schema, "invalid_json", std::nullopt, "the body is empty");
  }
  // A number too large for a double (1e400) is valid JSON that nlohmann cannot carry;
  // JavaScript reads it as Infinity and fails the range check on that field. To answer
  // the same, the number is replaced by one that is finite but beyond any range
  // (±1e308) and the body parsed again.
  std::string patched;
  std::string_view text = body;
  for (int attempt = 0;; ++attempt) {
    BodyHandler handler(schema);
    Json::sax_parse(text.begin(), text.end(), &handler, Json::input_format_t::json, true, false);
    if (handler.overflow_token) {
      const auto& token = *handler.overflow_token;
      if (attempt == kMaxOverflowRetries || handler.overflow_position < token.size() ||
          handler.overflow_position > text.size()) {
        return make_error(schema, "invalid_json", std::nullopt,
                          "the body has too many numbers out of range");
      }
      std::string next(text);
      const std::size_t start = handler.overflow_position - token.size();
      next.replace(start, token.size(),
                   !token.empty() && token.front() == '-' ? "-1e308" : "1e308");
      patched = std::move(next);
      text = patched;
      continue;
    }
    if (handler.syntax_error) {
      return std::move(*handler.syntax_error);
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
}

}  // namespace vmpulse::detail::reference
