#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "contract_test_util.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse {
namespace {

using test::array_of;
using test::kGoodRecord;
using test::with;
using test::with_all;
using test::with_raw;

std::vector<Record> accepted(const std::string& body) {
  auto result = parse_ingest_body(body);
  if (const auto* error = std::get_if<ContractError>(&result)) {
    ADD_FAILURE() << "refused: " << to_json(*error) << "\nbody: " << body.substr(0, 300);
    return {};
  }
  return std::get<std::vector<Record>>(std::move(result));
}

TEST(GoodBody, SingleRecordHasEveryField) {
  const auto records = accepted(kGoodRecord);
  ASSERT_EQ(records.size(), 1U);
  const Record& r = records[0];
  EXPECT_EQ(r.vm, "vm-1");
  EXPECT_EQ(r.total_ram, 8000);
  EXPECT_EQ(r.ram_libre, 3000);
  EXPECT_EQ(r.uso_ram, 5000);
  EXPECT_DOUBLE_EQ(r.porcentaje_ram, 62.5);
  EXPECT_DOUBLE_EQ(r.porcentaje_cpu_uso, 20.25);
  EXPECT_DOUBLE_EQ(r.porcentaje_cpu_libre, 79.75);
  EXPECT_EQ(r.procesos_corriendo, 3);
  EXPECT_EQ(r.procesos_durmiendo, 150);
  EXPECT_EQ(r.procesos_zombie, 0);
  EXPECT_EQ(r.procesos_parados, 1);
  EXPECT_EQ(r.total_procesos, 154);
  EXPECT_EQ(r.hora, "2026-11-26 18:00:00");
  EXPECT_EQ(r.api, "");
}

TEST(GoodBody, BatchKeepsOrder) {
  const auto records = accepted("[" + with("vm", R"("a")") + ",\n " + with("vm", R"("b")") + " , " +
                                with("vm", R"("c")") + "]");
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[0].vm, "a");
  EXPECT_EQ(records[1].vm, "b");
  EXPECT_EQ(records[2].vm, "c");
}

TEST(GoodBody, FullBatch) {
  EXPECT_EQ(accepted(array_of(kGoodRecord, ingest_limits().max_batch)).size(),
            ingest_limits().max_batch);
}

TEST(GoodBody, RoundTripOfTheRecordsOwnJson) {
  const auto records = accepted(kGoodRecord);
  ASSERT_EQ(records.size(), 1U);
  const auto again = accepted(to_json(records[0]));
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0], records[0]);
}

TEST(GoodBody, IntegersMayBeWrittenAsWholeFloats) {
  const auto records = accepted(with_raw("total_ram", "8e3"));
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].total_ram, 8000);
  EXPECT_EQ(accepted(with_raw("procesos_zombie", "0.0")).at(0).procesos_zombie, 0);
  EXPECT_EQ(accepted(with_raw("procesos_zombie", "-0")).at(0).procesos_zombie, 0);
}

