#include "vmpulse/detail/json_text.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

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

// Doubles of the kinds a record carries and the awkward ones around them: two-decimal
// values, exact midpoints (0.125, 2.5), values just beside a midpoint, tiny and huge
// magnitudes, both signs, and uniformly random bits.
std::vector<double> awkward_doubles() {
  std::vector<double> values = {0.0,    -0.0,  0.005,  0.015,    0.125, 2.5,       0.5,
                                -0.5,   1e-9,  1e-300, 1e15,     1e22,  1e300,     0x1p40,
                                0x1p38, 1e9,   -1e9,   99.995,   1.005, 0.0049999, 1e9 - 0.01,
                                4e-5,   -4e-5, 123.45, 1000000.1};
  std::mt19937_64 random(20261206);
  std::uniform_int_distribution<std::int64_t> cents(-200'000'000, 200'000'000);
  std::uniform_real_distribution<double> uniform(-1e6, 1e6);
  std::uniform_int_distribution<std::uint64_t> bits;
  for (int i = 0; i < 20'000; ++i) {
    const double cent_value = static_cast<double>(cents(random)) / 100;
    values.push_back(cent_value);
    values.push_back(static_cast<double>(cents(random)) / 1000 + 0.0005);  // near a midpoint
    values.push_back(std::nextafter(cent_value, 1e300));
    values.push_back(std::nextafter(cent_value, -1e300));
    values.push_back(uniform(random));
    values.push_back(uniform(random) * 1e-6);
    double raw = 0;
    const std::uint64_t pattern = bits(random);
    static_assert(sizeof raw == sizeof pattern);
    std::memcpy(&raw, &pattern, sizeof raw);
    if (std::isfinite(raw)) {
      values.push_back(raw);
    }
  }
  return values;
}

std::string to_chars_text(double value, std::optional<int> decimals) {
  std::vector<char> buffer(400);
  const auto result = decimals ? std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                               std::chars_format::fixed, *decimals)
                               : std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                               std::chars_format::fixed);
  return {buffer.data(), result.ptr};
}

TEST(JsonText, FixedIsToCharsRoundedWithoutNegativeZero) {
  for (const double value : awkward_doubles()) {
    for (int decimals = 0; decimals <= 5; ++decimals) {
      const double scale = std::pow(10.0, decimals);
      const double expected_value = std::round(value * scale) == 0 ? 0.0 : value;
      std::string out;
      append_json_fixed(out, value, decimals);
      ASSERT_EQ(out, to_chars_text(expected_value, decimals))
          << "value " << to_chars_text(value, std::nullopt) << ", decimals " << decimals;
    }
  }
}

TEST(JsonText, ShortestFixedIsToCharsShortest) {
  for (const double value : awkward_doubles()) {
    std::string out;
    append_shortest_fixed(out, value);
    ASSERT_EQ(out, to_chars_text(value, std::nullopt));
  }
  std::string out;
  append_shortest_fixed(out, -0.0);
  EXPECT_EQ(out, "-0");
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
