// vmpulse::db::Connection against a real private MariaDB: under ctest the instance is
// a fixture (tests/db_instance.sh, VMPULSE_TEST_DB_DIR); run by hand, the test starts
// and stops its own.
#include "vmpulse/db.hpp"

#include <errmsg.h>
#include <gtest/gtest.h>
#include <mysqld_error.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace vmpulse::db {
namespace {

namespace fs = std::filesystem;

const std::string kInstanceScript = std::string(VMPULSE_SOURCE_DIR) + "/core/tests/db_instance.sh";

bool mariadb_installed() {
  return std::system("command -v mariadbd >/dev/null 2>&1 || test -x /usr/sbin/mariadbd") == 0;
}

std::string read_line(const fs::path& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

class DbTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (const char* dir = std::getenv("VMPULSE_TEST_DB_DIR")) {
      dir_ = dir;
    } else {
      dir_ = fs::temp_directory_path() / ("vmpulse-db-test-" + std::to_string(::getpid()));
      own_instance_ = true;
      const std::string command = kInstanceScript + " start " + dir_.string() + " >/dev/null";
      if (std::system(command.c_str()) != 0) dir_.clear();
    }
  }
  static void TearDownTestSuite() {
    if (own_instance_ && !dir_.empty()) {
      const std::string command = kInstanceScript + " stop " + dir_.string();
      [[maybe_unused]] const int rc = std::system(command.c_str());
    }
  }

  void SetUp() override {
    const std::string text = dir_.empty() ? "" : read_line(dir_ / "url");
    if (text.empty()) {
      if (!mariadb_installed()) GTEST_SKIP() << "mariadbd is not installed";
      FAIL() << "the test MariaDB did not start (see core/tests/db_instance.sh)";
    }
    const auto parsed = parse_db_url(text);
    ASSERT_TRUE(std::holds_alternative<DbUrl>(parsed)) << std::get<std::string>(parsed);
    url_ = std::get<DbUrl>(parsed);
  }

  static std::string connection_id(Connection& connection) {
    return connection.query("SELECT CONNECTION_ID()").at(0).at(0).value();
  }

  inline static fs::path dir_;
  inline static bool own_instance_ = false;
  DbUrl url_;
};

TEST_F(DbTest, ConnectsWithUtcSessionAndUtf8mb4) {
  Connection db(url_);
  EXPECT_FALSE(db.connected());
  db.connect();
  EXPECT_TRUE(db.connected());
  const auto rows = db.query("SELECT @@session.time_zone, @@character_set_client, 1 + 1");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][0], "+00:00");
  EXPECT_EQ(rows[0][1], "utf8mb4");
  EXPECT_EQ(rows[0][2], "2");
}

TEST_F(DbTest, QuotedValuesRoundTripAndNullIsNullopt) {
  Connection db(url_);
  db.connect();
  db.execute("CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(64) NULL)");
  const std::string tricky("it's \"q\" \\ back\nline \0nul \xc3\xa9 \xf0\x9f\x98\x80", 34);
  std::string sql = "INSERT INTO t (s) VALUES (";
  db.append_quoted(sql, tricky);
  sql += "), (NULL)";
  db.execute(sql);
  EXPECT_EQ(db.affected_rows(), 2U);
  const auto rows = db.query("SELECT s FROM t ORDER BY id");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0][0], tricky);
  EXPECT_EQ(rows[1][0], std::nullopt);
}

TEST_F(DbTest, RollbackDiscardsAndCommitKeeps) {
  Connection db(url_);
  db.connect();
  db.execute("CREATE TEMPORARY TABLE t (v INT) ENGINE=InnoDB");
  db.begin();
  db.execute("INSERT INTO t VALUES (1)");
  db.rollback();
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t")[0][0], "0");
  db.begin();
  db.execute("INSERT INTO t VALUES (2)");
  db.commit();
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t")[0][0], "1");
}

TEST_F(DbTest, QueryOfAStatementWithoutResultIsEmpty) {
  Connection db(url_);
  db.connect();
  EXPECT_TRUE(db.query("DO 1").empty());
}

