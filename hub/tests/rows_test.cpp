#include "rows.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "record_rows.hpp"

using namespace vmpulse::hub;
using vmpulse::hub::test::column_of;
using vmpulse::hub::test::record_row;

TEST(Rows, ColumnsFollowTheRecordsFields) {
  // Every scalar field of the Record, in its order, between id and procesos_top.
  EXPECT_EQ(kRecordColumnNames.front(), "id");
  EXPECT_EQ(kRecordColumnNames.back(), "procesos_top");
  std::vector<std::string_view> names;
  vmpulse::Record record;
  vmpulse::visit_fields(record, [&](std::string_view name, const auto&) { names.push_back(name); });
  ASSERT_EQ(names.size() + 2, kRecordColumnCount);
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(kRecordColumnNames[i + 1], names[i]);
  }
  EXPECT_TRUE(std::string_view(kRecordColumns).starts_with("id, vm, total_ram, "));
  EXPECT_TRUE(std::string_view(kRecordColumns).ends_with(", hora, api, procesos_top"));
}

TEST(Rows, MetricsAreEveryNumericColumn) {
  // not id, vm, etiquetas, hora, api, procesos_top
  EXPECT_EQ(kMetricColumns.size(), kRecordColumnCount - 6);
  EXPECT_EQ(metric_index("etiquetas"), kMetricColumns.size());
  EXPECT_EQ(kMetricColumns[4], "porcentaje_cpu_uso");
  EXPECT_LT(metric_index("carga_1"), kMetricColumns.size());
  EXPECT_LT(metric_index("porcentaje_cpu_robado"), kMetricColumns.size());
  EXPECT_LT(metric_index("red_tx_kib_s"), kMetricColumns.size());
  EXPECT_EQ(metric_index("vm"), kMetricColumns.size());
  EXPECT_EQ(metric_index("procesos_top"), kMetricColumns.size());
}

TEST(Rows, FromRowFillsMetricsInColumnOrder) {
  auto parsed = from_row(record_row());
  ASSERT_TRUE(std::holds_alternative<StoredRecord>(parsed)) << std::get<std::string>(parsed);
  const StoredRecord& r = std::get<StoredRecord>(parsed);
  EXPECT_EQ(r.id, 7u);
  EXPECT_EQ(r.vm, "web-1");
  EXPECT_EQ(r.hora, "2026-12-05 06:00:00");
  EXPECT_EQ(r.api, "python");
  EXPECT_EQ(r.metrics[metric_index("total_ram")], 8000);
  EXPECT_EQ(r.metrics[metric_index("porcentaje_cpu_uso")], 87.5);
  EXPECT_EQ(r.metrics[metric_index("procesos_zombie")], 1);
  EXPECT_EQ(r.metrics[metric_index("total_procesos")], 124);
  EXPECT_NE(r.json.find("\"porcentaje_cpu_uso\":87.50"), std::string::npos);
}

TEST(Rows, VersionOneRowsOmitTheNullFields) {
  const StoredRecord r = std::get<StoredRecord>(from_row(record_row()));
  EXPECT_EQ(
      r.json,
      R"({"id":7,"vm":"web-1","total_ram":8000,"ram_libre":2000,"uso_ram":6000,"porcentaje_ram":75.00,)"
      R"("porcentaje_cpu_uso":87.50,"porcentaje_cpu_libre":12.50,"procesos_corriendo":3,"procesos_durmiendo":120,)"
      R"("procesos_zombie":1,"procesos_parados":0,"total_procesos":124,"hora":"2026-12-05 06:00:00","api":"python"})");
  EXPECT_TRUE(std::isnan(r.metrics[metric_index("carga_1")]));
  EXPECT_FALSE(r.metric("carga_1"));
  EXPECT_EQ(r.metric("total_ram"), 8000);
}

TEST(Rows, VersionTwoFieldsAndTheProcessListInTheContractsForm) {
  // As the routes store it since db/migrations/009.
  const std::string stored =
      R"x([[1,"init (a \"b\")","S",0.50,12.25],[2,"kthreadd","S",0.00,0.00]])x";
  const std::string top =
      R"x([{"pid":1,"nombre":"init (a \"b\")","estado":"S","porcentaje_cpu":0.50,"ram_mib":12.25},)x"
      R"({"pid":2,"nombre":"kthreadd","estado":"S","porcentaje_cpu":0.00,"ram_mib":0.00}])";
  auto parsed = from_row(record_row({{"carga_1", "0.52"},
                                     {"carga_5", "0.40"},
                                     {"carga_15", "0.31"},
                                     {"swap_total", "2048"},
                                     {"swap_libre", "1024"},
                                     {"red_rx_kib_s", "12.40"},
                                     {"tiempo_activo", "3600"},
                                     {"procesos_top", stored}}));
  ASSERT_TRUE(std::holds_alternative<StoredRecord>(parsed)) << std::get<std::string>(parsed);
  const StoredRecord& r = std::get<StoredRecord>(parsed);
  EXPECT_EQ(r.metric("carga_1"), 0.52);
  EXPECT_EQ(r.metric("swap_total"), 2048);
  EXPECT_FALSE(r.metric("disco_total"));
  // In the schema's order; procesos_top as the contract's objects, before hora.
  EXPECT_NE(r.json.find(R"("total_procesos":124,"carga_1":0.52,"carga_5":0.40,"carga_15":0.31,)"
                        R"("swap_total":2048,"swap_libre":1024,"red_rx_kib_s":12.40,)"
                        R"("tiempo_activo":3600,"procesos_top":)" +
                        top + R"(,"hora":"2026-12-05 06:00:00","api":"python"})"),
            std::string::npos)
      << r.json;
  const auto json = nlohmann::json::parse(r.json);
  EXPECT_EQ(json["procesos_top"][0]["nombre"], "init (a \"b\")");
  EXPECT_FALSE(json.contains("disco_total"));
}

