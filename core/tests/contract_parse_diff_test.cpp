// The hand-written ingest-body parser (core/src/contract_parse.cpp) against the
// nlohmann-based one it replaced (contract_parse_reference.cpp): on hand-picked edge
// cases and on generated bodies — records with shuffled, repeated, unknown and escaped
// keys, every kind of number and string, batches, nesting, and random byte damage —
// both must give the same records, or the same error code, status, field and index.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "contract_parse.hpp"
#include "contract_parse_reference.hpp"
#include "contract_test_util.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse {
namespace {

using Result = std::variant<std::vector<Record>, ContractError>;

std::string printable(const std::string& body) {
  std::string out;
  for (const unsigned char c : body.substr(0, 400)) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// The reference refuses bodies with more than 16 out-of-range numbers outright.
bool reference_gave_up(const Result& reference) {
  const auto* error = std::get_if<ContractError>(&reference);
  return error != nullptr && error->detail == "the body has too many numbers out of range";
}

// Empty when both parsers agree, else what differs.
std::string disagreement(const std::string& body) {
  const auto& schema = detail::contract_schema();
  const Result ours = detail::parse_body(schema, body);
  if (body.find('\0') != std::string::npos) {
    // A NUL byte is never valid JSON text; nlohmann's lexer took it for the end of the
    // input and accepted "{…}\0garbage" (JSON.parse in node-api refuses it).
    const auto* error = std::get_if<ContractError>(&ours);
    return error != nullptr && error->error == "invalid_json" && !error->field
               ? std::string()
               : "body with NUL: " + printable(body) + " not refused as invalid_json";
  }
  const Result theirs = detail::reference::parse_body(schema, body);
  if (reference_gave_up(theirs)) {
    return {};
  }
  const auto describe = [](const Result& result) {
    if (const auto* error = std::get_if<ContractError>(&result)) {
      return std::to_string(error->status) + " " + to_json(*error);
    }
    std::string out = "records:";
    for (const auto& record : std::get<std::vector<Record>>(result)) {
      out += " " + to_json(record);
    }
    return out;
  };
  bool same = ours.index() == theirs.index();
  if (same && ours.index() == 0) {
    same = std::get<0>(ours) == std::get<0>(theirs);
  } else if (same) {
    const auto& a = std::get<1>(ours);
    const auto& b = std::get<1>(theirs);
    same = a.status == b.status && a.error == b.error && a.field == b.field && a.index == b.index &&
           !a.detail.empty();
  }
  if (same) {
    return {};
  }
  return "body: " + printable(body) + "\n  new:       " + describe(ours) +
         "\n  reference: " + describe(theirs);
}

TEST(ContractParseDiff, EdgeCasesAgree) {
  using test::kGoodRecord;
  using test::with_raw;
  std::vector<std::string> bodies = {
      kGoodRecord,
      "\xEF\xBB\xBF" + kGoodRecord,
      "\xEF\xBB" + kGoodRecord,
      "\xEF\xBB\xBF",
      " \r\n\t" + kGoodRecord + " \n",
      kGoodRecord + "x",
      kGoodRecord + kGoodRecord,
      "[" + kGoodRecord + "]",
      "[" + kGoodRecord + "," + kGoodRecord + "]",
      "[" + kGoodRecord + ",]",
      "[]",
      "[ ]",
      "{}",
      "{ }",
      "[1]",
      "1",
      "\"x\"",
      "null",
      "nul",
      "[[]]",
      "[[[]]]",
      "{\"a\":{\"b\":{}}}",
      "{\"a\":[]}",
      "{\"vm\":\"a\",\"vm\":\"b\"}",
      "{\"x\":1,\"x\":2}",
      "{\"v\\u006d\":\"a\",\"vm\":\"b\"}",
      "[{}]",
      "[{},{\"a\":1,\"a\":1}, 1 2]",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "{1:1}",
      "{\"a\":1",
      "[" + kGoodRecord,
      std::string("{\"vm\":\"a\0b\"}", 12),
      "{\"vm\":\"a\tb\"}",
      "{\"vm\":\"\\ud83d\\ude00\"}",
      "{\"vm\":\"\\ud83d\"}",
      "{\"vm\":\"\\ud83d\\u0041\"}",
      "{\"vm\":\"\\udc00\"}",
      "{\"vm\":\"\\u00e9\"}",
      "{\"vm\":\"\\u0000\"}",
      "{\"vm\":\"\\x\"}",
      "{\"vm\":\"\\u12\"}",
      "{\"vm\":\"\xC3\xA9\"}",
      "{\"vm\":\"\xC0\x80\"}",
      "{\"vm\":\"\xED\xA0\x80\"}",
      "{\"vm\":\"\xF4\x90\x80\x80\"}",
      "{\"vm\":\"\xF0\x9F\x98\x80\"}",
      "{\"vm\":\"\xFF\"}",
      "{\"vm\":\"a\"}\xFF",
  };
  for (const char* number : {"0",
                             "-0",
                             "-0.0",
                             "5.0",
                             "5e0",
                             "5E+0",
                             "5.5",
                             "1e400",
                             "-1e400",
                             "1e-400",
                             "-1e-400",
                             "1.7976931348623157e308",
                             "1.7976931348623159e308",
                             "9007199254740991",
                             "9007199254740992",
                             "9223372036854775807",
                             "9223372036854775808",
                             "18446744073709551615",
                             "18446744073709551616",
                             "-9223372036854775808",
                             "-9223372036854775809",
                             "2147483647",
                             "2147483648",
                             "01",
                             "1.",
                             ".5",
                             "-",
                             "+1",
                             "1e",
                             "1e+",
                             "NaN",
                             "Infinity",
                             "-Infinity",
                             "0x10",
                             "1e99999999999999999999",
                             "0.0000000000000000000000000000000000000000000000000000000001e-300",
                             "100",
                             "100.5",
                             "101",
                             "-1",
                             "true",
                             "null",
                             "\"1\"",
                             "[]",
                             "{}"}) {
    for (const char* field : {"total_ram", "porcentaje_cpu_uso", "porcentaje_cpu_libre",
                              "procesos_zombie", "total_procesos", "vm", "hora"}) {
      bodies.push_back(with_raw(field, number));
    }
  }
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += '[';
  bodies.push_back(deep);
  for (int i = 0; i < 100000; ++i) deep += ']';
  bodies.push_back(deep);
  std::string many_overflows = "{";
  for (int i = 0; i < 20; ++i) many_overflows += "\"k" + std::to_string(i) + "\":1e999,";
  bodies.push_back(many_overflows + "\"vm\":1}");
  bodies.push_back(test::array_of(kGoodRecord, 1000));
  bodies.push_back(test::array_of(kGoodRecord, 1001));
  bodies.push_back(test::array_of("1", 1001));
  for (const auto& body : bodies) {
    EXPECT_EQ(disagreement(body), "");
  }
}

TEST(ContractParseDiff, OutOfRangeNumbersHaveNoLimit) {
  // The reference refused more than 16 numbers beyond a double's range as invalid_json;
  // the new parser reads each as ±1e308, so the body fails a field's range check, as
  // JavaScript (node-api) answers.
  std::string body = test::with_raw("total_ram", "1e999");
  body.pop_back();
  for (int i = 0; i < 40; ++i) body += ",\"extra" + std::to_string(i) + "\":-1e999";
  body += "}";
  const auto result = parse_ingest_body(body);
  const auto* error = std::get_if<ContractError>(&result);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->error, "invalid_record");
  EXPECT_EQ(error->field, "extra0");  // the first unknown field comes first
  const auto one = parse_ingest_body(test::with_raw("total_ram", "1e999"));
  ASSERT_TRUE(std::holds_alternative<ContractError>(one));
  EXPECT_EQ(std::get<ContractError>(one).field, "total_ram");
  EXPECT_NE(std::get<ContractError>(one).detail.find("too large"), std::string::npos);
}

TEST(ContractParseDiff, NulBytesAreInvalidJson) {
  // nlohmann stopped at a NUL as if the body ended there; JSON has no such rule.
  for (const std::string& body :
       {test::kGoodRecord + std::string(1, '\0'), test::kGoodRecord + std::string("\0garbage", 8),
        std::string("[\0]", 3)}) {
    const auto result = parse_ingest_body(body);
    ASSERT_TRUE(std::holds_alternative<ContractError>(result));
    EXPECT_EQ(std::get<ContractError>(result).error, "invalid_json");
  }
}

TEST(ContractParseDiff, SyntaxErrorsSayWhere) {
  const auto result = parse_ingest_body("{\"vm\":\"a\",}");
  ASSERT_TRUE(std::holds_alternative<ContractError>(result));
  const auto& error = std::get<ContractError>(result);
  EXPECT_EQ(error.error, "invalid_json");
  EXPECT_FALSE(error.field.has_value());
  EXPECT_NE(error.detail.find("at byte 10"), std::string::npos) << error.detail;
}

// Generated bodies: mostly records close to valid, so that the record rules are reached,
// with every kind of damage mixed in.
class BodyGenerator {
 public:
  explicit BodyGenerator(std::uint32_t seed) : random_(seed) {}

