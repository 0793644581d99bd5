// The token file's rules as route 1 reads them (core's parse_token_file), on the cases
// node-api is tested on too: contract/token-file-cases.json.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>

#include "vmpulse/secret.hpp"

namespace vmpulse::api {
namespace {

// "$T512" stands for a token of 512 characters (the file stays readable).
std::string expand(const std::string& text) {
  static const std::regex placeholder(R"(\$T(\d+))");
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), placeholder);
  std::size_t at = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += text.substr(at, static_cast<std::size_t>(it->position()) - at);
    out += std::string(std::stoul((*it)[1]), 't');
    at = static_cast<std::size_t>(it->position() + it->length());
  }
  return out + text.substr(at);
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
