// The ingest-body parser as it was before the hand-written lexer (nlohmann's SAX
// reader driving the same collector and record checks), kept for the differential
// tests of the lexer: the
// production parser (core/src/contract_parse.cpp) must answer exactly as this one on
// any body, except that this one refuses a body with more than 16 numbers beyond a
// double's range as invalid_json (a guard against its re-parse per such number).
#include "contract_parse_reference.hpp"

#include <nlohmann/json.hpp>

#include "contract_collect.hpp"

namespace vmpulse::detail::reference {

namespace {

using Json = nlohmann::json;

// How many numbers too large for a double (1e400) one body may carry before it is
// refused as invalid JSON: each one costs a re-parse (see parse_body).
constexpr int kMaxOverflowRetries = 16;

// Receives nlohmann's SAX events and hands them to the same collector as the
// production lexer (core/src/contract_collect.hpp), so that the two differ only in
// the reading of JSON text, which is what these tests compare.
class SaxAdapter {
 public:
  explicit SaxAdapter(const ContractSchema& schema) : schema_(schema) { handler.reset(schema); }

  BodyHandler handler;
  std::optional<ContractError> syntax_error;
  std::optional<std::string> overflow_token;  // a number too large for a double
  std::size_t overflow_position = 0;

  bool null() { return handler.null(), true; }
  bool boolean(bool) { return handler.boolean(), true; }
  bool number_integer(Json::number_integer_t value) { return handler.integer(value), true; }
  bool number_unsigned(Json::number_unsigned_t value) {
    return handler.unsigned_integer(value), true;
  }
  bool number_float(Json::number_float_t value, const Json::string_t&) {
    return handler.floating(value), true;
  }
  bool string(Json::string_t& value) { return handler.string(value), true; }
  bool binary(Json::binary_t&) { return handler.null(), true; }  // not in JSON text
  bool start_object(std::size_t) { return handler.start_object(), true; }
  bool key(Json::string_t& name) { return handler.key(name), true; }
  bool end_object() { return handler.end_object(), true; }
  bool start_array(std::size_t) { return handler.start_array(), true; }
  bool end_array() { return handler.end_array(), true; }

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
  const ContractSchema& schema_;
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
    SaxAdapter sax(schema);
    BodyHandler& handler = sax.handler;
    Json::sax_parse(text.begin(), text.end(), &sax, Json::input_format_t::json, true, false);
    if (sax.overflow_token) {
      const auto& token = *sax.overflow_token;
      if (attempt == kMaxOverflowRetries || sax.overflow_position < token.size() ||
          sax.overflow_position > text.size()) {
        return make_error(schema, "invalid_json", std::nullopt,
                          "the body has too many numbers out of range");
      }
      std::string next(text);
      const std::size_t start = sax.overflow_position - token.size();
      next.replace(start, token.size(),
                   !token.empty() && token.front() == '-' ? "-1e308" : "1e308");
      patched = std::move(next);
      text = patched;
      continue;
    }
    if (sax.syntax_error) {
      return std::move(*sax.syntax_error);
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
