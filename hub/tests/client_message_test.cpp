#include "client_message.hpp"

#include <gtest/gtest.h>

using namespace vmpulse::hub;

TEST(ClientMessage, SelectWithDefaults) {
  const auto parsed = parse_client_message(R"({"type":"select","vm":"web-1"})");
  ASSERT_TRUE(std::holds_alternative<SelectMessage>(parsed));
  EXPECT_EQ(std::get<SelectMessage>(parsed).vm, "web-1");
  EXPECT_EQ(std::get<SelectMessage>(parsed).minutes, 15);
}

TEST(ClientMessage, SelectMinutes) {
  const auto parsed = parse_client_message(R"({"type":"select","vm":"a","minutes":60.0})");
  ASSERT_TRUE(std::holds_alternative<SelectMessage>(parsed));
  EXPECT_EQ(std::get<SelectMessage>(parsed).minutes, 60);
}

TEST(ClientMessage, Ping) {
  EXPECT_TRUE(std::holds_alternative<PingMessage>(parse_client_message(R"({"type":"ping"})")));
}

TEST(ClientMessage, NotJsonIs1003) {
  const auto parsed = parse_client_message("hello");
  ASSERT_TRUE(std::holds_alternative<ProtocolViolation>(parsed));
  EXPECT_EQ(std::get<ProtocolViolation>(parsed).code, 1003);
}

TEST(ClientMessage, PolicyViolationsAre1008) {
  for (const char* text :
       {R"([1])", R"({"kind":"ping"})", R"({"type":"subscribe"})", R"({"type":"select"})",
        R"({"type":"select","vm":"bad name"})", R"({"type":"select","vm":"a'b"})",
        R"({"type":"select","vm":"a","minutes":0})", R"({"type":"select","vm":"a","minutes":61})",
        R"({"type":"select","vm":"a","minutes":1.5})",
        R"({"type":"select","vm":"a","minutes":"5"})"}) {
    const auto parsed = parse_client_message(text);
    ASSERT_TRUE(std::holds_alternative<ProtocolViolation>(parsed)) << text;
    EXPECT_EQ(std::get<ProtocolViolation>(parsed).code, 1008) << text;
    EXPECT_FALSE(std::get<ProtocolViolation>(parsed).reason.empty());
  }
}

TEST(ClientMessage, ReasonStaysShortForLongTypes) {
  const auto parsed = parse_client_message(R"({"type":")" + std::string(500, 'x') + R"("})");
  EXPECT_LE(std::get<ProtocolViolation>(parsed).reason.size(), 123u);
}

TEST(ClientMessage, MinutesOfTheQueryFollowSelectsRule) {
  EXPECT_EQ(parse_minutes("1"), 1);
  EXPECT_EQ(parse_minutes("60"), 60);
  EXPECT_EQ(parse_minutes("15.0"), 15);
  for (const char* text :
       {"", "0", "61", "1.5", "-5", "abc", "\"5\"", "5,\"vm\":\"b\"", "5}", "[5]", "1e999"}) {
    EXPECT_FALSE(parse_minutes(text).has_value()) << text;
  }
}
