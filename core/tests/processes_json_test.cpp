#include "vmpulse/processes_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vmpulse {
namespace {

struct StoredCase {
  std::string name;
  std::vector<ProcessEntry> processes;
  std::string stored;  // metricas.procesos_top's exact text
  std::string json;    // the contract's form, as the hub sends it
};

// contract/processes-stored-cases.json: node-api's record-row test reads the same cases.
std::vector<StoredCase> stored_cases() {
  std::ifstream in(VMPULSE_SOURCE_DIR "/contract/processes-stored-cases.json");
  EXPECT_TRUE(in) << "cannot read contract/processes-stored-cases.json";
  std::vector<StoredCase> out;
  if (!in) {
    return out;
  }
  const auto document = nlohmann::json::parse(in);
  for (const auto& c : document.at("cases")) {
    StoredCase stored{c.at("name"), {}, c.at("stored"), c.at("json")};
    for (const auto& p : c.at("processes")) {
      stored.processes.push_back({p.at("pid").get<std::int64_t>(), p.at("nombre"), p.at("estado"),
                                  p.at("porcentaje_cpu").get<double>(),
                                  p.at("ram_mib").get<double>()});
    }
    out.push_back(std::move(stored));
  }
  return out;
}

std::optional<std::string> from_stored(std::string_view stored, std::string& out) {
  out.clear();
  return append_processes_from_stored(out, stored);
}

TEST(ProcessesStored, WritesTheSharedCasesByteForByte) {
  const auto cases = stored_cases();
  ASSERT_GE(cases.size(), 3U);
  for (const auto& c : cases) {
    std::string stored = "prefix";  // appends
    append_processes_stored(stored, c.processes);
    EXPECT_EQ(stored, "prefix" + c.stored) << c.name;
    std::string json;
    append_processes_json(json, c.processes);
    EXPECT_EQ(json, c.json) << c.name;
  }
}

TEST(ProcessesStored, ReadsBackAsTheContractsFormByteForByte) {
  const auto cases = stored_cases();
  ASSERT_GE(cases.size(), 3U);
  for (const auto& c : cases) {
    std::string out = "{\"procesos_top\":";
    const auto error = append_processes_from_stored(out, c.stored);
    EXPECT_FALSE(error) << c.name << ": " << error.value_or("");
    EXPECT_EQ(out, "{\"procesos_top\":" + c.json) << c.name;
  }
}

TEST(ProcessesStored, AboutHalfTheBytesOfTheObjectForm) {
  std::vector<ProcessEntry> top(10, ProcessEntry{123456, "postgres: writer", "S", 12.34, 512.5});
  std::string stored;
  std::string json;
  append_processes_stored(stored, top);
  append_processes_json(json, top);
  EXPECT_LT(stored.size() * 10, json.size() * 6) << stored.size() << " vs " << json.size();
}

TEST(ProcessesStored, RowsStoredBeforeMigration009PassThroughUnchanged) {
  std::string out;
  // The routes' object form, and MySQL 8's re-serialised JSON (spaces, keys by length).
  for (const std::string_view old :
       {R"([{"pid":1,"nombre":"init","estado":"S","porcentaje_cpu":0.50,"ram_mib":9.00}])",
        R"([{"pid": 1, "estado": "S", "nombre": "init", "ram_mib": 9.0, "porcentaje_cpu": 0.5}])",
        "[]", " [ ] "}) {
    EXPECT_FALSE(from_stored(old, out)) << old;
    EXPECT_EQ(out, old);
  }
}

TEST(ProcessesStored, WhitespaceBetweenTokensIsAccepted) {
  std::string out;
  EXPECT_FALSE(
      from_stored(" [ [ 1 , \"a b\" , \"S\" , 0.50 , 2 ] ,\n[2,\"c\",\"R\",1e2,3.5] ] ", out));
  EXPECT_EQ(out, R"([{"pid":1,"nombre":"a b","estado":"S","porcentaje_cpu":0.50,"ram_mib":2},)"
                 R"({"pid":2,"nombre":"c","estado":"R","porcentaje_cpu":1e2,"ram_mib":3.5}])");
}

TEST(ProcessesStored, MalformedTextIsAnErrorAndLeavesOutAsItWas) {
  const struct {
    std::string stored;
    std::string error;
  } cases[] = {
      {"", "not a JSON array"},
      {"null", "not a JSON array"},
      {"{\"pid\":1}", "not a JSON array"},
      {"[{\"pid\":1}", "not a JSON array"},  // old form, unclosed
      {"[[1,\"a\",\"S\",0.50,2.00]", "entry 0: not followed by ',' or the closing ']'"},
      {"[[1,\"a\",\"S\",0.50]]", "entry 0: fewer than 5 values"},
      {"[[1,\"a\",\"S\",0.50,2.00,7]]", "entry 0: more than 5 values, or not closed"},
      {"[[1,\"a\",\"S\",0.50,2.00],{}]", "entry 1: not an array"},
      {"[[1,\"a\",\"S\",0.50,2.00],]", "entry 1: not an array"},
      {"[[1.5,\"a\",\"S\",0.50,2.00]]", "entry 0: no ',' after pid"},  // an integer stops at '.'
      {"[[\"1\",\"a\",\"S\",0.50,2.00]]", "entry 0: pid is not an integer"},
      {"[[01,\"a\",\"S\",0.50,2.00]]", "entry 0: pid is not an integer"},
      {"[[1,a,\"S\",0.50,2.00]]", "entry 0: nombre is not a JSON string"},
      {"[[1,\"a,\"S\",0.50,2.00]]", "entry 0: no ',' after nombre"},
      {"[[1,\"a\",S,0.50,2.00]]", "entry 0: estado is not a JSON string"},
      {"[[1,\"a\\x\",\"S\",0.50,2.00]]", "entry 0: nombre is not a JSON string"},
      {"[[1,\"a\\u12\",\"S\",0.50,2.00]]", "entry 0: nombre is not a JSON string"},
      {std::string("[[1,\"a\x01\",\"S\",0.50,2.00]]"), "entry 0: nombre is not a JSON string"},
      {"[[1,\"a\xff\",\"S\",0.50,2.00]]", "entry 0: nombre is not a JSON string"},
      {"[[1,\"a\",\"S\",.5,2.00]]", "entry 0: porcentaje_cpu is not a JSON number"},
      {"[[1,\"a\",\"S\",1.,2.00]]", "entry 0: porcentaje_cpu is not a JSON number"},
      {"[[1,\"a\",\"S\",NaN,2.00]]", "entry 0: porcentaje_cpu is not a JSON number"},
      {"[[1,\"a\",\"S\",0.50,null]]", "entry 0: ram_mib is not a JSON number"},
      {"[[1,\"a\",\"S\",0.50,2e]]", "entry 0: ram_mib is not a JSON number"},
      {"[[1,\"a\",\"S\",0.50,2.00]] x", "text after the closing ']'"},
      {"[[1,\"a\",\"S\",0.50,2.00]][]", "text after the closing ']'"},
      {"[[1,\"a\",\"S\",0.50,2.00],[2,\"b\"", "entry 1: fewer than 5 values"},
      {"[[1,\"a\",\"S\",0.50,2.00],[2,\"b", "entry 1: nombre is not a JSON string"},
  };
  for (const auto& c : cases) {
    std::string out = "kept";
    const auto error = append_processes_from_stored(out, c.stored);
    ASSERT_TRUE(error) << c.stored << " gave " << out;
    EXPECT_EQ(*error, c.error) << c.stored;
    EXPECT_EQ(out, "kept") << c.stored;
  }
}

// Every prefix of a stored list is an error, none reads past the text (ASan in unit-asan).
TEST(ProcessesStored, EveryTruncationIsAnError) {
  std::string stored;
  append_processes_stored(
      stored, std::vector<ProcessEntry>{{1, "a \"b\" \\c", "S", 1.5, 2}, {2, "d", "R", 0, 3}});
  for (std::size_t n = 0; n < stored.size(); ++n) {
    std::string out;
    EXPECT_TRUE(from_stored(std::string(stored.substr(0, n)), out)) << stored.substr(0, n);
  }
}

}  // namespace
}  // namespace vmpulse