// Numbers with a fraction are read by the parser's own fast path up to 15 digits and by
// from_chars beyond: either way exactly the double from_chars reads (bit for bit).
TEST(GoodBody, DecimalsAreReadAsFromCharsReadsThem) {
  std::mt19937_64 random(20261206);
  std::uniform_int_distribution<int> integer_digits(1, 12);
  std::uniform_int_distribution<int> fraction_digits(1, 17);
  std::uniform_int_distribution<int> digit(0, 9);
  std::vector<std::string> texts = {
      "0.0", "0.5", "1.005", "0.125", "999999999999.9", "0.000000000000001", "123456789012.345",
      "1.10"};
  while (texts.size() < 5000) {
    std::string text;
    const int whole = integer_digits(random);
    for (int i = 0; i < whole; ++i) {
      text.push_back(
          static_cast<char>('0' + (i == 0 && whole > 1 ? 1 + digit(random) % 9 : digit(random))));
    }
    text.push_back('.');
    const int fraction = fraction_digits(random);
    for (int i = 0; i < fraction; ++i) {
      text.push_back(static_cast<char>('0' + digit(random)));
    }
    texts.push_back(text);
  }
  const std::size_t batch = ingest_limits().max_batch;
  for (std::size_t at = 0; at < texts.size(); at += batch) {
    std::string body = "[";
    const std::size_t end = std::min(texts.size(), at + batch);
    for (std::size_t i = at; i < end; ++i) {
      const std::string record = kGoodRecord;
      body += (i == at ? "" : ",") + record.substr(0, record.rfind('}')) +
              ",\"disco_lectura_kib_s\":" + texts[i] + ",\"disco_escritura_kib_s\":0}";
    }
    const auto records = accepted(body + "]");
    ASSERT_EQ(records.size(), end - at);
    for (std::size_t i = at; i < end; ++i) {
      double expected = 0;
      std::from_chars(texts[i].data(), texts[i].data() + texts[i].size(), expected);
      const double got = records[i - at].disco_lectura_kib_s.value_or(-1);
      ASSERT_EQ(std::bit_cast<std::uint64_t>(got), std::bit_cast<std::uint64_t>(expected))
          << texts[i];
    }
  }
}

TEST(GoodBody, BoundariesAreInclusive) {
  EXPECT_EQ(accepted(with("vm", "\"" + std::string(64, 'x') + "\"")).size(), 1U);
  EXPECT_EQ(accepted(with("porcentaje_ram", "100")).size(), 1U);
  EXPECT_EQ(accepted(with("porcentaje_ram", "0")).size(), 1U);
  EXPECT_EQ(accepted(with("ram_libre", "8000")).size(), 1U);
  EXPECT_EQ(accepted(with("porcentaje_cpu_libre", "78.75")).size(), 1U);  // sum 99, tolerance 1
  EXPECT_EQ(accepted(with("hora", R"("2024-02-29 23:59:59")")).size(), 1U);
  EXPECT_EQ(accepted(with("hora", R"("1970-01-01 00:00:00")")).size(), 1U);
  EXPECT_EQ(accepted(with("hora", R"("9999-12-31 23:59:59")")).size(), 1U);
  EXPECT_EQ(accepted(with("hora", R"("2000-02-29 00:00:00")")).size(), 1U);
}

TEST(GoodBody, MaxIntegersAreAccepted) {
  auto body = with_raw("total_ram", "9007199254740991");
  const auto records = accepted(body);
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].total_ram, 9007199254740991);
}

TEST(GoodBody, ApiOfAnyValueIsIgnored) {
  for (const std::string value : {R"("nodejs")", R"("abcdefghijklmnopqrstuvwxyz")", "null", "1",
                                  "true", "[]", R"({"a":[1,{"b":2}]})", R"([1,"x",null])"}) {
    const auto records = accepted(with("api", value));
    ASSERT_EQ(records.size(), 1U) << value;
    EXPECT_EQ(records[0].api, "") << value;  // the route stamps its own name
  }
}

TEST(GoodBody, Version1RecordHasNoVersion2Field) {
  const auto records = accepted(kGoodRecord);
  ASSERT_EQ(records.size(), 1U);
  const Record& r = records[0];
  EXPECT_FALSE(r.carga_1 || r.carga_5 || r.carga_15 || r.porcentaje_cpu_robado ||
               r.porcentaje_cpu_espera || r.swap_total || r.swap_libre || r.disco_total ||
               r.disco_libre || r.disco_lectura_kib_s || r.disco_escritura_kib_s ||
               r.red_rx_kib_s || r.red_tx_kib_s || r.tiempo_activo || r.procesos_top);
}

