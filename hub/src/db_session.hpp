// Keeps one database connection usable for a worker thread: connects on demand with a
// growing back-off, sets the session up for the hub (UTC), and forgets the connection
// when the server went away so the next use reconnects. Not thread-safe: one per thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "vmpulse/config.hpp"
#include "vmpulse/db.hpp"

namespace vmpulse::hub {

class DbSession {
 public:
  DbSession(DbUrl url, std::string name);

  // The connection, connecting first when needed; nullptr while the database is
  // unreachable (the reason is logged once per outage, the back-off grows to 2 s).
  db::Connection* get();
  // After a DbError: drops the connection when it was lost.
  void failed(const db::DbError& error);
  bool up() const { return up_; }

 private:
  DbUrl url_;
  std::string name_;
  std::unique_ptr<db::Connection> connection_;
  bool up_ = false;
  bool outage_logged_ = false;
  std::chrono::milliseconds backoff_{100};
  std::chrono::steady_clock::time_point next_attempt_{};
};

}  // namespace vmpulse::hub
