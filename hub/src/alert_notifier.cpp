#include "alert_notifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "alert_format.hpp"
#include "vmpulse/http_client.hpp"

namespace vmpulse::hub {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kLockName = "vmpulse_alert_delivery";
constexpr unsigned kNoSuchTable = 1146;  // ER_NO_SUCH_TABLE: migration 004 not applied
constexpr std::size_t kRowsPerRead = 100;
constexpr std::size_t kAlertsPerResend = 500;  // per POST; Alertmanager takes any number
constexpr int kResendsAhead = 4;  // a firing alert's endsAt: this many re-sends from now

std::int64_t to_i64(const std::optional<std::string>& text) {
  std::int64_t value = 0;
  if (text) {
    std::from_chars(text->data(), text->data() + text->size(), value);
  }
  return value;
}

std::uint64_t to_u64(const std::optional<std::string>& text) {
  std::uint64_t value = 0;
  if (text) {
    std::from_chars(text->data(), text->data() + text->size(), value);
  }
  return value;
}

std::optional<double> to_double(const std::optional<std::string>& text) {
  double value = 0;
  if (!text ||
      std::from_chars(text->data(), text->data() + text->size(), value).ec != std::errc()) {
    return std::nullopt;
  }
  return value;
}

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Columns shared by both reads: regla, vm, severidad, valor, umbral, desde (Unix ms),
// huella, resumen. The session's time zone is UTC (DbSession), so UNIX_TIMESTAMP reads
// the stored UTC times as they are.
constexpr std::string_view kAlertColumns =
    "regla, vm, severidad, valor, umbral, CAST(ROUND(UNIX_TIMESTAMP(desde) * 1000) AS SIGNED), "
    "huella, resumen";

AlertNotice notice_from(const db::Row& row, std::size_t at) {
  AlertNotice notice;
  Alert& alert = notice.alert;
  alert.rule = row[at].value_or("");
  alert.vm = row[at + 1].value_or("");
  alert.severity = row[at + 2].value_or("") == "critical" ? Severity::critical : Severity::warning;
  alert.value = to_double(row[at + 3]);
  alert.threshold = to_double(row[at + 4]);
  alert.since_ms = to_i64(row[at + 5]);
  notice.fingerprint = row[at + 6].value_or("");
  alert.summary = row[at + 7].value_or("");
  return notice;
}

}  // namespace

// A destination as the delivering thread keeps it.
struct AlertNotifier::Target {
  AlertDestination destination;
  std::unique_ptr<HttpClient> client;
  std::uint64_t cursor = 0;  // as in alertas_envios while the lock is held
  Clock::time_point retry_at{};
  std::chrono::milliseconds backoff{0};
  unsigned failures = 0;
  Clock::time_point resend_at{};
};

AlertNotifier::AlertNotifier(NotifierOptions options)
    : options_(std::move(options)), session_(options_.db, "alert notifier") {
  for (const AlertDestination& destination : options_.destinations) {
    auto target = std::make_unique<Target>();
    target->destination = destination;
    targets_.push_back(std::move(target));
  }
}

AlertNotifier::~AlertNotifier() { stop(); }

void AlertNotifier::start() {
  thread_ = std::thread([this] { run(); });
}

void AlertNotifier::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void AlertNotifier::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

NotifierStats AlertNotifier::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void AlertNotifier::report(const std::string& problem) {
  const auto now = Clock::now();
  if (problem == last_problem_ && now - last_report_ < std::chrono::minutes(1)) {
    return;
  }
  spdlog::error("alert notifier: {}", problem);
  last_problem_ = problem;
  last_report_ = now;
}

