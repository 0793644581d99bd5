// The plain-body reader (core/src/contract_plain.cpp) against the general path
// (parse_body_general): whatever the plain reader accepts, the general path accepts with
// the same records, bit for bit; whatever the general path refuses, the plain reader
// refuses too (and parse_body then answers the general path's error). And the bodies it is
// for — what the agent writes, what the benchmarks send — do take it.
#include "contract_plain.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "contract_parse.hpp"
#include "contract_schema.hpp"
#include "contract_test_util.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/processes_json.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse {
namespace {

using detail::contract_schema;

// Every member equal, doubles bit for bit (so that -0.0 and 0.0 differ).
template <class T>
bool same_value(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
  } else if constexpr (requires { a.has_value(); }) {
    return a.has_value() == b.has_value() && (!a || same_value(*a, *b));
  } else {
    return a == b;
  }
}

bool same_entry(const ProcessEntry& a, const ProcessEntry& b) {
  bool same = true;
  const ProcessEntry* other = &b;
  visit_process_fields(a, [&](std::string_view name, const auto& value) {
    visit_process_fields(*other, [&](std::string_view other_name, const auto& other_value) {
      if constexpr (std::is_same_v<decltype(value), decltype(other_value)>) {
        if (name == other_name) {
          same = same && same_value(value, other_value);
        }
      }
    });
  });
  return same;
}

bool same_record(const Record& a, const Record& b) {
  bool same = true;
  visit_fields(a, [&](std::string_view name, const auto& value) {
    visit_fields(b, [&](std::string_view other_name, const auto& other_value) {
      if constexpr (std::is_same_v<decltype(value), decltype(other_value)>) {
        if (name == other_name) {
          same = same && same_value(value, other_value);
        }
      }
    });
  });
  if (a.procesos_top.has_value() != b.procesos_top.has_value()) {
    return false;
  }
  if (a.procesos_top) {
    if (a.procesos_top->size() != b.procesos_top->size()) {
      return false;
    }
    for (std::size_t i = 0; i < a.procesos_top->size(); ++i) {
      same = same && same_entry((*a.procesos_top)[i], (*b.procesos_top)[i]);
    }
  }
  return same;
}

// Empty when the two paths agree on `body`; `plain_taken` says whether the plain one read it.
std::string disagreement(const std::string& body, bool& plain_taken) {
  const auto& schema = contract_schema();
  const auto plain = detail::read_plain_body(schema, body);
  const auto for_storage = detail::read_plain_body(schema, body, ListReading::kStoredText);
  const auto general = detail::parse_body_general(schema, body);
  plain_taken = plain.has_value();
  if (for_storage.has_value() != plain.has_value()) {
    return std::string("read for storage, the body is ") + (plain ? "refused" : "accepted") + ": " +
           body;
  }
  if (!plain) {
    return {};
  }
  const auto* records = std::get_if<std::vector<Record>>(&general);
  if (records == nullptr) {
    return "the plain reader accepted what the general path refuses (" +
           std::get<ContractError>(general).detail + "): " + body;
  }
  if (records->size() != plain->size()) {
    return "a different number of records: " + body;
  }
  for (std::size_t i = 0; i < records->size(); ++i) {
    if (!same_record((*records)[i], (*plain)[i])) {
      return "record " + std::to_string(i) + " differs: " + to_json((*plain)[i]) + " vs " +
             to_json((*records)[i]) + " from " + body;
    }
    // Read for storage: the same record, but that a list may be kept as its text, which
    // is then what the stored form writes for the entries.
    Record stored = (*for_storage)[i];
    if (!stored.procesos_top_stored.empty()) {
      std::string written;
      append_processes_stored(written, *(*plain)[i].procesos_top);
      if (stored.procesos_top_stored != written || !stored.procesos_top->empty()) {
        return "record " + std::to_string(i) + " kept " + stored.procesos_top_stored + " for " +
               written + " from " + body;
      }
      stored.procesos_top = (*plain)[i].procesos_top;
      stored.procesos_top_stored.clear();
    }
    if (!same_record(stored, (*plain)[i])) {
      return "record " + std::to_string(i) + " differs read for storage: " + body;
    }
  }
  return {};
}

