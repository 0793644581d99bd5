#include "ingest_sql.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <variant>
#include <vector>

#include "vmpulse/contract.hpp"
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
    "red_rx_kib_s,red_tx_kib_s,tiempo_activo,etiquetas,hora,api,procesos_top) VALUES ";

// The parameters as one line: NULL, integers bare, text in quotes, bytes in b'...' (as
// they are: the binary protocol sends them unescaped) and decimals in d'...', separated
// by commas.
std::string shown(const db::Params& params) {
  std::string out;
  for (const auto& value : params.values()) {
    if (!out.empty()) {
      out += ',';
    }
    switch (value.kind) {
      case db::Params::Kind::kNull:
        out += "NULL";
        break;
      case db::Params::Kind::kInteger:
        out += std::to_string(value.integer);
        break;
      case db::Params::Kind::kText:
        out += '\'';
        out += params.text(value);
        out += '\'';
        break;
      case db::Params::Kind::kBytes:
        out += "b'";
        out += params.text(value);
        out += '\'';
        break;
      case db::Params::Kind::kDecimal:
        out += "d'";
        out += params.text(value);
        out += '\'';
        break;
    }
  }
  return out;
}

std::string params_of(const Record& record) {
  db::Params params;
  add_record_params(params, record, "cpp");
  return shown(params);
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
  r.etiquetas = Labels{{"env", "prod"}, {"role", "db"}};
  r.procesos_top =
      std::vector<ProcessEntry>{{1234, "postgres", "S", 12.5, 256.333}, {1, "systemd", "S", 0, 12}};
  return r;
}

TEST(IngestSql, TheStatementHasAPlaceholderPerColumnAndRow) {
  const std::string row = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  EXPECT_EQ(insert_records_statement(1), std::string(kInsert) + row);
  EXPECT_EQ(insert_records_statement(3), std::string(kInsert) + row + "," + row + "," + row);
}

TEST(IngestSql, VersionOneRecordsHaveNullForEveryVersionTwoColumn) {
  const std::string nulls =
      "NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL";
  EXPECT_EQ(params_of(sample("web-1", 3)),
            "'web-1',16000,4000,12000,d'75',d'12.345',d'87.655',3,200,0,1,300," + nulls +
                ",'2026-11-26 10:00:00','cpp',NULL");
}

TEST(IngestSql, VersionTwoRecordsFillEveryColumnAndProcessesInTheStoredForm) {
  EXPECT_EQ(params_of(sample_v2("db-1")),
            "'db-1',16000,4000,12000,d'75',d'12.345',d'87.655',2,200,0,1,300,d'0.5',d'1.25',d'2',"
            "d'0.1',d'3.5',2048,1024,100000,25000,d'12.5',d'0',d'1000000000000',d'7.75',86400,"
            "'{\"env\":\"prod\",\"role\":\"db\"}','2026-11-26 10:00:00','cpp',"
            "b'[[1234,\"postgres\",\"S\",12.50,256.33],[1,\"systemd\",\"S\",0.00,12.00]]'");
}

TEST(IngestSql, ParamsOfSeveralRecordsFollowEachOther) {
  db::Params params;
  add_record_params(params, sample("a", 1), "cpp");
  add_record_params(params, sample_v2("b"), "cpp");
  ASSERT_EQ(params.values().size(), 60U);
  EXPECT_EQ(params.text(params.values()[0]), "a");
  EXPECT_EQ(params.text(params.values()[30]), "b");
  EXPECT_EQ(shown(params), params_of(sample("a", 1)) + "," + params_of(sample_v2("b")));
}

TEST(IngestSql, OnlyThePresentOptionalFieldsAreNotNull) {
  Record r = sample("x", 0);
  r.tiempo_activo = 5;
  r.procesos_top = std::vector<ProcessEntry>{};
  const std::string params = params_of(r);
  EXPECT_NE(params.find(",300,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,5,"
                        "NULL,'2026-11-26 10:00:00','cpp',b'[]'"),
            std::string::npos)
      << params;
}

