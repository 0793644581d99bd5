#include "ingest_sql.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "vmpulse/processes_json.hpp"

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

// Every column in record field order, then procesos_top.
constexpr std::string_view kInsert =
    "INSERT INTO metricas (vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,"
    "porcentaje_cpu_libre,procesos_corriendo,procesos_durmiendo,procesos_zombie,procesos_parados,"
    "total_procesos,carga_1,carga_5,carga_15,porcentaje_cpu_robado,porcentaje_cpu_espera,"
    "swap_total,swap_libre,disco_total,disco_libre,disco_lectura_kib_s,disco_escritura_kib_s,"
    "red_rx_kib_s,red_tx_kib_s,tiempo_activo,hora,api,procesos_top) VALUES ";

// MariaDB's escaping of a string literal, as mysql_real_escape_string does it for the
// characters these tests use.
void escaping_quote(std::string& sql, std::string_view value) {
  sql += '\'';
  for (const char c : value) {
    if (c == '\'' || c == '\\') {
      sql += '\\';
    }
    sql += c;
  }
  sql += '\'';
}

Record sample_v2(std::string vm) {
  Record r = sample(std::move(vm), 2);
  r.carga_1 = 0.5;
  r.carga_5 = 1.25;
  r.carga_15 = 2;
  r.porcentaje_cpu_robado = 0.1;
  r.porcentaje_cpu_espera = 3.5;
  r.swap_total = 2048;
  r.swap_libre = 1024;
  r.disco_total = 100000;
  r.disco_libre = 25000;
  r.disco_lectura_kib_s = 12.5;
  r.disco_escritura_kib_s = 0;
  r.red_rx_kib_s = 1000000000000;
  r.red_tx_kib_s = 7.75;
  r.tiempo_activo = 86400;
  r.procesos_top =
      std::vector<ProcessEntry>{{1234, "postgres", "S", 12.5, 256.333}, {1, "systemd", "S", 0, 12}};
  return r;
}

TEST(IngestSql, VersionOneRecordsHaveNullForEveryVersionTwoColumn) {
  const Record a = sample("web-1", 3);
  const Record b = sample("web-2", 4);
  const std::vector<const Record*> records{&a, &b};
  const std::string nulls = "NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL";
  EXPECT_EQ(insert_records_sql(records, "cpp", plain_quote),
            std::string(kInsert) + "('web-1',16000,4000,12000,75,12.345,87.655,3,200,0,1,300," +
                nulls + ",'2026-11-26 10:00:00','cpp',NULL),('web-2',16000,4000,12000,75,12.345," +
                "87.655,4,200,0,1,300," + nulls + ",'2026-11-26 10:00:00','cpp',NULL)");
}

TEST(IngestSql, VersionTwoRecordsFillEveryColumnAndProcessesAsJson) {
  const Record r = sample_v2("db-1");
  const std::vector<const Record*> records{&r};
  EXPECT_EQ(insert_records_sql(records, "cpp", plain_quote),
            std::string(kInsert) +
                "('db-1',16000,4000,12000,75,12.345,87.655,2,200,0,1,300,0.5,1.25,2,0.1,3.5,2048,"
                "1024,100000,25000,12.5,0,1000000000000,7.75,86400,'2026-11-26 10:00:00','cpp',"
                "'[{\"pid\":1234,\"nombre\":\"postgres\",\"estado\":\"S\",\"porcentaje_cpu\":12.50,"
                "\"ram_mib\":256.33},{\"pid\":1,\"nombre\":\"systemd\",\"estado\":\"S\","
                "\"porcentaje_cpu\":0.00,\"ram_mib\":12.00}]')");
}

TEST(IngestSql, OnlyThePresentOptionalFieldsAreNotNull) {
  Record r = sample("x", 0);
  r.tiempo_activo = 5;
  r.procesos_top = std::vector<ProcessEntry>{};
  const std::vector<const Record*> records{&r};
  const std::string sql = insert_records_sql(records, "cpp", plain_quote);
  EXPECT_NE(sql.find(",300,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,5,"
                     "'2026-11-26 10:00:00','cpp','[]')"),
            std::string::npos)
      << sql;
}

TEST(IngestSql, QuotesInAProcessNameAreEscapedForJsonThenForSql) {
  Record r = sample("x", 0);
  r.procesos_top = std::vector<ProcessEntry>{{7, R"(it's "x" \ y)", "R", 1, 2}};
  const std::vector<const Record*> records{&r};
  const std::string sql = insert_records_sql(records, "cpp", escaping_quote);
  // JSON: "it's \"x\" \\ y"; then SQL: ' and \ escaped with a backslash.
  EXPECT_NE(sql.find(R"('[{"pid":7,"nombre":"it\'s \\"x\\" \\\\ y","estado":"R",)"),
            std::string::npos)
      << sql;
}

TEST(IngestSql, TheRouteStampsApiWhateverTheRecordSays) {
  Record r = sample("x", 0);
  r.api = "forged";
  const std::vector<const Record*> records{&r};
  const std::string sql = insert_records_sql(records, "cpp", plain_quote);
  EXPECT_EQ(sql.find("forged"), std::string::npos) << sql;
  EXPECT_NE(sql.find("'2026-11-26 10:00:00','cpp',NULL)"), std::string::npos) << sql;
}

// The INSERT names the migrations' columns: a field added to the record without its
// column in db/migrations fails here rather than on the first insert.
TEST(IngestSql, EveryColumnIsCreatedByAMigration) {
  std::string migrations;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(VMPULSE_SOURCE_DIR) / "db" / "migrations")) {
    std::ifstream in(entry.path());
    migrations.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const Record r = sample("x", 0);
  const std::vector<const Record*> records{&r};
  const std::string sql = insert_records_sql(records, "cpp", plain_quote);
  const std::size_t open = sql.find('(');
  const std::string columns = sql.substr(open + 1, sql.find(')') - open - 1);
  std::size_t count = 0;
  for (std::size_t at = 0; at <= columns.size(); ++count) {
    const std::size_t comma = std::min(columns.find(',', at), columns.size());
    const std::string column = columns.substr(at, comma - at);
    const bool in_001 = migrations.find("  " + column + " ") != std::string::npos;
    const bool in_005 = migrations.find("'" + column + "'") != std::string::npos;
    EXPECT_TRUE(in_001 || in_005) << column << " is created by no migration";
    at = comma + 1;
  }
  EXPECT_EQ(count, 29U);
}

// The stored text is what core's record JSON (the hub's live records) says for the list.
TEST(IngestSql, StoredProcessesAreTheRecordJsonsText) {
  const Record r = sample_v2("db-1");
  std::string stored;
  append_processes_json(stored, *r.procesos_top);
  EXPECT_NE(to_json(r).find("\"procesos_top\":" + stored + ","), std::string::npos) << to_json(r);
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
  const Record v1 = sample("vm", 0);
  const Record v2 = sample_v2("vm");
  int calls = 0;
  const Quote counting = [&](std::string& sql, std::string_view value) {
    ++calls;
    plain_quote(sql, value);
  };
  const std::vector<const Record*> only_v1{&v1};
  insert_records_sql(only_v1, "cpp", counting);
  EXPECT_EQ(calls, 3);  // vm, hora, api
  calls = 0;
  const std::vector<const Record*> only_v2{&v2};
  insert_records_sql(only_v2, "cpp", counting);
  EXPECT_EQ(calls, 4);  // and procesos_top
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
