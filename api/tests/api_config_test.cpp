#include "api_config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "vmpulse/defaults.hpp"

namespace vmpulse::api {
namespace {

constexpr const char* kUrl = "mysql://vmpulse:pa%40ss@127.0.0.1:3307/metrics";

struct Env {
  std::map<std::string, std::string, std::less<>> vars;
  EnvLookup lookup() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      const auto it = vars.find(name);
      if (it == vars.end()) {
        return std::nullopt;
      }
      return it->second;
    };
  }
};

std::variant<ApiConfig, std::string> parse(const std::vector<std::string>& args,
                                           const Env& env = {}) {
  return parse_api_config(args, env.lookup());
}

TEST(ApiConfig, FlagsGiveEverything) {
  const auto parsed = parse({"--db", kUrl, "--token=t0k", "--listen", "127.0.0.1:5999", "--writers",
                             "4", "--queue-records", "20000", "--threads", "3"});
  ASSERT_TRUE(std::holds_alternative<ApiConfig>(parsed)) << std::get<std::string>(parsed);
  const auto& c = std::get<ApiConfig>(parsed);
  EXPECT_EQ(c.db.user, "vmpulse");
  EXPECT_EQ(c.db.password, "pa@ss");
  EXPECT_EQ(c.db.port, 3307);
  EXPECT_TRUE(c.tokens.accepts("t0k"));
  EXPECT_EQ(c.token_file, "");
  EXPECT_EQ(c.listen.host, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 5999);
  EXPECT_EQ(c.writers, 4u);
  EXPECT_EQ(c.queue_records, 20000u);
  EXPECT_EQ(c.threads, 3u);
}

TEST(ApiConfig, EnvironmentAloneIsEnoughAndDefaultsFill) {
  Env env{{{"VMPULSE_DB_URL", kUrl}, {"VMPULSE_TOKEN", "t"}}};
  const auto parsed = parse({}, env);
  ASSERT_TRUE(std::holds_alternative<ApiConfig>(parsed)) << std::get<std::string>(parsed);
  const auto& c = std::get<ApiConfig>(parsed);
  EXPECT_EQ(c.listen.host, "0.0.0.0");
  EXPECT_EQ(c.listen.port, defaults::kApiPort);
  EXPECT_EQ(c.writers, 2u);
  EXPECT_TRUE(c.bulk_insert);
  EXPECT_GE(c.threads, 1u);
}

TEST(ApiConfig, BulkInsertIsOnOrOff) {
  EXPECT_FALSE(std::get<ApiConfig>(parse({"--db", kUrl, "--token", "t", "--bulk-insert", "off"}))
                   .bulk_insert);
  Env env{{{"VMPULSE_DB_URL", kUrl}, {"VMPULSE_TOKEN", "t"}, {"VMPULSE_API_BULK_INSERT", "off"}}};
  EXPECT_FALSE(std::get<ApiConfig>(parse({}, env)).bulk_insert);
  EXPECT_TRUE(std::get<ApiConfig>(parse({"--bulk-insert", "on"}, env)).bulk_insert);
  env.vars["VMPULSE_API_BULK_INSERT"] = "yes";
  EXPECT_NE(std::get<std::string>(parse({}, env))
                .find("VMPULSE_API_BULK_INSERT: \"yes\" is not on or off"),
            std::string::npos);
}

TEST(ApiConfig, FlagBeatsEnvironment) {
  Env env{
      {{"VMPULSE_DB_URL", kUrl}, {"VMPULSE_TOKEN", "from-env"}, {"VMPULSE_LISTEN", "127.0.0.1:1"}}};
  const auto c = std::get<ApiConfig>(parse({"--token", "from-flag", "--listen", ":7000"}, env));
  EXPECT_TRUE(c.tokens.accepts("from-flag"));
  EXPECT_EQ(c.listen.port, 7000);
}

