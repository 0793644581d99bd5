// Runs the HTTP endpoints' database queries (history, split) on a thread of its own, so
// that neither the io threads nor the poller wait on them. Bounded: when the queue is
// full or the database is unreachable the request is answered 503 at once; a query
// that runs past the statement timeout is stopped by the server and answered 503
// "query_timeout".
// submit() is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "db_session.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {

class QueryRunner {
 public:
  // A job runs a query and builds the answer; it may throw db::DbError.
  using Job = std::function<http::Response(db::Connection&)>;

  QueryRunner(DbUrl url, std::size_t max_queue = 256,
              std::chrono::milliseconds statement_timeout = std::chrono::milliseconds(10'000));
  ~QueryRunner();
  QueryRunner(const QueryRunner&) = delete;
  QueryRunner& operator=(const QueryRunner&) = delete;

  void start();
  void stop();
  void submit(Job job, http::Respond respond);

 private:
  struct Pending {
    Job job;
    http::Respond respond;
  };
  void run();
  http::Response execute(const Job& job);

  DbSession session_;
  std::size_t max_queue_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
};

http::Response database_unavailable(std::string_view detail);

}  // namespace vmpulse::hub
