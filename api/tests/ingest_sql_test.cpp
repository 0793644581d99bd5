#include "ingest_sql.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vmpulse::api {
namespace {

void plain_quote(std::string& sql, std::string_view value) {
  sql += '\'';
  sql += value;
  sql += '\'';
}

Record sample(std::string vm, std::int64_t running) {
  Record r;
  r.vm = std::move(vm);
  r.total_ram = 16000;
  r.ram_libre = 4000;
  r.uso_ram = 12000;
  r.porcentaje_ram = 75;
  r.porcentaje_cpu_uso = 12.345;
  r.porcentaje_cpu_libre = 87.655;
  r.procesos_corriendo = running;
  r.procesos_durmiendo = 200;
  r.procesos_zombie = 0;
  r.procesos_parados = 1;
  r.total_procesos = 300;
  r.hora = "2026-11-26 10:00:00";
  return r;
}

TEST(IngestSql, InsertsEveryRecordInTheSchemaColumnOrder) {
  const Record a = sample("web-1", 3);
  const Record b = sample("web-2", 4);
  const std::vector<const Record*> records{&a, &b};
  EXPECT_EQ(
      insert_records_sql(records, "cpp", plain_quote),
      "INSERT INTO metricas (vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,"
      "porcentaje_cpu_libre,procesos_corriendo,total_procesos,procesos_durmiendo,procesos_zombie,"
      "procesos_parados,hora,api) VALUES "
      "('web-1',16000,4000,12000,75,12.345,87.655,3,300,200,0,1,'2026-11-26 10:00:00','cpp'),"
      "('web-2',16000,4000,12000,75,12.345,87.655,4,300,200,0,1,'2026-11-26 10:00:00','cpp')");
}

TEST(IngestSql, NumbersKeepTheirExactValue) {
  Record r = sample("x", 0);
  r.total_ram = 9007199254740991;
  r.porcentaje_ram = 0.1;
  const std::vector<const Record*> records{&r};
  const std::string sql = insert_records_sql(records, "cpp", plain_quote);
  EXPECT_NE(sql.find("('x',9007199254740991,4000,12000,0.1,"), std::string::npos) << sql;
}

TEST(IngestSql, ValuesGoThroughTheQuoter) {
  const Record r = sample("vm", 0);
  const std::vector<const Record*> records{&r};
  int calls = 0;
  const Quote counting = [&](std::string& sql, std::string_view value) {
    ++calls;
    plain_quote(sql, value);
  };
  insert_records_sql(records, "cpp", counting);
  EXPECT_EQ(calls, 3);  // vm, hora, api
}

TEST(IngestSql, CountAddsToTheRoutesRow) {
  EXPECT_EQ(add_count_sql("cpp", 42, plain_quote),
            "INSERT INTO metricas_por_api (api,total) VALUES ('cpp',42) ON DUPLICATE KEY UPDATE "
            "total = total + 42");
}

TEST(IngestSql, KeyClaimIgnoresAnExistingKey) {
  EXPECT_EQ(claim_key_sql("k-1", "cpp", 7, "ab12", plain_quote),
            "INSERT IGNORE INTO ingest_keys (idem_key,api,stored,body_sha256) VALUES "
            "('k-1','cpp',7,'ab12')");
  EXPECT_EQ(stored_for_key_sql("k-1", plain_quote),
            "SELECT stored,body_sha256 FROM ingest_keys WHERE idem_key = 'k-1'");
}

}  // namespace
}  // namespace vmpulse::api