// The record's JSON with procesos_top's entries as objects instead of the compact form.
std::string with_object_entries(const Record& record) {
  std::string json = to_json(record);
  std::string compact;
  std::string objects;
  append_processes_stored(compact, *record.procesos_top);
  append_processes_json(objects, *record.procesos_top);
  return json.replace(json.find(compact), compact.size(), objects);
}

Record agent_record(int seed) {
  Record record;
  record.vm = "vm-" + std::to_string(seed);
  record.total_ram = 16000;
  record.ram_libre = 4000 + seed;
  record.uso_ram = 12000 - seed;
  record.porcentaje_ram = 75.06;
  record.porcentaje_cpu_uso = 20.5;
  record.porcentaje_cpu_libre = 79.5;
  record.procesos_corriendo = 3;
  record.procesos_durmiendo = 200;
  record.procesos_zombie = 0;
  record.procesos_parados = 1;
  record.total_procesos = 204;
  record.carga_1 = 1.25;
  record.carga_5 = 0.98;
  record.carga_15 = 0.75;
  record.porcentaje_cpu_robado = 0.5;
  record.porcentaje_cpu_espera = 2.25;
  record.swap_total = 4096;
  record.swap_libre = 3900;
  record.disco_total = 102400;
  record.disco_libre = 51200;
  record.disco_lectura_kib_s = 120.5;
  record.disco_escritura_kib_s = 340.25;
  record.red_rx_kib_s = 1500.75;
  record.red_tx_kib_s = 200.5;
  record.tiempo_activo = 864000;
  record.etiquetas = Labels{{"env", "production"}, {"zona", "europe-west1-b"}};
  auto& entries = record.procesos_top.emplace();
  for (int k = 1; k <= 10; ++k) {
    entries.push_back({1000 + k * 37, k == 3 ? "stress-ng (cpu)" : "kworker/0:" + std::to_string(k),
                       k == 1 ? "R" : "S", 40.0 / k, 2048.0 / k + 0.5});
  }
  record.hora = "2026-12-07 10:00:0" + std::to_string(seed % 10);
  return record;
}

TEST(PlainBody, WhatTheAgentWritesIsPlain) {
  const auto& schema = contract_schema();
  std::string batch = "[";
  for (int i = 0; i < 5; ++i) {
    const std::string body = to_json(agent_record(i));
    bool taken = false;
    EXPECT_EQ(disagreement(body, taken), "");
    EXPECT_TRUE(taken) << body;
    batch += (i > 0 ? "," : "") + body;
  }
  batch += "]";
  const auto records = detail::read_plain_body(schema, batch);
  ASSERT_TRUE(records.has_value());
  ASSERT_EQ(records->size(), 5u);
  const auto one = detail::read_plain_body(schema, to_json(agent_record(2)));
  ASSERT_TRUE(one.has_value());
  EXPECT_TRUE(same_record((*records)[2], one->front()));
  EXPECT_EQ((*records)[2].vm, "vm-2");
  EXPECT_EQ((*records)[2].procesos_top->at(2).nombre, "stress-ng (cpu)");
  EXPECT_EQ((*records)[2].etiquetas->at(1).second, "europe-west1-b");
  // A version 1 record, and the good test records without escapes.
  for (const std::string& body : {test::kGoodRecord, test::array_of(test::kGoodRecord, 3)}) {
    bool taken = false;
    EXPECT_EQ(disagreement(body, taken), "");
    EXPECT_TRUE(taken) << body;
  }
}

