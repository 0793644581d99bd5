// Push mode: delivers every sample to the ingest API exactly once (by idempotency key),
// and as soon as it is taken while the ingest keeps up.
// add() journals each sample (journal.hpp: appended and synced) before anything else,
// so a SIGKILL or a power cut loses at most the sample being taken. Live: while the
// spool is empty and no failure is in progress, the pusher thread POSTs each sample on
// its own (one request per sample) under the key it was journaled with. Backlog:
// after a failure, or with batches in the spool, samples are sealed into batches
// (every batch_interval or batch_max samples) written to the spool, and the oldest
// batch is POSTed first and removed only when the API answered 2xx. A sample that was
// ever sent alone keeps its own key and is sealed alone, so no replay can store it
// twice. Connection errors, 5xx, 429 and other transient answers are retried with
// exponential backoff (Retry-After honoured); a request answered 400/413/415/422 can
// never succeed and is dropped with a log line. A 3xx is a wrong --push URL: never
// followed (the token goes nowhere else), logged once with its Location, retried with
// backoff. add(), set_token() and stats() are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "journal.hpp"
#include "options.hpp"
#include "spool.hpp"
#include "vmpulse/http_client.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::agent {

struct PushStats {
  std::uint64_t samples = 0;            // added by the sampler
  std::uint64_t delivered_batches = 0;  // requests answered 2xx (a live sample is a batch of one)
  std::uint64_t delivered_samples = 0;
  std::uint64_t live_samples = 0;       // delivered on their own as soon as taken
  std::uint64_t recovered_samples = 0;  // found in the journal at start, not yet delivered
  std::uint64_t rejected_batches = 0;   // answered 4xx that can never succeed, dropped
  std::uint64_t dropped_batches = 0;    // the spool was full, or a spool file was unreadable
  std::uint64_t failed_attempts = 0;    // retried later
  std::size_t spool_batches = 0;
  std::size_t pending_samples = 0;  // not yet in a batch
  std::size_t spool_bytes = 0;      // batch files waiting in the spool
  std::size_t journal_bytes = 0;    // the journal of samples not yet delivered or sealed
};

// What the pusher thread does next (pure, for the tests). Live while nothing is
// queued ahead and no failure is in progress; otherwise the batch logic catches up.
enum class PushAction { wait, send_live, seal, deliver_spooled };
struct PushState {
  std::size_t pending = 0;          // samples not yet sent nor in a batch
  std::size_t spool_batches = 0;    // batches waiting in the spool
  bool failing = false;             // the last request failed and will be retried
  bool retry_due = true;            // the backoff after that failure is over
  bool oldest_pending_due = false;  // the oldest pending sample waited batch_interval
  std::size_t batch_max = 50;
};
PushAction next_action(const PushState& state);

// What to do with an answer: delivered, retry later, or drop the batch.
// config_error: a redirect, or a 4xx page that is not the ingest's JSON (an edge in
// front of it refused the request: a missing client certificate, a WAF), which the
// configuration must be corrected for; retried like `retry`, never dropped.
enum class PushOutcome { delivered, retry, reject, config_error };
PushOutcome classify_status(int status, bool json_answer = true);

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

  // A sample of `vm`, as its record's JSON (to_json).
  void add(const std::string& vm, std::string record_json);
  // The token for the next requests (the token file was read again on SIGHUP).
  void set_token(std::string token);
  void start();
  // Joins the thread, then seals the samples not yet sent into the spool (delivered on
  // the next start); idempotent.
  void stop();
  PushStats stats() const;

 private:
  struct PendingSample {
    JournalSample sample;
    // Sent on its own before (or found in the journal): the ingest may hold it under its
    // own key already, so it must be sealed alone, under that key.
    bool alone = false;
    std::chrono::steady_clock::time_point taken;
  };

  void recover();
  void run();
  PushState state_locked(std::chrono::steady_clock::time_point now) const;
  void seal_locked(std::unique_lock<std::mutex>& lock);
  void send_live(std::unique_lock<std::mutex>& lock);
  PushOutcome post_and_classify(const PostRequest& request, const std::string& what,
                                std::size_t samples,
                                std::optional<std::chrono::seconds>& retry_after);
  void deliver_one(std::unique_lock<std::mutex>& lock);
  // Counts an answer (or a transport error) to a request; with the lock held.
  void count_outcome(PushOutcome outcome, std::size_t samples,
                     std::optional<std::chrono::seconds> retry_after);
  void journal_locked(const std::string& line, bool sync);
  void update_spool_stats();  // with the lock held

  PushOptions options_;
  HttpClient client_;
  // Only the pusher thread uses the spool (and the constructor and stop(), when that
  // thread is not running), so its slow file I/O never holds mutex_ and add() waits for
  // no disk but the journal's.
  Spool spool_;
  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  bool stopping_ = false;
  // Appended to in the order pending_ changes, which is what makes its replay exact.
  Journal journal_;
  bool journal_failing_ = false;       // logged once until it works again
  std::deque<PendingSample> pending_;  // oldest first
  std::string vm_;
  unsigned attempt_ = 0;              // failed attempts in a row; > 0 means backlog mode
  bool config_error_logged_ = false;  // pusher thread only: a redirect is logged once
  std::chrono::steady_clock::time_point retry_at_;
  PushStats stats_;
  std::uint64_t unspooled_batches_ = 0;  // could not be written to the spool
  std::thread thread_;
};

}  // namespace vmpulse::agent
