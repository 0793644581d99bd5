// MariaDB Connector/C behind vmpulse::db::Connection. The C API reports errors by
// number; they are turned into DbError here, with connection_lost set for the numbers
// that mean "the server or the network went away", the only ones a reconnect can fix.
#include "vmpulse/db.hpp"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

namespace vmpulse::db {

namespace {

// MySQL 8.0.24+: "the client was disconnected by the server because of inactivity";
// not in MariaDB's headers.
constexpr unsigned kMysqlClientInteractionTimeout = 4031;

// Bounds every read and write on the socket, so that a database that stops answering
// (network partition, frozen VM) turns into an error instead of a hung thread.
// Connector/C retries a read once, so a dead server is noticed in about twice this.
constexpr unsigned kReadWriteTimeoutSeconds = 10;

bool is_connection_lost(unsigned code) {
  switch (code) {
    case CR_SOCKET_CREATE_ERROR:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_IPSOCK_ERROR:
    case CR_UNKNOWN_HOST:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CON_COUNT_ERROR:
    case ER_TOO_MANY_USER_CONNECTIONS:
    case ER_SERVER_SHUTDOWN:
    case ER_CONNECTION_KILLED:
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
    case kMysqlClientInteractionTimeout:
      return true;
    default:
      return false;
  }
}

// Escaping as mysql_real_escape_string does for utf8mb4, for when there is no connection.
void escape_without_connection(std::string& sql, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\0':
        sql += "\\0";
        break;
      case '\n':
        sql += "\\n";
        break;
      case '\r':
        sql += "\\r";
        break;
      case '\\':
        sql += "\\\\";
        break;
      case '\'':
        sql += "\\'";
        break;
      case '"':
        sql += "\\\"";
        break;
      case '\x1a':
        sql += "\\Z";
        break;
      default:
        sql += c;
    }
  }
}

}  // namespace

Connection::Connection(DbUrl url, unsigned connect_timeout_s)
    : url_(std::move(url)), connect_timeout_s_(connect_timeout_s) {}

Connection::~Connection() { close(); }