  std::string body() {
    std::string out;
    const int shape = pick(20);
    if (shape < 12) {
      out = record();
    } else if (shape < 18) {
      out = "[";
      if (pick(50) == 0) {  // around max_batch: one record repeated
        const std::string element = pick(2) == 0 ? test::kGoodRecord : record();
        const int count = 995 + pick(10);
        for (int i = 0; i < count; ++i) out += (i ? "," : "") + element;
      } else {
        const int count = pick(5);
        for (int i = 0; i < count; ++i) {
          out += (i ? "," : "") + space() + (pick(15) == 0 ? value() : record()) + space();
        }
      }
      out += "]";
    } else {
      out = value();
    }
    if (pick(10) == 0) out = "\xEF\xBB\xBF" + out;
    if (pick(3) == 0) damage(out);
    return space() + out + space();
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

  std::string space() {
    static const char* kSpaces[] = {"", "", "", "", " ", "\n", "\t", "\r\n  ", "\f", "\v"};
    return pick(40) == 0 ? kSpaces[8 + pick(2)] : kSpaces[pick(8)];
  }

  std::string key() {
    static const std::vector<std::string> kKeys = {
        "vm",
        "total_ram",
        "ram_libre",
        "uso_ram",
        "porcentaje_ram",
        "porcentaje_cpu_uso",
        "porcentaje_cpu_libre",
        "procesos_corriendo",
        "procesos_durmiendo",
        "procesos_zombie",
        "procesos_parados",
        "total_procesos",
        "hora",
        "api",
        "v\\u006d",
        "extra",
        "",
        "VM",
        "hora ",
        "t\\u00f6tal",
    };
    const auto& chosen = kKeys[static_cast<std::size_t>(pick(pick(4) == 0 ? 20 : 14))];
    return "\"" + chosen + "\"";
  }

  std::string good_value(const std::string& key_text) {
    if (key_text == "\"vm\"") return pick(2) ? "\"vm-1\"" : "\"bench.vm_2\"";
    if (key_text == "\"hora\"") return "\"2026-11-26 18:00:00\"";
    if (key_text == "\"api\"") return "\"cpp\"";
    if (key_text == "\"porcentaje_cpu_uso\"") return pick(2) ? "20.25" : "20";
    if (key_text == "\"porcentaje_cpu_libre\"") return pick(2) ? "79.75" : "80";
    if (key_text == "\"porcentaje_ram\"") return "62.5";
    if (key_text == "\"total_ram\"") return "8000";
    if (key_text == "\"total_procesos\"") return "154";
    return std::to_string(pick(100));
  }

  std::string value() {
    static const std::vector<std::string> kValues = {
        "0",
        "-0",
        "1",
        "-1",
        "5.0",
        "5e0",
        "5.5",
        "1e2",
        "1E+2",
        "1e-2",
        "100",
        "100.0001",
        "101",
        "99.5",
        "0.5",
        "1e400",
        "-1e400",
        "1e-400",
        "2e-324",
        "1.7976931348623159e308",
        "9007199254740991",
        "9007199254740992",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "2147483647",
        "2147483648",
        "123456789012345678901234567890",
        "true",
        "false",
        "null",
        "\"\"",
        "\"a\"",
        "\"vm-1\"",
        "\"bad vm\"",
        "\"2026-02-29 00:00:00\"",
        "\"2024-02-29 23:59:59\"",
        "\"1969-12-31 23:59:59\"",
        "\"2026-11-26 24:00:00\"",
        "\"2026-13-01 00:00:00\"",
        "\"\\u0041\\u00e9\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\udc00x\"",
        "\"\xC3\xA9\"",
        "\"\xC0\xAF\"",
        "\"\xED\xA0\x80\"",
        "\"\xF0\x9F\x98\x80\"",
        "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
        "\"\\u0000\"",
        "\"\\u001f\"",
        "[]",
        "{}",
        "[1,2]",
        "{\"a\":1}",
        "[[1]]",
        "{\"a\":{}}",
        "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
        "\"\xE2\x82\xAC\xE2\x82\xAC\"",
    };
    return kValues[static_cast<std::size_t>(pick(static_cast<int>(kValues.size())))];
  }

  std::string record() {
    static const std::vector<std::string> kOrder = {"\"vm\"",
                                                    "\"total_ram\"",
                                                    "\"ram_libre\"",
                                                    "\"uso_ram\"",
                                                    "\"porcentaje_ram\"",
                                                    "\"porcentaje_cpu_uso\"",
                                                    "\"porcentaje_cpu_libre\"",
                                                    "\"procesos_corriendo\"",
                                                    "\"procesos_durmiendo\"",
                                                    "\"procesos_zombie\"",
                                                    "\"procesos_parados\"",
                                                    "\"total_procesos\"",
                                                    "\"hora\""};
    std::vector<std::string> keys = kOrder;
    if (pick(3) == 0) std::shuffle(keys.begin(), keys.end(), random_);
    std::string out = "{";
    bool first = true;
    for (const auto& name : keys) {
      const int change = pick(30);
      std::string k = name;
      std::string v = good_value(name);
      if (change == 0) continue;  // missing
      if (change == 1) k = key();
      if (change == 2 || change == 3) v = value();
      if (change == 4) {  // repeated
        out += std::string(first ? "" : ",") + space() + k + space() + ":" + space() + v;
        first = false;
      }
      out += std::string(first ? "" : ",") + space() + k + space() + ":" + space() + v + space();
      first = false;
    }
    if (pick(8) == 0) {
      out += std::string(first ? "" : ",") + key() + ":" + value();
    }
    if (pick(4) == 0) {  // version 2: a process list, its entries sometimes bent
      out += std::string(first ? "" : ",") + "\"procesos_top\":" + space() + "[";
      const int entries = pick(4);
      for (int i = 0; i < entries; ++i) {
        out += std::string(i ? "," : "") + space() + process_entry();
      }
      out += "]";
    }
    return out + "}";
  }

  std::string process_entry() {
    static const std::vector<std::pair<std::string, std::string>> kEntry = {
        {"\"pid\"", "1234"},
        {"\"nombre\"", "\"bash (x)\""},
        {"\"estado\"", "\"R\""},
        {"\"porcentaje_cpu\"", "12.5"},
        {"\"ram_mib\"", "3"}};
    if (pick(10) == 0) return value();
    std::string out = "{";
    bool first = true;
    for (const auto& [name, good] : kEntry) {
      const int change = pick(12);
      if (change == 0) continue;  // missing
      const std::string k = change == 1 ? key() : name;
      const std::string v = change == 2 ? value() : good;
      if (change == 3) {  // repeated
        out += std::string(first ? "" : ",") + k + ":" + v;
        first = false;
      }
      // Mostly compact, as agents write entries (the parser's fast path), sometimes not.
      out += std::string(first ? "" : ",") + k + ":" + (pick(4) == 0 ? space() : "") + v;
      first = false;
    }
    return out + "}";
  }

  void damage(std::string& text) {
    const int times = 1 + pick(3);
    for (int i = 0; i < times && !text.empty(); ++i) {
      const auto at = static_cast<std::size_t>(pick(static_cast<int>(text.size())));
      switch (pick(6)) {
        case 0:
          text.erase(at, 1);
          break;
        case 1:
          text.insert(at, 1, "{}[],:\"\\0-e.tfn \x01\x80\xff"[pick(20)]);
          break;
        case 2:
          text[at] = static_cast<char>(pick(256));
          break;
        case 3:
          text.resize(at);
          break;
        case 4:
          text.insert(at, value());
          break;
        default:
          text.insert(at, "\\u" + std::string(1, "0dD8fF"[pick(6)]) + "800");
          break;
      }
    }
  }

  std::mt19937 random_;
};

TEST(ContractParseDiff, GeneratedBodiesAgree) {
  // VMPULSE_DIFF_CASES raises the count for a longer run.
  const char* env = std::getenv("VMPULSE_DIFF_CASES");
  const long cases = env != nullptr ? std::atol(env) : 60000;
  BodyGenerator generator(20261126);
  int failures = 0;
  for (long i = 0; i < cases && failures < 10; ++i) {
    const std::string body = generator.body();
    const std::string problem = disagreement(body);
    if (!problem.empty()) {
      ++failures;
      ADD_FAILURE() << "case " << i << ": " << problem;
    }
  }
}

TEST(ContractParseDiff, GeneratorReachesEveryOutcome) {
  // The generated cases are only worth something if they reach records and every error.
  BodyGenerator generator(7);
  std::map<std::string, int> outcomes;
  for (int i = 0; i < 20000; ++i) {
    const auto result = parse_ingest_body(generator.body());
    if (const auto* error = std::get_if<ContractError>(&result)) {
      ++outcomes[error->error + (error->field ? ":field" : "")];
    } else {
      ++outcomes["records"];
    }
  }
  for (const char* outcome : {"records", "invalid_json", "invalid_json:field", "invalid_record",
                              "invalid_record:field", "batch_too_large"}) {
    EXPECT_GT(outcomes[outcome], 5) << outcome;
  }
}

}  // namespace
}  // namespace vmpulse
