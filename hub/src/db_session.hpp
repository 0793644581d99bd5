// Keeps one database connection usable for a worker thread: connects on demand with a
// growing back-off, sets the session up for the hub (UTC, and optionally a time limit
// on every statement), and forgets the connection
// when the server went away so the next use reconnects. Not thread-safe: one per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "vmpulse/config.hpp"
#include "vmpulse/db.hpp"

namespace vmpulse::hub {

// The server errors of a statement stopped by its time limit: MariaDB's
// ER_STATEMENT_TIMEOUT and MySQL's ER_QUERY_TIMEOUT.
inline constexpr unsigned kStatementTimeoutMariaDb = 1969;
inline constexpr unsigned kStatementTimeoutMySql = 3024;

class DbSession {
 public:
  // `statement_timeout` > 0: statements running longer are stopped by the server
  // (MariaDB's max_statement_time, MySQL's MAX_EXECUTION_TIME; see kStatementTimeout).
  DbSession(DbUrl url, std::string name,
            std::chrono::milliseconds statement_timeout = std::chrono::milliseconds(0));

  // The connection, connecting first when needed; nullptr while the database is
  // unreachable (the reason is logged once per outage, the back-off grows to 2 s).
  db::Connection* get();
  // After a DbError: drops the connection when it was lost.
  void failed(const db::DbError& error);
  bool up() const { return up_; }

 private:
  DbUrl url_;
  std::string name_;
  std::chrono::milliseconds statement_timeout_;
  std::unique_ptr<db::Connection> connection_;
  bool up_ = false;
  bool outage_logged_ = false;
  std::chrono::milliseconds backoff_{100};
  std::chrono::steady_clock::time_point next_attempt_{};
};

}  // namespace vmpulse::hub
