#include "pattern.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>

namespace vmpulse::detail {
namespace {

// The compiled matcher must say what std::regex says, on every pattern it takes on.
void expect_same_as_regex(const std::string& source, const std::vector<std::string>& texts) {
  const Pattern pattern(source);
  const std::regex regex(source, std::regex::ECMAScript);
  for (const auto& text : texts) {
    EXPECT_EQ(pattern.matches(text), std::regex_search(text, regex))
        << source << " on \"" << text << "\"";
  }
}

std::vector<std::string> random_texts(const std::string& alphabet, std::size_t count,
                                      std::size_t max_length) {
  std::mt19937 random(42);
  std::vector<std::string> texts{""};
  for (std::size_t i = 0; i < count; ++i) {
    std::string text(random() % (max_length + 1), ' ');
    for (auto& c : text) c = alphabet[random() % alphabet.size()];
    texts.push_back(text);
  }
  return texts;
}

TEST(Pattern, SchemaPatternsAreCompiled) {
  EXPECT_TRUE(Pattern("^[A-Za-z0-9._-]+$").compiled());
  EXPECT_TRUE(Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$").compiled());
  EXPECT_TRUE(Pattern("^[A-Za-z0-9._:-]{1,128}$").compiled());
}

TEST(Pattern, AgreesWithStdRegex) {
  const std::string alphabet = "aZ09._-: /\xc3\xa9";
  const auto texts = random_texts(alphabet, 3000, 12);
  for (const std::string source :
       {"^[A-Za-z0-9._-]+$", "^[A-Za-z0-9._:-]{1,5}$", "^[0-9]{2}-[0-9]{2}$", "^a*a*0$", "^[^a]+$",
        "^\\d+\\.\\d?$", "^[a-]{2,}$", "^[.]?Z*$", "^\\w+$", "^[\\d.]+$",
        // one way to match (every atom but the last of fixed count): no backtracking
        "^[ -~]+$", "^[A-Za-z]$", "^a{2}[a0]*$", "^[0-9]{2}a?$", "^Z[a-z]{0,3}$",
        // one atom (a table lookup per byte), with every kind of count
        "^[aZ]{0,2}$", "^\\.*$", "^a?$", "^[^ ]{3}$", "^[ -~]{2,4}$"}) {
    expect_same_as_regex(source, texts);
  }
  expect_same_as_regex("^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$",
                       {"2026-11-26 18:00:00", "2026-11-26T18:00:00", "2026-11-26 18:00:0",
                        "2026-11-26 18:00:000", " 2026-11-26 18:00:00", "2026-1a-26 18:00:00"});
}

// matches_printable may answer from the length alone for ^[ -~]…$; on printable ASCII it
// must say what matches says, for every kind of pattern.
TEST(Pattern, PrintableTextsAnswerAsMatchesDoes) {
  std::string printable;
  for (char c = 0x20; c < 0x7f; ++c) {
    printable += c;
  }
  const auto texts = random_texts(printable, 3000, 70);
  for (const std::string source :
       {"^[ -~]+$", "^[ -~]{1,64}$", "^[ -~]{3}$", "^[ -~]*$", "^[ -}]+$", "^[!-~]+$", "^[A-Za-z]$",
        "^[A-Za-z0-9._-]+$", "^[ -~]+a$", "^(ab|cd)+$"}) {
    const Pattern pattern(source);
    for (const auto& text : texts) {
      EXPECT_EQ(pattern.matches_printable(text), pattern.matches(text))
          << source << " on \"" << text << "\"";
    }
  }
}

TEST(Pattern, OtherSyntaxFallsBackToRegex) {
  const Pattern alternation("^(ab|cd)+$");
  EXPECT_FALSE(alternation.compiled());
  EXPECT_TRUE(alternation.matches("abcd"));
  EXPECT_FALSE(alternation.matches("abc"));
  const Pattern unanchored("[0-9]");
  EXPECT_FALSE(unanchored.compiled());
  EXPECT_TRUE(unanchored.matches("abc1"));
}

TEST(Pattern, InvalidPatternThrows) { EXPECT_THROW(Pattern("[a-"), std::invalid_argument); }

TEST(Pattern, LongInputStaysFast) {
  const Pattern pattern("^[0-9]{4}-[0-9]{2}$");
  EXPECT_FALSE(pattern.matches(std::string(1 << 20, '1')));
}

}  // namespace
}  // namespace vmpulse::detail