TEST(GoodBody, Version2RecordHasEveryField) {
  const auto records = accepted(test::kGoodRecordV2);
  ASSERT_EQ(records.size(), 1U);
  const Record& r = records[0];
  EXPECT_EQ(r.vm, "vm-2");
  EXPECT_EQ(r.carga_1, 0.5);
  EXPECT_EQ(r.carga_5, 1.25);
  EXPECT_EQ(r.carga_15, 2.0);
  EXPECT_EQ(r.porcentaje_cpu_robado, 0.5);
  EXPECT_EQ(r.porcentaje_cpu_espera, 3.75);
  EXPECT_EQ(r.swap_total, 2048);
  EXPECT_EQ(r.swap_libre, 1024);
  EXPECT_EQ(r.disco_total, 100000);
  EXPECT_EQ(r.disco_libre, 40000);
  EXPECT_EQ(r.disco_lectura_kib_s, 12.5);
  EXPECT_EQ(r.disco_escritura_kib_s, 300.0);
  EXPECT_EQ(r.red_rx_kib_s, 4.25);
  EXPECT_EQ(r.red_tx_kib_s, 1.0);
  EXPECT_EQ(r.tiempo_activo, 86400);
  EXPECT_EQ(r.etiquetas, (Labels{{"env", "prod"}, {"role", R"(db "primary" \ a)"}}));
  ASSERT_TRUE(r.procesos_top);
  ASSERT_EQ(r.procesos_top->size(), 2U);
  EXPECT_EQ((*r.procesos_top)[0], (ProcessEntry{1234, "stress-ng (cpu)", "R", 99.5, 12.25}));
  EXPECT_EQ((*r.procesos_top)[1], (ProcessEntry{1, "systemd", "S", 0, 9}));
  EXPECT_EQ(r.hora, "2026-11-26 18:00:00");
}

TEST(GoodBody, Version2RoundTripOfTheRecordsOwnJson) {
  const auto records = accepted(test::kGoodRecordV2);
  ASSERT_EQ(records.size(), 1U);
  const auto again = accepted(to_json(records[0]));
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0], records[0]);
}

TEST(GoodBody, ProcessListBounds) {
  const auto empty = accepted(with("procesos_top", "[]"));
  ASSERT_EQ(empty.size(), 1U);
  ASSERT_TRUE(empty[0].procesos_top);  // present and empty, not absent
  EXPECT_TRUE(empty[0].procesos_top->empty());
  const auto full = accepted(with("procesos_top", array_of(test::entry_with("pid", "7"), 50)));
  ASSERT_EQ(full.size(), 1U);
  ASSERT_EQ(full[0].procesos_top->size(), 50U);
  EXPECT_EQ(full[0].procesos_top->back().pid, 7);
  const std::string name64 = "\"" + std::string(63, '~') + " \"";
  EXPECT_EQ(accepted(with("procesos_top", "[" + test::entry_with("nombre", name64) + "]")).size(),
            1U);
  EXPECT_EQ(accepted(with("procesos_top", "[" + test::entry_with("pid", "4194304") + "]")).size(),
            1U);
  EXPECT_EQ(
      accepted(with("procesos_top", "[" + test::entry_with("nombre", R"("(sd-pam) x")") + "]"))
          .at(0)
          .procesos_top->at(0)
          .nombre,
      "(sd-pam) x");
}

