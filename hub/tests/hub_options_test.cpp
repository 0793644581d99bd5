#include "hub_options.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

using namespace vmpulse::hub;

namespace {
struct Env {
  std::map<std::string, std::string> values;
  std::optional<std::string> operator()(std::string_view name) const {
    auto it = values.find(std::string(name));
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
};
const std::string kDb = "mysql://u:secret@127.0.0.1:3307/db";
}  // namespace

TEST(HubOptions, Defaults) {
  const auto parsed = parse_hub_options({"--db", kDb}, Env{});
  ASSERT_TRUE(std::holds_alternative<HubOptions>(parsed)) << std::get<std::string>(parsed);
  const auto& options = std::get<HubOptions>(parsed);
  EXPECT_EQ(options.listen.port, 8081);
  EXPECT_EQ(options.poll, std::chrono::milliseconds(250));
  EXPECT_EQ(options.max_clients, 20000u);
}

TEST(HubOptions, EnvironmentAndFlags) {
  Env env{{{"VMPULSE_DB_URL", kDb},
           {"VMPULSE_HUB_POLL", "1s"},
           {"VMPULSE_HUB_ALLOW_ORIGIN", "https://a.example"}}};
  const auto parsed =
      parse_hub_options({"--listen=127.0.0.1:9000", "--poll", "100ms", "--allow-origin",
                         "https://b.example", "--allow-origin", "https://c.example"},
                        env);
  ASSERT_TRUE(std::holds_alternative<HubOptions>(parsed)) << std::get<std::string>(parsed);
  const auto& options = std::get<HubOptions>(parsed);
  EXPECT_EQ(options.poll, std::chrono::milliseconds(100));
  EXPECT_EQ(options.listen.port, 9000);
  EXPECT_TRUE(options.origins.allows("https://c.example", "hub"));
  EXPECT_TRUE(options.origins.allows("https://b.example", "hub"));
  EXPECT_FALSE(
      options.origins.allows("https://a.example", "hub"));  // the flags replace the variable
}

TEST(HubOptions, BadValuesAreErrorsWithoutThePassword) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{},
                                               {"--db", "postgres://u:secret@h/db"},
                                               {"--db", kDb, "--poll", "soon"},
                                               {"--db", kDb, "--poll", "0ms"},
                                               {"--db", kDb, "--max-clients", "0"},
                                               {"--db", kDb, "--listen", "nowhere"},
                                               {"--db", kDb, "--allow-origin", "example.com"},
                                               {"--db", kDb, "--frobnicate", "1"},
                                               {"--db", kDb, "--threads"}}) {
    const auto parsed = parse_hub_options(args, Env{});
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed));
    EXPECT_EQ(std::get<std::string>(parsed).find("secret"), std::string::npos)
        << std::get<std::string>(parsed);
  }
}

TEST(HubOptions, ViewerAuthAndLimits) {
  const auto parsed =
      parse_hub_options({"--db", kDb, "--viewer-token-file", "/run/viewer", "--max-per-address",
                         "8", "--trusted-proxy", "127.0.0.1, ::1", "--statement-timeout", "2s",
                         "--max-raw-span", "6h", "--max-pending-snapshots", "100"},
                        Env{});
  ASSERT_TRUE(std::holds_alternative<HubOptions>(parsed)) << std::get<std::string>(parsed);
  const auto& options = std::get<HubOptions>(parsed);
  EXPECT_EQ(options.viewer_token_file, "/run/viewer");
  EXPECT_FALSE(options.open_reads);
  EXPECT_EQ(options.max_per_address, 8u);
  EXPECT_EQ(options.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(options.statement_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(options.max_raw_span, std::chrono::hours(6));
  EXPECT_EQ(options.max_pending_snapshots, 100u);
  EXPECT_EQ(viewer_auth_problem(options), std::nullopt);
}

TEST(HubOptions, ReadsNeedATokenFileUnlessOpen) {
  auto options = std::get<HubOptions>(parse_hub_options({"--db", kDb}, Env{}));
  ASSERT_TRUE(viewer_auth_problem(options));
  EXPECT_NE(viewer_auth_problem(options)->find("--viewer-token-file"), std::string::npos);
  options =
      std::get<HubOptions>(parse_hub_options({"--db", kDb}, Env{{{"VMPULSE_HUB_READS", "open"}}}));
  EXPECT_TRUE(options.open_reads);
  EXPECT_EQ(viewer_auth_problem(options), std::nullopt);
  options.viewer_token_file = "/x";
  EXPECT_TRUE(viewer_auth_problem(options));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      parse_hub_options({"--db", kDb, "--reads", "maybe"}, Env{})));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      parse_hub_options({"--db", kDb, "--trusted-proxy", "proxy.example"}, Env{})));
}

TEST(HubOptions, AlertsOffByDefaultOrLoadedFromTheFile) {
  const auto off = parse_hub_options({"--db", kDb}, Env{});
  ASSERT_TRUE(std::holds_alternative<HubOptions>(off));
  EXPECT_FALSE(std::get<HubOptions>(off).alerts.has_value());
  const auto explicit_off = parse_hub_options({"--db", kDb, "--alerts", "off"},
                                              Env{{{"VMPULSE_ALERTS_FILE", "/nonexistent"}}});
  ASSERT_TRUE(std::holds_alternative<HubOptions>(explicit_off))
      << std::get<std::string>(explicit_off);
  EXPECT_FALSE(std::get<HubOptions>(explicit_off).alerts.has_value());

  const std::string shipped = VMPULSE_SOURCE_DIR "/config/alerts.yaml";
  const auto loaded = parse_hub_options({"--db", kDb}, Env{{{"VMPULSE_ALERTS_FILE", shipped}}});
  ASSERT_TRUE(std::holds_alternative<HubOptions>(loaded)) << std::get<std::string>(loaded);
  const HubOptions& options = std::get<HubOptions>(loaded);
  ASSERT_TRUE(options.alerts.has_value());
  EXPECT_EQ(options.alerts->rules.size(), 4u);
  EXPECT_EQ(options.alerts_file, shipped);
}

TEST(HubOptions, BadAlertsFileNamesItsLine) {
  const std::string path = ::testing::TempDir() + "hub_options_bad_alerts.yaml";
  {
    std::ofstream out(path);
    out << "rules:\n  - name: cpu\n    metric: gpu\n    threshold: 1\n";
  }
  const auto parsed = parse_hub_options({"--db", kDb, "--alerts", path}, Env{});
  ASSERT_TRUE(std::holds_alternative<std::string>(parsed));
  EXPECT_EQ(std::get<std::string>(parsed).rfind(path + ":3: rules[0].metric: unknown metric", 0),
            0u)
      << std::get<std::string>(parsed);
}
