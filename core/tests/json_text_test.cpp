#include "vmpulse/detail/json_text.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace vmpulse::detail {
namespace {

std::string quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonText, EscapesQuotesBackslashesAndControlBytes) {
  EXPECT_EQ(quoted("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
  EXPECT_EQ(quoted("\t\r\b\f\x1f"), R"("\t\r\b\f\u001f")");
}

TEST(JsonText, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(quoted("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
  EXPECT_EQ(quoted("a\xFF"
                   "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  EXPECT_EQ(quoted("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong '/'
}

TEST(JsonText, Numbers) {
  std::string out;
  append_json_int(out, -12);
  out.push_back(' ');
  append_json_fixed(out, -0.001, 2);
  out.push_back(' ');
  append_json_fixed(out, std::numeric_limits<double>::infinity(), 2);
  EXPECT_EQ(out, "-12 0.00 null");
}

TEST(JsonText, PlainNumberIsWhatMySqlPrints) {
  EXPECT_TRUE(is_plain_number("-12.50"));
  EXPECT_TRUE(is_plain_number("0"));
  EXPECT_TRUE(is_plain_number("0.000000"));
  EXPECT_FALSE(is_plain_number("1."));
  EXPECT_FALSE(is_plain_number("01"));
  EXPECT_FALSE(is_plain_number(""));
  EXPECT_FALSE(is_plain_number("-"));
  EXPECT_FALSE(is_plain_number("inf"));
  EXPECT_FALSE(is_plain_number("1e9"));
}

TEST(JsonText, ArrayTextIsBracketed) {
  EXPECT_TRUE(is_json_array_text(" [1, 2]\n"));
  EXPECT_TRUE(is_json_array_text("[]"));
  EXPECT_FALSE(is_json_array_text("{}"));
  EXPECT_FALSE(is_json_array_text("[1"));
  EXPECT_FALSE(is_json_array_text("  "));
}

}  // namespace
}  // namespace vmpulse::detail
