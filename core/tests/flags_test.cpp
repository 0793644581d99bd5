#include "vmpulse/flags.hpp"

#include <gtest/gtest.h>

#include <map>

namespace vmpulse::flags {
namespace {

constexpr Spec kSpecs[] = {
    {"--db", "T_DB"},
    {"--listen", "T_LISTEN"},
    {"--count", "T_COUNT"},
    {"--origin", "T_ORIGIN"},
};

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Parsed collect_ok(const std::vector<std::string>& args, const EnvLookup& env = env_of({})) {
  auto result = collect(kSpecs, args, env);
  if (auto* problem = std::get_if<std::string>(&result)) ADD_FAILURE() << *problem;
  return std::get<Parsed>(std::move(result));
}

std::string collect_error(const std::vector<std::string>& args) {
  auto result = collect(kSpecs, args, env_of({}));
  if (!std::holds_alternative<std::string>(result)) return "(no error)";
  return std::get<std::string>(result);
}

TEST(Flags, FlagsReplaceTheirVariableAndBothFormsWork) {
  const Parsed parsed = collect_ok({"--count", "7", "--db=mysql://u@h/d"},
                                   env_of({{"T_COUNT", "3"}, {"T_LISTEN", ":9"}}));
  ASSERT_NE(parsed.find("--count"), nullptr);
  EXPECT_EQ(parsed.find("--count")->text(), "7");
  EXPECT_EQ(parsed.find("--count")->source, "--count");
  EXPECT_TRUE(parsed.find("--count")->from_flag);
  EXPECT_EQ(parsed.find("--db")->text(), "mysql://u@h/d");
  EXPECT_EQ(parsed.find("--listen")->text(), ":9");
  EXPECT_EQ(parsed.find("--listen")->source, "T_LISTEN");
  EXPECT_FALSE(parsed.find("--listen")->from_flag);
  EXPECT_EQ(parsed.find("--origin"), nullptr);
}

TEST(Flags, EmptyVariablesAreUnset) {
  const Parsed parsed = collect_ok({}, env_of({{"T_COUNT", ""}}));
  EXPECT_EQ(parsed.find("--count"), nullptr);
}

TEST(Flags, RepeatedFlagsKeepEveryValueAndDropTheVariable) {
  const Parsed parsed =
      collect_ok({"--origin", "a", "--origin=b"}, env_of({{"T_ORIGIN", "from-env"}}));
  ASSERT_NE(parsed.find("--origin"), nullptr);
  EXPECT_EQ(parsed.find("--origin")->texts, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed.find("--origin")->text(), "b");
}

TEST(Flags, HelpStopsReading) {
  EXPECT_TRUE(collect_ok({"--help", "--nonsense"}).help);
  EXPECT_TRUE(collect_ok({"--count", "1", "-h"}).help);
  EXPECT_FALSE(collect_ok({"--count", "1"}).help);
}

TEST(Flags, BadArgumentsAreNamed) {
  EXPECT_EQ(collect_error({"--nope", "1"}), "unknown argument \"--nope\" (see --help)");
  EXPECT_EQ(collect_error({"--nope=1"}), "unknown argument \"--nope\" (see --help)");
  EXPECT_EQ(collect_error({"stray"}), "unknown argument \"stray\" (see --help)");
  EXPECT_EQ(collect_error({"--count"}), "--count needs a value");
}

TEST(Flags, CountChecksRangeAndForm) {
  const Value v{{"12"}, "--count", true};
  EXPECT_EQ(std::get<unsigned long long>(count(v, 1, 12)), 12u);
  for (const char* bad : {"13", "0", "", "-1", "1x", " 1", "99999999999999999999999"}) {
    const auto result = count(Value{{bad}, "T_COUNT", false}, 1, 12);
    ASSERT_TRUE(std::holds_alternative<std::string>(result)) << bad;
    EXPECT_EQ(std::get<std::string>(result),
              "T_COUNT: \"" + std::string(bad) + "\" is not a whole number from 1 to 12");
  }
}

TEST(Flags, DurationChecksRange) {
  using std::chrono::milliseconds;
  EXPECT_EQ(std::get<milliseconds>(
                duration(Value{{"250ms"}, "--poll", true}, milliseconds(10), milliseconds(1000))),
            milliseconds(250));
  EXPECT_EQ(std::get<std::string>(
                duration(Value{{"2s"}, "--poll", true}, milliseconds(10), milliseconds(1000))),
            "--poll: \"2s\" must be from 10ms to 1000ms");
  EXPECT_TRUE(std::get<std::string>(
                  duration(Value{{"soon"}, "--poll", true}, milliseconds(10), milliseconds(1000)))
                  .starts_with("--poll: "));
}

TEST(Flags, ListenFromFlagThenPortThenDefault) {
  const auto from_flag =
      listen(collect_ok({"--listen", "127.0.0.1:81"}), env_of({{"PORT", "9"}}), 80);
  EXPECT_EQ(std::get<Endpoint>(from_flag).host, "127.0.0.1");
  EXPECT_EQ(std::get<Endpoint>(from_flag).port, 81);
  const auto from_port = listen(collect_ok({}), env_of({{"PORT", "9090"}}), 80);
  EXPECT_EQ(std::get<Endpoint>(from_port).host, "0.0.0.0");
  EXPECT_EQ(std::get<Endpoint>(from_port).port, 9090);
  const auto by_default = listen(collect_ok({}), env_of({}), 80);
  EXPECT_EQ(std::get<Endpoint>(by_default).port, 80);
  EXPECT_EQ(std::get<std::string>(listen(collect_ok({}), env_of({{"PORT", "70000"}}), 80)),
            "PORT: \"70000\" is not a port (1-65535)");
  EXPECT_TRUE(std::get<std::string>(listen(collect_ok({"--listen", "nowhere"}), env_of({}), 80))
                  .starts_with("--listen: "));
}

TEST(Flags, DbUrlIsRequiredAndItsErrorsHideThePassword) {
  EXPECT_EQ(std::get<std::string>(db_url(collect_ok({}))),
            "no database: give --db mysql://user:pass@host:port/db or VMPULSE_DB_URL");
  const auto good = db_url(collect_ok({"--db", "mysql://u:p%40ss@db:3307/m"}));
  EXPECT_EQ(std::get<DbUrl>(good).password, "p@ss");
  EXPECT_EQ(std::get<DbUrl>(good).port, 3307);
  const auto bad = db_url(collect_ok({"--db", "mysql://u:hunter2@db:port/m"}));
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_TRUE(std::get<std::string>(bad).starts_with("--db: "));
  EXPECT_EQ(std::get<std::string>(bad).find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace vmpulse::flags
