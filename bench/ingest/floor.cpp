// The database's floor for the ingest benchmark: what a C client gets from the same
// MariaDB with no HTTP, no JSON and no validation in the way — multi-row INSERTs of
// --rows rows (the same columns and values as the wrk body), one durable COMMIT each,
// from --threads connections, for --seconds. Prints "FLOOR rows=N seconds=S".
// With --bulk, each transaction is instead one bulk execution of a prepared single-row
// INSERT for --rows rows (MariaDB's array binding, bound once: the values never change),
// the cheapest way a client has to send rows.
//
//   floor HOST PORT USER DATABASE --seconds S --rows N --threads T [--bulk 1]
//   (password: MYSQL_PWD)
#include <mysql.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
  const char* host;
  unsigned port;
  const char* user;
  const char* database;
  const char* password;
  double seconds = 10;
  int rows = 1000;
  int threads = 4;
  bool bulk = false;
};

constexpr const char* kColumns =
    "INSERT INTO metricas (vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,"
    "porcentaje_cpu_libre,procesos_corriendo,total_procesos,procesos_durmiendo,procesos_zombie,"
    "procesos_parados,hora,api) VALUES ";

std::string build_insert(int rows) {
  std::string sql = kColumns;
  for (int i = 0; i < rows; ++i) {
    if (i > 0) sql += ',';
    sql += "('bench-vm',16000,4000,12000,75,20.5,79.5,3,300,200,0,1,'2026-11-26 10:00:00','floor')";
  }
  return sql;
}

// Every row the same: the bindings never move, so the row callback has nothing to do.
my_bool same_row(void*, MYSQL_BIND*, unsigned) { return 0; }

void bulk_writer(MYSQL* db, const Options& o, std::chrono::steady_clock::time_point end,
                 std::atomic<long long>& stored, std::atomic<bool>& failed) {
  const std::string sql = std::string(kColumns) + "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  // The wrk body's values, in the columns' order; strings where the column is text or
  // DECIMAL (as route 1 sends them).
  static char vm[] = "bench-vm", ram[] = "75", cpu[] = "20.5", idle[] = "79.5",
              hora[] = "2026-11-26 10:00:00", api[] = "floor";
  static long long ints[] = {16000, 4000, 12000, 3, 300, 200, 0, 1};
  MYSQL_BIND binds[14] = {};
  const auto text = [](MYSQL_BIND& b, char* s) {
    b.buffer_type = MYSQL_TYPE_STRING;
    b.buffer = s;
    b.buffer_length = std::strlen(s);
  };
  const auto integer = [](MYSQL_BIND& b, long long* v) {
    b.buffer_type = MYSQL_TYPE_LONGLONG;
    b.buffer = v;
  };
  text(binds[0], vm);
  integer(binds[1], &ints[0]);
  integer(binds[2], &ints[1]);
  integer(binds[3], &ints[2]);
  text(binds[4], ram);
  text(binds[5], cpu);
  text(binds[6], idle);
  for (int i = 7; i < 12; ++i) integer(binds[i], &ints[i - 4]);
  text(binds[12], hora);
  text(binds[13], api);
  MYSQL_STMT* st = mysql_stmt_init(db);
  auto rows = static_cast<unsigned int>(o.rows);
  if (st == nullptr || mysql_stmt_prepare(st, sql.data(), sql.size()) != 0 ||
      mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &rows) != 0 ||
      mysql_stmt_attr_set(st, STMT_ATTR_CB_PARAM, reinterpret_cast<const void*>(&same_row)) != 0 ||
      mysql_stmt_bind_param(st, binds) != 0) {
    std::fprintf(stderr, "floor: prepare: %s\n", st ? mysql_stmt_error(st) : mysql_error(db));
    failed = true;
  }
  while (!failed && std::chrono::steady_clock::now() < end) {
    if (mysql_stmt_execute(st) != 0 || mysql_commit(db) != 0) {
      std::fprintf(stderr, "floor: bulk insert: %s %s\n", mysql_stmt_error(st), mysql_error(db));
      failed = true;
      break;
    }
    stored += o.rows;
  }
  if (st != nullptr) mysql_stmt_close(st);
}

void writer(const Options& o, const std::string& sql, std::chrono::steady_clock::time_point end,
            std::atomic<long long>& stored, std::atomic<bool>& failed) {
  MYSQL* db = mysql_init(nullptr);
  if (mysql_real_connect(db, o.host, o.user, o.password, o.database, o.port, nullptr, 0) ==
      nullptr) {
    std::fprintf(stderr, "floor: connect: %s\n", mysql_error(db));
    failed = true;
    mysql_close(db);
    return;
  }
  mysql_autocommit(db, 0);
  if (o.bulk) {
    bulk_writer(db, o, end, stored, failed);
    mysql_close(db);
    return;
  }
  while (std::chrono::steady_clock::now() < end) {
    if (mysql_real_query(db, sql.data(), sql.size()) != 0 || mysql_commit(db) != 0) {
      std::fprintf(stderr, "floor: insert: %s\n", mysql_error(db));
      failed = true;
      break;
    }
    stored += o.rows;
  }
  mysql_close(db);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: floor HOST PORT USER DATABASE [--seconds S] [--rows N] [--threads T]\n");
    return 2;
  }
  Options o{argv[1], static_cast<unsigned>(std::atoi(argv[2])), argv[3], argv[4],
            std::getenv("MYSQL_PWD")};
  for (int i = 5; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0)
      o.seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--rows") == 0)
      o.rows = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--threads") == 0)
      o.threads = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--bulk") == 0)
      o.bulk = std::atoi(argv[i + 1]) != 0;
    else {
      std::fprintf(stderr, "floor: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (o.seconds <= 0 || o.seconds > 120 || o.rows < 1 || o.rows > 10000 || o.threads < 1 ||
      o.threads > 64) {
    std::fprintf(stderr, "floor: --seconds 0-120, --rows 1-10000, --threads 1-64\n");
    return 2;
  }
  mysql_library_init(0, nullptr, nullptr);
  const std::string sql = build_insert(o.rows);
  std::atomic<long long> stored{0};
  std::atomic<bool> failed{false};
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back(writer, std::cref(o), std::cref(sql), end, std::ref(stored),
                         std::ref(failed));
  }
  for (auto& t : threads) t.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  mysql_library_end();
  std::printf("FLOOR rows=%lld seconds=%.3f\n", stored.load(), elapsed);
  return failed ? 1 : 0;
}
