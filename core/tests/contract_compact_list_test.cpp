// procesos_top's compact entries (x-vmpulse-compact): an entry may be an array of its
// values in schema order. Both readers take them (the plain one for the agent's text, the
// general one for anything else) and check them value by value; the plain reader keeps
// the list's text when it is written exactly as the stored form writes it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "contract_parse.hpp"
#include "contract_plain.hpp"
#include "contract_schema.hpp"
#include "contract_test_util.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/processes_json.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse {
namespace {

// The good record with `list` as procesos_top's text, byte for byte.
std::string with_list(const std::string& list) {
  std::string body = test::kGoodRecord;
  return body.insert(body.size() - 1, ",\"procesos_top\":" + list);
}

// Both readers' answer for `body` under `schema`: the plain reader's records when it took
// the body, and the general path's answer.
struct Answers {
  std::optional<std::vector<Record>> plain;
  std::variant<std::vector<Record>, ContractError> general;
};
Answers answers(const std::string& body,
                const detail::ContractSchema& schema = detail::contract_schema()) {
  return {detail::read_plain_body(schema, body), detail::parse_body_general(schema, body)};
}

const std::vector<ProcessEntry>& list_of(const std::vector<Record>& records) {
  return *records.front().procesos_top;
}

TEST(CompactList, ReadAsTheSameEntriesAsObjects) {
  const std::string objects =
      R"x([{"pid":1234,"nombre":"stress-ng (cpu)","estado":"R","porcentaje_cpu":99.5,"ram_mib":12.25},)x"
      R"x({"pid":1,"nombre":"systemd","estado":"S","porcentaje_cpu":0,"ram_mib":9}])x";
  const std::string compact =
      R"x([[1234,"stress-ng (cpu)","R",99.5,12.25],[1,"systemd","S",0,9]])x";
  const std::string mixed =
      R"x([[1234,"stress-ng (cpu)","R",99.5,12.25],)x"
      R"x({"pid":1,"nombre":"systemd","estado":"S","porcentaje_cpu":0,"ram_mib":9}])x";
  const std::string spaced = R"x([ [ 1234 , "stress-ng (cpu)" , "R" , 99.5 , 12.25 ] ,)x"
                             R"x( [1,"sys\u0074emd","S",0e0,9.0]])x";
  const auto expected = std::get<std::vector<Record>>(answers(with_list(objects)).general);
  ASSERT_EQ(list_of(expected).size(), 2U);
  for (const std::string& list : {compact, mixed, spaced}) {
    const Answers got = answers(with_list(list));
    ASSERT_TRUE(std::holds_alternative<std::vector<Record>>(got.general))
        << std::get<ContractError>(got.general).detail << " for " << list;
    EXPECT_EQ(list_of(std::get<std::vector<Record>>(got.general)), list_of(expected)) << list;
    if (got.plain) {
      EXPECT_EQ(list_of(*got.plain), list_of(expected)) << list;
    }
  }
  // The plain reader takes the agent's text and the mixed list; escapes and whitespace
  // are the general path's.
  EXPECT_TRUE(answers(with_list(compact)).plain.has_value());
  EXPECT_TRUE(answers(with_list(mixed)).plain.has_value());
  EXPECT_FALSE(answers(with_list(spaced)).plain.has_value());
}

struct BadList {
  std::string list;
  std::string detail;   // a part of the detail
  bool nested = false;  // a value nests: in a batch the body is deeper than the schema allows
};

TEST(CompactList, EachEntryIsCheckedValueByValue) {
  const std::vector<BadList> cases = {
      {R"x([[1,"a","S",1.5]])x",
       "entry 0: an array entry must hold 5 values (pid, nombre, estado, porcentaje_cpu, "
       "ram_mib), not 4"},
      {R"x([[1,"a","S",1.5,2,3]])x", "not 6"},
      {R"x([[1,"a","S",1.5,2,[1]]])x", "not 6", true},
      {R"x([[]])x", "not 0"},
      {R"x([[1,"a","S",1.5,2],[0,"a","S",1.5,2]])x", "entry 1: \"pid\" must be at least 1"},
      {R"x([["1","a","S",1.5,2]])x", "\"pid\" must be an integer"},
      {R"x([[1,"","S",1.5,2]])x", "\"nombre\""},
      {R"x([[1,{"a":1},"S",1.5,2]])x", "\"nombre\" must be a string", true},
      {R"x([[1,["a"],"S",1.5,2]])x", "\"nombre\" must be a string", true},
      {R"x([[1,"a","RR",1.5,2]])x", "\"estado\""},
      {R"x([[1,"a","S",100.5,2]])x", "\"porcentaje_cpu\" must be at most 100"},
      {R"x([[1,"a","S",1.5,-1]])x", "\"ram_mib\" must be at least 0"},
      {R"x([[1,"a","S",1.5,null]])x", "\"ram_mib\" must be a number"},
      {R"x(["pid"])x", "entry 0: must be an object or an array of 5 values, not a string"},
      {R"x([[1,"a","S",1.5,2],7])x", "entry 1: must be an object or an array of 5 values"},
  };
  for (const auto& [list, detail, nested] : cases) {
    std::vector<std::string> bodies = {with_list(list)};
    if (!nested) {
      bodies.push_back("[" + with_list(list) + "]");
    }
    for (const std::string& body : bodies) {
      const Answers got = answers(body);
      EXPECT_FALSE(got.plain.has_value()) << body;
      ASSERT_TRUE(std::holds_alternative<ContractError>(got.general)) << "accepted: " << body;
      const auto& error = std::get<ContractError>(got.general);
      EXPECT_EQ(error.error, "invalid_record") << body;
      EXPECT_EQ(error.field, "procesos_top") << body;
      EXPECT_NE(error.detail.find(detail), std::string::npos) << error.detail;
    }
  }
}

TEST(CompactList, EntriesPastMaxItemsAreCountedWhateverTheyHold) {
  std::string list = "[";
  for (int i = 0; i < 51; ++i) {
    list += std::string(i > 0 ? "," : "") + (i % 2 ? R"x([1,"a","S",1.5,2])x" : "[1]");
  }
  list += "]";
  const Answers got = answers(with_list(list));
  const auto& error = std::get<ContractError>(got.general);
  EXPECT_NE(error.detail.find("at most 50 entries, not 51"), std::string::npos) << error.detail;
}

// Without x-vmpulse-compact an array entry is what it was before: not an object.
TEST(CompactList, OnlyWhereTheSchemaAllowsIt) {
  auto file = nlohmann::ordered_json::parse(detail::kRecordSchemaText);
  file["properties"]["procesos_top"].erase("x-vmpulse-compact");
  const auto schema = detail::build_contract_schema(file.dump());
  const Answers got = answers(with_list(R"x([[1,"a","S",1.5,2]])x"), schema);
  EXPECT_FALSE(got.plain.has_value());
  const auto& error = std::get<ContractError>(got.general);
  EXPECT_NE(error.detail.find("entry 0: must be an object, not an array"), std::string::npos)
      << error.detail;
  file["properties"]["procesos_top"]["x-vmpulse-compact"] = "yes";
  EXPECT_THROW(detail::build_contract_schema(file.dump()), std::exception);
}

// The list's text is kept exactly when the stored form writes the same bytes: integers,
// numbers with two decimals, strings without escapes, no whitespace, every entry compact.
TEST(CompactList, TextKeptOnlyWhenItIsTheStoredForm) {
  const auto kept = [](const std::string& list) {
    const auto& schema = detail::contract_schema();
    const auto records = detail::read_plain_body(schema, with_list(list));
    const auto stored = detail::read_plain_body(schema, with_list(list), ListReading::kStoredText);
    if (!records || !stored) {
      ADD_FAILURE() << "the plain reader refused " << list;
      return std::string("(refused)");
    }
    EXPECT_TRUE(records->front().procesos_top_stored.empty()) << "kept reading entries";
    const Record& record = stored->front();
    if (!record.procesos_top_stored.empty()) {
      std::string written;
      append_processes_stored(written, *records->front().procesos_top);
      EXPECT_EQ(record.procesos_top_stored, written) << list;
      EXPECT_TRUE(record.procesos_top->empty()) << list;
    } else {
      EXPECT_EQ(record.procesos_top, records->front().procesos_top) << list;
    }
    return record.procesos_top_stored;
  };
  EXPECT_EQ(kept(R"x([[1234,"stress-ng (cpu)","R",99.50,12.25],[1,"systemd","S",0.00,9.00]])x"),
            R"x([[1234,"stress-ng (cpu)","R",99.50,12.25],[1,"systemd","S",0.00,9.00]])x");
  EXPECT_EQ(kept(R"x([[1,"a","S",9.00,12345678901.25]])x"),
            R"x([[1,"a","S",9.00,12345678901.25]])x")
      << "a 13-digit number is within the shortcut's 15 digits";
  for (const std::string& list : {
           std::string(R"x([[1,"a","S",99.5,12.25]])x"),    // one decimal: written 99.50
           std::string(R"x([[1,"a","S",99.500,12.25]])x"),  // three
           std::string(R"x([[1,"a","S",99,12.25]])x"),      // an integer: written 99.00
           std::string(R"x([[1,"a","S",99.50, 12.25]])x"),  // a space
           std::string(R"x([[1,"a","S",99.50,12.25] ])x"),  // a space
           std::string(R"x([ [1,"a","S",99.50,12.25]])x"),  // a space
           std::string(R"x([[1,"a","S",0.125,0.00]])x"),    // rounds to 0.12
           std::string(R"x([[1,"a","S",99.50,12.25],{"pid":2,"nombre":"b","estado":"S",)x"
                       R"x("porcentaje_cpu":0.00,"ram_mib":1.00}])x"),
           std::string("[]"),
       }) {
    EXPECT_EQ(kept(list), "") << list;
  }
  // Numbers of up to 15 digits, random: what is kept is what would be written.
  std::uint64_t state = 20261207;
  for (int i = 0; i < 2000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t digits = 1 + (state >> 33) % 15;  // 1..15 digits of cents
    std::uint64_t cents = (state >> 11) % 1'000'000'000'000'000ULL;
    for (std::uint64_t d = digits; d < 15; ++d) {
      cents /= 10;
    }
    const std::string number = std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
                               std::to_string(cents % 100);
    const std::string list = "[[7,\"x\",\"S\",1.00," + number + "]]";
    EXPECT_EQ(kept(list), list) << number;
  }
}

// Read for storage, a list written as metricas stores it is checked value by value
// without being read into entries: what either reading refuses, the other refuses with
// the same answer, and the bounds themselves pass.
TEST(CompactList, ReadForStorageAnswersAsReadingEntries) {
  const std::string long_name(65, 'n');
  std::string too_many = "[";
  for (int i = 0; i < 51; ++i) {
    too_many += std::string(i > 0 ? "," : "") + R"x([1,"a","S",1.00,2.00])x";
  }
  too_many += "]";
  for (const std::string& list : {
           std::string(R"x([[0,"a","S",1.00,2.00]])x"),
           std::string(R"x([[4194305,"a","S",1.00,2.00]])x"),
           std::string(R"x([[1,"","S",1.00,2.00]])x"),
           R"x([[1,")x" + long_name + R"x(","S",1.00,2.00]])x",
           std::string("[[1,\"a\x7f\",\"S\",1.00,2.00]]"),
           std::string(R"x([[1,"a","RR",1.00,2.00]])x"),
           std::string(R"x([[1,"a","1",1.00,2.00]])x"),
           std::string(R"x([[1,"a","S",100.01,2.00]])x"),
           std::string(R"x([[1,"a","S",1.00,2.00],[2,"b","S",1.00,2.00,3.00]])x"),
           too_many,
       }) {
    const std::string body = with_list(list);
    const auto with_entries = parse_ingest_body(body);
    const auto for_storage = parse_ingest_body(body, ListReading::kStoredText);
    ASSERT_TRUE(std::holds_alternative<ContractError>(with_entries)) << list;
    ASSERT_TRUE(std::holds_alternative<ContractError>(for_storage)) << list;
    EXPECT_EQ(to_json(std::get<ContractError>(for_storage)),
              to_json(std::get<ContractError>(with_entries)));
  }
  const std::string bounds = R"x([[4194304,"~ !","z",100.00,9999999999999.99],[1,")x" +
                             std::string(64, 'n') + R"x(","A",0.00,0.00]])x";
  const auto kept = parse_ingest_body(with_list(bounds), ListReading::kStoredText);
  ASSERT_TRUE(std::holds_alternative<std::vector<Record>>(kept));
  EXPECT_EQ(std::get<std::vector<Record>>(kept).front().procesos_top_stored, bounds);
}

}  // namespace
}  // namespace vmpulse