TEST(GoodBody, LabelsBounds) {
  const auto none = accepted(kGoodRecord);
  ASSERT_EQ(none.size(), 1U);
  EXPECT_FALSE(none[0].etiquetas);
  const auto empty = accepted(with("etiquetas", "{}"));
  ASSERT_EQ(empty.size(), 1U);
  ASSERT_TRUE(empty[0].etiquetas);  // present and empty, not absent
  EXPECT_TRUE(empty[0].etiquetas->empty());
  std::string sixteen = "{";
  for (int i = 0; i < 16; ++i) {
    sixteen += (i > 0 ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v" + std::to_string(i) + "\"";
  }
  sixteen += "}";
  const auto full = accepted(with("etiquetas", sixteen));
  ASSERT_EQ(full.size(), 1U);
  ASSERT_EQ(full[0].etiquetas->size(), 16U);
  EXPECT_EQ(full[0].etiquetas->at(15), (std::pair<std::string, std::string>{"k15", "v15"}));
  // The longest key and value, every printable ASCII character in a value.
  const std::string key = "k" + std::string(31, '_');
  const std::string printable = R"( !"#$%&'()*+,-./0123456789:;<=>?@AZ[\]^_`az{|}~)";
  const auto edges = accepted(with(
      "etiquetas", nlohmann::ordered_json({{key, std::string(64, '~')}, {"p", printable}}).dump()));
  ASSERT_EQ(edges.size(), 1U);
  EXPECT_EQ(edges[0].etiquetas->at(0),
            (std::pair<std::string, std::string>{key, std::string(64, '~')}));
  EXPECT_EQ(edges[0].etiquetas->at(1).second, printable);
}

TEST(GoodBody, LabelsAreWrittenBackAsTheRoutesStoreThem) {
  const auto records = accepted(test::kGoodRecordV2);
  ASSERT_EQ(records.size(), 1U);
  std::string text;
  append_labels_json(text, *records[0].etiquetas);
  EXPECT_EQ(text, R"({"env":"prod","role":"db \"primary\" \\ a"})");
  EXPECT_NE(to_json(records[0]).find(R"(,"etiquetas":)" + text + R"(,"procesos_top":)"),
            std::string::npos);
}

TEST(CheckLabels, FollowsTheSchemasEtiquetas) {
  EXPECT_FALSE(check_labels({}));
  EXPECT_FALSE(check_labels({{"env", "prod"}, {"zona_1", "eu west 1"}}));
  EXPECT_TRUE(check_labels({{"Env", "prod"}}));
  EXPECT_TRUE(check_labels({{"env", ""}}));
  EXPECT_TRUE(check_labels({{"env", std::string(65, 'v')}}));
  EXPECT_TRUE(check_labels({{"env", "a\tb"}}));
  EXPECT_TRUE(check_labels({{"env", "a"}, {"env", "b"}}));
  Labels seventeen;
  for (int i = 0; i < 17; ++i) {
    seventeen.emplace_back("k" + std::to_string(i), "v");
  }
  EXPECT_TRUE(check_labels(seventeen));
  seventeen.pop_back();
  EXPECT_FALSE(check_labels(seventeen));
}

TEST(GoodBody, ProcessListsOfABatchStaySeparate) {
  const auto records =
      accepted("[" + test::kGoodRecordV2 + "," + kGoodRecord + "," +
               with("procesos_top", "[" + test::entry_with("pid", "9") + "]") + "]");
  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[0].procesos_top->size(), 2U);
  EXPECT_FALSE(records[1].procesos_top);
  ASSERT_EQ(records[2].procesos_top->size(), 1U);
  EXPECT_EQ(records[2].procesos_top->at(0).pid, 9);
}

TEST(GoodBody, OptionalPairsBothPresent) {
  EXPECT_EQ(accepted(with_all({{"swap_total", "0"}, {"swap_libre", "0"}})).size(), 1U);
  EXPECT_EQ(accepted(with_all({{"disco_total", "10"}, {"disco_libre", "10"}})).size(), 1U);
  EXPECT_EQ(accepted(with("tiempo_activo", "0")).at(0).tiempo_activo, 0);
}

TEST(GoodBody, EscapesInStringsAreDecoded) {
  const auto records = accepted(with_raw("vm", R"("\u0076m\u002d1")"));
  ASSERT_EQ(records.size(), 1U);
  EXPECT_EQ(records[0].vm, "vm-1");
}

TEST(GoodBody, WhitespaceAroundTheBody) {
  EXPECT_EQ(accepted("\r\n\t " + kGoodRecord + " \n").size(), 1U);
}

