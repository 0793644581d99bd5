#include "origin_policy.hpp"

#include <gtest/gtest.h>

using vmpulse::hub::OriginPolicy;

namespace {
OriginPolicy parse(std::vector<std::string> specs) {
  return std::get<OriginPolicy>(OriginPolicy::parse(specs));
}
}  // namespace

TEST(OriginPolicy, DefaultAllowsSameHostLocalhostAndNoOrigin) {
  const OriginPolicy policy = parse({});
  EXPECT_TRUE(policy.allows(std::nullopt, "hub.example:8081"));
  EXPECT_TRUE(policy.allows("https://hub.example", "hub.example:8081"));
  EXPECT_TRUE(policy.allows("http://localhost:5173", "hub.example"));
  EXPECT_TRUE(policy.allows("http://127.0.0.1:8000", "hub.example"));
  EXPECT_TRUE(policy.allows("http://[::1]:8000", "hub.example"));
  EXPECT_FALSE(policy.allows("https://evil.example", "hub.example"));
  EXPECT_FALSE(policy.allows("null", "hub.example"));
}

TEST(OriginPolicy, ListReplacesLocalhost) {
  const OriginPolicy policy =
      parse({"https://dash.example, https://b.example:8443", "https://c.example"});
  EXPECT_TRUE(policy.allows("https://DASH.example", "hub"));
  EXPECT_TRUE(policy.allows("https://b.example:8443", "hub"));
  EXPECT_FALSE(policy.allows("https://b.example", "hub"));
  EXPECT_TRUE(policy.allows("https://c.example", "hub"));
  EXPECT_FALSE(policy.allows("http://localhost:5173", "hub"));
  EXPECT_TRUE(policy.allows("http://hub:8081", "hub:8081"));
}

TEST(OriginPolicy, StarAllowsAll) { EXPECT_TRUE(parse({"*"}).allows("https://x.example", "hub")); }

TEST(OriginPolicy, BadSpecsAreErrors) {
  EXPECT_TRUE(std::holds_alternative<std::string>(OriginPolicy::parse({"dash.example"})));
  EXPECT_TRUE(std::holds_alternative<std::string>(OriginPolicy::parse({"https://dash.example/"})));
}
