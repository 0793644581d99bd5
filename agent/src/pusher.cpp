#include "pusher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <random>
#include <stdexcept>

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

PushOutcome classify_status(int status) {
  if (status >= 200 && status < 300) {
    return PushOutcome::delivered;
  }
  // The batch itself is at fault: sending it again cannot help.
  if (status == 400 || status == 413 || status == 415 || status == 422) {
    return PushOutcome::reject;
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
  metric("vmpulse_push_rejected_batches_total", "counter",
         "Batches answered 400/413/415/422 and dropped.", stats.rejected_batches);
  metric("vmpulse_push_dropped_batches_total", "counter",
         "Batches dropped because the spool was full or unreadable.", stats.dropped_batches);
  metric("vmpulse_push_failed_attempts_total", "counter", "Attempts that will be retried.",
         stats.failed_attempts);
  metric("vmpulse_push_spool_batches", "gauge", "Batches waiting in the spool.",
         stats.spool_batches);
  metric("vmpulse_push_pending_samples", "gauge", "Samples not yet sealed into a batch.",
         stats.pending_samples);
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
      spool_(options_.spool_dir, options_.spool_max_files, options_.spool_max_bytes) {
  stats_.spool_batches = spool_.batches();
}

Pusher::~Pusher() { stop(); }

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

void Pusher::add(const Record& record) {
  std::string json = to_json(record);
  std::lock_guard lock(mutex_);
  if (pending_.empty()) {
    first_pending_ = std::chrono::steady_clock::now();
    pending_vm_ = record.vm;
  }
  pending_.push_back(std::move(json));
  ++stats_.samples;
  stats_.pending_samples = pending_.size();
  // The first sample of a batch starts its --push-interval clock; a full batch goes now.
  if (pending_.size() == 1 || pending_.size() >= options_.batch_max) {
    wake_.notify_all();
  }
}

void Pusher::set_token(std::string token) {
  std::lock_guard lock(mutex_);
  options_.token = std::move(token);
}

PushStats Pusher::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void Pusher::seal_locked(std::unique_lock<std::mutex>& lock) {
  if (pending_.empty()) {
    return;
  }
  std::vector<std::string> records;
  records.swap(pending_);
  const std::string vm = pending_vm_;
  stats_.pending_samples = 0;
  lock.unlock();  // file I/O without holding up the sampler's add()
  // Samples pile up past batch_max while a slow POST holds this thread: cut them into
  // batches of at most batch_max, in order.
  std::size_t unspooled = 0;
  for (std::size_t first = 0; first < records.size(); first += options_.batch_max) {
    const std::size_t end = std::min(records.size(), first + options_.batch_max);
    std::string body = "[";
    for (std::size_t i = first; i < end; ++i) {
      if (i > first) {
        body += ',';
      }
      body += records[i];
    }
    body += ']';
    try {
      spool_.add(new_idempotency_key(vm), body, end - first);
    } catch (const std::exception& error) {
      ++unspooled;
      spdlog::error("push: cannot spool a batch of {} samples, dropping it: {}", end - first,
                    error.what());
    }
  }
  lock.lock();
  unspooled_batches_ += unspooled;
  update_spool_stats();
}

void Pusher::update_spool_stats() {
  stats_.spool_batches = spool_.batches();
  stats_.dropped_batches = spool_.dropped_batches() + unspooled_batches_;
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
  auto answer = client_.post(PostRequest{batch->body, token, batch->idempotency_key});
  std::optional<std::chrono::seconds> retry_after;
  PushOutcome outcome = PushOutcome::retry;
  if (auto* error = std::get_if<std::string>(&answer)) {
    if (*error != "cancelled") {
      spdlog::warn("push: batch {} ({} samples) not delivered, will retry: {}", batch->file,
                   batch->samples, *error);
    }
  } else {
    const PushResponse& response = std::get<PushResponse>(answer);
    retry_after = response.retry_after;
    outcome = classify_status(response.status);
    if (outcome == PushOutcome::retry) {
      spdlog::warn("push: batch {} answered {}, will retry: {}", batch->file, response.status,
                   response.body);
    } else if (outcome == PushOutcome::config_error && !config_error_logged_) {
      config_error_logged_ = true;
      spdlog::error(
          "push: {} answered {} redirecting to \"{}\": not followed, the token goes only to "
          "--push; correct --push (batches wait in the spool, retried with backoff, logged once)",
          options_.url, response.status, response.location);
    } else if (outcome == PushOutcome::reject) {
      spdlog::error("push: batch {} ({} samples) rejected with {}, dropping it: {}", batch->file,
                    batch->samples, response.status, response.body);
    }
  }
  if (outcome == PushOutcome::delivered || outcome == PushOutcome::reject) {
    spool_.remove(batch->file);
  }
  lock.lock();
  switch (outcome) {
    case PushOutcome::delivered:
      ++stats_.delivered_batches;
      stats_.delivered_samples += batch->samples;
      if (attempt_ > 0) {
        spdlog::info("push: delivering again after {} failed attempts", attempt_);
      }
      attempt_ = 0;
      config_error_logged_ = false;
      break;
    case PushOutcome::reject:
      ++stats_.rejected_batches;
      attempt_ = 0;
      break;
    case PushOutcome::retry:
    case PushOutcome::config_error:
      ++stats_.failed_attempts;
      ++attempt_;
      retry_at_ = std::chrono::steady_clock::now() + backoff_delay(attempt_, retry_after);
      break;
  }
  update_spool_stats();
}

void Pusher::run() {
  using clock = std::chrono::steady_clock;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    const auto now = clock::now();
    if (!pending_.empty() && (pending_.size() >= options_.batch_max ||
                              now - first_pending_ >= options_.batch_interval)) {
      seal_locked(lock);
      continue;
    }
    if (spool_.batches() > 0 && now >= retry_at_) {
      deliver_one(lock);
      continue;
    }
    auto deadline = now + std::chrono::hours(1);
    if (!pending_.empty()) {
      deadline = std::min(deadline, first_pending_ + options_.batch_interval);
    }
    if (spool_.batches() > 0) {
      deadline = std::min(deadline, retry_at_);
    }
    const bool had_pending = !pending_.empty();
    wake_.wait_until(lock, deadline, [&] {
      return stopping_ || pending_.size() >= options_.batch_max ||
             (!had_pending && !pending_.empty());
    });
  }
}

}  // namespace vmpulse::agent
