#include "processes_query.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace vmpulse::hub;
using vmpulse::http::Request;

namespace {
Request with_query(std::string query) {
  Request request;
  request.method = "GET";
  request.path = "/api/processes";
  request.query = std::move(query);
  request.target = request.path + "?" + request.query;
  return request;
}
constexpr std::int64_t kNow = 1'796'450'400;  // 2026-12-05 06:00:00 UTC
}  // namespace

TEST(ProcessesParams, AtDefaultsToNowAndTakesBothTimeForms) {
  auto parsed = parse_processes_params(with_query("vm=web-1"), kNow);
  ASSERT_TRUE(std::holds_alternative<ProcessesParams>(parsed));
  EXPECT_EQ(std::get<ProcessesParams>(parsed).vm, "web-1");
  EXPECT_EQ(std::get<ProcessesParams>(parsed).at, kNow);
  parsed = parse_processes_params(with_query("vm=web-1&at=2026-12-05%2005:59:00"), kNow);
  ASSERT_TRUE(std::holds_alternative<ProcessesParams>(parsed));
  EXPECT_EQ(std::get<ProcessesParams>(parsed).at, kNow - 60);
  parsed = parse_processes_params(with_query("vm=web-1&at=1796450000"), kNow);
  ASSERT_TRUE(std::holds_alternative<ProcessesParams>(parsed));
  EXPECT_EQ(std::get<ProcessesParams>(parsed).at, 1796450000);
}

TEST(ProcessesParams, BadValuesNameTheParameter) {
  struct Case {
    const char* query;
    const char* code;
    const char* names;
  };
  for (const Case c :
       {Case{"", "missing_parameter", "vm"}, Case{"vm=", "missing_parameter", "vm"},
        Case{"vm=a%27b", "invalid_parameter", "vm"}, Case{"vm=a%20b", "invalid_parameter", "vm"},
        Case{"vm=web-1&at=yesterday", "invalid_parameter", "at"},
        Case{"vm=web-1&at=2026-02-30%2000:00:00", "invalid_parameter", "at"},
        Case{"vm=web-1&at=-5", "invalid_parameter", "at"}}) {
    const auto parsed = parse_processes_params(with_query(c.query), kNow);
    ASSERT_TRUE(std::holds_alternative<ParamError>(parsed)) << c.query;
    EXPECT_EQ(std::get<ParamError>(parsed).code, c.code) << c.query;
    EXPECT_NE(std::get<ParamError>(parsed).detail.find(c.names), std::string::npos) << c.query;
  }
}

TEST(ProcessesSql, TheNewestStoredListInTheFiveMinutesUpToAt) {
  const std::string sql = processes_sql({"web-1", kNow});
  EXPECT_NE(sql.find("SELECT hora, procesos_top FROM metricas WHERE vm = 'web-1' AND "
                     "hora >= '2026-12-05 05:55:00' AND hora <= '2026-12-05 06:00:00' AND "
                     "procesos_top IS NOT NULL ORDER BY hora DESC, id DESC LIMIT 1"),
            std::string::npos)
      << sql;
}

TEST(ProcessesResponse, HitGivesTheStoredListInTheContractsForm) {
  const auto response = processes_response(
      {"web-1", kNow},
      {vmpulse::db::Row{"2026-12-05 05:59:58", R"([[42,"postgres: \"wal\"","S",3.50,512.25]])"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(
      response.body,
      R"({"vm":"web-1","hora":"2026-12-05 05:59:58","procesos_top":)"
      R"([{"pid":42,"nombre":"postgres: \"wal\"","estado":"S","porcentaje_cpu":3.50,"ram_mib":512.25}]})");
  EXPECT_EQ(nlohmann::json::parse(response.body)["procesos_top"][0]["pid"], 42);
}

// Rows stored before db/migrations/009 hold the objects: copied as they are.
TEST(ProcessesResponse, HitCopiesAListStoredAsObjects) {
  const std::string top =
      R"([{"pid": 42, "nombre": "postgres", "estado": "S", "porcentaje_cpu": 3.5, "ram_mib": 512.25}])";
  const auto response =
      processes_response({"web-1", kNow}, {vmpulse::db::Row{"2026-12-05 05:59:58", top}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body,
            R"({"vm":"web-1","hora":"2026-12-05 05:59:58","procesos_top":)" + top + "}");
}

TEST(ProcessesResponse, MissIs404AndMalformedIs500) {
  const auto miss = processes_response({"web-1", kNow}, {});
  EXPECT_EQ(miss.status, 404);
  const auto body = nlohmann::json::parse(miss.body);
  EXPECT_EQ(body["error"], "not_found");
  EXPECT_NE(body["detail"].get<std::string>().find("web-1"), std::string::npos);
  EXPECT_EQ(
      processes_response({"web-1", kNow}, {vmpulse::db::Row{"2026-12-05 05:59:58", "{}"}}).status,
      500);
  const auto bad = processes_response(
      {"web-1", kNow}, {vmpulse::db::Row{"2026-12-05 05:59:58", R"([[42,"a","S",3.50,x]])"}});
  EXPECT_EQ(bad.status, 500);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["detail"],
            "the stored procesos_top is malformed: entry 0: ram_mib is not a JSON number");
  EXPECT_EQ(
      processes_response({"web-1", kNow}, {vmpulse::db::Row{"2026-12-05 05:59:58", std::nullopt}})
          .status,
      500);
}
