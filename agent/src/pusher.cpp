#include "pusher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <random>
#include <stdexcept>
#include <utility>

#include "prometheus_text.hpp"

namespace vmpulse::agent {
namespace {

constexpr std::chrono::milliseconds kRequestTimeout{5000};

std::uint64_t random_u64() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

HttpUrl url_or_throw(const std::string& url) {
  auto parsed = parse_http_url(url);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    throw std::runtime_error("--push " + url + ": " + *error);
  }
  return std::get<HttpUrl>(parsed);
}

}  // namespace

PushAction next_action(const PushState& state) {
  if (state.pending > 0 && state.pending >= state.batch_max) {
    return PushAction::seal;
  }
  if (state.pending > 0 && state.spool_batches == 0 && state.retry_due) {
    return PushAction::send_live;
  }
  if (state.pending > 0 && (state.spool_batches > 0 || state.failing) && state.oldest_pending_due) {
    return PushAction::seal;
  }
  if (state.spool_batches > 0 && state.retry_due) {
    return PushAction::deliver_spooled;
  }
  return PushAction::wait;
}

PushOutcome classify_status(int status, bool json_answer) {
  if (status >= 200 && status < 300) {
    return PushOutcome::delivered;
  }
  // The batch itself is at fault, in the ingest's own words: sending it again cannot
  // help. The same status as another server's page says nothing about the batch.
  if (status == 400 || status == 413 || status == 415 || status == 422) {
    return json_answer ? PushOutcome::reject : PushOutcome::config_error;
  }
  if (status >= 300 && status < 400) {
    return PushOutcome::config_error;
  }
  // 401/403/404 are configuration that an operator can fix while the spool waits;
  // 408, 429 and 5xx are the server's state.
  return PushOutcome::retry;
}