TEST_F(DbTest, SqlErrorKeepsTheConnection) {
  Connection db(url_);
  db.connect();
  try {
    db.execute("SELEC 1");
    FAIL() << "a syntax error went through";
  } catch (const DbError& error) {
    EXPECT_EQ(error.code(), static_cast<unsigned>(ER_PARSE_ERROR));
    EXPECT_FALSE(error.connection_lost());
    EXPECT_NE(std::string(error.what()).find("SELEC"), std::string::npos);
  }
  EXPECT_TRUE(db.connected());
  EXPECT_EQ(db.query("SELECT 3")[0][0], "3");
}

TEST_F(DbTest, WrongPasswordIsNotConnectionLost) {
  DbUrl bad = url_;
  bad.password = "wrong";
  Connection db(bad);
  try {
    db.connect();
    FAIL() << "connected with a wrong password";
  } catch (const DbError& error) {
    EXPECT_EQ(error.code(), static_cast<unsigned>(ER_ACCESS_DENIED_ERROR));
    EXPECT_FALSE(error.connection_lost());
    EXPECT_EQ(std::string(error.what()).find("wrong"), std::string::npos)
        << "password in the message";
  }
}

TEST_F(DbTest, NothingListeningIsConnectionLost) {
  DbUrl down = url_;
  down.port = 1;  // nothing listens on port 1 on loopback
  Connection db(down, 2);
  try {
    db.connect();
    FAIL() << "connected to nothing";
  } catch (const DbError& error) {
    EXPECT_TRUE(error.connection_lost()) << error.what();
    EXPECT_FALSE(db.connected());
  }
}

TEST_F(DbTest, KilledConnectionIsLostThenReconnects) {
  Connection victim(url_);
  victim.connect();
  Connection killer(url_);
  killer.connect();
  killer.execute("KILL " + connection_id(victim));
  try {
    victim.query("SELECT 1");
    FAIL() << "a killed connection answered";
  } catch (const DbError& error) {
    EXPECT_TRUE(error.connection_lost()) << error.what();
  }
  EXPECT_FALSE(victim.connected());
  victim.connect();
  EXPECT_EQ(victim.query("SELECT 5")[0][0], "5");
}

TEST_F(DbTest, NotConnectedThrowsConnectionLost) {
  Connection db(url_);
  try {
    db.execute("SELECT 1");
    FAIL();
  } catch (const DbError& error) {
    EXPECT_TRUE(error.connection_lost());
  }
}

TEST_F(DbTest, ConnectsThroughTheSocket) {
  DbUrl over_socket = url_;
  over_socket.socket = read_line(dir_ / "socket");
  over_socket.host = "localhost";
  over_socket.port = 1;  // ignored with a socket
  Connection db(over_socket);
  db.connect();
  EXPECT_EQ(db.query("SELECT @@session.time_zone")[0][0], "+00:00");
}

