// Where procesos_top lives, measured from a C client with no HTTP in the way (issue 13):
//   v1     metricas rows of version 1 records (the version 2 columns NULL): the baseline;
//   json     version 2 rows, procesos_top as the objects' JSON text in a JSON column
//            (db/migrations/005; bench/ingest/record_v2.sh sets the column's type);
//   compact  version 2 rows, procesos_top as the routes store it since db/migrations/009:
//            `[[pid,"nombre","S",cpu,ram],…]` in a MEDIUMTEXT with no JSON check;
//   child    version 2 rows, procesos_top as one metricas_procesos row per process (the
//            alternative; bench/ingest/record_v2.sh creates that table).
// Inserts --records records with --processes processes each, in durable transactions of
// --batch records from --threads connections, as the ingest routes do; then, for the
// version 2 modes, reads them back the two ways the hub does: --reads lookups of one VM's
// processes at a time (GET /api/processes) and a scan of every row in id order, 1,000 at
// a time, with its processes (the live stream's poller). Prints one line:
//   LAYOUT mode=M records=N insert_s=S lookups=L lookup_s=S scanned=N scan_s=S
//
//   record_layout HOST PORT USER DATABASE MODE [--records N] [--batch B] [--threads T]
//                 [--processes P] [--reads R]        (password: MYSQL_PWD)
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
  std::string mode;
  int records = 20000;
  int batch = 100;
  int threads = 4;
  int processes = 10;
  int reads = 2000;
};

constexpr int kVms = 50;
// Typical comm names of a busy server, as the agent sends them.
const char* const kNames[] = {"postgres",   "java",        "node", "systemd-journal", "nginx",
                              "containerd", "kworker/0:1", "sshd", "python3",         "dockerd"};

// Record i: VM i % kVms, one sample per VM every 5 seconds from 2026-11-26 00:00:00.
std::string hora_of(int i) {
  const int seconds = (i / kVms) * 5;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "'2026-11-26 %02d:%02d:%02d'", seconds / 3600 % 24,
                seconds / 60 % 60, seconds % 60);
  return buffer;
}

std::string vm_of(int i) { return "'vm-" + std::to_string(i % kVms) + "'"; }

std::string v1_values(int i) {
  return "(" + vm_of(i) + ",16000,4000,12000,75,20.5,79.5,3,300,200,0,1," + hora_of(i) + ",'bench'";
}

// The version 2 scalars, the same for every record.
constexpr const char* kV2Columns =
    ",carga_1,carga_5,carga_15,porcentaje_cpu_robado,porcentaje_cpu_espera,swap_total,"
    "swap_libre,disco_total,disco_libre,disco_lectura_kib_s,disco_escritura_kib_s,red_rx_kib_s,"
    "red_tx_kib_s,tiempo_activo";
constexpr const char* kV2Values =
    ",1.25,0.98,0.75,0.5,2.25,4096,3900,102400,51200,120.5,340.25,1500.75,200.5,864000";

struct Process {
  int pid;
  const char* nombre;
  const char* estado;
  double cpu;
  double ram;
};

Process process_of(int record, int k) {
  return {1000 + k * 37 + record % 7, kNames[k % 10], k == 0 ? "R" : "S", 40.0 / (k + 1) + 0.25,
          2048.0 / (k + 1) + 0.5};
}

// The column's text: the objects (json) or an array of values per process (compact), the
// numbers with two decimals as the routes write them.
std::string processes_text(int record, int count, bool compact) {
  std::string text = "[";
  char buffer[256];
  for (int k = 0; k < count; ++k) {
    const Process p = process_of(record, k);
    std::snprintf(buffer, sizeof buffer,
                  compact ? "%s[%d,\"%s\",\"%s\",%.2f,%.2f]"
                          : "%s{\"pid\":%d,\"nombre\":\"%s\",\"estado\":\"%s\","
                            "\"porcentaje_cpu\":%.2f,\"ram_mib\":%.2f}",
                  k > 0 ? "," : "", p.pid, p.nombre, p.estado, p.cpu, p.ram);
    text += buffer;
  }
  return text + "]";
}