TEST(PlainBody, KeysInAnyOrderAndWhitespaceArePlainToo) {
  // As bench/ingest/post.lua writes a version 2 record: hora before the new fields.
  const std::string moved =
      R"({"vm":"bench-vm","total_ram":16000,"ram_libre":4000,"uso_ram":12000,"porcentaje_ram":75,)"
      R"("porcentaje_cpu_uso":20.5,"porcentaje_cpu_libre":79.5,"procesos_corriendo":3,)"
      R"("procesos_durmiendo":200,"procesos_zombie":0,"procesos_parados":1,"total_procesos":300,)"
      R"("hora":"2026-11-26 10:00:00","carga_1":1.25,"carga_5":0.98,"carga_15":0.75,)"
      R"("tiempo_activo":864000,"procesos_top":[{"ram_mib":1.5,"pid":7,"nombre":"sshd",)"
      R"("estado":"S","porcentaje_cpu":0.25}],"etiquetas":{"env":"prod"}})";
  const std::string pretty =
      " {\n  \"vm\" : \"vm-1\",\t\"total_ram\": 8000, \"ram_libre\":3000 ,\"uso_ram\":5000,\r\n"
      "  \"porcentaje_ram\": 62.5, \"porcentaje_cpu_uso\": 20.25, \"porcentaje_cpu_libre\": 79.75,"
      " \"procesos_corriendo\": 3, \"procesos_durmiendo\": 150, \"procesos_zombie\": 0,"
      " \"procesos_parados\": 1, \"total_procesos\": 154, \"procesos_top\": [ { \"pid\": 1 ,"
      " \"nombre\": \"init\", \"estado\": \"S\", \"porcentaje_cpu\": 0, \"ram_mib\": 9 } ] ,"
      " \"etiquetas\": { } , \"hora\": \"2026-11-26 18:00:00\" }\n";
  std::string both = "[";
  both.append(pretty).append(" , ").append(moved).append("]");
  for (const std::string& body : {moved, pretty, both}) {
    bool taken = false;
    EXPECT_EQ(disagreement(body, taken), "");
    EXPECT_TRUE(taken) << body;
  }
}

TEST(PlainBody, RefusedOrUnusualBodiesGoTheGeneralWay) {
  // Each of these the plain reader leaves to the general path: not plain (escapes,
  // UTF-8, exponents, long numbers, api, unknown or repeated keys, a BOM), or breaking a
  // rule. parse_body's answer is then the general path's, error and all.
  const std::vector<std::string> bodies = {
      test::with_raw("vm", "\"vm\\u002d1\""),
      test::with_raw("vm", "\"vm-\xC3\xA9\""),
      test::with_raw("total_ram", "8e3"),
      test::with_raw("total_ram", "8000.0"),
      test::with_raw("porcentaje_ram", "62.500000000000001"),
      test::with_raw("total_ram", "1234567890123456789"),
      test::with("api", "\"x\""),
      test::with("desconocido", "1"),
      R"({"vm":"a","vm":"b"})",
      "\xEF\xBB\xBF" + test::kGoodRecord,
      test::with("porcentaje_ram", "100.01"),
      test::with("total_procesos", "-1"),
      test::without("hora"),
      test::with("hora", "\"2026-02-30 00:00:00\""),
      test::with("carga_1", "1"),
      test::with_all({{"swap_total", "1"}, {"swap_libre", "2"}}),
      test::with("procesos_top", "[]") + " x",
      test::with("etiquetas", R"({"Env":"prod"})"),
      // DEL is not printable: no plain run holds it (contract_lex.hpp), so a name or a
      // label with one is the general path's to refuse, by its pattern.
      test::with("etiquetas", "{\"env\":\"pr\x7fod\"}"),
      test::with("procesos_top", "[[1,\"a\x7f\",\"S\",0.00,1.00]]"),
      test::with("vm", "\"vm\x7f\""),
      test::kGoodRecord.substr(0, test::kGoodRecord.size() - 1) +
          R"(,"etiquetas":{"env":"a","env":"b"}})",
      test::array_of(test::kGoodRecord, 0),
      test::array_of(test::kGoodRecord, 1001),
      test::kGoodRecord + ",",
      "[" + test::kGoodRecord + ",]",
  };
  for (const std::string& body : bodies) {
    bool taken = false;
    EXPECT_EQ(disagreement(body, taken), "");
    EXPECT_FALSE(taken) << body.substr(0, 300);
    const auto answer = parse_ingest_body(body);
    const auto general = detail::parse_body_general(contract_schema(), body);
    ASSERT_EQ(answer.index(), general.index()) << body.substr(0, 300);
    if (const auto* error = std::get_if<ContractError>(&answer)) {
      EXPECT_EQ(to_json(*error), to_json(std::get<ContractError>(general)));
    }
  }
}

