#include "vm_filter.hpp"

#include <gtest/gtest.h>

namespace vmpulse::hub {
namespace {

http::Request vms_request(std::string query) {
  http::Request r;
  r.method = "GET";
  r.path = "/api/vms";
  r.query = std::move(query);
  r.target = r.path + "?" + r.query;
  return r;
}

std::variant<LabelFilter, ParamError> parse(std::string query) {
  return parse_label_filter(vms_request(std::move(query)));
}

TEST(VmFilter, NoLabelParameterIsEveryVm) {
  const auto filter = parse("");
  ASSERT_TRUE(std::holds_alternative<LabelFilter>(filter));
  EXPECT_TRUE(std::get<LabelFilter>(filter).empty());
  EXPECT_TRUE(std::holds_alternative<LabelFilter>(parse("other=1")));
}

TEST(VmFilter, RepeatedLabelsAllCount) {
  const auto filter = parse("label=env%3Dprod&label=zona=eu+west+1&label=note=a%3Db");
  ASSERT_TRUE(std::holds_alternative<LabelFilter>(filter));
  const LabelFilter expected{{"env", "prod"}, {"zona", "eu west 1"}, {"note", "a=b"}};
  EXPECT_EQ(std::get<LabelFilter>(filter), expected);
}

TEST(VmFilter, MalformedLabelsAreInvalidParameters) {
  for (const char* query :
       {"label=env", "label==prod", "label=", "label", "label=env=", "label=Env=prod",
        "label=1env=prod", "label=env=%01", "label=env=%C3%B1", "label=env=a&label=env=b",
        "label=env="
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}) {
    const auto filter = parse(query);
    ASSERT_TRUE(std::holds_alternative<ParamError>(filter)) << query;
    EXPECT_EQ(std::get<ParamError>(filter).code, "invalid_parameter") << query;
    EXPECT_NE(std::get<ParamError>(filter).detail.find("label"), std::string::npos) << query;
  }
}

TEST(VmFilter, MoreLabelsThanAVmMayHaveAreRefused) {
  std::string query;
  for (int i = 0; i < 17; ++i) {
    query += "&label=k" + std::to_string(i) + "=v";
  }
  EXPECT_TRUE(std::holds_alternative<ParamError>(parse(query.substr(1))));
}

TEST(VmFilter, MatchNeedsEveryPairExactly) {
  const Labels labels{{"env", "prod"}, {"role", "db"}};
  EXPECT_TRUE(labels_match(labels, {}));
  EXPECT_TRUE(labels_match(labels, {{"role", "db"}}));
  EXPECT_TRUE(labels_match(labels, {{"role", "db"}, {"env", "prod"}}));
  EXPECT_FALSE(labels_match(labels, {{"role", "db"}, {"env", "dev"}}));
  EXPECT_FALSE(labels_match(labels, {{"env", "Prod"}}));
  EXPECT_FALSE(labels_match({}, {{"env", "prod"}}));
}

}  // namespace
}  // namespace vmpulse::hub
