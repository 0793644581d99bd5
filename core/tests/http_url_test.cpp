#include "vmpulse/http_url.hpp"

#include <gtest/gtest.h>

namespace vmpulse {
namespace {

HttpUrl parsed(std::string_view text) {
  auto url = parse_http_url(text);
  if (auto* error = std::get_if<std::string>(&url)) {
    ADD_FAILURE() << text << ": " << *error;
    return {};
  }
  return std::get<HttpUrl>(url);
}

TEST(ParseHttpUrl, HttpsDefaultsToPort443) {
  const HttpUrl url = parsed("https://ingest.example/api/metrics");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "ingest.example");
  EXPECT_EQ(url.port, "443");
  EXPECT_EQ(url.target, "/api/metrics");
  EXPECT_FALSE(parsed("http://ingest.example/").tls);
  EXPECT_EQ(parsed("http://ingest.example/").port, "80");
}

TEST(ParseHttpUrl, HttpsWithPortAndIpv6) {
  HttpUrl url = parsed("https://127.0.0.1:8443/api/metrics");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.port, "8443");
  url = parsed("https://[::1]:8443");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.target, "/");
}

TEST(ParseHttpUrl, RefusesOtherSchemesAndCredentials) {
  for (const char* bad : {"ftp://x/", "HTTPS//x", "https://", "https://:443/", "https://x:0/",
                          "https://u:p@x/", "https://[::1/", "x/api/metrics"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_http_url(bad))) << bad;
  }
}

TEST(IsLoopbackHost, OnlyThisMachine) {
  for (const char* host : {"localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.1.2.3",
                           "127.255.255.255", "::1", "0:0:0:0:0:0:0:1"}) {
    EXPECT_TRUE(is_loopback_host(host)) << host;
  }
  for (const char* host :
       {"10.1.2.3", "128.0.0.1", "0.0.0.0", "::", "::2", "::ffff:10.0.0.1", "localhost.example",
        "mylocalhost", "ingest.example", "127.1", "", "126.0.0.1"}) {
    EXPECT_FALSE(is_loopback_host(host)) << host;
  }
}

TEST(HostHeader, PortOnlyWhenNotTheDefault) {
  EXPECT_EQ(host_header(parsed("https://ingest.example/")), "ingest.example");
  EXPECT_EQ(host_header(parsed("https://ingest.example:8443/")), "ingest.example:8443");
  EXPECT_EQ(host_header(parsed("http://ingest.example/")), "ingest.example");
  EXPECT_EQ(host_header(parsed("http://ingest.example:443/")), "ingest.example:443");
  EXPECT_EQ(host_header(parsed("http://[::1]:8000/")), "[::1]:8000");
}

}  // namespace
}  // namespace vmpulse