struct Connection {
  MYSQL* db = nullptr;
  bool ok = false;
  explicit Connection(const Options& o) : db(mysql_init(nullptr)) {
    ok = mysql_real_connect(db, o.host, o.user, o.password, o.database, o.port, nullptr, 0) !=
         nullptr;
    if (!ok) std::fprintf(stderr, "record_layout: connect: %s\n", mysql_error(db));
  }
  ~Connection() { mysql_close(db); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  bool run(const std::string& sql) {
    if (mysql_real_query(db, sql.data(), sql.size()) == 0) return true;
    std::fprintf(stderr, "record_layout: %s: %.120s\n", mysql_error(db), sql.c_str());
    return false;
  }
  // Runs a query and reads its whole answer; the bytes of its values.
  long long fetch(const std::string& sql, long long& rows) {
    if (!run(sql)) return -1;
    MYSQL_RES* result = mysql_store_result(db);
    long long bytes = 0;
    if (result == nullptr) return 0;
    const unsigned fields = mysql_num_fields(result);
    while (MYSQL_ROW row = mysql_fetch_row(result)) {
      const unsigned long* lengths = mysql_fetch_lengths(result);
      for (unsigned f = 0; f < fields; ++f) bytes += static_cast<long long>(lengths[f]);
      ++rows;
      (void)row;
    }
    mysql_free_result(result);
    return bytes;
  }
};

constexpr const char* kV1Columns =
    "INSERT INTO metricas (vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,"
    "porcentaje_cpu_libre,procesos_corriendo,total_procesos,procesos_durmiendo,procesos_zombie,"
    "procesos_parados,hora,api";

// The modes that keep procesos_top in metricas' own column.
bool in_column(const Options& o) { return o.mode == "json" || o.mode == "compact"; }

// One transaction: records [first, first + count).
bool insert_batch(Connection& c, const Options& o, int first, int count) {
  std::string sql = kV1Columns;
  if (o.mode != "v1") sql += kV2Columns;
  if (in_column(o)) sql += ",procesos_top";
  sql += ") VALUES ";
  for (int i = first; i < first + count; ++i) {
    if (i > first) sql += ',';
    sql += v1_values(i);
    if (o.mode != "v1") sql += kV2Values;
    if (in_column(o)) sql += ",'" + processes_text(i, o.processes, o.mode == "compact") + "'";
    sql += ')';
  }
  if (!c.run(sql)) return false;
  if (o.mode == "child") {
    // The ids of one multi-row INSERT are consecutive from mysql_insert_id() with
    // innodb_autoinc_lock_mode 0 or 1 (MariaDB's default); MySQL 8.0's default 2 does not
    // promise that, and a real route would have to insert row by row or read them back.
    const unsigned long long id = mysql_insert_id(c.db);
    std::string child =
        "INSERT INTO metricas_procesos (metrica_id,orden,pid,nombre,estado,porcentaje_cpu,ram_mib)"
        " VALUES ";
    char buffer[256];
    for (int i = 0; i < count; ++i) {
      for (int k = 0; k < o.processes; ++k) {
        const Process p = process_of(first + i, k);
        std::snprintf(buffer, sizeof buffer, "%s(%llu,%d,%d,'%s','%s',%.2f,%.2f)",
                      i + k > 0 ? "," : "", id + static_cast<unsigned long long>(i), k, p.pid,
                      p.nombre, p.estado, p.cpu, p.ram);
        child += buffer;
      }
    }
    if (!c.run(child)) return false;
  }
  return mysql_commit(c.db) == 0;
}

// GET /api/processes: the newest row of a VM at or before a time, within 5 minutes.
std::string lookup_sql(const Options& o, int i) {
  const std::string where = "m.vm = " + vm_of(i) + " AND m.hora <= " + hora_of(i) +
                            " AND m.hora >= " + hora_of(i) + " - INTERVAL 5 MINUTE";
  if (in_column(o)) {
    return "SELECT m.hora, m.procesos_top FROM metricas m WHERE " + where +
           " AND m.procesos_top IS NOT NULL ORDER BY m.hora DESC LIMIT 1";
  }
  // The child table has to be put back together as the same JSON text. "Has processes"
  // is a join on the first one (EXISTS gets a plan that scans the whole child table).
  return "SELECT t.hora, (SELECT JSON_ARRAYAGG(JSON_OBJECT('pid', p.pid, 'nombre', p.nombre, "
         "'estado', p.estado, 'porcentaje_cpu', p.porcentaje_cpu, 'ram_mib', p.ram_mib) ORDER BY "
         "p.orden) FROM metricas_procesos p WHERE p.metrica_id = t.id) FROM (SELECT m.id, m.hora "
         "FROM metricas m JOIN metricas_procesos e ON e.metrica_id = m.id AND e.orden = 0 WHERE " +
         where + " ORDER BY m.hora DESC LIMIT 1) t";
}

using Clock = std::chrono::steady_clock;
double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs work(thread, connection) on --threads connections; false when one failed.
template <class Work>
bool on_threads(const Options& o, Work work) {
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&, t] {
      Connection c(o);
      if (!c.ok || !work(t, c)) failed = true;
    });
  }
  for (auto& t : threads) t.join();
  return !failed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr,
                 "usage: record_layout HOST PORT USER DATABASE v1|json|compact|child [--records N] "
                 "[--batch B] [--threads T] [--processes P] [--reads R]\n");
    return 2;
  }
  Options o{argv[1],
            static_cast<unsigned>(std::atoi(argv[2])),
            argv[3],
            argv[4],
            std::getenv("MYSQL_PWD"),
            argv[5]};
  for (int i = 6; i + 1 < argc; i += 2) {
    int* target = std::strcmp(argv[i], "--records") == 0     ? &o.records
                  : std::strcmp(argv[i], "--batch") == 0     ? &o.batch
                  : std::strcmp(argv[i], "--threads") == 0   ? &o.threads
                  : std::strcmp(argv[i], "--processes") == 0 ? &o.processes
                  : std::strcmp(argv[i], "--reads") == 0     ? &o.reads
                                                             : nullptr;
    if (target == nullptr) {
      std::fprintf(stderr, "record_layout: unknown option %s\n", argv[i]);
      return 2;
    }
    *target = std::atoi(argv[i + 1]);
  }
  if ((o.mode != "v1" && !in_column(o) && o.mode != "child") || o.records < 1 || o.batch < 1 ||
      o.batch > 1000 || o.threads < 1 || o.threads > 64 || o.processes < 0 || o.processes > 50 ||
      o.reads < 0) {
    std::fprintf(stderr,
                 "record_layout: mode v1|json|compact|child, --batch 1-1000, --threads 1-64, "
                 "--processes 0-50\n");
    return 2;
  }
  mysql_library_init(0, nullptr, nullptr);

  // Inserts: each thread takes batches first, first + threads * batch, ...
  auto start = Clock::now();
  bool ok = on_threads(o, [&](int t, Connection& c) {
    mysql_autocommit(c.db, 0);
    for (int first = t * o.batch; first < o.records; first += o.threads * o.batch) {
      if (!insert_batch(c, o, first, std::min(o.batch, o.records - first))) return false;
    }
    return true;
  });
  const double insert_s = since(start);

  double lookup_s = 0;
  double scan_s = 0;
  std::atomic<long long> found{0};
  long long scanned = 0;
  if (ok && o.mode != "v1") {
    start = Clock::now();
    ok = on_threads(o, [&](int t, Connection& c) {
      for (int r = t; r < o.reads; r += o.threads) {
        // Spread over every stored record: a prime stride.
        long long rows = 0;
        if (c.fetch(lookup_sql(o, static_cast<int>((r * 7919LL) % o.records)), rows) < 0) {
          return false;
        }
        found += rows;
      }
      return true;
    });
    lookup_s = since(start);

    // The poller: rows after the last id seen, 1,000 at a time, with their processes.
    start = Clock::now();
    Connection c(o);
    ok = ok && c.ok;
    long long last = 0;
    while (ok) {
      const std::string rows_sql =
          "SELECT id,vm,total_ram,ram_libre,uso_ram,porcentaje_ram,porcentaje_cpu_uso,"
          "porcentaje_cpu_libre,procesos_corriendo,total_procesos,procesos_durmiendo,"
          "procesos_zombie,procesos_parados,hora,api" +
          std::string(kV2Columns) + (in_column(o) ? ",procesos_top" : "") +
          " FROM metricas WHERE id > " + std::to_string(last) + " ORDER BY id LIMIT 1000";
      if (!c.run(rows_sql)) {
        ok = false;
        break;
      }
      MYSQL_RES* result = mysql_store_result(c.db);
      const long long n = result != nullptr ? static_cast<long long>(mysql_num_rows(result)) : 0;
      const long long first = last;
      while (MYSQL_ROW row = mysql_fetch_row(result)) last = std::atoll(row[0]);
      mysql_free_result(result);
      if (n == 0) break;
      scanned += n;
      if (o.mode == "child") {
        long long child_rows = 0;
        ok = c.fetch(
                 "SELECT metrica_id,pid,nombre,estado,porcentaje_cpu,ram_mib FROM "
                 "metricas_procesos WHERE metrica_id > " +
                     std::to_string(first) + " AND metrica_id <= " + std::to_string(last) +
                     " ORDER BY metrica_id, orden",
                 child_rows) >= 0;
      }
    }
    scan_s = since(start);
  }
  mysql_library_end();
  std::printf(
      "LAYOUT mode=%s records=%d insert_s=%.3f lookups=%d found=%lld lookup_s=%.3f "
      "scanned=%lld scan_s=%.3f\n",
      o.mode.c_str(), o.records, insert_s, o.reads, found.load(), lookup_s, scanned, scan_s);
  return ok ? 0 : 1;
}
