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
  EXPECT_EQ(options.fleet_interval, vmpulse::defaults::kHubFleetIntervalDuration);
}

TEST(HubOptions, FleetIntervalFromTheVariableOrTheFlagWithinBounds) {
  const Env env{{{"VMPULSE_DB_URL", kDb}, {"VMPULSE_HUB_FLEET_INTERVAL", "5s"}}};
  auto parsed = parse_hub_options({}, env);
  ASSERT_TRUE(std::holds_alternative<HubOptions>(parsed)) << std::get<std::string>(parsed);
  EXPECT_EQ(std::get<HubOptions>(parsed).fleet_interval, std::chrono::seconds(5));
  parsed = parse_hub_options({"--fleet-interval", "250ms"}, env);
  ASSERT_TRUE(std::holds_alternative<HubOptions>(parsed)) << std::get<std::string>(parsed);
  EXPECT_EQ(std::get<HubOptions>(parsed).fleet_interval, std::chrono::milliseconds(250));
  for (const char* bad : {"0ms", "10ms", "2m", "often"}) {
    parsed = parse_hub_options({"--fleet-interval", bad}, env);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << bad;
    EXPECT_NE(std::get<std::string>(parsed).find("--fleet-interval"), std::string::npos)
        << std::get<std::string>(parsed);
  }
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

TEST(HubOptions, AlertDestinationsFromTheVariableAndFlags) {
  Env env{{{"VMPULSE_DB_URL", kDb},
           {"VMPULSE_ALERT_WEBHOOK", "https://a.example/hook?key=s1, http://127.0.0.1:9000/x"},
           {"VMPULSE_ALERTMANAGER_URL", "http://localhost:9093/"}}};
  auto parsed = parse_hub_options({}, env);
  ASSERT_TRUE(std::holds_alternative<HubOptions>(parsed)) << std::get<std::string>(parsed);
  const auto& options = std::get<HubOptions>(parsed);
  ASSERT_EQ(options.alert_destinations.size(), 3U);
  EXPECT_EQ(options.alert_destinations[0].kind, DestinationKind::webhook);
  EXPECT_EQ(options.alert_destinations[0].target.target, "/hook?key=s1");
  EXPECT_EQ(options.alert_destinations[1].target.port, "9000");
  EXPECT_EQ(options.alert_destinations[2].kind, DestinationKind::alertmanager);
  EXPECT_EQ(options.alert_destinations[2].target.target, "/api/v2/alerts");
  EXPECT_EQ(options.alertmanager_resend, std::chrono::milliseconds(60'000));

  // Flags replace the variable; --alert-webhook repeats.
  parsed = parse_hub_options({"--alert-webhook", "https://b.example/1", "--alert-webhook",
                              "https://b.example/2", "--alertmanager-resend", "5s"},
                             env);
  ASSERT_TRUE(std::holds_alternative<HubOptions>(parsed)) << std::get<std::string>(parsed);
  const auto& replaced = std::get<HubOptions>(parsed);
  ASSERT_EQ(replaced.alert_destinations.size(), 3U);
  EXPECT_EQ(replaced.alert_destinations[1].url, "https://b.example/2");
  EXPECT_EQ(replaced.alertmanager_resend, std::chrono::milliseconds(5000));
}

TEST(HubOptions, BadAlertDestinationsAreErrorsWithoutTheirSecrets) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--alert-webhook", "http://hooks.example/secret-path"}, "https://"},
      {{"--alert-webhook", "ftp://hooks.example/secret-path"}, "--alert-webhook"},
      {{"--alert-webhook", "https://user:secret-pw@hooks.example/"}, "credentials"},
      {{"--alert-webhook", "https://h.example/secret-path", "--alert-webhook",
        "https://h.example/secret-path"},
       "given twice"},
      {{"--alertmanager", "https://am.example/?secret-q=1"}, "without a query"},
      {{"--alertmanager", "http://am.example:9093"}, "--alertmanager"},
      {{"--alertmanager-resend", "0s"}, "--alertmanager-resend"},
      {{"--alert-ca-file", "/nonexistent/ca.pem"}, "--alert-ca-file /nonexistent/ca.pem"},
  };
  for (const auto& [extra, expected] : cases) {
    std::vector<std::string> args = {"--db", kDb};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto parsed = parse_hub_options(args, Env{});
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << extra[1];
    const std::string& problem = std::get<std::string>(parsed);
    EXPECT_NE(problem.find(expected), std::string::npos) << problem;
    EXPECT_EQ(problem.find("secret"), std::string::npos) << problem;
  }
}

TEST(HubOptions, RetentionTiers) {
  const auto defaults = parse_hub_options({"--db", kDb}, Env{});
  ASSERT_TRUE(std::holds_alternative<HubOptions>(defaults));
  EXPECT_EQ(std::get<HubOptions>(defaults).raw_days, 7);
  EXPECT_EQ(std::get<HubOptions>(defaults).minute_days, 90);
  EXPECT_EQ(std::get<HubOptions>(defaults).hour_days, 730);
  EXPECT_EQ(std::get<HubOptions>(defaults).partitions_ahead, 3);

  Env env{{{"VMPULSE_RETENTION_RAW_DAYS", "2"}}};
  const auto given = parse_hub_options(
      {"--db", kDb, "--minute-days", "30", "--hour-days=365", "--retention-every", "5s"}, env);
  ASSERT_TRUE(std::holds_alternative<HubOptions>(given)) << std::get<std::string>(given);
  const auto& options = std::get<HubOptions>(given);
  EXPECT_EQ(options.raw_days, 2);
  EXPECT_EQ(options.minute_days, 30);
  EXPECT_EQ(options.hour_days, 365);
  EXPECT_EQ(options.retention_every, std::chrono::milliseconds(5000));

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--db", kDb, "--raw-days", "0"},
        {"--db", kDb, "--raw-days", "week"},
        {"--db", kDb, "--partitions-ahead", "0"},
        {"--db", kDb, "--raw-days", "100"},  // more than the minutes' 90
        {"--db", kDb, "--minute-days", "800"}}) {
    const auto parsed = parse_hub_options(args, Env{});
    EXPECT_TRUE(std::holds_alternative<std::string>(parsed)) << args[3];
  }
  const auto shrinking = parse_hub_options({"--db", kDb, "--raw-days", "100"}, Env{});
  EXPECT_NE(std::get<std::string>(shrinking).find("must not shrink"), std::string::npos);
}