std::chrono::milliseconds backoff_delay(unsigned attempt,
                                        std::optional<std::chrono::seconds> retry_after) {
  using std::chrono::milliseconds;
  if (retry_after) {
    return std::min<milliseconds>(*retry_after, std::chrono::minutes(5));
  }
  const unsigned doublings = std::min(attempt > 0 ? attempt - 1 : 0u, 6u);
  return std::min(milliseconds(500) * (1u << doublings), milliseconds(30'000));
}

void append_prometheus(std::string& out, const PushStats& stats) {
  auto metric = [&out](const char* name, const char* type, const char* help, std::uint64_t value) {
    append_metric_header(out, name, type, help);
    out += name;
    out += ' ';
    out += std::to_string(value);
    out += '\n';
  };
  metric("vmpulse_push_samples_total", "counter", "Samples handed to the pusher.", stats.samples);
  metric("vmpulse_push_delivered_batches_total", "counter", "Batches the ingest API answered 2xx.",
         stats.delivered_batches);
  metric("vmpulse_push_delivered_samples_total", "counter", "Samples in delivered batches.",
         stats.delivered_samples);
  metric("vmpulse_push_live_samples_total", "counter",
         "Samples delivered on their own as soon as they were taken.", stats.live_samples);
  metric("vmpulse_push_recovered_samples_total", "counter",
         "Samples found in the journal at start that an earlier run had not delivered.",
         stats.recovered_samples);
  metric("vmpulse_push_rejected_batches_total", "counter",
         "Batches answered 400/413/415/422 and dropped.", stats.rejected_batches);
  metric("vmpulse_push_dropped_batches_total", "counter",
         "Batches dropped because the spool was full or unreadable.", stats.dropped_batches);
  metric("vmpulse_push_failed_attempts_total", "counter", "Attempts that will be retried.",
         stats.failed_attempts);
  metric("vmpulse_push_spool_batches", "gauge", "Batches waiting in the spool.",
         stats.spool_batches);
  metric("vmpulse_push_pending_samples", "gauge",
         "Samples neither delivered nor sealed into a batch yet.", stats.pending_samples);
  // The same names as the api's and the hub's own metrics (docs/agent.md, "Metrics").
  metric("vmpulse_push_records_sent_total", "counter",
         "Records the ingest API confirmed (one record a sample).", stats.delivered_samples);
  append_metric_header(out, "vmpulse_push_errors_total", "counter",
                       "Push problems by kind: retried (failed attempts), rejected (4xx, "
                       "dropped), dropped (spool full or unreadable).");
  for (const auto& [kind, value] :
       {std::pair{"retried", stats.failed_attempts}, std::pair{"rejected", stats.rejected_batches},
        std::pair{"dropped", stats.dropped_batches}}) {
    out += "vmpulse_push_errors_total{kind=\"";
    out += kind;
    out += "\"} ";
    out += std::to_string(value);
    out += '\n';
  }
  metric("vmpulse_push_spool_bytes", "gauge", "Bytes of batch files waiting in the spool.",
         stats.spool_bytes);
  metric("vmpulse_push_journal_bytes", "gauge",
         "Bytes of the journal of samples not yet delivered or sealed.", stats.journal_bytes);
}

std::string new_idempotency_key(const std::string& vm) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char random[17];
  std::snprintf(random, sizeof random, "%016llx", static_cast<unsigned long long>(random_u64()));
  return vm.substr(0, 64) + ":" + std::to_string(ms) + ":" + random;
}

Pusher::Pusher(PushOptions options)
    : options_(std::move(options)),
      client_(url_or_throw(options_.url), kRequestTimeout, options_.tls),
      spool_(options_.spool_dir, options_.spool_max_files, options_.spool_max_bytes),
      journal_(options_.spool_dir) {
  recover();
  stats_.spool_batches = spool_.batches();
}

Pusher::~Pusher() { stop(); }

void Pusher::recover() {
  const JournalReplay& replay = journal_.replayed();
  std::size_t rebuilt = 0;
  for (const JournalSeal& seal : replay.seals) {
    // Killed between the "b" line and the batch file, or the batch was delivered and
    // removed before the journal was emptied: the same key and the same bytes again,
    // which the ingest stores at most once.
    if (spool_.contains(seal.file) || seal.samples.empty()) {
      continue;
    }
    std::vector<const JournalSample*> samples;
    for (const JournalSample& sample : seal.samples) {
      samples.push_back(&sample);
    }
    try {
      spool_.add_as(seal.file, seal.batch_key, batch_body(samples), samples.size());
      ++rebuilt;
    } catch (const std::exception& error) {
      ++unspooled_batches_;
      spdlog::error("journal: cannot rebuild batch {} ({} samples), dropping it: {}", seal.file,
                    samples.size(), error.what());
    }
  }
  const auto now = std::chrono::steady_clock::now();
  for (const JournalSample& sample : replay.unsent) {
    pending_.push_back(PendingSample{sample, true, now});
  }
  stats_.recovered_samples = pending_.size();
  stats_.pending_samples = pending_.size();
  if (rebuilt > 0 || !pending_.empty() || replay.skipped_lines > 0) {
    spdlog::info(
        "journal {}: {} samples of an earlier run to send again, {} batches rebuilt, {} lines "
        "skipped",
        journal_.path(), pending_.size(), rebuilt, replay.skipped_lines);
  }
  // Only the unsent samples stay: the rest is delivered or in the spool (synced above).
  try {
    journal_.rewrite(replay.unsent);
  } catch (const std::exception& error) {
    // Appends go on to the old journal; its next replay reaches the same state.
    spdlog::error("journal: cannot rewrite it: {}", error.what());
  }
}

void Pusher::start() {
  thread_ = std::thread([this] { run(); });
}

void Pusher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) {
      return;
    }
    stopping_ = true;
  }
  client_.cancel();
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  std::unique_lock lock(mutex_);
  seal_locked(lock);
  spdlog::info(
      "push: {} samples taken this run, {} batches delivered, {} batches left in the spool {}",
      stats_.samples, stats_.delivered_batches, stats_.spool_batches, spool_.directory());
}

void Pusher::journal_locked(const std::string& line, bool sync) {
  try {
    journal_.append(line, sync);
    if (journal_failing_) {
      spdlog::info("journal {}: writing again", journal_.path());
      journal_failing_ = false;
    }
  } catch (const std::exception& error) {
    // The sample is still sent from memory; only a crash before then would lose it.
    if (!journal_failing_) {
      spdlog::error("journal: {}; samples are kept in memory only until it works again",
                    error.what());
      journal_failing_ = true;
    }
  }
}

