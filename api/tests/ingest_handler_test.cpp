#include "ingest_handler.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vmpulse/secret.hpp"

namespace vmpulse::api {
namespace {

constexpr const char* kToken = "s3cret-token-0001";
constexpr const char* kOldToken = "old-token-still-valid";

std::string record_json(const std::string& vm = "web-1") {
  return R"({"vm":")" + vm +
         R"(","total_ram":16000,"ram_libre":4000,"uso_ram":12000,"porcentaje_ram":75,)"
         R"("porcentaje_cpu_uso":20,"porcentaje_cpu_libre":80,"procesos_corriendo":3,)"
         R"("procesos_durmiendo":200,"procesos_zombie":0,"procesos_parados":1,"total_procesos":300,)"
         R"("hora":"2026-11-26 10:00:00"})";
}

// Keeps what was submitted; answers as told, and lets the test finish the item.
class FakeSink : public IngestSink {
 public:
  Submit answer = Submit::accepted;
  std::vector<IngestItem> items;
  std::vector<ItemDone> dones;

  Submit submit(IngestItem item, ItemDone done) override {
    if (answer != Submit::accepted) {
      return answer;
    }
    items.push_back(std::move(item));
    dones.push_back(std::move(done));
    return answer;
  }
};

class IngestHandlerTest : public ::testing::Test {
 protected:
  FakeSink sink;
  bool ready = true;
  IngestHandler handler{
      {std::make_shared<TokenStore>(secret::TokenSet({kOldToken, kToken})), "cpp", 1},
      sink,
      [this] { return ready; }};
  std::vector<http::Response> responses;

  static http::Request post(std::string path, std::string body) {
    http::Request r;
    r.method = "POST";
    r.path = path;
    r.target = std::move(path);
    r.headers = {{"Authorization", std::string("Bearer ") + kToken},
                 {"Content-Type", "application/json"}};
    r.body = std::move(body);
    return r;
  }

  // Sends the request; returns the answer if it came at once.
  std::optional<http::Response> send(http::Request request) {
    const std::size_t before = responses.size();
    handler.handle(std::move(request),
                   [this](http::Response r) { responses.push_back(std::move(r)); });
    if (responses.size() == before) {
      return std::nullopt;
    }
    EXPECT_EQ(responses.size(), before + 1) << "answered more than once";
    return responses.back();
  }

  static void set_header(http::Request& r, const std::string& name, std::string value) {
    for (auto& [n, v] : r.headers) {
      if (n == name) {
        v = std::move(value);
        return;
      }
    }
    r.headers.emplace_back(name, std::move(value));
  }

  static void drop_header(http::Request& r, const std::string& name) {
    std::erase_if(r.headers, [&](const auto& h) { return h.first == name; });
  }

  static std::optional<std::string> header(const http::Response& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) {
        return v;
      }
    }
    return std::nullopt;
  }
};

// The contract ignores `api` on input: the row's api column is the route's own name,
// written by the writer (ingest_sql), so what a client sends never reaches it.
TEST_F(IngestHandlerTest, AnApiValueSentByTheClientIsIgnored) {
  std::string body = record_json();
  body.insert(1, R"("api":"nodejs",)");
  EXPECT_FALSE(send(post("/api/metrics", body)));
  ASSERT_EQ(sink.items.size(), 1u);
  ASSERT_EQ(sink.items[0].records.size(), 1u);
  EXPECT_EQ(sink.items[0].records[0].api, "");
}

TEST_F(IngestHandlerTest, ValidRecordIsQueuedAndAnsweredAfterTheCommit) {
  EXPECT_FALSE(send(post("/api/metrics", record_json())));
  ASSERT_EQ(sink.items.size(), 1u);
  ASSERT_EQ(sink.items[0].records.size(), 1u);
  EXPECT_EQ(sink.items[0].records[0].vm, "web-1");
  EXPECT_FALSE(sink.items[0].idempotency_key);
  EXPECT_TRUE(responses.empty());

  sink.dones[0]({ItemResult::Status::stored, 1});
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 201);
  EXPECT_EQ(responses[0].body, R"({"status":"saved","stored":1,"api":"cpp"})");
}