TEST(Limits, ComeFromTheSchema) {
  EXPECT_EQ(ingest_limits().max_batch, 1000U);
  EXPECT_EQ(ingest_limits().max_body_bytes, 1048576U);
  EXPECT_EQ(ingest_limits().max_depth, 4U);
  EXPECT_EQ(ingest_limits().busy_retry_after_seconds, 1U);
}

TEST(StatusOf, KnownAndUnknownCodes) {
  EXPECT_EQ(status_of("invalid_json"), 400);
  EXPECT_EQ(status_of("unauthorized"), 401);
  EXPECT_EQ(status_of("payload_too_large"), 413);
  EXPECT_EQ(status_of("database_unavailable"), 503);
  EXPECT_EQ(status_of("no_such_code"), 500);
}

TEST(IdempotencyKey, FollowsThePattern) {
  EXPECT_TRUE(valid_idempotency_key("batch-2026-11-26:0001"));
  EXPECT_TRUE(valid_idempotency_key(std::string(128, 'k')));
  EXPECT_FALSE(valid_idempotency_key(""));
  EXPECT_FALSE(valid_idempotency_key(std::string(129, 'k')));
  EXPECT_FALSE(valid_idempotency_key("has space"));
  EXPECT_FALSE(valid_idempotency_key("emoji\xf0\x9f\x98\x80"));
}

TEST(VmName, FollowsTheSchemasVmProperty) {
  EXPECT_TRUE(valid_vm_name("web-01.prod_a"));
  EXPECT_TRUE(valid_vm_name(std::string(64, 'v')));
  EXPECT_FALSE(valid_vm_name(""));
  EXPECT_FALSE(valid_vm_name(std::string(65, 'v')));
  EXPECT_FALSE(valid_vm_name("web 01"));
  EXPECT_FALSE(valid_vm_name("caf\xc3\xa9"));
}

// The hub quotes vm names in SQL without escaping them: the rule must refuse whatever
// could end or escape a quoted string.
TEST(VmName, RefusesWhatCouldBreakOutOfAnSqlString) {
  for (const char* name : {"a'b", "a\"b", "a\\b", "a`b", "a;b", "a\nb"}) {
    EXPECT_FALSE(valid_vm_name(name)) << name;
  }
}

TEST(IngestPaths, TheRoutesOwnPathThenTheSharedOnes) {
  EXPECT_EQ(ingest_paths("cpp"),
            (std::vector<std::string>{"/api/cpp/metrics", "/api/metrics", "/metrics"}));
  EXPECT_EQ(ingest_paths("nodejs"),
            (std::vector<std::string>{"/api/nodejs/metrics", "/api/metrics", "/metrics"}));
  EXPECT_TRUE(ingest_paths("python").empty());
}

TEST(IngestRouteLabels, TheRoutesOwnPathIsIngestThenTheSchemasLabels) {
  std::map<std::string, std::string> labels;
  const auto cpp = ingest_route_labels("cpp");
  ASSERT_FALSE(cpp.empty());
  EXPECT_EQ(cpp.front().label, "ingest");
  EXPECT_EQ(cpp.front().path, "/api/cpp/metrics");
  for (const auto& [label, path] : cpp) {
    EXPECT_TRUE(labels.emplace(label, path).second) << "twice: " << label;
  }
  EXPECT_EQ(labels, (std::map<std::string, std::string>{{"ingest", "/api/cpp/metrics"},
                                                        {"ingest_split", "/api/metrics"},
                                                        {"metrics", "/metrics"},
                                                        {"livez", "/livez"},
                                                        {"readyz", "/readyz"}}));
  EXPECT_EQ(ingest_route_labels("nodejs").front().path, "/api/nodejs/metrics");
  EXPECT_TRUE(ingest_route_labels("python").empty());
}

}  // namespace
}  // namespace vmpulse
