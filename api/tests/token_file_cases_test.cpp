// The token file's rules as route 1 reads them (core's parse_token_file), on the cases
// node-api is tested on too: contract/token-file-cases.json.
#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "vmpulse/secret.hpp"

namespace vmpulse::api {
namespace {

// "$T512" stands for a token of 512 characters (the file stays readable).
std::string expand(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t digits = i + 2;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) {
      ++digits;
    }
    if (text.compare(i, 2, "$T") == 0 && digits > i + 2) {
      out += std::string(std::stoul(text.substr(i + 2, digits - i - 2)), 't');
      i = digits - 1;
    } else {
      out += text[i];
    }
  }
  return out;
}

TEST(TokenFileCases, CoreReadsThemAsNodeApiDoes) {
  std::ifstream in(VMPULSE_SOURCE_DIR "/contract/token-file-cases.json");
  ASSERT_TRUE(in) << "cannot read contract/token-file-cases.json";
  const auto cases = nlohmann::json::parse(in).at("cases");
  ASSERT_GT(cases.size(), 10u);
  for (const auto& c : cases) {
    const std::string name = c.at("name");
    const auto parsed = secret::parse_token_file(expand(c.at("text").get<std::string>()));
    if (c.contains("tokens")) {
      ASSERT_TRUE(std::holds_alternative<secret::TokenSet>(parsed)) << name;
      const auto& set = std::get<secret::TokenSet>(parsed);
      const auto& tokens = c.at("tokens");
      EXPECT_EQ(set.size(), tokens.size()) << name;
      for (const auto& token : tokens) {
        EXPECT_TRUE(set.accepts(expand(token.get<std::string>()))) << name;
      }
      EXPECT_EQ(set.newest(), expand(tokens.back().get<std::string>())) << name;
    } else {
      ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << name;
      const std::string& error = std::get<std::string>(parsed);
      const int line = c.at("error_line");
      if (line == 0) {
        EXPECT_NE(error.find("no token"), std::string::npos) << name << ": " << error;
      } else {
        EXPECT_EQ(error.rfind("line " + std::to_string(line) + " ", 0), 0u)
            << name << ": " << error;
      }
    }
  }
}

}  // namespace
}  // namespace vmpulse::api
