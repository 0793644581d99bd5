#include "options.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "vmpulse/contract.hpp"
#include "vmpulse/defaults.hpp"

namespace vmpulse::agent {
namespace {

// The environment is part of the input: every test starts without VMPULSE_* set.
class Options : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"VMPULSE_AGENT_LISTEN",
                             "VMPULSE_AGENT_PORT",
                             "VMPULSE_INTERVAL",
                             "VMPULSE_PROCFS",
                             "VMPULSE_MODULE_ID",
                             "VMPULSE_VM",
                             "VMPULSE_PUSH_URL",
                             "VMPULSE_TOKEN",
                             "VMPULSE_TOKEN_FILE",
                             "VMPULSE_SPOOL",
                             "VMPULSE_STATE_DIR",
                             "VMPULSE_AGENT_THREADS",
                             "VMPULSE_AGENT_REQUEST_TIMEOUT",
                             "VMPULSE_PUSH_BATCH",
                             "VMPULSE_CA_FILE",
                             "VMPULSE_CERT_FILE",
                             "VMPULSE_KEY_FILE",
                             "VMPULSE_INSECURE_HTTP",
                             "VMPULSE_ROOTFS",
                             "VMPULSE_SYSFS",
                             "VMPULSE_TOP",
                             "VMPULSE_PROCESS_METRICS",
                             "VMPULSE_LABELS"}) {
      ::unsetenv(name);
    }
  }
};

AgentOptions ok(const std::vector<std::string>& args) {
  auto parsed = parse_options(args);
  if (auto* exit = std::get_if<OptionsExit>(&parsed)) {
    ADD_FAILURE() << "exit " << exit->code << ": " << exit->message;
    return {};
  }
  return std::get<AgentOptions>(parsed);
}

OptionsExit exits(const std::vector<std::string>& args) {
  auto parsed = parse_options(args);
  if (!std::holds_alternative<OptionsExit>(parsed)) {
    ADD_FAILURE() << "accepted";
    return {};
  }
  return std::get<OptionsExit>(parsed);
}

TEST_F(Options, DefaultsComeFromDefaultsEnv) {
  const AgentOptions options = ok({});
  EXPECT_EQ(options.listen.host, "0.0.0.0");
  EXPECT_EQ(options.listen.port, defaults::kAgentPort);
  EXPECT_EQ(options.interval, defaults::kIntervalDuration);
  EXPECT_EQ(options.procfs, "/proc");
  EXPECT_EQ(options.module_id, defaults::kModuleId);
  EXPECT_TRUE(valid_vm_name(options.vm));
  EXPECT_TRUE(options.push.url.empty());
  EXPECT_FALSE(options.clock.has_value());
}

TEST_F(Options, FlagsSetEveryValue) {
  const AgentOptions options =
      ok({"--listen", "127.0.0.1:9100", "--interval", "250ms", "--procfs", "/host/proc/",
          "--module-id", "carnet42", "--vm", "web-1.example", "--threads", "2"});
  EXPECT_EQ(options.listen.host, "127.0.0.1");
  EXPECT_EQ(options.listen.port, 9100);
  EXPECT_EQ(options.interval, std::chrono::milliseconds(250));
  EXPECT_EQ(options.procfs, "/host/proc");
  EXPECT_EQ(options.module_id, "carnet42");
  EXPECT_EQ(options.vm, "web-1.example");
  EXPECT_EQ(options.threads, 2u);
}

TEST_F(Options, EnvironmentVariablesAreTheFallback) {
  ::setenv("VMPULSE_AGENT_LISTEN", "127.0.0.1:9200", 1);
  ::setenv("VMPULSE_INTERVAL", "2s", 1);
  ::setenv("VMPULSE_PROCFS", "/host/proc", 1);
  ::setenv("VMPULSE_MODULE_ID", "abc", 1);
  ::setenv("VMPULSE_VM", "from-env", 1);
  AgentOptions options = ok({});
  EXPECT_EQ(options.listen.port, 9200);
  EXPECT_EQ(options.interval, std::chrono::seconds(2));
  EXPECT_EQ(options.procfs, "/host/proc");
  EXPECT_EQ(options.module_id, "abc");
  EXPECT_EQ(options.vm, "from-env");
  options = ok({"--vm", "from-flag"});  // the flag wins
  EXPECT_EQ(options.vm, "from-flag");
}

