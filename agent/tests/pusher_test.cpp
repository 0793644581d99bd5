#include "pusher.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "vmpulse/contract.hpp"

namespace vmpulse::agent {
namespace {

TEST(ClassifyStatus, OnlyBatchFaultsAreDropped) {
  EXPECT_EQ(classify_status(201), PushOutcome::delivered);
  EXPECT_EQ(classify_status(200), PushOutcome::delivered);
  for (int status : {400, 413, 415, 422}) {
    EXPECT_EQ(classify_status(status), PushOutcome::reject) << status;
  }
  for (int status : {401, 403, 404, 408, 429, 500, 502, 503, 504}) {
    EXPECT_EQ(classify_status(status), PushOutcome::retry) << status;
  }
}

TEST(ClassifyStatus, ARedirectIsAConfigurationErrorNotFollowed) {
  for (int status : {300, 301, 302, 303, 307, 308}) {
    EXPECT_EQ(classify_status(status), PushOutcome::config_error) << status;
  }
}

TEST(BackoffDelay, DoublesUpToThirtySeconds) {
  using std::chrono::milliseconds;
  EXPECT_EQ(backoff_delay(1, std::nullopt), milliseconds(500));
  EXPECT_EQ(backoff_delay(2, std::nullopt), milliseconds(1000));
  EXPECT_EQ(backoff_delay(3, std::nullopt), milliseconds(2000));
  EXPECT_EQ(backoff_delay(7, std::nullopt), milliseconds(30'000));
  EXPECT_EQ(backoff_delay(100, std::nullopt), milliseconds(30'000));
}

TEST(BackoffDelay, HonoursRetryAfterWithinFiveMinutes) {
  EXPECT_EQ(backoff_delay(1, std::chrono::seconds(7)), std::chrono::seconds(7));
  EXPECT_EQ(backoff_delay(1, std::chrono::seconds(3600)), std::chrono::minutes(5));
}

TEST(IdempotencyKey, MatchesTheContractAndIsUnique) {
  const std::string a = new_idempotency_key("web-1.example");
  const std::string b = new_idempotency_key("web-1.example");
  EXPECT_TRUE(valid_idempotency_key(a)) << a;
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("web-1.example:"));
  EXPECT_TRUE(valid_idempotency_key(new_idempotency_key(std::string(64, 'v'))));
}

TEST(ParseHttpUrl, SplitsHostPortAndTarget) {
  auto url = parse_http_url("http://127.0.0.1:5000/api/metrics");
  ASSERT_TRUE(std::holds_alternative<HttpUrl>(url));
  EXPECT_EQ(std::get<HttpUrl>(url).host, "127.0.0.1");
  EXPECT_EQ(std::get<HttpUrl>(url).port, "5000");
  EXPECT_EQ(std::get<HttpUrl>(url).target, "/api/metrics");
  url = parse_http_url("http://ingest.example");
  ASSERT_TRUE(std::holds_alternative<HttpUrl>(url));
  EXPECT_EQ(std::get<HttpUrl>(url).port, "80");
  EXPECT_EQ(std::get<HttpUrl>(url).target, "/");
  url = parse_http_url("http://[::1]:8000/x");
  ASSERT_TRUE(std::holds_alternative<HttpUrl>(url));
  EXPECT_EQ(std::get<HttpUrl>(url).host, "::1");
}

TEST(ParseHttpUrl, RejectsWhatItCannotSend) {
  for (const char* bad : {"ftp://x", "http://", "http://:80/", "http://x:0/", "http://x:99999/",
                          "http://u:p@x/", "http://[::1/"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_http_url(bad))) << bad;
  }
}

TEST(PushClient, AConnectionErrorIsATransportError) {
  // Port 1 on loopback: nothing listens there, the connect is refused at once.
  PushClient client(std::get<HttpUrl>(parse_http_url("http://127.0.0.1:1/api/metrics")),
                    std::chrono::seconds(2));
  auto answer = client.post(PostRequest{"[]", "t", "k"});
  ASSERT_TRUE(std::holds_alternative<std::string>(answer));
  EXPECT_NE(std::get<std::string>(answer).find("connect"), std::string::npos)
      << std::get<std::string>(answer);
}

}  // namespace
}  // namespace vmpulse::agent

namespace vmpulse::agent {
namespace {

TEST(Pusher, StopSealsWhatWasNotBatchedInBatchesOfAtMostBatchMax) {
  const std::string dir = ::testing::TempDir() + "/agent-pusher-stop";
  std::filesystem::remove_all(dir);
  PushOptions options;
  options.url = "http://127.0.0.1:1/api/metrics";
  options.token = "t";
  options.spool_dir = dir;
  options.batch_max = 10;
  {
    Pusher pusher(options);  // never started: nothing is sent, everything is spooled
    Record record;
    record.vm = "vm-1";
    record.hora = "2026-01-02 03:04:05";
    record.porcentaje_cpu_libre = 100;
    for (int i = 0; i < 25; ++i) {
      record.total_procesos = i;
      pusher.add(record);
    }
    EXPECT_EQ(pusher.stats().pending_samples, 25u);
    pusher.stop();
    EXPECT_EQ(pusher.stats().spool_batches, 3u);
    EXPECT_EQ(pusher.stats().samples, 25u);
  }
  Spool spool(dir, 100, 1 << 20);
  std::vector<std::size_t> sizes;
  std::set<std::string> keys;
  while (auto batch = spool.oldest()) {
    sizes.push_back(batch->samples);
    keys.insert(batch->idempotency_key);
    auto parsed = parse_ingest_body(batch->body);  // each batch is a valid ingest body
    ASSERT_TRUE(std::holds_alternative<std::vector<Record>>(parsed)) << batch->body;
    EXPECT_EQ(std::get<std::vector<Record>>(parsed).size(), batch->samples);
    spool.remove(batch->file);
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_EQ(keys.size(), 3u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vmpulse::agent
