#include "db_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace vmpulse::hub {

namespace {

// Unknown system variable: the server is MySQL, which calls it MAX_EXECUTION_TIME.
constexpr unsigned kUnknownSystemVariable = 1193;

void limit_statements(db::Connection& connection, std::chrono::milliseconds timeout) {
  try {
    // MariaDB (what runs locally): seconds, as a decimal.
    connection.execute("SET SESSION max_statement_time = " +
                       std::to_string(static_cast<double>(timeout.count()) / 1000.0));
  } catch (const db::DbError& error) {
    if (error.code() != kUnknownSystemVariable) {
      throw;
    }
    // MySQL (Cloud SQL): milliseconds, for SELECT statements.
    connection.execute("SET SESSION MAX_EXECUTION_TIME = " + std::to_string(timeout.count()));
  }
}

}  // namespace

DbSession::DbSession(DbUrl url, std::string name, std::chrono::milliseconds statement_timeout)
    : url_(std::move(url)), name_(std::move(name)), statement_timeout_(statement_timeout) {}

db::Connection* DbSession::get() {
  if (connection_ && connection_->connected()) {
    return connection_.get();
  }
  const auto now = std::chrono::steady_clock::now();
  if (now < next_attempt_) {
    return nullptr;
  }
  try {
    connection_ = std::make_unique<db::Connection>(url_);
    connection_->connect();
    // hora is stored in UTC; UNIX_TIMESTAMP and NOW must not shift it.
    connection_->execute("SET time_zone = '+00:00'");
    if (statement_timeout_.count() > 0) {
      limit_statements(*connection_, statement_timeout_);
    }
    if (!up_) {
      spdlog::info("{}: connected to {}", name_, url_.redacted());
    }
    up_ = true;
    outage_logged_ = false;
    backoff_ = std::chrono::milliseconds(100);
    return connection_.get();
  } catch (const db::DbError& error) {
    up_ = false;
    connection_.reset();
    if (!outage_logged_) {
      spdlog::warn("{}: database {} unreachable: {} (retrying)", name_, url_.redacted(),
                   error.what());
      outage_logged_ = true;
    }
    next_attempt_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(2000));
    return nullptr;
  }
}

void DbSession::failed(const db::DbError& error) {
  if (error.connection_lost()) {
    spdlog::warn("{}: lost the database connection: {}", name_, error.what());
    connection_.reset();
    up_ = false;
  }
}

}  // namespace vmpulse::hub