TEST_F(DbTest, PreparedValuesRoundTripAsTheirLiteralsWould) {
  Connection db(url_);
  db.connect();
  db.execute(
      "CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(64) NULL, "
      "n BIGINT NULL, d DECIMAL(5,2) NULL, j JSON NULL)");
  const std::string sql = "INSERT INTO t (s,n,d,j) VALUES (?,?,?,?),(?,?,?,?)";
  const std::string tricky("it's \"q\" \\ back\nline \0nul \xc3\xa9 \xf0\x9f\x98\x80", 34);
  Params params;
  params.add_text(tricky);
  params.add_integer(9007199254740993);
  params.add_text("1.005");  // the literal 1.005 rounds half up to 1.01
  params.add_text(R"({"a":"it's \"x\""})");
  for (int i = 0; i < 4; ++i) {
    params.add_null();
  }
  EXPECT_EQ(db.execute_prepared(sql, params), 2U);
  params.clear();
  params.add_text("again");  // the same statement, kept from the first call
  params.add_integer(-1);
  params.add_text_by([](std::string& out) { out += "99.994"; });
  params.add_text("[]");
  params.add_text("");
  params.add_integer(0);
  params.add_text("0");
  params.add_null();
  EXPECT_EQ(db.execute_prepared(sql, params), 2U);
  db.execute("INSERT INTO t (s,n,d) VALUES ('literal',0,1.005)");
  const auto rows = db.query("SELECT s,n,d,j FROM t ORDER BY id");
  ASSERT_EQ(rows.size(), 5U);
  EXPECT_EQ(rows[0][0], tricky);
  EXPECT_EQ(rows[0][1], "9007199254740993");
  EXPECT_EQ(rows[0][2], "1.01");
  EXPECT_EQ(rows[0][2], rows[4][2]);
  EXPECT_EQ(rows[0][3], R"({"a":"it's \"x\""})");
  EXPECT_EQ(rows[1], (Row{std::nullopt, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(rows[2], (Row{"again", "-1", "99.99", "[]"}));
  EXPECT_EQ(rows[3], (Row{"", "0", "0.00", std::nullopt}));
}

TEST_F(DbTest, PreparedErrorsAreDbErrorsAndKeepTheConnection) {
  Connection db(url_);
  db.connect();
  db.execute("CREATE TEMPORARY TABLE t (id INT PRIMARY KEY)");
  Params params;
  params.add_integer(1);
  const std::string sql = "INSERT INTO t (id) VALUES (?)";
  db.execute_prepared(sql, params);
  try {
    db.execute_prepared(sql, params);
    FAIL() << "a duplicate key went through";
  } catch (const DbError& error) {
    EXPECT_EQ(error.code(), static_cast<unsigned>(ER_DUP_ENTRY));
    EXPECT_FALSE(error.connection_lost());
  }
  try {
    db.execute_prepared("INSERT INTO nowhere (id) VALUES (?)", params);
    FAIL() << "a statement on a missing table was prepared";
  } catch (const DbError& error) {
    EXPECT_EQ(error.code(), static_cast<unsigned>(ER_NO_SUCH_TABLE));
    EXPECT_FALSE(error.connection_lost());
  }
  params.add_integer(2);
  EXPECT_THROW(db.execute_prepared(sql, params), DbError);  // two values for one ?
  params.clear();
  params.add_integer(3);
  EXPECT_EQ(db.execute_prepared(sql, params), 1U);
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t")[0][0], "2");
}

// Bytes (route 1's procesos_top) into a utf8mb4 text column: stored exactly as text
// would be, and bytes that are not UTF-8 refused, as text's would be, not stored.
TEST_F(DbTest, PreparedBytesStoreAsTextAndBadUtf8IsRefused) {
  Connection db(url_);
  db.connect();
  db.execute(
      "CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, "
      "m MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL)");
  const std::string sql = "INSERT INTO t (m) VALUES (?),(?)";
  const std::string text = "[[7,\"it's \\\"x\\\" caf\xc3\xa9 \xf0\x9f\x98\x80\",\"S\",1.00,2.00]]";
  Params params;
  params.add_bytes_by([&text](std::string& out) { out += text; });
  params.add_text(text);
  EXPECT_EQ(db.execute_prepared(sql, params), 2U);
  const auto rows = db.query("SELECT m, CHAR_LENGTH(m) FROM t ORDER BY id");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0][0], text);
  EXPECT_EQ(rows[0], rows[1]);  // the same characters, counted the same
  // Refused exactly where text is (what the server makes of a UTF-16 surrogate's bytes is
  // its own affair: the stored form never holds one), and nothing stored when refused.
  const auto stores = [&](const std::string& value, bool as_bytes) {
    params.clear();
    if (as_bytes) {
      params.add_bytes_by([&value](std::string& out) { out += value; });
    } else {
      params.add_text(value);
    }
    params.add_null();
    try {
      return db.execute_prepared(sql, params) == 2U;
    } catch (const DbError&) {
      return false;
    }
  };
  std::size_t stored = 2;
  for (const std::string& bad :
       {std::string("caf\xe9"), std::string("\xc3"), std::string("\xed\xa0\x80")}) {
    const bool bytes_stored = stores(bad, true);
    EXPECT_EQ(bytes_stored, stores(bad, false)) << bad;
    stored += bytes_stored ? 4 : 0;
  }
  EXPECT_FALSE(stores("caf\xe9", true));
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t")[0][0], std::to_string(stored));
}

// Bytes (route 1's procesos_top) into an ascii text column (migration 010): stored as
// they are and read back as the same text; text that is not ASCII (what route 2 would
// send if anything let it through) refused, not stored as '?'; bytes that are not ASCII
// stored unchecked (so route 1 must send ASCII only, as the contract's rules make it).
TEST_F(DbTest, PreparedBytesIntoAnAsciiColumnAreKeptAndNonAsciiTextRefused) {
  Connection db(url_);
  db.connect();
  db.execute(
      "CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, "
      "m MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NULL)");
  const std::string sql = "INSERT INTO t (m) VALUES (?)";
  const std::string text = R"x([[7,"it's \"x\" ~ (y)","S",1.00,2.00],[1,"a","R",0.00,0.50]])x";
  Params params;
  params.add_bytes_by([&text](std::string& out) { out += text; });
  EXPECT_EQ(db.execute_prepared(sql, params), 1U);
  params.clear();
  params.add_text(text);
  EXPECT_EQ(db.execute_prepared(sql, params), 1U);
  const auto rows = db.query("SELECT m, CHAR_LENGTH(m) FROM t ORDER BY id");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0][0], text);
  EXPECT_EQ(rows[0], rows[1]);
  params.clear();
  params.add_text("[[1,\"caf\xc3\xa9\",\"S\",0.00,1.00]]");
  EXPECT_THROW(db.execute_prepared(sql, params), DbError);
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t")[0][0], "2");
  // Bytes are not checked: the same non-ASCII list sent as bytes is stored as it is. Only
  // the contract's rules (ASCII names) keep such a list from route 1's parameter.
  params.clear();
  params.add_bytes_by([](std::string& out) { out += "caf\xc3\xa9"; });
  EXPECT_EQ(db.execute_prepared(sql, params), 1U);
  EXPECT_EQ(db.query("SELECT HEX(m) FROM t ORDER BY id DESC LIMIT 1")[0][0], "636166C3A9");
}

// Decimals (route 1's numbers, sent as MYSQL_TYPE_NEWDECIMAL) into DECIMAL columns:
// stored exactly as the same text sent as text is, whatever the rounding (a third
// decimal, half up either way), the sign (-0) and the size (the largest value a column
// holds, and beyond), and refused exactly where the text is (out of range, nothing
// stored), by single and by bulk execution; random doubles as to_chars writes them.
TEST_F(DbTest, DecimalsStoreAndFailAsTheirTextDoes) {
  Connection db(url_);
  db.connect();
  db.execute(
      "CREATE TEMPORARY TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, a DECIMAL(5,2) NULL, "
      "b DECIMAL(10,2) NULL, c DECIMAL(15,2) NULL)");
  std::vector<std::string> values = {
      "0",
      "-0",
      "1.005",
      "0.125",
      "-0.125",
      "0.135",
      "2.675",
      "0.001",
      "0.005",
      "-0.005",
      "0.0049999999",
      "999.99",
      "999.994",
      "999.995",
      "-999.995",
      "1000",
      "99999999.99",
      "99999999.995",
      "1e3",
      "12.",
      "9999999999999.99",
      "9999999999999.995",
      "10000000000000",
      "123456789012.345",
      "1000000000000000000000",
      "100000000000000000000000000000000000000000000000000000000000000000000000000000000001"};
  std::mt19937_64 random(13);
  for (int i = 0; i < 300; ++i) {
    const double magnitude = std::pow(10.0, static_cast<int>(random() % 16) - 3);
    const double value = std::uniform_real_distribution<double>(-magnitude, magnitude)(random);
    char text[400];
    const auto written = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed);
    values.emplace_back(text, written.ptr);
  }
  // Each value into each column alone, as text and as a decimal: the stored text, or
  // nullopt when refused.
  std::size_t stored = 0;
  for (const std::string column : {"a", "b", "c"}) {
    const std::string sql = "INSERT INTO t (" + column + ") VALUES (?)";
    const auto store = [&](const std::string& value, bool as_decimal) -> std::optional<Row> {
      Params params;
      if (as_decimal) {
        params.add_decimal_by([&value](std::string& out) { out += value; });
      } else {
        params.add_text(value);
      }
      try {
        db.execute_prepared(sql, params);
      } catch (const DbError&) {
        return std::nullopt;
      }
      ++stored;
      return db.query("SELECT " + column + " FROM t ORDER BY id DESC LIMIT 1").at(0);
    };
    for (const std::string& value : values) {
      if (value.find('e') != std::string::npos || value.back() == '.') {
        continue;  // never written as a decimal (append_shortest_fixed): text only
      }
      EXPECT_EQ(store(value, true), store(value, false)) << value << " into " << column;
    }
  }
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t")[0][0], std::to_string(stored));
  EXPECT_GT(stored, values.size());  // most values fit in b or c, some in a as well
  EXPECT_EQ(db.query("SELECT a FROM t WHERE a IS NOT NULL ORDER BY id LIMIT 1")[0][0], "0.00");

  // Bulk: every value that fits c, as decimals and as text, the same rows.
  db.execute(
      "CREATE TEMPORARY TABLE bulk_decimal (id INT AUTO_INCREMENT PRIMARY KEY, c DECIMAL(15,2))");
  db.execute(
      "CREATE TEMPORARY TABLE bulk_text (id INT AUTO_INCREMENT PRIMARY KEY, c DECIMAL(15,2))");
  Params decimals;
  Params texts;
  std::size_t rows = 0;
  for (const std::string& value : values) {
    if (value.find('e') == std::string::npos && value.back() != '.' &&
        std::abs(std::stod(value)) < 9e12) {
      decimals.add_decimal_by([&value](std::string& out) { out += value; });
      texts.add_text(value);
      ++rows;
    }
  }
  ASSERT_GT(rows, 100U);
  const auto bulk = [&db, rows](const std::string& table, const Params& params) {
    return db.execute_bulk("INSERT INTO " + table + " (c) VALUES (?)", params, rows);
  };
  EXPECT_EQ(bulk("bulk_decimal", decimals), std::optional<std::uint64_t>(rows));
  EXPECT_EQ(bulk("bulk_text", texts), std::optional<std::uint64_t>(rows));
  EXPECT_EQ(db.query("SELECT c FROM bulk_decimal ORDER BY id"),
            db.query("SELECT c FROM bulk_text ORDER BY id"));
}