void Connection::connect() {
  close();
  mysql_ = mysql_init(nullptr);
  if (mysql_ == nullptr) {
    throw DbError("mysql_init failed (out of memory)", CR_OUT_OF_MEMORY, false);
  }
  unsigned connect_timeout = connect_timeout_s_;
  unsigned read_write_timeout = kReadWriteTimeoutSeconds;
  // A socket path means the socket; otherwise TCP even for "localhost", which
  // Connector/C would otherwise quietly take to mean the default socket.
  unsigned protocol = url_.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  my_bool no = 0;
  mysql_options(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(mysql_, MYSQL_OPT_READ_TIMEOUT, &read_write_timeout);
  mysql_options(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &read_write_timeout);
  mysql_options(mysql_, MYSQL_OPT_PROTOCOL, &protocol);
  mysql_options(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // Reconnecting behind the caller's back would drop the session's time zone and any
  // open transaction; the caller reconnects on connection_lost instead.
  mysql_options(mysql_, MYSQL_OPT_RECONNECT, &no);
  mysql_options(mysql_, MYSQL_OPT_LOCAL_INFILE, &no);
  const char* socket = url_.socket.empty() ? nullptr : url_.socket.c_str();
  if (mysql_real_connect(mysql_, url_.host.c_str(), url_.user.c_str(), url_.password.c_str(),
                         url_.database.c_str(), url_.port, socket, 0) == nullptr) {
    fail("connecting to " + url_.redacted());
  }
  // Record times are UTC strings; the session's zone must not shift NOW() or TIMESTAMPs.
  execute("SET time_zone = '+00:00'");
}

bool Connection::connected() const { return mysql_ != nullptr; }

void Connection::close() {
  if (mysql_ != nullptr) {
    mysql_close(mysql_);
    mysql_ = nullptr;
  }
  // After mysql_close: it detaches the statements, so closing them only frees memory
  // (the server drops them with the session) and never writes to a dead socket.
  for (auto& [sql, statement] : statements_) {
    mysql_stmt_close(statement);
  }
  statements_.clear();
}

void Connection::fail(std::string_view context) {
  const unsigned code = mysql_ != nullptr ? mysql_errno(mysql_) : CR_SERVER_GONE_ERROR;
  const std::string message = mysql_ != nullptr ? mysql_error(mysql_) : "not connected";
  const bool lost = mysql_ == nullptr || is_connection_lost(code);
  // A lost connection is closed here, so connected() tells the caller to reconnect.
  if (lost) {
    close();
  }
  throw DbError(std::string(context) + ": " + message + " (error " + std::to_string(code) + ")",
                code, lost);
}

void Connection::fail_statement(MYSQL_STMT* statement, std::string_view context) {
  const unsigned code = mysql_stmt_errno(statement);
  const std::string message = mysql_stmt_error(statement);
  const bool lost = is_connection_lost(code);
  if (lost) {
    close();
  }
  throw DbError(std::string(context) + ": " + message + " (error " + std::to_string(code) + ")",
                code, lost);
}

MYSQL_STMT* Connection::prepared(const std::string& sql) {
  for (const auto& [text, statement] : statements_) {
    if (text == sql) {
      return statement;
    }
  }
  MYSQL_STMT* statement = mysql_stmt_init(mysql_);
  if (statement == nullptr) {
    fail("preparing a statement");
  }
  if (mysql_stmt_prepare(statement, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    const unsigned code = mysql_stmt_errno(statement);
    const std::string message = mysql_stmt_error(statement);
    mysql_stmt_close(statement);
    const bool lost = is_connection_lost(code);
    if (lost) {
      close();
    }
    throw DbError("preparing a statement: " + message + " (error " + std::to_string(code) + ")",
                  code, lost);
  }
  statements_.emplace_back(sql, statement);
  return statement;
}

namespace {

// A parameter's type on the wire: text as a string the server reads in the connection's
// character set, bytes as a binary string it takes as they are.
enum_field_types field_type(Params::Kind kind) {
  switch (kind) {
    case Params::Kind::kNull:
      return MYSQL_TYPE_NULL;
    case Params::Kind::kInteger:
      return MYSQL_TYPE_LONGLONG;
    case Params::Kind::kText:
      return MYSQL_TYPE_STRING;
    case Params::Kind::kBytes:
      return MYSQL_TYPE_BLOB;
    case Params::Kind::kDecimal:
      return MYSQL_TYPE_NEWDECIMAL;
  }
  return MYSQL_TYPE_NULL;
}

// Points `bind` at `value` (its type is the caller's). The library only reads the
// buffers; its API is not const-correct.
void point_at(MYSQL_BIND& bind, const Params& params, const Params::Value& value) {
  switch (value.kind) {
    case Params::Kind::kNull:
      bind.buffer = nullptr;
      bind.buffer_length = 0;
      break;
    case Params::Kind::kInteger:
      bind.buffer = const_cast<std::int64_t*>(&value.integer);
      bind.buffer_length = 0;
      break;
    case Params::Kind::kText:
    case Params::Kind::kBytes:
    case Params::Kind::kDecimal: {
      const std::string_view text = params.text(value);
      bind.buffer = const_cast<char*>(text.data());
      bind.buffer_length = static_cast<unsigned long>(text.size());
      break;
    }
  }
}

// What execute_bulk's row callback reads.
struct BulkRows {
  const Params* params;
  std::size_t columns;
  char* indicators;  // one per column, which the bindings point at
};

// Connector/C calls this before it writes row `row` of a bulk execution: the bindings
// (the library's copy, types as bound) are pointed at that row's values.
my_bool point_at_row(void* data, MYSQL_BIND* binds, unsigned row) {
  const auto& rows = *static_cast<const BulkRows*>(data);
  const std::size_t first = static_cast<std::size_t>(row) * rows.columns;
  for (std::size_t i = 0; i < rows.columns; ++i) {
    const Params::Value& value = rows.params->values()[first + i];
    rows.indicators[i] = static_cast<char>(value.kind == Params::Kind::kNull ? STMT_INDICATOR_NULL
                                                                             : STMT_INDICATOR_NONE);
    point_at(binds[i], *rows.params, value);
  }
  return 0;
}

}  // namespace

std::uint64_t Connection::execute_prepared(const std::string& sql, const Params& params) {
  if (mysql_ == nullptr) {
    fail("executing a prepared statement");
  }
  MYSQL_STMT* statement = prepared(sql);
  const auto& values = params.values();
  if (mysql_stmt_param_count(statement) != values.size()) {
    throw DbError("a prepared statement with " + std::to_string(mysql_stmt_param_count(statement)) +
                      " parameters given " + std::to_string(values.size()) + " values",
                  0, false);
  }
  // Only buffer_type, buffer and buffer_length are ever set: every other member stays
  // as value-initialised (the library copies the array and changes only its copy).
  if (binds_.size() < values.size()) {
    binds_.resize(values.size());
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    binds_[i].buffer_type = field_type(values[i].kind);
    binds_[i].u.indicator = nullptr;
    point_at(binds_[i], params, values[i]);
  }
  if (mysql_stmt_bind_param(statement, binds_.data()) != 0 || mysql_stmt_execute(statement) != 0) {
    fail_statement(statement, "executing a prepared statement");
  }
  return static_cast<std::uint64_t>(mysql_stmt_affected_rows(statement));
}

bool Connection::bulk_supported() const {
  if (mysql_ == nullptr) {
    return false;
  }
  unsigned long capabilities = 0;
  unsigned long extended = 0;
  mariadb_get_infov(mysql_, MARIADB_CONNECTION_SERVER_CAPABILITIES, &capabilities);
  mariadb_get_infov(mysql_, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &extended);
  return (capabilities & CLIENT_MYSQL) == 0 &&
         (extended & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
}

std::optional<std::uint64_t> Connection::execute_bulk(const std::string& sql, const Params& params,
                                                      std::size_t rows) {
  if (mysql_ == nullptr) {
    fail("executing a bulk statement");
  }
  MYSQL_STMT* statement = prepared(sql);
  const std::size_t columns = mysql_stmt_param_count(statement);
  const auto& values = params.values();
  if (rows == 0 || values.size() != rows * columns) {
    throw DbError("a bulk statement of " + std::to_string(columns) + " parameters given " +
                      std::to_string(values.size()) + " values for " + std::to_string(rows) +
                      " rows",
                  0, false);
  }
  // The types go once for every row: a column's values (NULL aside) must share one.
  binds_.assign(columns, MYSQL_BIND{});
  indicators_.assign(columns, STMT_INDICATOR_NONE);
  for (std::size_t i = 0; i < columns; ++i) {
    Params::Kind kind = Params::Kind::kNull;
    for (std::size_t row = 0; row < rows; ++row) {
      const Params::Kind here = values[row * columns + i].kind;
      if (here != Params::Kind::kNull && kind != Params::Kind::kNull && here != kind) {
        return std::nullopt;
      }
      kind = here == Params::Kind::kNull ? kind : here;
    }
    binds_[i].buffer_type = field_type(kind);
    binds_[i].u.indicator = &indicators_[i];
  }
  BulkRows data{&params, columns, indicators_.data()};
  auto array_size = static_cast<unsigned int>(rows);
  const bool ran = mysql_stmt_attr_set(statement, STMT_ATTR_ARRAY_SIZE, &array_size) == 0 &&
                   mysql_stmt_attr_set(statement, STMT_ATTR_CB_USER_DATA, &data) == 0 &&
                   mysql_stmt_attr_set(statement, STMT_ATTR_CB_PARAM,
                                       reinterpret_cast<const void*>(&point_at_row)) == 0 &&
                   mysql_stmt_bind_param(statement, binds_.data()) == 0 &&
                   mysql_stmt_execute(statement) == 0;
  // The statement is kept by its text for later calls of either kind: neither the array
  // size nor the callback's data (this frame) may outlive this one. (Setting them back
  // leaves the statement's error as it is.)
  unsigned int no_array = 0;  // an ordinary execution again
  mysql_stmt_attr_set(statement, STMT_ATTR_ARRAY_SIZE, &no_array);
  mysql_stmt_attr_set(statement, STMT_ATTR_CB_PARAM, nullptr);
  mysql_stmt_attr_set(statement, STMT_ATTR_CB_USER_DATA, nullptr);
  if (!ran) {
    fail_statement(statement, "executing a bulk statement");
  }
  return static_cast<std::uint64_t>(mysql_stmt_affected_rows(statement));
}

void Connection::execute(std::string_view sql) {
  if (mysql_ == nullptr) {
    fail("executing a statement");
  }
  if (mysql_real_query(mysql_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    fail("executing a statement");
  }
  // A statement that did return rows: drop them so the connection stays usable.
  if (MYSQL_RES* result = mysql_store_result(mysql_)) {
    mysql_free_result(result);
  }
}

std::vector<Row> Connection::query(std::string_view sql) {
  if (mysql_ == nullptr) {
    fail("running a query");
  }
  if (mysql_real_query(mysql_, sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    fail("running a query");
  }
  MYSQL_RES* result = mysql_store_result(mysql_);
  if (result == nullptr) {
    if (mysql_field_count(mysql_) == 0) {
      return {};  // a statement without a result set
    }
    fail("reading a query's result");
  }
  std::vector<Row> rows;
  const unsigned columns = mysql_num_fields(result);
  rows.reserve(static_cast<std::size_t>(mysql_num_rows(result)));
  while (MYSQL_ROW row = mysql_fetch_row(result)) {
    const unsigned long* lengths = mysql_fetch_lengths(result);
    Row& out = rows.emplace_back();
    out.reserve(columns);
    for (unsigned i = 0; i < columns; ++i) {
      if (row[i] == nullptr) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::string(row[i], lengths[i]));
      }
    }
  }
  mysql_free_result(result);
  return rows;
}

std::uint64_t Connection::affected_rows() const {
  return mysql_ != nullptr ? static_cast<std::uint64_t>(mysql_affected_rows(mysql_)) : 0;
}

void Connection::begin() { execute("START TRANSACTION"); }

void Connection::commit() { execute("COMMIT"); }

void Connection::rollback() noexcept {
  // Nothing useful to do if this fails: the server rolls back when the connection
  // drops, and the caller is already handling the error that led here.
  if (mysql_ != nullptr) {
    mysql_rollback(mysql_);
  }
}

void Connection::append_quoted(std::string& sql, std::string_view value) const {
  sql += '\'';
  if (mysql_ == nullptr) {
    escape_without_connection(sql, value);
  } else {
    const std::size_t start = sql.size();
    sql.resize(start + value.size() * 2 + 1);
    const auto written = mysql_real_escape_string(mysql_, sql.data() + start, value.data(),
                                                  static_cast<unsigned long>(value.size()));
    sql.resize(start + written);
  }
  sql += '\'';
}

}  // namespace vmpulse::db