TEST_F(Options, AgentPortFromTheEnvironmentMovesTheDefaultListen) {
  ::setenv("VMPULSE_AGENT_PORT", "18080", 1);
  EXPECT_EQ(ok({}).listen.port, 18080);
}

TEST_F(Options, BadValuesExitWithTwoAndNameTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--listen", "nonsense"}, "--listen"},
      {{"--listen", "127.0.0.1:99999"}, "--listen"},
      {{"--interval", "fast"}, "--interval"},
      {{"--interval", "0s"}, "--interval"},
      {{"--interval", "1ms"}, "--interval"},
      {{"--module-id", "../etc"}, "--module-id"},
      {{"--vm", "has space"}, "--vm"},
      {{"--vm", std::string(65, 'a')}, "--vm"},
      {{"--threads", "0"}, "--threads"},
      {{"--threads", "-1"}, "--threads"},
      {{"--clock", "2026-02-30 00:00:00"}, "--clock"},
      {{"--procfs", ""}, "--procfs"},
      {{"--no-such-flag"}, "--no-such-flag"},
      {{"--interval"}, "--interval"},
      {{"--push", "ftp://x/api/metrics", "--token", "t"}, "only https:// and http://"},
      {{"--push", "http://[::1/api/metrics", "--token", "t"}, "--push"},
      {{"--push", "http://127.0.0.1:1/api/metrics"}, "needs a token"},
      {{"--push", "http://127.0.0.1:1/", "--token", "t", "--push-batch", "1001"}, "--push-batch"},
      {{"--push", "http://127.0.0.1:1/", "--token-file", "/nonexistent/token"}, "--token-file"},
      {{"--push", "http://127.0.0.1:1/", "--token", "a b"}, "spaces"},
  };
  for (const auto& [args, needle] : cases) {
    const OptionsExit exit = exits(args);
    EXPECT_EQ(exit.code, 2) << args[0];
    EXPECT_NE(exit.message.find(needle), std::string::npos) << exit.message;
    EXPECT_TRUE(exit.message.starts_with("vmpulse-agent: ")) << exit.message;
  }
}

TEST_F(Options, LabelsFromFlagsOrTheEnvironment) {
  EXPECT_TRUE(ok({}).labels.empty());
  const Labels both{{"env", "prod"}, {"role", "db=primary, a"}};
  EXPECT_EQ(ok({"--label", "env=prod", "--label", "role=db=primary, a"}).labels, both);
  ::setenv("VMPULSE_LABELS", "env=dev,zona=eu west 1", 1);
  EXPECT_EQ(ok({}).labels, (Labels{{"env", "dev"}, {"zona", "eu west 1"}}));
  EXPECT_EQ(ok({"--label", "env=prod"}).labels, (Labels{{"env", "prod"}}));  // the flag wins
}

TEST_F(Options, BadLabelsExitWithTwo) {
  std::vector<std::string> seventeen;
  for (int i = 0; i < 17; ++i) {
    seventeen.insert(seventeen.end(), {"--label", "k" + std::to_string(i) + "=v"});
  }
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--label", "env"},
                                             {"--label", "=prod"},
                                             {"--label", "env="},
                                             {"--label", "Env=prod"},
                                             {"--label", "env=\x01"},
                                             {"--label", "env=" + std::string(65, 'v')},
                                             {"--label", "env=a", "--label", "env=b"},
                                             seventeen}) {
    const OptionsExit exit = exits(args);
    EXPECT_EQ(exit.code, 2) << args[1];
    EXPECT_NE(exit.message.find("--label"), std::string::npos) << exit.message;
  }
  ::setenv("VMPULSE_LABELS", "env=prod,,role=db", 1);
  EXPECT_NE(exits({}).message.find("VMPULSE_LABELS"), std::string::npos);
}