TEST_F(IngestHandlerTest, EveryIngestPathIsServed) {
  for (const char* path : {"/api/metrics", "/api/cpp/metrics", "/metrics"}) {
    EXPECT_FALSE(send(post(path, record_json()))) << path;
  }
  EXPECT_EQ(sink.items.size(), 3u);
}

TEST_F(IngestHandlerTest, BatchIsOneItem) {
  EXPECT_FALSE(send(post("/metrics", "[" + record_json("a") + "," + record_json("b") + "]")));
  ASSERT_EQ(sink.items.size(), 1u);
  EXPECT_EQ(sink.items[0].records.size(), 2u);
  sink.dones[0]({ItemResult::Status::stored, 2});
  EXPECT_EQ(responses.back().body, R"({"status":"saved","stored":2,"api":"cpp"})");
}

TEST_F(IngestHandlerTest, ReplayAnswersTheSame201WithReplayed) {
  auto request = post("/metrics", record_json());
  set_header(request, "Idempotency-Key", "abc:123");
  EXPECT_FALSE(send(std::move(request)));
  ASSERT_EQ(sink.items.size(), 1u);
  EXPECT_EQ(sink.items[0].idempotency_key, "abc:123");
  sink.dones[0]({ItemResult::Status::replayed, 5});
  EXPECT_EQ(responses.back().status, 201);
  EXPECT_EQ(responses.back().body, R"({"status":"saved","stored":5,"api":"cpp","replayed":true})");
}

TEST_F(IngestHandlerTest, UnknownOutcomeIs503WithRetryAfter) {
  EXPECT_FALSE(send(post("/metrics", record_json())));
  sink.dones[0]({ItemResult::Status::unavailable, 0});
  EXPECT_EQ(responses.back().status, 503);
  EXPECT_EQ(header(responses.back(), "Retry-After"), "1");
  EXPECT_NE(responses.back().body.find(R"("error":"database_unavailable")"), std::string::npos);
}

TEST_F(IngestHandlerTest, OtherRoutesPathIsNotFound) {
  const auto r = send(post("/api/nodejs/metrics", record_json()));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(r->body.find(R"("error":"not_found")"), std::string::npos);
  EXPECT_TRUE(sink.items.empty());
}

TEST_F(IngestHandlerTest, WrongMethodIs405WithAllowBeforeAuth) {
  auto request = post("/api/metrics", "");
  request.method = "GET";
  drop_header(request, "Authorization");
  const auto r = send(std::move(request));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(header(*r, "Allow"), "POST");
}

TEST_F(IngestHandlerTest, MissingOrWrongTokenIs401) {
  auto missing = post("/metrics", record_json());
  drop_header(missing, "Authorization");
  EXPECT_EQ(send(std::move(missing))->status, 401);
  auto wrong = post("/metrics", record_json());
  set_header(wrong, "Authorization", "Bearer s3cret-token-000l");
  EXPECT_EQ(send(std::move(wrong))->status, 401);
  auto basic = post("/metrics", record_json());
  set_header(basic, "Authorization", std::string("Basic ") + kToken);
  EXPECT_EQ(send(std::move(basic))->status, 401);
  EXPECT_TRUE(sink.items.empty());
}

TEST_F(IngestHandlerTest, AuthComesBeforeSizeAndMediaType) {
  auto request = post("/metrics", std::string(std::size_t{2} * 1024 * 1024, 'x'));
  drop_header(request, "Authorization");
  set_header(request, "Content-Type", "text/plain");
  EXPECT_EQ(send(std::move(request))->status, 401);
}

TEST_F(IngestHandlerTest, OversizedBodyIs413BeforeMediaType) {
  auto request = post("/metrics", std::string(1024 * 1024 + 1, ' '));
  set_header(request, "Content-Type", "text/plain");
  const auto r = send(std::move(request));
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("payload_too_large"), std::string::npos);
}

