#include "alert_destination.hpp"

#include <gtest/gtest.h>

using namespace vmpulse::hub;

namespace {

TEST(Sha256Hex, KnownDigest) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RedactUrl, ShowsTheHostNeverThePathQueryOrCredentials) {
  const std::string shown = redact_url("https://user:pw@hooks.example:8443/services/T0/B0/XYZ?k=v");
  EXPECT_TRUE(shown.starts_with("https://hooks.example:8443/… #")) << shown;
  EXPECT_EQ(shown.find("pw"), std::string::npos);
  EXPECT_EQ(shown.find("XYZ"), std::string::npos);
  EXPECT_EQ(shown.find("k=v"), std::string::npos);
  EXPECT_EQ(redact_url("http://127.0.0.1:9"),
            "http://127.0.0.1:9 #" + sha256_hex("http://127.0.0.1:9").substr(0, 8));
  // Two URLs on one host tell apart by their digest.
  EXPECT_NE(redact_url("https://h.example/a"), redact_url("https://h.example/b"));
}

TEST(ParseAlertDestination, KeyIsTheUrlsDigest) {
  const auto parsed = parse_alert_destination(DestinationKind::webhook, "https://h.example/x?t=1",
                                              "--alert-webhook");
  ASSERT_TRUE(std::holds_alternative<AlertDestination>(parsed)) << std::get<std::string>(parsed);
  const auto& destination = std::get<AlertDestination>(parsed);
  EXPECT_EQ(destination.key, sha256_hex("https://h.example/x?t=1"));
  EXPECT_EQ(destination.key.size(), 64U);
  EXPECT_EQ(destination.target.host, "h.example");
  EXPECT_EQ(destination.target.target, "/x?t=1");
}

TEST(ParseAlertDestination, PlainHttpOnlyToLoopback) {
  for (const char* url : {"http://127.0.0.1:8080/", "http://localhost/", "http://[::1]:1/"}) {
    EXPECT_TRUE(std::holds_alternative<AlertDestination>(
        parse_alert_destination(DestinationKind::webhook, url, "--alert-webhook")))
        << url;
  }
  for (const char* url : {"http://10.0.0.1/", "http://hooks.example/", "https://h.example/#x"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(
        parse_alert_destination(DestinationKind::webhook, url, "--alert-webhook")))
        << url;
  }
}

TEST(ParseAlertDestination, AlertmanagerKeepsItsPathPrefix) {
  const auto parsed = parse_alert_destination(
      DestinationKind::alertmanager, "https://ops.example/alertmanager/", "--alertmanager");
  ASSERT_TRUE(std::holds_alternative<AlertDestination>(parsed)) << std::get<std::string>(parsed);
  EXPECT_EQ(std::get<AlertDestination>(parsed).target.target, "/alertmanager/api/v2/alerts");
}

}  // namespace