void Pusher::add(const std::string& vm, std::string record_json) {
  PendingSample pending{JournalSample{new_idempotency_key(vm), std::move(record_json)}, false,
                        std::chrono::steady_clock::now()};
  std::lock_guard lock(mutex_);
  // On disk before the pusher can see it: from here on only a lost disk can lose it.
  journal_locked(journal_sample_line(pending.sample.key, pending.sample.json), true);
  vm_ = vm;
  pending_.push_back(std::move(pending));
  ++stats_.samples;
  stats_.pending_samples = pending_.size();
  wake_.notify_all();
}

void Pusher::set_token(std::string token) {
  std::lock_guard lock(mutex_);
  options_.token = std::move(token);
}

PushStats Pusher::stats() const {
  std::lock_guard lock(mutex_);
  PushStats stats = stats_;
  stats.journal_bytes = journal_.bytes();
  return stats;
}

PushState Pusher::state_locked(std::chrono::steady_clock::time_point now) const {
  PushState state;
  state.pending = pending_.size();
  state.spool_batches = spool_.batches();
  state.failing = attempt_ > 0;
  state.retry_due = now >= retry_at_;
  state.oldest_pending_due =
      !pending_.empty() && now - pending_.front().taken >= options_.batch_interval;
  state.batch_max = options_.batch_max;
  return state;
}

void Pusher::seal_locked(std::unique_lock<std::mutex>& lock) {
  std::uint64_t unspooled = 0;
  while (!pending_.empty()) {
    // A sample sent alone before keeps its key and goes alone; the others go together,
    // at most batch_max, under a new key.
    std::size_t count = 1;
    if (!pending_.front().alone) {
      while (count < pending_.size() && count < options_.batch_max && !pending_[count].alone) {
        ++count;
      }
    }
    std::vector<JournalSample> group;
    group.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      group.push_back(std::move(pending_.front().sample));
      pending_.pop_front();
    }
    std::vector<const JournalSample*> samples;
    samples.reserve(group.size());
    for (const JournalSample& sample : group) {
      samples.push_back(&sample);
    }
    // One sample is sent under its own key whichever way it goes: the same bytes as a
    // live send of it.
    const std::string key = count == 1 ? group.front().key : new_idempotency_key(vm_);
    const std::string file = spool_.reserve_name();
    journal_locked(journal_seal_line(key, file, samples), true);
    stats_.pending_samples = pending_.size();
    lock.unlock();  // file I/O without holding up the sampler's add()
    try {
      spool_.add_as(file, key, batch_body(samples), samples.size());
    } catch (const std::exception& error) {
      ++unspooled;
      spdlog::error("push: cannot spool a batch of {} samples, dropping it: {}", samples.size(),
                    error.what());
    }
    lock.lock();
  }
  // Every sample the journal holds is delivered or in a synced batch file.
  journal_.clear();
  unspooled_batches_ += unspooled;
  update_spool_stats();
}

void Pusher::update_spool_stats() {
  stats_.spool_batches = spool_.batches();
  stats_.spool_bytes = spool_.bytes();
  stats_.dropped_batches = spool_.dropped_batches() + unspooled_batches_;
}

void Pusher::count_outcome(PushOutcome outcome, std::size_t samples,
                           std::optional<std::chrono::seconds> retry_after) {
  switch (outcome) {
    case PushOutcome::delivered:
      ++stats_.delivered_batches;
      stats_.delivered_samples += samples;
      if (attempt_ > 0) {
        spdlog::info("push: delivering again after {} failed attempts", attempt_);
      }
      attempt_ = 0;
      retry_at_ = {};
      config_error_logged_ = false;
      break;
    case PushOutcome::reject:
      ++stats_.rejected_batches;
      attempt_ = 0;
      retry_at_ = {};
      break;
    case PushOutcome::retry:
    case PushOutcome::config_error:
      ++stats_.failed_attempts;
      ++attempt_;
      retry_at_ = std::chrono::steady_clock::now() + backoff_delay(attempt_, retry_after);
      break;
  }
}

