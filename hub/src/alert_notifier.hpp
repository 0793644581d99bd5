// Sends alert changes to the webhooks and the Alertmanager (docs/alerts.md,
// "Notifications"), on a thread and a database connection of its own.
//
// alertas_historial is the outbox: the rows with notificar = TRUE, in id order. Each
// destination's cursor (alertas_envios, keyed by the SHA-256 of its URL, created at the
// newest history id when the destination is first seen) is the last id it answered 2xx
// to; a failure retries that row with a back-off of 1 s doubling to 60 s, never skipping
// it, so a receiver gets every change in order, at least once (a crash between the 2xx
// and the cursor's update sends that one row again; its fingerprint and times are the
// same). With several hubs only the one holding GET_LOCK('vmpulse_alert_delivery')
// sends. An Alertmanager also gets every firing, not silenced alert of alertas again
// each `alertmanager_resend`, with endsAt four re-sends ahead, as Alertmanager expects
// of a client. Thread-safe: wake() and stats() from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alert_destination.hpp"
#include "db_session.hpp"

namespace vmpulse::hub {

struct NotifierOptions {
  DbUrl db;
  std::vector<AlertDestination> destinations;
  std::chrono::milliseconds alertmanager_resend{60'000};
  std::string ca_file;                      // empty: the system's CAs
  std::chrono::milliseconds poll{1000};     // the outbox is read this often without wake()
  std::chrono::milliseconds timeout{5000};  // per HTTP step
  std::chrono::milliseconds backoff_min{1000};
  std::chrono::milliseconds backoff_max{60'000};
  std::string external_url;  // the webhook payload's externalURL
};

struct NotifierStats {
  bool delivering = false;   // this hub holds the delivery lock
  std::uint64_t sent = 0;    // POSTs answered 2xx (outbox rows and re-sends)
  std::uint64_t failed = 0;  // POSTs that failed (retried later)
};

class AlertNotifier {
 public:
  explicit AlertNotifier(NotifierOptions options);
  ~AlertNotifier();
  AlertNotifier(const AlertNotifier&) = delete;
  AlertNotifier& operator=(const AlertNotifier&) = delete;

  void start();
  void stop();  // returns within about one HTTP timeout
  // New rows are in the outbox (the alert service has committed): read it now rather
  // than at the next poll.
  void wake();
  NotifierStats stats() const;

 private:
  struct Target;
  void run();
  void step(db::Connection& connection);
  bool hold_lock(db::Connection& connection);
  void deliver(db::Connection& connection, Target& target);
  void resend(db::Connection& connection, Target& target);
  // POSTs `body` to the target: true on a 2xx, else false with the back-off moved on
  // and the failure logged, naming `what` was sent.
  bool send(Target& target, std::string body, std::string_view what);
  void report(const std::string& problem);

  NotifierOptions options_;
  DbSession session_;
  std::vector<std::unique_ptr<Target>> targets_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  NotifierStats stats_;
  // Owned by the thread.
  bool holding_ = false;
  std::string last_problem_;
  std::chrono::steady_clock::time_point last_report_{};
};

}  // namespace vmpulse::hub