TEST_F(IngestHandlerTest, NonJsonMediaTypeIs415) {
  for (const char* type :
       {"text/plain", "application/jsonx", "application/x-www-form-urlencoded"}) {
    auto request = post("/metrics", record_json());
    set_header(request, "Content-Type", type);
    EXPECT_EQ(send(std::move(request))->status, 415) << type;
  }
  auto missing = post("/metrics", record_json());
  drop_header(missing, "Content-Type");
  EXPECT_EQ(send(std::move(missing))->status, 415);
}

TEST_F(IngestHandlerTest, JsonWithParametersIsAccepted) {
  auto request = post("/metrics", record_json());
  set_header(request, "Content-Type", "Application/JSON; charset=utf-8");
  EXPECT_FALSE(send(std::move(request)));
}

TEST_F(IngestHandlerTest, BadIdempotencyKeyIs400BeforeTheBody) {
  auto request = post("/metrics", "not json");
  set_header(request, "Idempotency-Key", "has space");
  const auto r = send(std::move(request));
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find(R"("error":"invalid_idempotency_key")"), std::string::npos);
}

TEST_F(IngestHandlerTest, ContractErrorsComeFromCore) {
  const auto broken = send(post("/metrics", "{\"vm\":"));
  EXPECT_EQ(broken->status, 400);
  EXPECT_NE(broken->body.find(R"("error":"invalid_json")"), std::string::npos);

  std::string bad = record_json();
  bad.replace(bad.find("\"procesos_corriendo\":3"), 22, "\"procesos_corriendo\":301");
  const auto invalid = send(post("/metrics", "[" + record_json() + "," + bad + "]"));
  EXPECT_EQ(invalid->status, 400);
  EXPECT_NE(invalid->body.find(R"("error":"invalid_record")"), std::string::npos);
  EXPECT_NE(invalid->body.find(R"("field":"procesos_corriendo")"), std::string::npos);
  EXPECT_NE(invalid->body.find(R"("index":1)"), std::string::npos);
  EXPECT_TRUE(sink.items.empty());
}

TEST_F(IngestHandlerTest, FullQueueAndDownDatabaseAre503) {
  sink.answer = IngestSink::Submit::full;
  auto full = send(post("/metrics", record_json()));
  EXPECT_EQ(full->status, 503);
  EXPECT_EQ(header(*full, "Retry-After"), "1");
  sink.answer = IngestSink::Submit::unavailable;
  auto down = send(post("/metrics", record_json()));
  EXPECT_EQ(down->status, 503);
  EXPECT_NE(down->body.find("database_unavailable"), std::string::npos);
}

TEST_F(IngestHandlerTest, HealthEndpoints) {
  http::Request live;
  live.method = "GET";
  live.path = "/livez";
  EXPECT_EQ(send(live)->status, 200);
  http::Request readyz = live;
  readyz.path = "/readyz";
  EXPECT_EQ(send(readyz)->status, 200);
  ready = false;
  const auto down = send(readyz);
  EXPECT_EQ(down->status, 503);
  EXPECT_EQ(header(*down, "Retry-After"), "1");
  readyz.method = "POST";
  EXPECT_EQ(send(readyz)->status, 405);
}

TEST_F(IngestHandlerTest, EveryTokenOfTheSetIsAccepted) {
  auto old_one = post("/metrics", record_json());
  set_header(old_one, "Authorization", std::string("bearer  ") + kOldToken);
  EXPECT_FALSE(send(std::move(old_one)));  // queued: accepted
  EXPECT_EQ(sink.items.size(), 1u);
}