// Posts and classifies, logging what is not a delivery; `what` names the request. Runs on
// the pusher thread without the lock (config_error_logged_ is that thread's alone).
PushOutcome Pusher::post_and_classify(const PostRequest& request, const std::string& what,
                                      std::size_t samples,
                                      std::optional<std::chrono::seconds>& retry_after) {
  auto answer = client_.post(request);
  if (auto* error = std::get_if<std::string>(&answer)) {
    if (*error != "cancelled") {
      spdlog::warn("push: {} ({} samples) not delivered, will retry: {}", what, samples, *error);
    }
    return PushOutcome::retry;
  }
  const HttpAnswer& response = std::get<HttpAnswer>(answer);
  retry_after = response.retry_after;
  const PushOutcome outcome = classify_status(response.status, response.json);
  if (outcome == PushOutcome::retry) {
    spdlog::warn("push: {} answered {}, will retry: {}", what, response.status, response.body);
  } else if (outcome == PushOutcome::config_error && !config_error_logged_ &&
             (response.status < 300 || response.status >= 400)) {
    config_error_logged_ = true;
    spdlog::error(
        "push: {} answered {} \"{}\", a page that is not the ingest's JSON answer: something "
        "in front of it refused the request (a client certificate it requires? --cert-file); "
        "samples wait in the journal and spool, retried with backoff (logged once)",
        options_.url, response.status, response.body);
  } else if (outcome == PushOutcome::config_error && !config_error_logged_) {
    config_error_logged_ = true;
    spdlog::error(
        "push: {} answered {} redirecting to \"{}\": not followed, the token goes only to "
        "--push; correct --push (samples wait in the journal and spool, retried with backoff, "
        "logged once)",
        options_.url, response.status, response.location);
  } else if (outcome == PushOutcome::reject) {
    spdlog::error("push: {} ({} samples) rejected with {}, dropping it: {}", what, samples,
                  response.status, response.body);
  }
  return outcome;
}

void Pusher::send_live(std::unique_lock<std::mutex>& lock) {
  // Only this thread removes from pending_, and add() appends at the back: the front
  // stays put while the lock is released.
  const JournalSample& sample = pending_.front().sample;
  PostRequest request{"[" + sample.json + "]", options_.token, sample.key};
  lock.unlock();
  std::optional<std::chrono::seconds> retry_after;
  const PushOutcome outcome =
      post_and_classify(request, "sample " + request.idempotency_key, 1, retry_after);
  lock.lock();
  count_outcome(outcome, 1, retry_after);
  if (outcome == PushOutcome::retry || outcome == PushOutcome::config_error) {
    pending_.front().alone = true;
    return;
  }
  if (outcome == PushOutcome::delivered) {
    ++stats_.live_samples;
  }
  // Not synced: if a crash loses this line, the sample is sent again under the same key
  // with the same bytes, and the ingest recognises it.
  journal_locked(journal_delivered_line(request.idempotency_key), false);
  pending_.pop_front();
  stats_.pending_samples = pending_.size();
  if (pending_.empty()) {
    journal_.clear();
  }
}

void Pusher::deliver_one(std::unique_lock<std::mutex>& lock) {
  const std::string token = options_.token;
  lock.unlock();
  std::optional<SpooledBatch> batch = spool_.oldest();
  if (!batch) {
    lock.lock();
    update_spool_stats();
    return;
  }
  std::optional<std::chrono::seconds> retry_after;
  const PushOutcome outcome =
      post_and_classify(PostRequest{batch->body, token, batch->idempotency_key},
                        "batch " + batch->file, batch->samples, retry_after);
  if (outcome == PushOutcome::delivered || outcome == PushOutcome::reject) {
    spool_.remove(batch->file);
  }
  lock.lock();
  count_outcome(outcome, batch->samples, retry_after);
  update_spool_stats();
}

void Pusher::run() {
  using clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = clock::now();
    const PushState state = state_locked(now);
    switch (next_action(state)) {
      case PushAction::send_live:
        send_live(lock);
        continue;
      case PushAction::seal:
        seal_locked(lock);
        continue;
      case PushAction::deliver_spooled:
        deliver_one(lock);
        continue;
      case PushAction::wait:
        break;
    }
    auto deadline = now + std::chrono::hours(1);
    if (!pending_.empty() && (state.spool_batches > 0 || state.failing)) {
      deadline = std::min(deadline, pending_.front().taken + options_.batch_interval);
    }
    if (!pending_.empty() || state.spool_batches > 0) {
      deadline = std::min(deadline, retry_at_);
    }
    // Every new sample is a reason to look again (it may go live at once).
    const std::size_t seen = pending_.size();
    wake_.wait_until(lock, deadline, [&] { return stopping_ || pending_.size() != seen; });
  }
}

}  // namespace vmpulse::agent