TEST(IngestSql, LabelsAreTheirJsonTextAndEmptyIsNotNull) {
  Record r = sample("x", 0);
  r.etiquetas = Labels{{"note", R"(it's "x" \ y)"}};
  EXPECT_NE(params_of(r).find(R"(,'{"note":"it's \"x\" \\ y"}','2026-11-26 10:00:00',)"),
            std::string::npos)
      << params_of(r);
  r.etiquetas = Labels{};
  EXPECT_NE(params_of(r).find(",'{}','2026-11-26 10:00:00',"), std::string::npos) << params_of(r);
}

// The binary protocol takes the text as it is: escaped for JSON, never for SQL.
TEST(IngestSql, QuotesInAProcessNameAreEscapedForJsonOnly) {
  Record r = sample("x", 0);
  r.procesos_top = std::vector<ProcessEntry>{{7, R"x(it's "x" \ y (ñ))x", "R", 1, 2}};
  const std::string params = params_of(r);
  EXPECT_NE(params.find(R"x(,b'[[7,"it's \"x\" \\ y (ñ)","R",1.00,2.00]]')x"), std::string::npos)
      << params;
}

TEST(IngestSql, TheRouteStampsApiWhateverTheRecordSays) {
  Record r = sample("x", 0);
  r.api = "forged";
  const std::string params = params_of(r);
  EXPECT_EQ(params.find("forged"), std::string::npos) << params;
  EXPECT_NE(params.find("'2026-11-26 10:00:00','cpp',NULL"), std::string::npos) << params;
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
  const std::string sql = insert_records_statement(1);
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
  EXPECT_EQ(count, 30U);
  db::Params params;
  add_record_params(params, sample("x", 0), "cpp");
  EXPECT_EQ(params.values().size(), count);
}

// The stored text is the list as core's record JSON (the agent's body) writes it.
TEST(IngestSql, StoredProcessesAreTheRecordJsonsText) {
  const Record r = sample_v2("db-1");
  const std::string params = params_of(r);
  const std::size_t list = params.rfind(",b'[[");
  ASSERT_NE(list, std::string::npos) << params;
  const std::string stored = params.substr(list + 3, params.size() - list - 4);
  EXPECT_NE(to_json(r).find("\"procesos_top\":" + stored + ","), std::string::npos) << to_json(r);
}

// The agent's body read for storage: the list kept as its text gives the parameters its
// entries give when read; a kept text is what is sent.
TEST(IngestSql, ListKeptByTheReaderIsStoredAsItCame) {
  const std::string body = to_json(sample_v2("db-1"));
  auto for_storage = parse_ingest_body(body, ListReading::kStoredText);
  auto with_entries = parse_ingest_body(body);
  ASSERT_TRUE(std::holds_alternative<std::vector<Record>>(for_storage));
  ASSERT_TRUE(std::holds_alternative<std::vector<Record>>(with_entries));
  Record kept = std::get<std::vector<Record>>(for_storage).front();
  const Record& written = std::get<std::vector<Record>>(with_entries).front();
  ASSERT_FALSE(kept.procesos_top_stored.empty());
  EXPECT_TRUE(kept.procesos_top->empty());
  EXPECT_TRUE(written.procesos_top_stored.empty());
  EXPECT_EQ(params_of(kept), params_of(written));
  kept.procesos_top_stored = "[[1,\"kept\",\"S\",0.00,1.00]]";
  EXPECT_NE(params_of(kept).find(",b'[[1,\"kept\""), std::string::npos) << params_of(kept);
}

TEST(IngestSql, NumbersKeepTheirExactValue) {
  Record r = sample("x", 0);
  r.total_ram = 9007199254740991;
  r.porcentaje_ram = 0.1;
  const std::string params = params_of(r);
  EXPECT_NE(params.find("'x',9007199254740991,4000,12000,d'0.1',"), std::string::npos) << params;
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
  const std::vector<KeyClaim> claims{{"k-1", 7, "ab12"}, {"k-2", 1, "cd34"}};
  EXPECT_EQ(claim_keys_sql(claims, "cpp", plain_quote),
            "INSERT IGNORE INTO ingest_keys (idem_key,api,stored,body_sha256) VALUES "
            "('k-1','cpp',7,'ab12'),('k-2','cpp',1,'cd34')");
  EXPECT_EQ(stored_for_key_sql("k-1", plain_quote),
            "SELECT stored,body_sha256 FROM ingest_keys WHERE idem_key = 'k-1'");
}

}  // namespace
}  // namespace vmpulse::api
