#include "vmpulse/config.hpp"

#include <gtest/gtest.h>

#include "vmpulse/defaults.hpp"

namespace vmpulse {
namespace {

template <typename T>
T ok(const std::variant<T, std::string>& result) {
  if (const auto* error = std::get_if<std::string>(&result)) ADD_FAILURE() << *error;
  return std::holds_alternative<T>(result) ? std::get<T>(result) : T{};
}

template <typename T>
std::string error_of(const std::variant<T, std::string>& result) {
  EXPECT_TRUE(std::holds_alternative<std::string>(result));
  return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "";
}

TEST(ParseEndpoint, HostAndPort) {
  const auto e = ok(parse_endpoint("127.0.0.1:8080"));
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 8080);
}

TEST(ParseEndpoint, Ipv6InBrackets) {
  const auto e = ok(parse_endpoint("[::1]:5000"));
  EXPECT_EQ(e.host, "::1");
  EXPECT_EQ(e.port, 5000);
}

TEST(ParseEndpoint, PortOnlyMeansAllInterfaces) {
  EXPECT_EQ(ok(parse_endpoint(":8081")).host, "0.0.0.0");
  EXPECT_EQ(ok(parse_endpoint("8081")).port, 8081);
  EXPECT_EQ(ok(parse_endpoint("localhost:0")).port, 0);
}

TEST(ParseEndpoint, BadInputsSayWhatIsWrong) {
  EXPECT_NE(error_of(parse_endpoint("")).find("empty"), std::string::npos);
  EXPECT_NE(error_of(parse_endpoint("host")).find("missing :PORT"), std::string::npos);
  EXPECT_NE(error_of(parse_endpoint("host:99999")).find("0 to 65535"), std::string::npos);
  EXPECT_NE(error_of(parse_endpoint("host:http")).find("0 to 65535"), std::string::npos);
  EXPECT_NE(error_of(parse_endpoint("::1:80")).find("brackets"), std::string::npos);
  EXPECT_NE(error_of(parse_endpoint("[::1:80")).find("]"), std::string::npos);
  EXPECT_NE(error_of(parse_endpoint("a b:80")).find("invalid character"), std::string::npos);
  EXPECT_NE(error_of(parse_endpoint("host:-1")).find("0 to 65535"), std::string::npos);
}

TEST(ParseDuration, Units) {
  using std::chrono::milliseconds;
  EXPECT_EQ(ok(parse_duration("250ms")), milliseconds(250));
  EXPECT_EQ(ok(parse_duration("1s")), milliseconds(1000));
  EXPECT_EQ(ok(parse_duration("2m")), milliseconds(120'000));
  EXPECT_EQ(ok(parse_duration("1h")), milliseconds(3'600'000));
  EXPECT_EQ(ok(parse_duration("3")), milliseconds(3000));
  EXPECT_EQ(ok(parse_duration("0.5s")), milliseconds(500));
}

TEST(ParseDuration, BadInputs) {
  EXPECT_NE(error_of(parse_duration("")).find("must start with a number"), std::string::npos);
  EXPECT_NE(error_of(parse_duration("0s")).find("at least 1ms"), std::string::npos);
  EXPECT_NE(error_of(parse_duration("5 parsecs")).find("unknown unit"), std::string::npos);
  EXPECT_NE(error_of(parse_duration("-1s")).find("must start with a number"), std::string::npos);
  EXPECT_NE(error_of(parse_duration("1.2.3s")).find("invalid number"), std::string::npos);
  EXPECT_NE(error_of(parse_duration("99999999h")).find("longer than a year"), std::string::npos);
  EXPECT_NE(error_of(parse_duration("0.1ms")).find("at least 1ms"), std::string::npos);
}

TEST(ParseDbUrl, FullUrlWithEncodedPassword) {
  const auto url = ok(parse_db_url("mysql://vmpulse:p%40ss%2Fw0rd@db.example:3307/sistema"));
  EXPECT_EQ(url.user, "vmpulse");
  EXPECT_EQ(url.password, "p@ss/w0rd");
  EXPECT_EQ(url.host, "db.example");
  EXPECT_EQ(url.port, 3307);
  EXPECT_EQ(url.database, "sistema");
  EXPECT_TRUE(url.socket.empty());
}

TEST(ParseDbUrl, DefaultPortNoPasswordAndSocket) {
  const auto url = ok(parse_db_url("mysql://root@localhost/db?socket=/tmp/my%20sql.sock"));
  EXPECT_EQ(url.port, 3306);
  EXPECT_EQ(url.password, "");
  EXPECT_EQ(url.socket, "/tmp/my sql.sock");
  const auto v6 = ok(parse_db_url("mysql://u:p@[::1]:3310/db"));
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 3310);
}

TEST(ParseDbUrl, RedactedHidesThePassword) {
  const auto url = ok(parse_db_url("mysql://vmpulse:secret@127.0.0.1:3307/db"));
  EXPECT_EQ(url.redacted(), "mysql://vmpulse:***@127.0.0.1:3307/db");
  EXPECT_EQ(url.redacted().find("secret"), std::string::npos);
}

TEST(ParseDbUrl, BadInputs) {
  EXPECT_NE(error_of(parse_db_url("postgres://u@h/db")).find("mysql://"), std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://h/db")).find("USER@"), std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://u:p@h")).find("/DATABASE"), std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://u:p@h/")).find("empty database"), std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://u:p%zz@h/db")).find("%-encoded password"),
            std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://u:p@h:0/db")).find("port"), std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://u:p@h:x/db")).find("port"), std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://u:p@h/db?ssl=1")).find("unknown parameter"),
            std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://:p@h/db")).find("user"), std::string::npos);
  EXPECT_NE(error_of(parse_db_url("mysql://u:p@/db")).find("no host"), std::string::npos);
}

TEST(HostName, NeverEmpty) { EXPECT_FALSE(host_name().empty()); }

TEST(Defaults, GeneratedFromDefaultsEnv) {
  EXPECT_EQ(defaults::kAgentPort, 8080);
  EXPECT_EQ(defaults::kAgentPortEnv, "VMPULSE_AGENT_PORT");
  EXPECT_EQ(defaults::kDbName, "sistema_monitoreo_fase2");
  EXPECT_EQ(defaults::kIntervalDuration, std::chrono::seconds(1));
  EXPECT_EQ(defaults::kHubPollDuration, std::chrono::milliseconds(250));
}

}  // namespace
}  // namespace vmpulse
