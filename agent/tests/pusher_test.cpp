#include "pusher.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
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

TEST(ClassifyStatus, AnEdgePageIsNotTheIngestRejectingTheBatch) {
  for (int status : {400, 413, 415, 422}) {
    EXPECT_EQ(classify_status(status, false), PushOutcome::config_error) << status;
    EXPECT_EQ(classify_status(status, true), PushOutcome::reject) << status;
  }
  EXPECT_EQ(classify_status(201, false), PushOutcome::delivered);
  EXPECT_EQ(classify_status(503, false), PushOutcome::retry);
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

TEST(HttpClient, AConnectionErrorIsATransportError) {
  // Port 1 on loopback: nothing listens there, the connect is refused at once.
  HttpClient client(std::get<HttpUrl>(parse_http_url("http://127.0.0.1:1/api/metrics")),
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
      pusher.add(record.vm, to_json(record));
    }
    EXPECT_EQ(pusher.stats().pending_samples, 25u);
    pusher.stop();
    EXPECT_EQ(std::filesystem::file_size(dir + "/samples.journal"), 0u);  // all in the spool
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

namespace vmpulse::agent {
namespace {

PushState live_state() {
  PushState state;
  state.pending = 1;
  state.batch_max = 50;
  return state;
}

TEST(NextAction, ASampleGoesLiveWhileNothingIsQueuedAndNothingFails) {
  EXPECT_EQ(next_action(live_state()), PushAction::send_live);
  PushState idle = live_state();
  idle.pending = 0;
  EXPECT_EQ(next_action(idle), PushAction::wait);
}

TEST(NextAction, AFailureWaitsForItsBackoffThenRetriesLiveUntilBatchInterval) {
  PushState state = live_state();
  state.failing = true;
  state.retry_due = false;
  EXPECT_EQ(next_action(state), PushAction::wait);
  state.retry_due = true;
  EXPECT_EQ(next_action(state), PushAction::send_live);
  state.retry_due = false;
  state.oldest_pending_due = true;  // the outage lasts: catch up in batches
  EXPECT_EQ(next_action(state), PushAction::seal);
}

TEST(NextAction, ABacklogInTheSpoolIsDeliveredFirstAndNewSamplesBatched) {
  PushState state = live_state();
  state.spool_batches = 3;
  EXPECT_EQ(next_action(state), PushAction::deliver_spooled);
  state.oldest_pending_due = true;
  EXPECT_EQ(next_action(state), PushAction::seal);
  state.oldest_pending_due = false;
  state.retry_due = false;
  EXPECT_EQ(next_action(state), PushAction::wait);
}

TEST(NextAction, AFullBatchIsSealedEvenWhenLive) {
  PushState state = live_state();
  state.pending = 50;
  EXPECT_EQ(next_action(state), PushAction::seal);
}

// What a SIGKILLed run leaves, written by hand: sample 1 delivered live, samples 2-3
// sealed into a batch whose file was never written, sample 4 sent alone once (answer
// lost), sample 5 journaled, sample 6 torn.
TEST(Pusher, RecoversTheJournalExactlyOnce) {
  const std::string dir = ::testing::TempDir() + "/agent-pusher-recover";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Record record;
  record.vm = "vm-1";
  record.hora = "2026-01-02 03:04:05";
  record.porcentaje_cpu_libre = 100;
  std::vector<JournalSample> samples;
  for (int i = 1; i <= 6; ++i) {
    record.total_procesos = i;
    samples.push_back(JournalSample{new_idempotency_key("vm-1"), to_json(record)});
  }
  std::string text;
  for (int i = 0; i < 5; ++i) {
    text += journal_sample_line(samples[i].key, samples[i].json);
  }
  text += journal_delivered_line(samples[0].key);
  const std::vector<const JournalSample*> sealed{&samples[1], &samples[2]};
  text += journal_seal_line("vm-1:1:sealed", "000000000000001-000000.batch", sealed);
  const std::string torn = journal_sample_line(samples[5].key, samples[5].json);
  text += torn.substr(0, torn.size() - 10);
  std::ofstream(dir + "/samples.journal") << text;

  PushOptions options;
  options.url = "http://127.0.0.1:1/api/metrics";
  options.token = "t";
  options.spool_dir = dir;
  for (int run = 0; run < 2; ++run) {  // the second start finds nothing more to do
    Pusher pusher(options);
    EXPECT_EQ(pusher.stats().recovered_samples, run == 0 ? 2u : 0u);
    EXPECT_EQ(pusher.stats().spool_batches, run == 0 ? 1u : 3u);
    pusher.stop();  // the unsent samples are sealed alone, under their own keys
  }
  Spool spool(dir, 100, 1 << 20);
  std::vector<std::pair<std::string, std::string>> batches;
  while (auto batch = spool.oldest()) {
    batches.emplace_back(batch->idempotency_key, batch->body);
    spool.remove(batch->file);
  }
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0],
            std::make_pair(std::string("vm-1:1:sealed"), batch_body(sealed)));  // rebuilt as sealed
  EXPECT_EQ(batches[1], std::make_pair(samples[3].key, "[" + samples[3].json + "]"));
  EXPECT_EQ(batches[2], std::make_pair(samples[4].key, "[" + samples[4].json + "]"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vmpulse::agent