// Bulk execution (MariaDB): rows of every kind, NULLs here and there and a column NULL
// in every row, stored as the same rows through a multi-row statement are.
TEST_F(DbTest, BulkStoresEachRowAsAMultiRowStatementWould) {
  Connection db(url_);
  db.connect();
  ASSERT_TRUE(db.bulk_supported());
  const std::string columns =
      " (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(64) NULL, n BIGINT NULL, "
      "d DECIMAL(5,2) NULL, j JSON NULL, m MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin "
      "NULL, z INT NULL)";
  db.execute("CREATE TEMPORARY TABLE bulk" + columns);
  db.execute("CREATE TEMPORARY TABLE rows3" + columns);
  const std::string tricky("it's \"q\" \\ back\nline \0nul \xc3\xa9 \xf0\x9f\x98\x80", 34);
  Params params;
  const auto row = [&params](std::optional<std::string> s, std::optional<std::int64_t> n,
                             std::optional<std::string> d, std::optional<std::string> m) {
    s ? params.add_text(*s) : params.add_null();
    n ? params.add_integer(*n) : params.add_null();
    d ? params.add_text(*d) : params.add_null();
    params.add_text(R"({"a":"it's \"x\""})");
    if (m) {
      params.add_bytes_by([&m](std::string& out) { out += *m; });
    } else {
      params.add_null();
    }
    params.add_null();
  };
  row(tricky, 9007199254740993, "1.005", "[[7,\"caf\xc3\xa9\",\"S\",1.00,2.00]]");
  row(std::nullopt, -1, std::nullopt, std::nullopt);
  row("", std::nullopt, "99.994", "");
  const std::string one_row = "INSERT INTO bulk (s,n,d,j,m,z) VALUES (?,?,?,?,?,?)";
  EXPECT_EQ(db.execute_bulk(one_row, params, 3), std::optional<std::uint64_t>(3));
  EXPECT_EQ(db.execute_prepared(
                "INSERT INTO rows3 (s,n,d,j,m,z) VALUES (?,?,?,?,?,?),(?,?,?,?,?,?),(?,?,?,?,?,?)",
                params),
            3U);
  const std::string select = "SELECT s,n,d,j,m,z FROM ";
  const auto stored = db.query(select + "bulk ORDER BY id");
  ASSERT_EQ(stored.size(), 3U);
  EXPECT_EQ(stored, db.query(select + "rows3 ORDER BY id"));
  EXPECT_EQ(stored[0][0], tricky);
  EXPECT_EQ(stored[0][2], "1.01");
  EXPECT_EQ(stored[1], (Row{std::nullopt, "-1", std::nullopt, R"({"a":"it's \"x\""})", std::nullopt,
                            std::nullopt}));
  // The same statement afterwards, run for one row: nothing of the bulk run stays.
  params.clear();
  row("again", 1, "0", "x");
  EXPECT_EQ(db.execute_prepared(one_row, params), 1U);
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM bulk")[0][0], "4");
  EXPECT_EQ(db.query("SELECT s FROM bulk ORDER BY id DESC LIMIT 1")[0][0], "again");
}

TEST_F(DbTest, BulkOfMixedKindsInAColumnSendsNothingAndWrongCountsThrow) {
  Connection db(url_);
  db.connect();
  db.execute("CREATE TEMPORARY TABLE t (v VARCHAR(20) NULL)");
  const std::string sql = "INSERT INTO t (v) VALUES (?)";
  Params params;
  params.add_integer(1);
  params.add_null();
  params.add_text("2");  // an integer and a text in one column: not one type for all rows
  EXPECT_EQ(db.execute_bulk(sql, params, 3), std::nullopt);
  EXPECT_THROW(db.execute_bulk(sql, params, 2), DbError);  // 3 values for 2 rows of 1
  EXPECT_THROW(db.execute_bulk(sql, Params{}, 0), DbError);
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t")[0][0], "0");
  params.clear();
  params.add_null();
  params.add_null();  // a column NULL in every row
  EXPECT_EQ(db.execute_bulk(sql, params, 2), std::optional<std::uint64_t>(2));
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t WHERE v IS NULL")[0][0], "2");
}

// A row the server refuses fails the bulk statement with the server's error, the
// connection stays usable, and rolling back leaves nothing of the transaction.
TEST_F(DbTest, BulkErrorsAreDbErrorsAndRollBackWhole) {
  Connection db(url_);
  db.connect();
  db.execute("CREATE TEMPORARY TABLE t (id INT PRIMARY KEY)");
  const std::string sql = "INSERT INTO t (id) VALUES (?)";
  Params params;
  for (const std::int64_t id : {1, 2, 2, 3}) {
    params.add_integer(id);
  }
  db.begin();
  try {
    db.execute_bulk(sql, params, 4);
    FAIL() << "a duplicate key went through";
  } catch (const DbError& error) {
    EXPECT_EQ(error.code(), static_cast<unsigned>(ER_DUP_ENTRY));
    EXPECT_FALSE(error.connection_lost());
  }
  db.rollback();
  EXPECT_EQ(db.query("SELECT COUNT(*) FROM t")[0][0], "0");
  params.clear();
  params.add_integer(4);
  params.add_integer(5);
  EXPECT_EQ(db.execute_bulk(sql, params, 2), std::optional<std::uint64_t>(2));
  EXPECT_EQ(db.query("SELECT GROUP_CONCAT(id ORDER BY id) FROM t")[0][0], "4,5");
  EXPECT_FALSE(Connection(url_).bulk_supported());  // not connected
}

TEST_F(DbTest, PreparedOnAKilledConnectionIsLostThenPreparedAgain) {
  Connection victim(url_);
  victim.connect();
  Connection killer(url_);
  killer.connect();
  Params params;
  params.add_integer(7);
  const std::string sql = "DO ?";
  victim.execute_prepared(sql, params);
  killer.execute("KILL " + connection_id(victim));
  try {
    victim.execute_prepared(sql, params);
    FAIL() << "a killed connection answered";
  } catch (const DbError& error) {
    EXPECT_TRUE(error.connection_lost()) << error.what();
  }
  EXPECT_FALSE(victim.connected());
  EXPECT_THROW(victim.execute_prepared(sql, params), DbError);
  victim.connect();
  EXPECT_EQ(victim.execute_prepared(sql, params), 0U);
}

TEST(DbQuote, EscapesWithoutAConnection) {
  Connection db(DbUrl{});
  std::string sql;
  db.append_quoted(sql, "a'b\\c\n");
  EXPECT_EQ(sql, "'a\\'b\\\\c\\n'");
}

}  // namespace
}  // namespace vmpulse::db
