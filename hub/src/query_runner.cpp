#include "query_runner.hpp"

#include <spdlog/spdlog.h>

namespace vmpulse::hub {

http::Response database_unavailable(std::string_view detail) {
  http::Response response = http::Response::error(503, "database_unavailable", detail);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

QueryRunner::QueryRunner(DbUrl url, std::size_t max_queue,
                         std::chrono::milliseconds statement_timeout)
    : session_(std::move(url), "queries", statement_timeout), max_queue_(max_queue) {}

QueryRunner::~QueryRunner() { stop(); }

void QueryRunner::start() {
  thread_ = std::thread([this] { run(); });
}

void QueryRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  for (auto& pending : queue_) {
    pending.respond(database_unavailable("the hub is stopping"));
  }
  queue_.clear();
}

void QueryRunner::submit(Job job, http::Respond respond) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < max_queue_) {
      queue_.push_back({std::move(job), std::move(respond)});
      wake_.notify_one();
      return;
    }
  }
  respond(database_unavailable("too many queries waiting"));
}

void QueryRunner::run() {
  while (true) {
    Pending pending;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        return;
      }
      pending = std::move(queue_.front());
      queue_.pop_front();
    }
    pending.respond(execute(pending.job));
  }
}

http::Response QueryRunner::execute(const Job& job) {
  // A connection that died while idle fails its first query: reconnect and retry once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    db::Connection* connection = session_.get();
    if (!connection) {
      return database_unavailable("the database is unreachable");
    }
    try {
      return job(*connection);
    } catch (const db::DbError& error) {
      session_.failed(error);
      if (error.code() == kStatementTimeoutMariaDb || error.code() == kStatementTimeoutMySql) {
        http::Response response = http::Response::error(
            503, "query_timeout",
            "the query took longer than the hub's --statement-timeout; ask for a shorter span");
        response.headers.emplace_back("Retry-After", "5");
        return response;
      }
      if (!error.connection_lost()) {
        spdlog::error("query failed: {}", error.what());
        return http::Response::error(500, "internal_error", "the query failed; see the hub's log");
      }
    } catch (const std::exception& error) {
      spdlog::error("query failed: {}", error.what());
      return http::Response::error(500, "internal_error", "the query failed; see the hub's log");
    }
  }
  return database_unavailable("the database connection was lost");
}

}  // namespace vmpulse::hub
