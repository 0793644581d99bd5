// Push mode: delivers every sample to the ingest API exactly once (by idempotency key).
// The sampler adds records; the pusher thread seals them into batches (every
// batch_interval or batch_max samples), writes each batch to the spool before sending
// it, POSTs the oldest batch first, and removes it only when the API answered 2xx.
// Connection errors, 5xx, 429 and other transient answers are retried with exponential
// backoff (Retry-After honoured); a batch answered 400/413/415/422 can never succeed
// and is dropped with a log line. A 3xx is a wrong --push URL: never followed (the
// token goes nowhere else), logged once with its Location, retried with backoff.
// add(), set_token() and stats() are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "options.hpp"
#include "push_client.hpp"
#include "spool.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::agent {

struct PushStats {
  std::uint64_t samples = 0;            // added by the sampler
  std::uint64_t delivered_batches = 0;  // answered 2xx
  std::uint64_t delivered_samples = 0;
  std::uint64_t rejected_batches = 0;  // answered 4xx that can never succeed, dropped
  std::uint64_t dropped_batches = 0;   // the spool was full, or a spool file was unreadable
  std::uint64_t failed_attempts = 0;   // retried later
  std::size_t spool_batches = 0;
  std::size_t pending_samples = 0;  // not yet in a batch
};

// What to do with an answer: delivered, retry later, or drop the batch.
// config_error: a redirect, which --push must be corrected for; retried like `retry`.
enum class PushOutcome { delivered, retry, reject, config_error };
PushOutcome classify_status(int status);

// The wait before retry number `attempt` (1, 2, …): 0.5 s doubling to 30 s, or the
// server's Retry-After (up to 5 min) when it gave one.
std::chrono::milliseconds backoff_delay(unsigned attempt,
                                        std::optional<std::chrono::seconds> retry_after);

// The stats as Prometheus text (vmpulse_push_*), appended to the agent's exposition.
void append_prometheus(std::string& out, const PushStats& stats);

// "<vm>:<ms since epoch>:<random>", matching the contract's idempotency_key_pattern.
std::string new_idempotency_key(const std::string& vm);

class Pusher {
 public:
  explicit Pusher(PushOptions options);  // opens the spool; throws std::runtime_error
  ~Pusher();
  Pusher(const Pusher&) = delete;
  Pusher& operator=(const Pusher&) = delete;

  void add(const Record& record);
  // The token for the next requests (the token file was read again on SIGHUP).
  void set_token(std::string token);
  void start();
  // Seals the samples not yet batched into the spool (delivered on the next start)
  // and joins the thread; idempotent.
  void stop();
  PushStats stats() const;

 private:
  void run();
  void seal_locked(std::unique_lock<std::mutex>& lock);
  void deliver_one(std::unique_lock<std::mutex>& lock);
  void update_spool_stats();  // with the lock held

  PushOptions options_;
  PushClient client_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  Spool spool_;  // guarded by mutex_ (I/O on it happens with the lock released where it is slow)
  std::vector<std::string> pending_;  // records as JSON, not yet in a batch
  std::string pending_vm_;
  std::chrono::steady_clock::time_point first_pending_;
  unsigned attempt_ = 0;
  bool config_error_logged_ = false;  // pusher thread only: a redirect is logged once
  std::chrono::steady_clock::time_point retry_at_;
  PushStats stats_;
  std::uint64_t unspooled_batches_ = 0;  // could not be written to the spool
  std::thread thread_;
};

}  // namespace vmpulse::agent