TEST(ApiConfig, PortEnvironmentSetsOnlyThePort) {
  Env env{{{"VMPULSE_DB_URL", kUrl}, {"VMPULSE_TOKEN", "t"}, {"PORT", "8088"}}};
  const auto c = std::get<ApiConfig>(parse({}, env));
  EXPECT_EQ(c.listen.host, "0.0.0.0");
  EXPECT_EQ(c.listen.port, 8088);
  env.vars["VMPULSE_LISTEN"] = "127.0.0.1:9000";
  EXPECT_EQ(std::get<ApiConfig>(parse({}, env)).listen.port, 9000);
  env.vars.erase("VMPULSE_LISTEN");
  env.vars["PORT"] = "99999";
  EXPECT_NE(std::get<std::string>(parse({}, env)).find("PORT"), std::string::npos);
}

TEST(ApiConfig, TokensFromFileOneALine) {
  const std::string path = ::testing::TempDir() + "/vmpulse-token";
  std::ofstream(path) << "# rotated\nold-file-token-0123\nnew-file-token-0123\n";
  const auto c = std::get<ApiConfig>(parse({"--db", kUrl, "--token-file", path}));
  EXPECT_EQ(c.tokens.size(), 2u);
  EXPECT_TRUE(c.tokens.accepts("old-file-token-0123"));
  EXPECT_EQ(c.tokens.newest(), "new-file-token-0123");
  EXPECT_EQ(c.token_file, path);
  std::ofstream(path) << "too short\n";
  const auto bad = parse({"--db", kUrl, "--token-file", path});
  EXPECT_NE(std::get<std::string>(bad).find("line 1"), std::string::npos);
  EXPECT_EQ(std::get<std::string>(bad).find("too short"), std::string::npos);  // never echoed
  std::remove(path.c_str());
  const auto missing = parse({"--db", kUrl, "--token-file", path});
  EXPECT_NE(std::get<std::string>(missing).find("cannot be read"), std::string::npos);
}

TEST(ApiConfig, BodyBytesInFlightHasADefaultAndBounds) {
  EXPECT_EQ(std::get<ApiConfig>(parse({"--db", kUrl, "--token", "t"})).body_bytes_in_flight,
            std::size_t{64} * 1024 * 1024);
  EXPECT_EQ(std::get<ApiConfig>(
                parse({"--db", kUrl, "--token", "t", "--body-bytes-in-flight", "2097152"}))
                .body_bytes_in_flight,
            std::size_t{2} * 1024 * 1024);
  EXPECT_NE(
      std::get<std::string>(parse({"--db", kUrl, "--token", "t", "--body-bytes-in-flight", "1000"}))
          .find("--body-bytes-in-flight"),
      std::string::npos);
}

TEST(ApiConfig, BadValuesSayWhatIsWrong) {
  EXPECT_NE(std::get<std::string>(parse({"--token", "t"})).find("no database"), std::string::npos);
  EXPECT_NE(std::get<std::string>(parse({"--db", kUrl})).find("no token"), std::string::npos);
  EXPECT_NE(std::get<std::string>(parse({"--db", "postgres://x", "--token", "t"})).find("--db"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(parse({"--db", kUrl, "--token", "t", "--writers", "0"}))
                .find("--writers"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(parse({"--db", kUrl, "--token", "t", "--queue-records", "10"}))
                .find("1000"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(parse({"--db", kUrl, "--token", "t", "--listen", "nope"}))
                .find("--listen"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(parse({"--bogus"})).find("unknown argument"), std::string::npos);
  EXPECT_NE(std::get<std::string>(parse({"--db"})).find("needs a value"), std::string::npos);
}

TEST(ApiConfig, ErrorsNeverShowThePassword) {
  const auto parsed = parse({"--db", "mysql://u:hunter2@host:notaport/db", "--token", "t"});
  ASSERT_TRUE(std::holds_alternative<std::string>(parsed));
  EXPECT_EQ(std::get<std::string>(parsed).find("hunter2"), std::string::npos)
      << std::get<std::string>(parsed);
}

}  // namespace
}  // namespace vmpulse::api