TEST_F(IngestHandlerTest, AnswerBeforeBodyFollowsTheContractOrder) {
  const std::string bearer = std::string("Bearer ") + kToken;
  EXPECT_EQ(handler.answer_before_body("POST", "/nope", std::nullopt, std::nullopt)->status, 404);
  EXPECT_EQ(handler.answer_before_body("PUT", "/metrics", std::nullopt, std::nullopt)->status, 405);
  const auto unauthorized =
      handler.answer_before_body("POST", "/metrics", std::nullopt, "99999999");
  ASSERT_TRUE(unauthorized);
  EXPECT_EQ(unauthorized->status, 401);
  EXPECT_EQ(header(*unauthorized, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(
      handler.answer_before_body("POST", "/metrics", "Bearer wrong-token-123456", "10")->status,
      401);
  EXPECT_EQ(handler.answer_before_body("POST", "/metrics", bearer, "1048577")->status, 413);
  EXPECT_FALSE(handler.answer_before_body("POST", "/metrics", bearer, "1048576"));
  EXPECT_FALSE(handler.answer_before_body("POST", "/api/cpp/metrics", bearer, std::nullopt));
  EXPECT_FALSE(handler.answer_before_body("GET", "/livez", std::nullopt, std::nullopt));
  EXPECT_FALSE(handler.answer_before_body("GET", "/readyz", std::nullopt, std::nullopt));
}

TEST_F(IngestHandlerTest, KeyedItemCarriesTheBodysSha256) {
  auto keyed = post("/metrics", record_json());
  set_header(keyed, "Idempotency-Key", "k-1");
  send(std::move(keyed));
  send(post("/metrics", record_json()));
  ASSERT_EQ(sink.items.size(), 2u);
  EXPECT_EQ(sink.items[0].body_sha256, secret::sha256_hex(record_json()));
  EXPECT_EQ(sink.items[1].body_sha256, "");  // no key: nothing to bind
}

TEST_F(IngestHandlerTest, KeyReusedWithAnotherBodyIs422) {
  auto keyed = post("/metrics", record_json());
  set_header(keyed, "Idempotency-Key", "k-1");
  EXPECT_FALSE(send(std::move(keyed)));
  sink.dones[0]({ItemResult::Status::key_reused, 0});
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses.back().status, 422);
  EXPECT_NE(responses.back().body.find(R"("error":"idempotency_key_reused")"), std::string::npos);
}

TEST(TokenStore, ReloadReplacesTheSetAndABadFileKeepsIt) {
  const std::string path = ::testing::TempDir() + "/vmpulse-token-store";
  std::ofstream(path) << "first-token-0123456789\n";
  TokenStore store(std::get<secret::TokenSet>(secret::load_token_file(path)), path);
  EXPECT_TRUE(store.accepts_authorization("Bearer first-token-0123456789"));
  std::ofstream(path) << "first-token-0123456789\nsecond-token-0123456789\n";
  EXPECT_EQ(std::get<std::size_t>(store.reload()), 2u);
  EXPECT_TRUE(store.accepts("first-token-0123456789"));
  EXPECT_TRUE(store.accepts("second-token-0123456789"));
  std::ofstream(path) << "short\n";
  EXPECT_NE(std::get<std::string>(store.reload()).find("line 1"), std::string::npos);
  EXPECT_TRUE(store.accepts("second-token-0123456789"));  // the old set stays
  std::ofstream(path) << "second-token-0123456789\n";
  EXPECT_EQ(std::get<std::size_t>(store.reload()), 1u);
  EXPECT_FALSE(store.accepts("first-token-0123456789"));
  EXPECT_FALSE(store.accepts(""));
  std::remove(path.c_str());
}

TEST(TokenStore, ATokenFromTheCommandLineHasNothingToReload) {
  TokenStore store(secret::TokenSet({"given-token"}));
  EXPECT_TRUE(store.accepts("given-token"));
  EXPECT_TRUE(std::holds_alternative<std::string>(store.reload()));
  EXPECT_TRUE(store.accepts("given-token"));
}

TEST(JsonMediaType, AcceptsParametersOnly) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("application/json;charset=UTF-8"));
  EXPECT_TRUE(is_json_media_type(" application/json "));
  EXPECT_FALSE(is_json_media_type("application/json-patch+json"));
  EXPECT_FALSE(is_json_media_type(""));
  EXPECT_FALSE(is_json_media_type(std::nullopt));
}

}  // namespace
}  // namespace vmpulse::api
