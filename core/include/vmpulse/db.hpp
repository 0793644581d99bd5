// A MariaDB Connector/C connection (speaks to MySQL 8 and MariaDB alike), for the api
// and the hub. One Connection per thread; not thread-safe. Errors are thrown as
// DbError with the server's message and whether retrying later can help.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "vmpulse/config.hpp"

struct st_mysql;

namespace vmpulse::db {

class DbError : public std::runtime_error {
 public:
  DbError(const std::string& what, unsigned code, bool connection_lost)
      : std::runtime_error(what), code_(code), connection_lost_(connection_lost) {}
  unsigned code() const { return code_; }
  // The connection is gone (server down, restarted, network): reconnect and retry.
  bool connection_lost() const { return connection_lost_; }

 private:
  unsigned code_;
  bool connection_lost_;
};

// A result row; NULL is nullopt.
using Row = std::vector<std::optional<std::string>>;

class Connection {
 public:
  explicit Connection(DbUrl url, unsigned connect_timeout_s = 3);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void connect();  // throws DbError
  bool connected() const;
  void close();

  void execute(std::string_view sql);            // statements without results
  std::vector<Row> query(std::string_view sql);  // statements with results
  std::uint64_t affected_rows() const;
  void begin();
  void commit();
  void rollback() noexcept;

  // Appends `value` as a quoted, escaped SQL string literal.
  void append_quoted(std::string& sql, std::string_view value) const;

 private:
  [[noreturn]] void fail(std::string_view context);
  DbUrl url_;
  unsigned connect_timeout_s_;
  st_mysql* mysql_ = nullptr;
};

}  // namespace vmpulse::db