TEST_F(Options, HelpExitsWithZeroAndListsEveryFlag) {
  const OptionsExit exit = exits({"--help"});
  EXPECT_EQ(exit.code, 0);
  for (const char* flag : {"--listen", "--interval", "--procfs", "--module-id", "--vm", "--push",
                           "--token", "--token-file", "--spool", "VMPULSE_PROCFS"}) {
    EXPECT_NE(exit.message.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(exit.message.find("--clock"), std::string::npos) << "--clock is for tests only";
}

TEST_F(Options, PushTokenFromAFile) {
  const std::string path = ::testing::TempDir() + "/agent-token";
  std::ofstream(path) << "# rotated: the old token first, the new one last\n"
                         "old-token-0123456789\nnew-token-0123456789\n";
  const AgentOptions options =
      ok({"--push", "http://127.0.0.1:5000/api/metrics", "--token-file", path});
  EXPECT_EQ(options.push.token, "new-token-0123456789");
  EXPECT_EQ(options.push.token_file, path);
  EXPECT_EQ(options.push.url, "http://127.0.0.1:5000/api/metrics");
  EXPECT_EQ(options.push.batch_max, 50u);
  std::filesystem::remove(path);
}

TEST_F(Options, ABadTokenFileExitsWithTwo) {
  const std::string path = ::testing::TempDir() + "/agent-token-bad";
  for (const char* text : {"", "# only a comment\n", "short\n", "two words-0123456789\n"}) {
    std::ofstream(path) << text;
    const OptionsExit exit =
        exits({"--push", "http://127.0.0.1:5000/api/metrics", "--token-file", path});
    EXPECT_EQ(exit.code, 2) << text;
    EXPECT_NE(exit.message.find("--token-file"), std::string::npos) << exit.message;
  }
  std::filesystem::remove(path);
}

TEST_F(Options, HttpsIsAcceptedWithTheSystemStore) {
  const AgentOptions options = ok({"--push", "https://ingest.example/api/metrics", "--token", "t"});
  EXPECT_EQ(options.push.url, "https://ingest.example/api/metrics");
  EXPECT_TRUE(options.push.tls.ca_file.empty());
  EXPECT_FALSE(options.push.insecure_http);
}

TEST_F(Options, PlainHttpOnlyToThisMachineUnlessInsecureHttp) {
  for (const char* url : {"http://127.0.0.1:8000/api/metrics", "http://localhost:8000/",
                          "http://[::1]:8000/", "http://127.9.9.9/"}) {
    EXPECT_EQ(ok({"--push", url, "--token", "t"}).push.url, url);
  }
  for (const char* url : {"http://10.1.2.3/api/metrics", "http://ingest.example/api/metrics",
                          "http://[2001:db8::1]:8000/", "http://0.0.0.0:8000/"}) {
    const OptionsExit exit = exits({"--push", url, "--token", "t"});
    EXPECT_EQ(exit.code, 2) << url;
    EXPECT_NE(exit.message.find("--insecure-http"), std::string::npos) << exit.message;
  }
  const AgentOptions options =
      ok({"--push", "http://10.1.2.3/api/metrics", "--token", "t", "--insecure-http"});
  EXPECT_TRUE(options.push.insecure_http);
  ::setenv("VMPULSE_INSECURE_HTTP", "1", 1);
  EXPECT_TRUE(ok({"--push", "http://10.1.2.3/api/metrics", "--token", "t"}).push.insecure_http);
}

TEST_F(Options, BadTlsFilesExitWithTwoAndNameTheFlag) {
  const std::string garbage = ::testing::TempDir() + "/agent-not-pem";
  std::ofstream(garbage) << "not a certificate\n";
  const std::string url = "https://127.0.0.1:8443/api/metrics";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--ca-file", "/nonexistent/ca.pem"}, "--ca-file /nonexistent/ca.pem: cannot be read"},
      {{"--ca-file", garbage}, "--ca-file"},
      {{"--cert-file", garbage}, "go together"},
      {{"--key-file", garbage}, "go together"},
      {{"--cert-file", "/nonexistent/c.pem", "--key-file", garbage}, "--cert-file"},
      {{"--cert-file", garbage, "--key-file", garbage}, "--cert-file"},
  };
  for (const auto& [extra, needle] : cases) {
    std::vector<std::string> args = {"--push", url, "--token", "t"};
    args.insert(args.end(), extra.begin(), extra.end());
    const OptionsExit exit = exits(args);
    EXPECT_EQ(exit.code, 2) << needle;
    EXPECT_NE(exit.message.find(needle), std::string::npos) << exit.message;
  }
  ::setenv("VMPULSE_CA_FILE", "/nonexistent/from-env.pem", 1);
  EXPECT_NE(exits({"--push", url, "--token", "t"}).message.find("/nonexistent/from-env.pem"),
            std::string::npos);
  std::filesystem::remove(garbage);
}

TEST_F(Options, SpoolDefaultsUnderTheStateDirectory) {
  ::setenv("VMPULSE_STATE_DIR", "/var/lib/vmpulse", 1);
  ::setenv("VMPULSE_TOKEN", "t", 1);
  const AgentOptions options = ok({"--push", "http://127.0.0.1:5000/api/metrics"});
  EXPECT_EQ(options.push.spool_dir, "/var/lib/vmpulse/agent-spool");
  EXPECT_EQ(options.push.token, "t");
}

TEST_F(Options, Version2Sources) {
  const AgentOptions defaults = ok({});
  EXPECT_EQ(defaults.rootfs, "/");
  EXPECT_EQ(defaults.sysfs, "/sys");
  EXPECT_EQ(defaults.top, 10u);
  EXPECT_FALSE(defaults.process_metrics);
  const AgentOptions set =
      ok({"--rootfs", "/host/", "--sysfs", "/host/sys/", "--top", "50", "--process-metrics"});
  EXPECT_EQ(set.rootfs, "/host");
  EXPECT_EQ(set.sysfs, "/host/sys");
  EXPECT_EQ(set.top, 50u);
  EXPECT_TRUE(set.process_metrics);
  EXPECT_EQ(ok({"--top", "0"}).top, 0u);
  ::setenv("VMPULSE_TOP", "3", 1);
  EXPECT_EQ(ok({}).top, 3u);
  ::unsetenv("VMPULSE_TOP");
}

TEST_F(Options, BadTopOrPathsExitTwoNamingTheFlag) {
  for (const char* top : {"51", "-1", "ten", "", "1.5", "99999999999"}) {
    const OptionsExit exit = exits({"--top", top});
    EXPECT_EQ(exit.code, 2) << top;
    EXPECT_NE(exit.message.find("--top"), std::string::npos) << exit.message;
  }
  EXPECT_NE(exits({"--rootfs", ""}).message.find("--rootfs: empty path"), std::string::npos);
  EXPECT_NE(exits({"--sysfs", ""}).message.find("--sysfs: empty path"), std::string::npos);
}

TEST(VmName, HostnamesAreMadeValid) {
  EXPECT_EQ(vm_name_from_host("web-1"), "web-1");
  EXPECT_EQ(vm_name_from_host("bad host!"), "bad-host-");
  EXPECT_EQ(vm_name_from_host(""), "localhost");
  EXPECT_EQ(vm_name_from_host(std::string(80, 'x')).size(), 64u);
}

TEST(ParseUtc, RealDatesOnly) {
  EXPECT_TRUE(parse_utc("2024-02-29 23:59:59").has_value());
  EXPECT_FALSE(parse_utc("2023-02-29 00:00:00").has_value());
  EXPECT_FALSE(parse_utc("2024-01-01 24:00:00").has_value());
  EXPECT_FALSE(parse_utc("2024-01-01T00:00:00").has_value());
  EXPECT_FALSE(parse_utc("2024-1-01 00:00:00").has_value());
}

}  // namespace
}  // namespace vmpulse::agent
