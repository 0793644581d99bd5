// The parser reads a procesos_top entry written compactly in schema order (as the agent
// writes it) by a fast path of its own (Parser::compact_entry); anything else goes the
// general way. Both must give the same answer: each entry below is parsed as written
// (compact: the fast path when it qualifies) and with a space after every ':' (never
// compact: the general path), and the outcomes compared — records or error.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "contract_test_util.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse {
namespace {

std::string outcome(const std::string& body) {
  const auto result = parse_ingest_body(body);
  if (const auto* error = std::get_if<ContractError>(&result)) {
    // Where a syntax error is differs by the spaces added: compare the rest.
    std::string text = to_json(*error);
    if (const auto at = text.find(" at byte "); at != std::string::npos) {
      text.erase(at, text.find('"', at) - at);
    }
    return "error " + text;
  }
  std::string out = "records";
  for (const Record& record : std::get<std::vector<Record>>(result)) {
    out += " " + to_json(record);
    for (const ProcessEntry& entry : record.procesos_top.value_or(std::vector<ProcessEntry>{})) {
      // to_json rounds numbers to two decimals: compare the doubles themselves too.
      out += " " + std::to_string(entry.pid) + "/" + std::to_string(entry.porcentaje_cpu) + "/" +
             std::to_string(entry.ram_mib);
      char bits[40];
      std::snprintf(bits, sizeof bits, " %a %a", entry.porcentaje_cpu, entry.ram_mib);
      out += bits;
    }
  }
  return out;
}

std::string spaced(const std::string& entry) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < entry.size(); ++i) {
    const char c = entry[i];
    out.push_back(c);
    if (c == '\\' && in_string && i + 1 < entry.size()) {
      out.push_back(entry[++i]);
    } else if (c == '"') {
      in_string = !in_string;
    } else if (c == ':' && !in_string) {
      out.push_back(' ');
    }
  }
  return out;
}

std::string body_with(const std::string& entries) {
  const std::string record = test::kGoodRecord;
  return record.substr(0, record.rfind('}')) + ",\"procesos_top\":[" + entries + "]}";
}

void expect_same(const std::string& entry) {
  const std::string compact = outcome(body_with(entry + "," + entry));
  const std::string general = outcome(body_with(spaced(entry) + "," + spaced(entry)));
  EXPECT_EQ(compact, general) << entry;
}

TEST(CompactEntry, SameAnswerAsTheGeneralPath) {
  const std::vector<std::string> pids = {"1",
                                         "4194304",
                                         "4194305",
                                         "0",
                                         "-1",
                                         "-0",
                                         "007",
                                         "1.0",
                                         "1e2",
                                         "1.5",
                                         "\"1\"",
                                         "null",
                                         "true",
                                         "123456789012345678",
                                         "1234567890123456789",
                                         "18446744073709551616",
                                         "99999999999999999999999"};
  const std::vector<std::string> names = {"\"bash\"",
                                          "\"stress-ng (cpu)\"",
                                          "\"\"",
                                          "\"a\\\"b\"",
                                          "\"caf\xC3\xA9\"",
                                          "\"a\\u0041\"",
                                          "\"" + std::string(64, 'x') + "\"",
                                          "\"" + std::string(65, 'x') + "\"",
                                          "\"tab\\tname\"",
                                          "1",
                                          "\"kworker/0:1\"",
                                          "\"\x7f\""};
  const std::vector<std::string> states = {"\"R\"", "\"S\"", "\"RR\"", "\"\"", "\"1\"", "0"};
  const std::vector<std::string> numbers = {"0",
                                            "12.5",
                                            "0.125",
                                            "100",
                                            "100.0",
                                            "100.01",
                                            "-0.0",
                                            "-1",
                                            "1e2",
                                            "1E-2",
                                            "0.",
                                            "01.5",
                                            ".5",
                                            "1.5e0",
                                            "99.999999999999999",
                                            "12345678901234.5",
                                            "1234567890123456.5",
                                            "9007199254740991",
                                            "9007199254740993",
                                            "1e400",
                                            "\"5\""};
  std::mt19937 random(20261206);
  const auto pick = [&random](const std::vector<std::string>& from) {
    return from[random() % from.size()];
  };
  for (int i = 0; i < 4000; ++i) {
    expect_same("{\"pid\":" + pick(pids) + ",\"nombre\":" + pick(names) +
                ",\"estado\":" + pick(states) + ",\"porcentaje_cpu\":" + pick(numbers) +
                ",\"ram_mib\":" + pick(numbers) + "}");
  }
  // Not compact in other ways: the general path reads these, with the same answers.
  for (const std::string entry :
       {"{\"nombre\":\"x\",\"pid\":1,\"estado\":\"R\",\"porcentaje_cpu\":1,\"ram_mib\":1}",
        "{\"pid\":1,\"nombre\":\"x\",\"estado\":\"R\",\"porcentaje_cpu\":1}",
        "{\"pid\":1,\"nombre\":\"x\",\"estado\":\"R\",\"porcentaje_cpu\":1,\"ram_mib\":1,\"x\":1}",
        "{\"pid\":1,\"pid\":1,\"nombre\":\"x\",\"estado\":\"R\",\"porcentaje_cpu\":1,\"ram_mib\":"
        "1}",
        "{\"pid\":1,\"nombre\":\"x\",\"estado\":\"R\",\"porcentaje_cpu\":1,\"ram_mib\":1 }",
        "{\"pid\":1,\"nombre\":\"x\",\"estado\":\"R\",\"porcentaje_cpu\":1,\"ram_mib\":{}}",
        "{\"pid\":1,\"nombre\":\"x\",\"estado\":\"R\",\"porcentaje_cpu\":1,\"ram_mib\":1",
        "{\"pid\":1,\"nombre\":\"x\",\"estado\":\"R\",\"porcentaje_cpu\":1,\"ram_mib\":",
        "{\"pid\":1,\"nombre\":\"x", "{", "{}"}) {
    expect_same(entry);
  }
}

TEST(CompactEntry, PastMaxItemsOnlyCounted) {
  const std::string entry =
      "{\"pid\":1,\"nombre\":\"x\",\"estado\":\"R\",\"porcentaje_cpu\":1,\"ram_mib\":1}";
  std::string fifty_one = entry;
  for (int i = 0; i < 50; ++i) {
    fifty_one += "," + entry;
  }
  const std::string compact = outcome(body_with(fifty_one));
  EXPECT_NE(compact.find("at most 50"), std::string::npos) << compact;
  std::string spaced_list = spaced(entry);
  for (int i = 0; i < 50; ++i) {
    spaced_list += "," + spaced(entry);
  }
  EXPECT_EQ(compact, outcome(body_with(spaced_list)));
}

}  // namespace
}  // namespace vmpulse
