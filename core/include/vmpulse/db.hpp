// A MariaDB Connector/C connection (speaks to MySQL 8 and MariaDB alike), for the api
// and the hub. One Connection per thread; not thread-safe. Errors are thrown as
// DbError with the server's message and whether retrying later can help.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vmpulse/config.hpp"

struct st_mysql;
struct st_mysql_stmt;
struct st_mysql_bind;

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

// The values of a prepared statement's parameters, in order: NULL, a 64-bit integer,
// text (which the server converts to the column's type as it would a literal: "12.345"
// into a DECIMAL column rounds as the literal 12.345 does), bytes: text sent as a
// binary string, which the server takes as it is instead of reading it character by
// character in the connection's utf8mb4 first (a utf8mb4 column still checks that it
// is valid UTF-8 as it stores it; an ascii column stores the bytes unchecked), or a
// decimal: a number's text sent as a decimal (MYSQL_TYPE_NEWDECIMAL), which the server
// reads as an exact decimal without the character set either, and which a DECIMAL
// column stores and refuses exactly as that text sent as text (db_test). Bytes are for
// long values: route 1's procesos_top, whose utf8mb4 reading was 6–10% of the server's
// work on a version 2 row; decimals are route 1's numbers (about 700 server
// instructions fewer each than as text). Text, bytes and decimals are kept back to back
// in one buffer, so that adding a value seldom allocates.
class Params {
 public:
  enum class Kind : std::uint8_t { kNull, kInteger, kText, kBytes, kDecimal };
  struct Value {
    Kind kind;
    std::int64_t integer;  // kInteger
    std::size_t offset;    // kText, kBytes, kDecimal: where in text() it starts
    std::size_t length;
  };

  void add_null() { values_.push_back({Kind::kNull, 0, 0, 0}); }
  void add_integer(std::int64_t value) { values_.push_back({Kind::kInteger, value, 0, 0}); }
  void add_text(std::string_view value) {
    add_text_by([value](std::string& out) { out += value; });
  }
  // A text value written in place: `write(std::string& out)` appends it to out.
  template <class Write>
  void add_text_by(Write&& write) {
    add_by(Kind::kText, write);
  }
  // Bytes written in place, as add_text_by writes text.
  template <class Write>
  void add_bytes_by(Write&& write) {
    add_by(Kind::kBytes, write);
  }
  // A decimal number written in place as its text: an optional '-', digits, and an
  // optional '.' with digits (no exponent, no spaces).
  template <class Write>
  void add_decimal_by(Write&& write) {
    add_by(Kind::kDecimal, write);
  }
  void clear() {
    values_.clear();
    text_.clear();
  }

  const std::vector<Value>& values() const { return values_; }
  std::string_view text(const Value& value) const {
    return std::string_view(text_).substr(value.offset, value.length);
  }

 private:
  template <class Write>
  void add_by(Kind kind, Write& write) {
    const std::size_t offset = text_.size();
    write(text_);
    values_.push_back({kind, 0, offset, text_.size() - offset});
  }

  std::vector<Value> values_;
  std::string text_;
};

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
  // Runs `sql`, with a ? per value of `params`, as a prepared statement (the binary
  // protocol: values travel as they are, never escaped, lexed or unescaped as SQL text).
  // Prepared on first use and kept, by its text, until the connection closes; MySQL 8
  // and MariaDB alike. Returns the affected rows; errors as execute()'s.
  std::uint64_t execute_prepared(const std::string& sql, const Params& params);
  // True when the server runs a prepared statement for many rows of parameters sent in
  // one message (MariaDB 10.2 and later: bulk execution; MySQL has no such thing).
  bool bulk_supported() const;
  // Runs `sql` (a ? per column) once for each of `rows` rows of parameters, `params`
  // holding them row after row, as one bulk execution: one message, one execution on the
  // server, whose per-row cost is a single-row INSERT's values. Needs bulk_supported().
  // The types travel once for all rows, so each column's values (NULL aside) must be of
  // one kind: nullopt, nothing sent, when they are not. Returns the affected rows;
  // errors as execute_prepared's.
  std::optional<std::uint64_t> execute_bulk(const std::string& sql, const Params& params,
                                            std::size_t rows);
  void begin();
  void commit();
  void rollback() noexcept;

  // Appends `value` as a quoted, escaped SQL string literal.
  void append_quoted(std::string& sql, std::string_view value) const;

 private:
  [[noreturn]] void fail(std::string_view context);
  [[noreturn]] void fail_statement(st_mysql_stmt* statement, std::string_view context);
  st_mysql_stmt* prepared(const std::string& sql);
  DbUrl url_;
  unsigned connect_timeout_s_;
  st_mysql* mysql_ = nullptr;
  // The prepared statements of this session, by their text (a handful: see callers).
  std::vector<std::pair<std::string, st_mysql_stmt*>> statements_;
  // execute_prepared's parameter bindings, kept from call to call: a multi-row INSERT
  // has thousands, and a fresh zeroed array each time showed in route 1's profile.
  std::vector<st_mysql_bind> binds_;
  // execute_bulk's per-column NULL indicators, which its row callback sets.
  std::vector<char> indicators_;
};

}  // namespace vmpulse::db