// Rows stored before db/migrations/009 hold the objects: sent as they are.
TEST(Rows, AProcessListStoredAsObjectsIsCopiedAsItIs) {
  const std::string top =
      R"([{"pid": 1, "nombre": "init", "estado": "S", "porcentaje_cpu": 0.5, "ram_mib": 12.25}])";
  auto parsed = from_row(record_row({{"tiempo_activo", "3600"}, {"procesos_top", top}}));
  ASSERT_TRUE(std::holds_alternative<StoredRecord>(parsed)) << std::get<std::string>(parsed);
  EXPECT_NE(std::get<StoredRecord>(parsed).json.find(R"("tiempo_activo":3600,"procesos_top":)" +
                                                     top + R"(,"hora":)"),
            std::string::npos)
      << std::get<StoredRecord>(parsed).json;
}

TEST(Rows, NonNumbersAreErrors) {
  for (const char* bad : {"inf", "1e999", "12x", ""}) {
    auto parsed = from_row(record_row({{"porcentaje_cpu_uso", bad}}));
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << bad;
    EXPECT_NE(std::get<std::string>(parsed).find("porcentaje_cpu_uso"), std::string::npos);
    parsed = from_row(record_row({{"carga_1", bad}}));
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << bad;
    EXPECT_NE(std::get<std::string>(parsed).find("carga_1"), std::string::npos);
  }
}

TEST(Rows, NullOnlyWhereTheSchemaAllowsIt) {
  for (const char* column : {"id", "vm", "total_ram", "total_procesos", "hora", "api"}) {
    auto parsed = from_row(record_row({{column, std::nullopt}}));
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << column;
    EXPECT_NE(std::get<std::string>(parsed).find(column), std::string::npos);
  }
  auto row = record_row();
  row.pop_back();
  EXPECT_TRUE(std::holds_alternative<std::string>(from_row(row)));
}

TEST(Rows, AMalformedProcessListRefusesTheRowSayingWhy) {
  for (const char* bad :
       {"{}", "", "  ", "[1", "null", R"([[1,"a","S",0.50]])", R"([[1,"a","S",0.50,2.00]]x)"}) {
    auto parsed = from_row(record_row({{"procesos_top", bad}}));
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << bad;
    EXPECT_TRUE(std::get<std::string>(parsed).starts_with("procesos_top: ")) << bad;
  }
  EXPECT_EQ(
      std::get<std::string>(from_row(record_row({{"procesos_top", R"([[1,"a","S",0.50]])"}}))),
      "procesos_top: entry 0: fewer than 5 values");
  EXPECT_TRUE(std::holds_alternative<StoredRecord>(from_row(record_row({{"procesos_top", "[]"}}))));
}

TEST(Rows, LabelsAreReadAndWrittenInTheRoutesForm) {
  // MySQL 8 gives JSON back with spaces; the record's JSON has the routes' form.
  auto parsed = from_row(record_row({{"etiquetas", R"({"env": "prod", "role": "a \"b\" \\c"})"}}));
  ASSERT_TRUE(std::holds_alternative<StoredRecord>(parsed));
  const auto& record = std::get<StoredRecord>(parsed);
  const vmpulse::Labels expected{{"env", "prod"}, {"role", R"(a "b" \c)"}};
  EXPECT_EQ(record.labels, expected);
  EXPECT_NE(record.json.find(R"(,"etiquetas":{"env":"prod","role":"a \"b\" \\c"},"hora":)"),
            std::string::npos)
      << record.json;
  // NULL: no labels, and no key in the JSON.
  const StoredRecord none = std::get<StoredRecord>(from_row(record_row()));
  EXPECT_TRUE(none.labels.empty());
  EXPECT_EQ(none.json.find("etiquetas"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<StoredRecord>(from_row(record_row({{"etiquetas", "{}"}}))));
}

TEST(Rows, LabelsMustBeAnObjectOfStrings) {
  for (const char* bad : {"[]", "", "{", R"({"env":1})", R"({"env":null})", R"("env")", "null"}) {
    auto parsed = from_row(record_row({{"etiquetas", bad}}));
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << bad;
    EXPECT_NE(std::get<std::string>(parsed).find("etiquetas"), std::string::npos) << bad;
  }
}

TEST(Rows, FromAnOffset) {
  auto row = record_row({{"id", "9"}});
  row.insert(row.begin(), "r");
  const auto parsed = from_row(row, 1);
  ASSERT_TRUE(std::holds_alternative<StoredRecord>(parsed));
  EXPECT_EQ(std::get<StoredRecord>(parsed).id, 9u);
  EXPECT_EQ(column_of("vm"), 1u);
}

TEST(Rows, AppendMetricAsStored) {
  const StoredRecord r = std::get<StoredRecord>(
      from_row(record_row({{"carga_1", "1.50"}, {"disco_total", "9007199254740991"}})));
  std::string out;
  EXPECT_TRUE(append_metric(out, r, metric_index("carga_1")));
  EXPECT_EQ(out, "1.50");
  out.clear();
  EXPECT_TRUE(append_metric(out, r, metric_index("disco_total")));
  EXPECT_EQ(out, "9007199254740991");
  out.clear();
  EXPECT_FALSE(append_metric(out, r, metric_index("disco_libre")));
  EXPECT_EQ(out, "");
}