void AlertNotifier::run() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) {
        return;
      }
      woken_ = false;
    }
    if (db::Connection* connection = session_.get()) {
      try {
        step(*connection);
      } catch (const db::DbError& error) {
        session_.failed(error);
        if (error.connection_lost()) {
          holding_ = false;  // the server released the lock with the connection
        } else if (error.code() == kNoSuchTable) {
          report(std::string(error.what()) + " (apply db/migrations: ./vmpulse db migrate)");
        } else {
          report(error.what());
        }
      } catch (const std::exception& error) {
        report(error.what());
      }
    } else {
      holding_ = false;
    }
    {
      std::lock_guard lock(mutex_);
      stats_.delivering = holding_;
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll, [this] { return stopping_ || woken_; });
  }
}

bool AlertNotifier::hold_lock(db::Connection& connection) {
  if (holding_) {
    const auto mine =
        connection.query("SELECT IS_USED_LOCK('" + std::string(kLockName) + "') = CONNECTION_ID()");
    if (!mine.empty() && mine[0][0] == "1") {
      return true;
    }
    holding_ = false;
    spdlog::warn("alert notifier: lost the delivery lock; another hub delivers");
  }
  const auto got = connection.query("SELECT GET_LOCK('" + std::string(kLockName) + "', 0)");
  if (got.empty() || got[0][0] != "1") {
    return false;
  }
  // A destination seen for the first time starts at the newest change: what happened
  // before it was configured is history, not news. Then every cursor is read back, as
  // another hub may have moved them while it held the lock.
  for (const auto& target : targets_) {
    std::string sql =
        "INSERT IGNORE INTO alertas_envios (destino, ultimo_id, hora) "
        "SELECT '" +
        target->destination.key +
        "', COALESCE(MAX(id), 0), UTC_TIMESTAMP(3) FROM alertas_historial";
    connection.execute(sql);
    const auto cursor = connection.query("SELECT ultimo_id FROM alertas_envios WHERE destino = '" +
                                         target->destination.key + "'");
    if (cursor.empty()) {
      throw std::runtime_error("alertas_envios has no cursor for " + target->destination.redacted);
    }
    target->cursor = to_u64(cursor[0][0]);
    target->retry_at = {};
    target->resend_at = {};
  }
  holding_ = true;
  spdlog::info("alert notifier: delivering to {} destination(s)", targets_.size());
  for (const auto& target : targets_) {
    spdlog::info("alert notifier: {} from history id {}", target->destination.redacted,
                 target->cursor);
  }
  return true;
}

void AlertNotifier::step(db::Connection& connection) {
  if (!hold_lock(connection)) {
    return;
  }
  const auto now = Clock::now();
  for (const auto& target : targets_) {
    if (now < target->retry_at) {
      continue;
    }
    // The re-send first: a change it missed is then in the outbox read after it, so
    // Alertmanager never sees an alert firing again after its resolve.
    if (target->destination.kind == DestinationKind::alertmanager && now >= target->resend_at) {
      resend(connection, *target);
      if (Clock::now() < target->retry_at) {
        continue;
      }
    }
    deliver(connection, *target);
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
  }
}

namespace {

// One POST; nullopt on a 2xx, else what went wrong.
std::optional<std::string> post(HttpClient& client, std::string body) {
  PostRequest request;
  request.body = std::move(body);
  auto answer = client.post(request);
  if (auto* problem = std::get_if<std::string>(&answer)) {
    return std::move(*problem);
  }
  const auto& response = std::get<HttpAnswer>(answer);
  if (response.status >= 200 && response.status < 300) {
    return std::nullopt;
  }
  std::string text = "HTTP " + std::to_string(response.status);
  if (!response.body.empty()) {
    text += ": " + response.body;
  }
  return text;
}

}  // namespace

