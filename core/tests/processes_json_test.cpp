#include "vmpulse/processes_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "vmpulse/detail/json_text.hpp"

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

// Both forms, entry by entry, as the per-value writers put them (what the header
// promises), whichever way the writer took: entries of plain values it writes through
// its own buffer, the rest (escapes, UTF-8, bad bytes, names longer than that buffer,
// midpoints, huge and non-finite numbers) value by value.
TEST(ProcessesStored, EveryEntryIsItsValuesWrittenOneByOne) {
  std::mt19937_64 random(20261207);
  const std::vector<std::string> names = {
      "bash",
      "",
      "postgres: writer",
      "a\"b",
      "back\\slash",
      "tab\there",
      "\x01ctl",
      "caf\xC3\xA9",
      "bad\xFF",
      "sixty-four-bytes-0123456789012345678901234567890123456789012345",
      std::string(300, 'x'),
      std::string(40, '"'),
      "~ !#$%&'()*+,-./:;<=>?@[]^_`{|}"};
  const std::vector<double> numbers = {
      0,           -0.0,  0.125,   2.5,    99.995,
      12.34,       -3.5,  1e-9,    0x1p38, 0x1p40,
      1e15,        1e300, 4194304, 512.25, std::numeric_limits<double>::infinity(),
      std::nan("")};
  const std::vector<std::int64_t> pids = {1,
                                          4194304,
                                          0,
                                          -7,
                                          std::numeric_limits<std::int64_t>::min(),
                                          std::numeric_limits<std::int64_t>::max()};
  std::uniform_int_distribution<std::size_t> pick(0, 1'000'000);
  std::uniform_real_distribution<double> percent(0, 100);
  for (int round = 0; round < 2'000; ++round) {
    std::vector<ProcessEntry> top(pick(random) % 12);
    for (auto& entry : top) {
      const bool usual = pick(random) % 2 == 0;  // half as an agent sends them
      entry.pid =
          usual ? static_cast<std::int64_t>(pick(random)) : pids[pick(random) % pids.size()];
      entry.nombre = names[pick(random) % (usual ? 3 : names.size())];
      entry.estado = usual ? "S" : names[pick(random) % names.size()];
      entry.porcentaje_cpu = usual ? percent(random) : numbers[pick(random) % numbers.size()];
      entry.ram_mib =
          usual ? static_cast<double>(pick(random)) / 64 : numbers[pick(random) % numbers.size()];
    }
    std::string stored = "[";
    std::string json = "[";
    for (const auto& entry : top) {
      stored += stored.size() > 1 ? ",[" : "[";
      json += json.size() > 1 ? ",{" : "{";
      const auto both = [&](const char* key, const auto& write) {
        if (stored.back() != '[') {
          stored += ',';
          json += ',';
        }
        json += std::string("\"") + key + "\":";
        write(stored);
        write(json);
      };
      both("pid", [&](std::string& out) { detail::append_json_int(out, entry.pid); });
      both("nombre", [&](std::string& out) { detail::append_json_string(out, entry.nombre); });
      both("estado", [&](std::string& out) { detail::append_json_string(out, entry.estado); });
      both("porcentaje_cpu",
           [&](std::string& out) { detail::append_json_fixed(out, entry.porcentaje_cpu, 2); });
      both("ram_mib", [&](std::string& out) { detail::append_json_fixed(out, entry.ram_mib, 2); });
      stored += ']';
      json += '}';
    }
    stored += ']';
    json += ']';
    std::string out = "prefix";
    append_processes_stored(out, top);
    ASSERT_EQ(out, "prefix" + stored) << "round " << round;
    out.clear();
    append_processes_json(out, top);
    ASSERT_EQ(out, json) << "round " << round;
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
