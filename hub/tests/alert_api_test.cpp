#include "alert_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "messages.hpp"
#include "silence.hpp"

namespace vmpulse::hub {
namespace {

constexpr std::int64_t kNow = 1'796'452'800;  // 2026-12-05 06:40:00 UTC

http::Request request(std::string method, std::string target) {
  http::Request r;
  r.method = std::move(method);
  r.target = target;
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  return r;
}

Alert firing_cpu() {
  Alert alert;
  alert.rule = "cpu_high";
  alert.vm = "web-1";
  alert.severity = Severity::critical;
  alert.state = AlertState::firing;
  alert.value = 95.5;
  alert.threshold = 90;
  alert.since_ms = kNow * 1000 - 120'000;
  alert.changed_ms = kNow * 1000 - 1'500;
  alert.summary = "CPU 95.5 ≥ 90 for 2m";
  return alert;
}

TEST(SilencePattern, MatchesStarsAndQuestionMarks) {
  EXPECT_TRUE(pattern_matches("web-1", "web-1"));
  EXPECT_FALSE(pattern_matches("web-1", "web-10"));
  EXPECT_TRUE(pattern_matches("web-*", "web-10"));
  EXPECT_TRUE(pattern_matches("web-*", "web-"));
  EXPECT_TRUE(pattern_matches("*", "db"));
  EXPECT_TRUE(pattern_matches("w?b-*1", "wab-x1"));
  EXPECT_FALSE(pattern_matches("w?b-*1", "wb-x1"));
  EXPECT_TRUE(pattern_matches("*-*-*", "a-b-c"));
  EXPECT_FALSE(pattern_matches("*-*-*", "a-bc"));
}

TEST(SilencePattern, OnlyRunningSilencesCount) {
  const std::vector<Silence> silences{
      {.id = 1, .match = "web-*", .until_s = kNow + 60, .comment = "", .created_s = kNow}};
  EXPECT_TRUE(is_silenced(silences, "web-1", kNow));
  EXPECT_FALSE(is_silenced(silences, "db-1", kNow));
  EXPECT_FALSE(is_silenced(silences, "web-1", kNow + 60));  // ended
}

TEST(SilencePattern, AcceptsVmNamesAndWildcardsOnly) {
  EXPECT_TRUE(valid_silence_pattern("web-1.example_a"));
  EXPECT_TRUE(
      valid_silence_pattern("web-?"
                            "?-*"));
  EXPECT_FALSE(valid_silence_pattern(""));
  EXPECT_FALSE(valid_silence_pattern("web 1"));
  EXPECT_FALSE(valid_silence_pattern("web'1"));
  EXPECT_FALSE(valid_silence_pattern(std::string(65, 'a')));
}

TEST(ParseSilence, MinutesFromNow) {
  auto parsed = parse_silence(R"({"vm":"web-*","minutes":30,"comment":"kernel upgrade"})", kNow);
  ASSERT_TRUE(std::holds_alternative<Silence>(parsed));
  const auto& silence = std::get<Silence>(parsed);
  EXPECT_EQ(silence.match, "web-*");
  EXPECT_EQ(silence.until_s, kNow + 1800);
  EXPECT_EQ(silence.comment, "kernel upgrade");
}

TEST(ParseSilence, UntilATime) {
  auto parsed = parse_silence(R"({"vm":"db-1","until":"2026-12-05 08:00:00"})", kNow);
  ASSERT_TRUE(std::holds_alternative<Silence>(parsed));
  EXPECT_EQ(std::get<Silence>(parsed).until_s, kNow + 4800);
}

TEST(ParseSilence, RejectsBadBodies) {
  for (const char* body :
       {"", "[]", "not json", R"({"minutes":5})", R"({"vm":"a b","minutes":5})",
        R"({"vm":"web-1"})", R"({"vm":"web-1","minutes":5,"until":"2026-12-05 08:00:00"})",
        R"({"vm":"web-1","minutes":0})", R"({"vm":"web-1","minutes":43201})",
        R"({"vm":"web-1","minutes":1.5})", R"({"vm":"web-1","minutes":"5"})",
        R"({"vm":"web-1","until":"2026-12-05 06:00:00"})",  // past
        R"({"vm":"web-1","until":"2027-02-05 06:00:00"})",  // beyond 30 days
        R"({"vm":"web-1","until":"tomorrow"})", R"({"vm":"web-1","minutes":5,"comment":7})",
        R"({"vm":"web-1","minutes":5,"extra":true})"}) {
    auto parsed = parse_silence(body, kNow);
    ASSERT_TRUE(std::holds_alternative<ParamError>(parsed)) << body;
    EXPECT_EQ(std::get<ParamError>(parsed).code, "bad_request") << body;
  }
  const std::string long_comment =
      R"({"vm":"web-1","minutes":5,"comment":")" + std::string(256, 'x') + "\"}";
  EXPECT_TRUE(std::holds_alternative<ParamError>(parse_silence(long_comment, kNow)));
  EXPECT_TRUE(std::holds_alternative<ParamError>(parse_silence(std::string(5000, ' '), kNow)));
}

TEST(ParseAlertsParams, SinceAndLimit) {
  auto plain = parse_alerts_params(request("GET", "/api/alerts"), kNow);
  ASSERT_TRUE(std::holds_alternative<AlertsParams>(plain));
  EXPECT_FALSE(std::get<AlertsParams>(plain).since);
  auto with = parse_alerts_params(
      request("GET", "/api/alerts?since=" + std::to_string(kNow - 3600) + "&limit=10"), kNow);
  ASSERT_TRUE(std::holds_alternative<AlertsParams>(with));
  EXPECT_EQ(*std::get<AlertsParams>(with).since, kNow - 3600);
  EXPECT_EQ(std::get<AlertsParams>(with).limit, 10U);
  for (const std::string& target :
       {std::string("/api/alerts?since=x"), "/api/alerts?since=" + std::to_string(kNow + 10),
        "/api/alerts?since=" + std::to_string(kNow - 31LL * 24 * 3600),
        std::string("/api/alerts?limit=0"), std::string("/api/alerts?limit=1001")}) {
    EXPECT_TRUE(
        std::holds_alternative<ParamError>(parse_alerts_params(request("GET", target), kNow)))
        << target;
  }
}

TEST(ParseSilenceDelete, ByIdOrPattern) {
  auto by_id = parse_silence_delete(request("DELETE", "/api/silences/7"));
  ASSERT_TRUE(std::holds_alternative<SilenceDelete>(by_id));
  EXPECT_EQ(*std::get<SilenceDelete>(by_id).id, 7U);
  auto by_vm = parse_silence_delete(request("DELETE", "/api/silences?vm=web-%2A"));
  ASSERT_TRUE(std::holds_alternative<SilenceDelete>(by_vm));
  EXPECT_EQ(std::get<SilenceDelete>(by_vm).match, "web-*");
  for (const char* target : {"/api/silences/x", "/api/silences/0", "/api/silences/-1",
                             "/api/silences", "/api/silences?vm="}) {
    EXPECT_TRUE(std::holds_alternative<ParamError>(parse_silence_delete(request("DELETE", target))))
        << target;
  }
}

TEST(EncodeAlerts, TheProtocolsObjects) {
  Alert down;
  down.rule = "vm_down";
  down.vm = "db-1";
  down.severity = Severity::critical;
  down.state = AlertState::firing;
  down.since_ms = kNow * 1000 - 40'000;
  down.changed_ms = kNow * 1000 - 10'000;
  const std::vector<Silence> silences{
      {.id = 7, .match = "web-*", .until_s = kNow + 600, .comment = "upgrade", .created_s = kNow}};
  const auto json = nlohmann::json::parse(encode_alerts({firing_cpu(), down}, silences, kNow));
  ASSERT_EQ(json["active"].size(), 2U);
  const auto& cpu = json["active"][0];
  EXPECT_EQ(cpu["rule"], "cpu_high");
  EXPECT_EQ(cpu["vm"], "web-1");
  EXPECT_EQ(cpu["severity"], "critical");
  EXPECT_EQ(cpu["state"], "firing");
  EXPECT_EQ(cpu["value"], 95.5);
  EXPECT_EQ(cpu["threshold"], 90);
  EXPECT_EQ(cpu["since"], "2026-12-05 06:38:00");
  EXPECT_EQ(cpu["changed"], "2026-12-05 06:39:58");
  EXPECT_EQ(cpu["summary"], "CPU 95.5 ≥ 90 for 2m");
  EXPECT_EQ(cpu["silenced"], true);  // web-* covers it now
  EXPECT_EQ(cpu["fingerprint"], firing_cpu().fingerprint());
  EXPECT_TRUE(json["active"][1]["value"].is_null());
  EXPECT_TRUE(json["active"][1]["threshold"].is_null());
  EXPECT_EQ(json["active"][1]["silenced"], false);
  ASSERT_EQ(json["silences"].size(), 1U);
  EXPECT_EQ(json["silences"][0],
            nlohmann::json::parse(R"({"id":7,"match":"web-*","until":"2026-12-05 06:50:00",
              "comment":"upgrade","created":"2026-12-05 06:40:00"})"));
}

TEST(EncodeAlerts, MessageHistoryAndSnapshot) {
  const std::string body = encode_alerts({firing_cpu()}, {}, kNow);
  const auto message = nlohmann::json::parse(encode_alerts_message(body));
  EXPECT_EQ(message["type"], "alerts");
  EXPECT_EQ(message["active"].size(), 1U);
  EXPECT_TRUE(message["silences"].empty());

  HistoryEntry entry{.id = 42, .alert = firing_cpu(), .from = AlertState::pending};
  const auto history = nlohmann::json::parse(encode_alerts_with_history(body, {entry}));
  ASSERT_EQ(history["history"].size(), 1U);
  EXPECT_EQ(history["history"][0]["id"], 42);
  EXPECT_EQ(history["history"][0]["from"], "pending");
  EXPECT_EQ(history["history"][0]["state"], "firing");
  EXPECT_EQ(history["history"][0]["at"], "2026-12-05 06:39:58");
  EXPECT_EQ(history["active"].size(), 1U);

  const LiveState state;
  const auto none = nlohmann::json::parse(encode_snapshot(std::nullopt, 15, state, {}));
  EXPECT_EQ(none["alerts"], nlohmann::json::parse(kNoAlerts));
  const auto some = nlohmann::json::parse(encode_snapshot(std::nullopt, 15, state, {}, body));
  EXPECT_EQ(some["alerts"]["active"][0]["rule"], "cpu_high");
}

}  // namespace
}  // namespace vmpulse::hub