TEST(PlainBody, NestingPastTheSchemasDepthGoesTheGeneralWay) {
  // A record alone is at depth 1, procesos_top at 2 and its entries at 3; one level more
  // in an array. The schema's limit (4) fits both; a lower one must be refused.
  const std::string one = to_json(agent_record(1));
  const std::string two = "[" + one + "," + one + "]";
  for (const auto& [depth, body, fits] :
       {std::tuple{2, one, false}, std::tuple{3, one, true}, std::tuple{3, two, false}}) {
    auto file = nlohmann::ordered_json::parse(detail::kRecordSchemaText);
    file["x-vmpulse-ingest"]["max_depth"] = depth;
    const auto schema = detail::build_contract_schema(file.dump());
    const auto plain = detail::read_plain_body(schema, body);
    const auto general = detail::parse_body_general(schema, body);
    EXPECT_EQ(plain.has_value(), fits) << depth;
    EXPECT_EQ(general.index(), fits ? 0u : 1u) << depth;
  }
}

// Records made from `base` by swapping one value (or key, or separator) for another from
// the lists below: the two paths must agree on every one, and the plain reader must read
// a good share of them (or this test tests nothing). Values are those after a key, and
// each value of a compact procesos_top entry.
void expect_same_records_on_variations(const std::string& base, std::size_t min_spans) {
  const std::vector<std::string> values = {"0",
                                           "-0",
                                           "1",
                                           "-1",
                                           "007",
                                           "100",
                                           "100.0",
                                           "100.01",
                                           "99.99",
                                           "0.125",
                                           "-0.0",
                                           "1.",
                                           ".5",
                                           "1e2",
                                           "1E-2",
                                           "4194304",
                                           "4194305",
                                           "123456789012345678",
                                           "1234567890123456789",
                                           "9007199254740991",
                                           "9007199254740992",
                                           "12345678901234.5",
                                           "1234567890123456.5",
                                           "0.000000000000001",
                                           "\"\"",
                                           "\"R\"",
                                           "\"vm-1\"",
                                           "\"a b\"",
                                           "\"\x7f\"",
                                           "\"2026-11-26 18:00:00\"",
                                           "\"2026-13-26 18:00:00\"",
                                           "null",
                                           "true",
                                           "{}",
                                           "[]",
                                           "{\"env\":\"prod\"}"};
  // Where each value of the base record starts and ends.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  const std::size_t list = base.find("\"procesos_top\":[");
  const std::size_t list_end = base.find("]]", list);
  for (std::size_t i = 0; i + 1 < base.size(); ++i) {
    const bool in_compact_entry = list_end != std::string::npos && i > list && i < list_end &&
                                  (base[i] == '[' || base[i] == ',') && base[i + 1] != '[';
    if ((base[i] == ':' && base[i - 1] == '"') || in_compact_entry) {
      std::size_t end = i + 1;
      if (base[end] == '"') {
        end = base.find('"', end + 1) + 1;
      } else if (base[end] != '{' && base[end] != '[') {
        end = base.find_first_of(",}]", end);
      } else {
        continue;
      }
      spans.emplace_back(i + 1, end);
    }
  }
  ASSERT_GT(spans.size(), min_spans);
  std::mt19937 random(20261207);
  int taken_count = 0;
  int cases = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string body = base;
    const int changes = 1 + static_cast<int>(random() % 2);
    for (int c = 0; c < changes; ++c) {
      const auto [start, end] = spans[random() % spans.size()];
      if (end > body.size()) {
        continue;
      }
      switch (random() % 8) {
        case 0:  // a space before the value
          body.insert(start, " ");
          break;
        case 1:  // the key repeated
          body.insert(end,
                      body.substr(body.rfind('"', start - 3), end - body.rfind('"', start - 3)));
          body.insert(end, ",");
          break;
        default:
          body.replace(start, end - start, values[random() % values.size()]);
          break;
      }
    }
    bool taken = false;
    const std::string problem = disagreement(body, taken);
    ASSERT_EQ(problem, "") << "case " << i;
    taken_count += taken ? 1 : 0;
    ++cases;
  }
  EXPECT_GT(taken_count, cases / 10);
  EXPECT_LT(taken_count, cases);
}

TEST(PlainBody, SameRecordsAsTheGeneralPathOnVariations) {
  expect_same_records_on_variations(with_object_entries(agent_record(7)), 70);
}

TEST(PlainBody, SameRecordsAsTheGeneralPathOnVariationsOfCompactEntries) {
  // The agent's form: 29 values outside the list, 5 in each of its entries.
  expect_same_records_on_variations(to_json(agent_record(7)), 40);
}

}  // namespace
}  // namespace vmpulse
