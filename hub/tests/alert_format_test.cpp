#include "alert_format.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace vmpulse::hub;
using nlohmann::json;

namespace {

// 2026-12-05 06:01:02.345 UTC and two minutes later.
constexpr std::int64_t kSince = 1796450462345;
constexpr std::int64_t kLater = kSince + 120'000;

AlertNotice cpu_high(AlertState state) {
  AlertNotice notice;
  notice.alert.rule = "cpu_high";
  notice.alert.vm = "web-1";
  notice.alert.severity = Severity::warning;
  notice.alert.state = state;
  notice.alert.value = 95.2;
  notice.alert.threshold = 90;
  notice.alert.since_ms = kSince;
  notice.alert.changed_ms = kLater;
  notice.alert.summary = "CPU 95.2 \u2265 90 for 2m";
  notice.fingerprint = "0123456789abcdef";
  return notice;
}

TEST(Rfc3339, MillisecondsInUtc) {
  EXPECT_EQ(rfc3339_ms(kSince), "2026-12-05T06:01:02.345Z");
  EXPECT_EQ(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
}

TEST(WebhookPayload, FiringHasTheVersion4ShapeAndNoEnd) {
  const json body =
      json::parse(webhook_payload(cpu_high(AlertState::firing), "https://hub.example"));
  EXPECT_EQ(body["version"], "4");
  EXPECT_EQ(body["status"], "firing");
  EXPECT_EQ(body["receiver"], "vmpulse");
  EXPECT_EQ(body["groupKey"], "{}:{alertname=\"cpu_high\"}");
  EXPECT_EQ(body["groupLabels"], json({{"alertname", "cpu_high"}}));
  EXPECT_EQ(body["externalURL"], "https://hub.example");
  EXPECT_EQ(body["truncatedAlerts"], 0);
  const json labels = {{"alertname", "cpu_high"}, {"vm", "web-1"}, {"severity", "warning"}};
  const json annotations = {
      {"summary", "CPU 95.2 \u2265 90 for 2m"}, {"value", "95.2"}, {"threshold", "90"}};
  EXPECT_EQ(body["commonLabels"], labels);
  EXPECT_EQ(body["commonAnnotations"], annotations);
  ASSERT_EQ(body["alerts"].size(), 1U);
  const json& alert = body["alerts"][0];
  EXPECT_EQ(alert["status"], "firing");
  EXPECT_EQ(alert["labels"], labels);
  EXPECT_EQ(alert["annotations"], annotations);
  EXPECT_EQ(alert["startsAt"], "2026-12-05T06:01:02.345Z");
  EXPECT_EQ(alert["endsAt"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(alert["generatorURL"], "");
  EXPECT_EQ(alert["fingerprint"], "0123456789abcdef");
}

TEST(WebhookPayload, ResolvedEndsAtTheChange) {
  const json body = json::parse(webhook_payload(cpu_high(AlertState::resolved), ""));
  EXPECT_EQ(body["status"], "resolved");
  EXPECT_EQ(body["alerts"][0]["status"], "resolved");
  EXPECT_EQ(body["alerts"][0]["startsAt"], "2026-12-05T06:01:02.345Z");
  EXPECT_EQ(body["alerts"][0]["endsAt"], "2026-12-05T06:03:02.345Z");
}

TEST(WebhookPayload, VmDownHasNoValueOrThreshold) {
  AlertNotice notice = cpu_high(AlertState::firing);
  notice.alert.rule = std::string(kVmDownRule);
  notice.alert.severity = Severity::critical;
  notice.alert.value.reset();
  notice.alert.threshold.reset();
  notice.alert.summary = "no sample for 30s";
  const json body = json::parse(webhook_payload(notice, ""));
  EXPECT_EQ(body["commonAnnotations"], json({{"summary", "no sample for 30s"}}));
  EXPECT_EQ(body["alerts"][0]["labels"]["severity"], "critical");
  EXPECT_EQ(body["groupLabels"]["alertname"], "vm_down");
}

TEST(WebhookPayload, NamesAreEscaped) {
  AlertNotice notice = cpu_high(AlertState::firing);
  notice.alert.vm = "a\"b\\c\n";
  notice.alert.summary = "line\u0001";
  const json body = json::parse(webhook_payload(notice, ""));
  EXPECT_EQ(body["alerts"][0]["labels"]["vm"], "a\"b\\c\n");
  EXPECT_EQ(body["alerts"][0]["annotations"]["summary"], "line\u0001");
}

TEST(AlertmanagerBody, ListsEachAlertWithItsEnd) {
  const AlertNotice firing = cpu_high(AlertState::firing);
  AlertNotice resolved = cpu_high(AlertState::resolved);
  resolved.alert.vm = "db-1";
  const AlertmanagerEntry entries[] = {{&firing, kLater + 240'000}, {&resolved, kLater}};
  const json body = json::parse(alertmanager_body(entries, "https://hub.example/"));
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 2U);
  EXPECT_EQ(body[0]["labels"],
            json({{"alertname", "cpu_high"}, {"vm", "web-1"}, {"severity", "warning"}}));
  EXPECT_EQ(body[0]["annotations"]["value"], "95.2");
  EXPECT_EQ(body[0]["startsAt"], "2026-12-05T06:01:02.345Z");
  EXPECT_EQ(body[0]["endsAt"], "2026-12-05T06:07:02.345Z");
  EXPECT_EQ(body[0]["generatorURL"], "https://hub.example/");
  EXPECT_EQ(body[1]["labels"]["vm"], "db-1");
  EXPECT_EQ(body[1]["endsAt"], "2026-12-05T06:03:02.345Z");
  EXPECT_FALSE(body[0].contains("status"));  // Alertmanager derives it from endsAt
}

TEST(AlertmanagerBody, NoneIsAnEmptyList) { EXPECT_EQ(alertmanager_body({}, ""), "[]"); }

}  // namespace
