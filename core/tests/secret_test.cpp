#include "vmpulse/secret.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>

namespace vmpulse::secret {
namespace {

const std::string kA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

TEST(Secret, Sha256MatchesTheKnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Secret, HmacMatchesRfc4231Case2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Secret, EqualComparesContentAndLength) {
  EXPECT_TRUE(equal(kA, kA));
  EXPECT_FALSE(equal(kA, kB));
  EXPECT_FALSE(equal(kA, kA.substr(1)));
  EXPECT_TRUE(equal("", ""));
}

TEST(Secret, RandomHexIsFreshAndOfTheAskedLength) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random_hex(16));
  EXPECT_EQ(seen.size(), 100U);
  EXPECT_EQ(seen.begin()->size(), 32U);
}

TEST(Secret, BearerTokenTakesOnlyTheBearerScheme) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("  bearer   abc  "), "abc");
  EXPECT_EQ(bearer_token("Basic abc"), "");
  EXPECT_EQ(bearer_token("Bearer"), "");
  EXPECT_EQ(bearer_token("Bearer "), "");
  EXPECT_EQ(bearer_token(""), "");
}

TEST(Secret, TokenFileKeepsEveryTokenNewestLast) {
  auto parsed = parse_token_file("# rotated\n" + kA + "\n\n  " + kB + "\r\n");
  ASSERT_TRUE(std::holds_alternative<TokenSet>(parsed));
  const auto& tokens = std::get<TokenSet>(parsed);
  EXPECT_EQ(tokens.size(), 2U);
  EXPECT_TRUE(tokens.accepts(kA));
  EXPECT_TRUE(tokens.accepts(kB));
  EXPECT_FALSE(tokens.accepts(kA.substr(1)));
  EXPECT_FALSE(tokens.accepts(""));
  EXPECT_EQ(tokens.newest(), kB);
}

TEST(Secret, TokenFileErrorsNameTheLineNotTheSecret) {
  auto parsed = parse_token_file(kA + "\nshort-secret\n");
  ASSERT_TRUE(std::holds_alternative<std::string>(parsed));
  EXPECT_NE(std::get<std::string>(parsed).find("line 2"), std::string::npos);
  EXPECT_EQ(std::get<std::string>(parsed).find("short-secret"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_token_file("# only a comment\n")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_token_file(kA + " " + kB)));
}

TEST(Secret, LoadTokenFileReadsAndReportsThePath) {
  const std::string path = ::testing::TempDir() + "/vmpulse-secret-test-token";
  {
    std::ofstream out(path);
    out << kA << "\n";
  }
  auto loaded = load_token_file(path);
  ASSERT_TRUE(std::holds_alternative<TokenSet>(loaded));
  EXPECT_TRUE(std::get<TokenSet>(loaded).accepts(kA));
  std::remove(path.c_str());
  auto missing = load_token_file(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_NE(std::get<std::string>(missing).find(path), std::string::npos);
}

}  // namespace
}  // namespace vmpulse::secret