bool AlertNotifier::send(Target& target, std::string body, std::string_view what) {
  std::optional<std::string> problem;
  try {
    if (!target.client) {
      TlsFiles tls;
      tls.ca_file = options_.ca_file;
      tls.ca_flag = "--alert-ca-file";
      target.client = std::make_unique<HttpClient>(target.destination.target, options_.timeout, tls,
                                                   "vmpulse-hub");
    }
    problem = post(*target.client, std::move(body));
  } catch (const std::exception& error) {
    problem = error.what();
  }
  std::lock_guard lock(mutex_);
  if (!problem) {
    if (target.failures > 0) {
      spdlog::info("alert notifier: {}: delivered again after {} failed attempt(s)",
                   target.destination.redacted, target.failures);
    }
    target.failures = 0;
    target.backoff = std::chrono::milliseconds(0);
    ++stats_.sent;
    return true;
  }
  target.backoff = target.backoff.count() == 0 ? options_.backoff_min
                                               : std::min(target.backoff * 2, options_.backoff_max);
  target.retry_at = Clock::now() + target.backoff;
  ++target.failures;
  ++stats_.failed;
  spdlog::warn("alert notifier: {}: {}: {}; retry in {} ms", target.destination.redacted, what,
               *problem, target.backoff.count());
  return false;
}

void AlertNotifier::deliver(db::Connection& connection, Target& target) {
  const AlertDestination& destination = target.destination;
  while (true) {
    const auto rows =
        connection.query("SELECT id, estado, CAST(ROUND(UNIX_TIMESTAMP(hora) * 1000) AS SIGNED), " +
                         std::string(kAlertColumns) + " FROM alertas_historial WHERE id > " +
                         std::to_string(target.cursor) + " AND notificar ORDER BY id LIMIT " +
                         std::to_string(kRowsPerRead));
    for (const db::Row& row : rows) {
      const std::uint64_t id = to_u64(row[0]);
      AlertNotice notice = notice_from(row, 3);
      notice.alert.state =
          row[1].value_or("") == "resolved" ? AlertState::resolved : AlertState::firing;
      notice.alert.changed_ms = to_i64(row[2]);
      std::string body;
      if (destination.kind == DestinationKind::webhook) {
        body = webhook_payload(notice, options_.external_url);
      } else {
        const std::int64_t ends =
            notice.alert.state == AlertState::resolved
                ? notice.alert.changed_ms
                : unix_ms_now() + kResendsAhead * options_.alertmanager_resend.count();
        const AlertmanagerEntry entry{&notice, ends};
        body = alertmanager_body({&entry, 1}, options_.external_url);
      }
      if (!send(target, std::move(body), "history id " + std::to_string(id))) {
        return;
      }
      // Delivered: the cursor moves past it before anything else is sent, so a restart
      // from here on does not send it again.
      connection.execute("UPDATE alertas_envios SET ultimo_id = " + std::to_string(id) +
                         ", hora = UTC_TIMESTAMP(3) WHERE destino = '" + destination.key + "'");
      target.cursor = id;
      spdlog::debug("alert notifier: {}: sent history id {}", destination.redacted, id);
      std::lock_guard lock(mutex_);
      if (stopping_) {
        return;
      }
    }
    if (rows.size() < kRowsPerRead) {
      return;
    }
  }
}

void AlertNotifier::resend(db::Connection& connection, Target& target) {
  const auto rows = connection.query(
      "SELECT " + std::string(kAlertColumns) +
      " FROM alertas WHERE estado = 'firing' AND NOT silenciada ORDER BY regla, vm");
  std::vector<AlertNotice> notices;
  notices.reserve(rows.size());
  for (const db::Row& row : rows) {
    notices.push_back(notice_from(row, 0));
    notices.back().alert.state = AlertState::firing;
  }
  const std::int64_t ends = unix_ms_now() + kResendsAhead * options_.alertmanager_resend.count();
  std::vector<AlertmanagerEntry> entries;
  for (std::size_t at = 0; at < notices.size(); at += kAlertsPerResend) {
    entries.clear();
    for (std::size_t i = at; i < std::min(notices.size(), at + kAlertsPerResend); ++i) {
      entries.push_back({&notices[i], ends});
    }
    const std::string what = "re-send of " + std::to_string(notices.size()) + " firing alert(s)";
    if (!send(target, alertmanager_body(entries, options_.external_url), what)) {
      return;
    }
  }
  target.resend_at = Clock::now() + options_.alertmanager_resend;
}

}  // namespace vmpulse::hub
