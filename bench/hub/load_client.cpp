// Load client for bench/hub/run.sh: opens thousands of WebSocket connections from one
// thread (epoll), inserts rows at a fixed rate into MariaDB with the commit time in
// microseconds stored in total_ram, and measures, per client, the time from commit to
// the row's first arrival. It also samples the server's and MariaDB's CPU time, RSS and
// Com_select over the steady window, and again after every client has gone.
// Speaks plain WebSocket (the hub, the ws peer) and Engine.IO v4 / Socket.IO over
// WebSocket (the Socket.IO peer: answers "0" with "40" and ping "2" with "3").
//
//   load_client --port P --path /ws --mode ws|socketio --clients N --seconds S --rate R
//               --db-host H --db-port P --db-user U --db-pass P --db-name D
//               --server-pid PID --db-pid PID --label NAME [--procs K]
// --procs K splits the clients over K processes (one process holds at most ulimit -n
// sockets); the first inserts, samples and prints, the others report to it over pipes.
// Prints one line: "RESULT label=… key=value …".
#include <arpa/inet.h>
#include <fcntl.h>
#include <mysql.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
double mono_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Args {
  int port = 8081;
  std::string path = "/ws";
  bool socketio = false;
  int clients = 1000;
  int seconds = 20;
  int rate = 10;
  std::string db_host = "127.0.0.1", db_user, db_pass, db_name;
  int db_port = 3306;
  int server_pid = 0, db_pid = 0;
  std::string label = "server";
  int procs = 1;
};

// CPU seconds (user + system) of a process, from /proc/PID/stat.
double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stol(field);
  }
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Resident memory in MiB: the process and its children (npm/node wrappers are not used,
// so the server pid is the server).
double rss_mib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

long com_select(MYSQL* db) {
  if (mysql_query(db, "SHOW GLOBAL STATUS LIKE 'Com_select'")) return -1;
  MYSQL_RES* res = mysql_store_result(db);
  long value = -1;
  if (MYSQL_ROW row = mysql_fetch_row(res)) value = std::stol(row[1]);
  mysql_free_result(res);
  return value;
}

MYSQL* db_connect(const Args& a) {
  MYSQL* db = mysql_init(nullptr);
  if (!mysql_real_connect(db, a.db_host.c_str(), a.db_user.c_str(), a.db_pass.c_str(),
                          a.db_name.c_str(), static_cast<unsigned>(a.db_port), nullptr, 0)) {
    std::fprintf(stderr, "load_client: database: %s\n", mysql_error(db));
    std::exit(1);
  }
  return db;
}

enum class State { connecting, handshake, open, closed };

struct Conn {
  int fd = -1;
  State state = State::connecting;
  std::string in;       // unparsed bytes
  std::string message;  // a fragmented message being assembled
  std::int64_t max_marker = 0;
};

struct Totals {
  std::vector<std::int64_t> latencies_us;  // steady window only
  long messages = 0;                       // data messages received in the window
  long rows = 0;                           // first sightings in the window
  bool measuring = false;
};

void send_frame(Conn& c, std::string_view payload) {
  // Client frames are masked (RFC 6455); a zero key keeps the payload as is.
  std::string frame;
  frame.push_back(static_cast<char>(0x81));
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(0x80 | payload.size()));
  } else {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>((payload.size() >> 8) & 0xFF));
    frame.push_back(static_cast<char>(payload.size() & 0xFF));
  }
  frame.append(4, '\0');
  frame.append(payload);
  (void)!::write(c.fd, frame.data(), frame.size());
}

void on_message(Conn& c, const std::string& text, const Args& a, Totals& t) {
  if (a.socketio) {
    if (text == "2") return send_frame(c, "3");                       // Engine.IO ping
    if (!text.empty() && text[0] == '0') return send_frame(c, "40");  // open: join "/"
  }
  const std::int64_t arrived = now_us();
  bool counted = false;
  static constexpr std::string_view key = "\"total_ram\":";
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
    const std::int64_t marker = std::strtoll(text.c_str() + at + key.size(), nullptr, 10);
    if (marker < 1'000'000'000'000'000LL) continue;  // not a bench row
    if (marker <= c.max_marker) continue;            // seen before (the peers resend rows)
    c.max_marker = marker;
    if (t.measuring) {
      t.latencies_us.push_back(arrived - marker);
      ++t.rows;
      counted = true;
    }
  }
  if (counted || t.measuring) ++t.messages;
}

// Parses whole frames out of c.in.
void parse_frames(Conn& c, const Args& a, Totals& t) {
  std::size_t pos = 0;
  while (true) {
    if (c.in.size() - pos < 2) break;
    const auto* p = reinterpret_cast<const unsigned char*>(c.in.data() + pos);
    const bool fin = p[0] & 0x80;
    const int opcode = p[0] & 0x0F;
    std::uint64_t len = p[1] & 0x7F;
    std::size_t header = 2;
    if (len == 126) {
      if (c.in.size() - pos < 4) break;
      len = (std::uint64_t(p[2]) << 8) | p[3];
      header = 4;
    } else if (len == 127) {
      if (c.in.size() - pos < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      header = 10;
    }
    if (c.in.size() - pos < header + len) break;
    const std::string_view payload(c.in.data() + pos + header, len);
    if (opcode == 0x9) {  // ping -> pong
      std::string pong;
      pong.push_back(static_cast<char>(0x8A));
      pong.push_back(static_cast<char>(0x80 | payload.size()));
      pong.append(4, '\0');
      pong.append(payload);
      (void)!::write(c.fd, pong.data(), pong.size());
    } else if (opcode == 0x8) {
      c.state = State::closed;
    } else if (opcode == 0x1 || opcode == 0x2 || opcode == 0x0) {
      c.message.append(payload);
      if (fin) {
        on_message(c, c.message, a, t);
        c.message.clear();
      }
    }
    pos += header + len;
  }
  c.in.erase(0, pos);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      a.port = std::stoi(v);
    else if (k == "--path")
      a.path = v;
    else if (k == "--mode")
      a.socketio = v == "socketio";
    else if (k == "--clients")
      a.clients = std::stoi(v);
    else if (k == "--seconds")
      a.seconds = std::stoi(v);
    else if (k == "--rate")
      a.rate = std::stoi(v);
    else if (k == "--db-host")
      a.db_host = v;
    else if (k == "--db-port")
      a.db_port = std::stoi(v);
    else if (k == "--db-user")
      a.db_user = v;
    else if (k == "--db-pass")
      a.db_pass = v;
    else if (k == "--db-name")
      a.db_name = v;
    else if (k == "--server-pid")
      a.server_pid = std::stoi(v);
    else if (k == "--db-pid")
      a.db_pid = std::stoi(v);
    else if (k == "--label")
      a.label = v;
    else if (k == "--procs")
      a.procs = std::stoi(v);
    else {
      std::fprintf(stderr, "load_client: unknown argument %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.procs < 1 || a.clients < a.procs || a.rate < 1 || a.seconds < 1) {
    std::fprintf(stderr, "load_client: --procs, --clients, --rate, --seconds must be >= 1\n");
    std::exit(2);
  }
  return a;
}

// A helper process's part of the run (--procs > 1): it holds its share of the clients
// and reports to the first process over a pipe.
struct Part {
  int opened = 0, failed = 0, still_open = 0;
  long rows = 0, messages = 0;
  double ramp_s = 0;
  std::size_t latencies = 0;  // followed by that many int64 on the pipe
};

// Reads or writes exactly `size` bytes on a pipe.
bool read_all(int fd, void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t got = ::read(fd, p, size);
    if (got <= 0) return false;
    p += got;
    size -= static_cast<std::size_t>(got);
  }
  return true;
}
bool write_all(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t put = ::write(fd, p, size);
    if (put <= 0) return false;
    p += put;
    size -= static_cast<std::size_t>(put);
  }
  return true;
}

constexpr std::uint32_t kControl = 0xFFFFFFFFu;  // epoll tag of the control pipe

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  // One process holds at most ulimit -n sockets; --procs splits the clients. The first
  // process inserts, samples the server and prints; the others hold clients and report.
  struct Helper {
    pid_t pid;
    int control;  // first -> helper: 'S' start measuring, 'E' end, 'C' close
    int report;   // helper -> first: Part, then its latencies
  };
  std::vector<Helper> helpers;
  int index = 0, control_in = -1, report_out = -1;
  for (int k = 1; k < a.procs; ++k) {
    int down[2], up[2];
    if (::pipe(down) != 0 || ::pipe(up) != 0) {
      std::perror("load_client: pipe");
      return 1;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
      std::perror("load_client: fork");
      return 1;
    }
    if (pid == 0) {
      for (const Helper& h : helpers) {
        ::close(h.control);
        ::close(h.report);
      }
      helpers.clear();
      ::close(down[1]);
      ::close(up[0]);
      index = k;
      control_in = down[0];
      report_out = up[1];
      break;
    }
    ::close(down[0]);
    ::close(up[1]);
    helpers.push_back({pid, down[1], up[0]});
  }
  const bool first = index == 0;
  const int my_clients = a.clients / a.procs + (index < a.clients % a.procs ? 1 : 0);

  MYSQL* stats_db = first ? db_connect(a) : nullptr;
  const int ep = epoll_create1(0);
  std::vector<Conn> conns(static_cast<std::size_t>(my_clients));
  Totals totals;
  const std::string request =
      "GET " + a.path +
      " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(a.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  int opened = 0, started = 0, failed = 0;
  char control = 0;  // the last byte read from the control pipe (helpers)
  if (control_in >= 0) {
    epoll_event ev{EPOLLIN, {.u32 = kControl}};
    epoll_ctl(ep, EPOLL_CTL_ADD, control_in, &ev);
  }
  std::vector<epoll_event> events(1024);
  char buf[65536];

  auto pump = [&](int timeout_ms) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout_ms);
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u32 == kControl) {
        if (::read(control_in, &control, 1) != 1) std::exit(1);  // the first process died
        continue;
      }
      Conn& c = conns[events[i].data.u32];
      if (c.state == State::closed) continue;
      if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        if (c.state != State::open) ++failed;
        c.state = State::closed;
        ::close(c.fd);
        continue;
      }
      if (c.state == State::connecting && (events[i].events & EPOLLOUT)) {
        (void)!::write(c.fd, request.data(), request.size());
        c.state = State::handshake;
        epoll_event ev{EPOLLIN, {.u32 = events[i].data.u32}};
        epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        continue;
      }
      while (true) {
        const ssize_t got = ::read(c.fd, buf, sizeof buf);
        if (got <= 0) {
          if (got == 0) {
            if (c.state != State::open) ++failed;
            c.state = State::closed;
            ::close(c.fd);
          }
          break;
        }
        c.in.append(buf, static_cast<std::size_t>(got));
      }
      if (c.state == State::handshake) {
        const auto end = c.in.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
          ++failed;
          c.state = State::closed;
          ::close(c.fd);
          continue;
        }
        c.in.erase(0, end + 4);
        c.state = State::open;
        ++opened;
      }
      if (c.state == State::open) parse_frames(c, a, totals);
    }
  };

  // Ramp: at most 200 handshakes in flight, so the listen backlog never overflows. It
  // ends when every client is open or refused, after 120 s, or after 10 s without
  // progress (a server out of descriptors leaves connections unanswered in its backlog).
  const double ramp_start = mono_s();
  double progress_at = ramp_start;
  int progress = 0;
  while ((opened + failed < my_clients) && mono_s() - ramp_start < 120 &&
         mono_s() - progress_at < 10) {
    if (opened + failed != progress) {
      progress = opened + failed;
      progress_at = mono_s();
    }
    while (started < my_clients && started - opened - failed < 200) {
      Conn& c = conns[static_cast<std::size_t>(started)];
      c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (c.fd < 0) {
        std::perror("load_client: socket");
        return 1;
      }
      ::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      epoll_event ev{EPOLLOUT | EPOLLIN, {.u32 = static_cast<std::uint32_t>(started)}};
      epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
      ++started;
    }
    pump(50);
  }
  double ramp_s = mono_s() - ramp_start;

  auto count_open = [&] {
    int n = 0;
    for (auto& c : conns) n += c.state == State::open;
    return n;
  };
  auto close_all = [&] {
    for (auto& c : conns) {
      if (c.state != State::closed) ::close(c.fd);
      c.state = State::closed;
    }
  };

  if (!first) {
    Part part;
    part.opened = opened;
    part.failed = failed;
    part.ramp_s = ramp_s;
    if (!write_all(report_out, &part, sizeof part)) return 1;
    while (control != 'S') pump(50);
    totals.measuring = true;
    while (control != 'E') pump(50);
    totals.measuring = false;
    part.still_open = count_open();
    part.rows = totals.rows;
    part.messages = totals.messages;
    part.latencies = totals.latencies_us.size();
    if (!write_all(report_out, &part, sizeof part) ||
        !write_all(report_out, totals.latencies_us.data(),
                   totals.latencies_us.size() * sizeof(std::int64_t)))
      return 1;
    while (control != 'C') pump(50);
    close_all();
    return 0;
  }
  auto tell = [&](char what) {
    for (const Helper& h : helpers) (void)!::write(h.control, &what, 1);
  };
  for (const Helper& h : helpers) {
    Part part;
    if (!read_all(h.report, &part, sizeof part)) {
      std::fprintf(stderr, "load_client: a helper process failed\n");
      return 1;
    }
    opened += part.opened;
    failed += part.failed;
    ramp_s = std::max(ramp_s, part.ramp_s);
  }
  // Let snapshots and the ramp's backlog settle.
  for (double until = mono_s() + 3; mono_s() < until;) pump(50);

  // Steady window: inserts at `rate` per second, one autocommit INSERT each.
  std::atomic<bool> inserting{true};
  std::atomic<long> inserted{0};
  std::thread inserter([&] {
    MYSQL* db = db_connect(a);
    const auto period = std::chrono::microseconds(1'000'000 / a.rate);
    auto next = std::chrono::steady_clock::now();
    while (inserting) {
      next += period;
      std::this_thread::sleep_until(next);
      const std::string sql =
          "INSERT INTO metricas (vm, total_ram, ram_libre, uso_ram, porcentaje_ram, "
          "porcentaje_cpu_uso, "
          "porcentaje_cpu_libre, procesos_corriendo, total_procesos, procesos_durmiendo, "
          "procesos_zombie, "
          "procesos_parados, hora, api) VALUES ('bench-vm', " +
          std::to_string(now_us()) +
          ", 1000, 1000, 50, 25, 75, 1, 100, 99, 0, 0, UTC_TIMESTAMP(), 'cpp')";
      if (mysql_query(db, sql.c_str()) == 0) ++inserted;
    }
    mysql_close(db);
  });
  tell('S');
  totals.measuring = true;
  const long select0 = com_select(stats_db);
  const double cpu0 = cpu_seconds(a.server_pid), dbcpu0 = cpu_seconds(a.db_pid), t0 = mono_s();
  double rss_max = 0;
  while (mono_s() - t0 < a.seconds) {
    pump(50);
    rss_max = std::max(rss_max, rss_mib(a.server_pid));
  }
  const double window = mono_s() - t0;
  const double cpu1 = cpu_seconds(a.server_pid), dbcpu1 = cpu_seconds(a.db_pid);
  const long select1 = com_select(stats_db);
  inserting = false;
  inserter.join();
  // Rows committed at the end of the window still count when they arrive within 1 s.
  for (double until = mono_s() + 1; mono_s() < until;) pump(50);
  tell('E');
  totals.measuring = false;
  int still_open = count_open();
  for (const Helper& h : helpers) {
    Part part;
    if (!read_all(h.report, &part, sizeof part)) {
      std::fprintf(stderr, "load_client: a helper process failed\n");
      return 1;
    }
    std::vector<std::int64_t> latencies(part.latencies);
    if (!read_all(h.report, latencies.data(), latencies.size() * sizeof(std::int64_t))) {
      std::fprintf(stderr, "load_client: a helper process failed\n");
      return 1;
    }
    still_open += part.still_open;
    totals.rows += part.rows;
    totals.messages += part.messages;
    totals.latencies_us.insert(totals.latencies_us.end(), latencies.begin(), latencies.end());
  }

  // Every client leaves; then the server should have nothing left to do.
  tell('C');
  close_all();
  for (const Helper& h : helpers) ::waitpid(h.pid, nullptr, 0);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long idle_select0 = com_select(stats_db);
  const double idle_cpu0 = cpu_seconds(a.server_pid), idle0 = mono_s();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const double idle_cpu = (cpu_seconds(a.server_pid) - idle_cpu0) / (mono_s() - idle0);
  const double idle_qps =
      static_cast<double>(com_select(stats_db) - idle_select0 - 1) / (mono_s() - idle0);

  std::sort(totals.latencies_us.begin(), totals.latencies_us.end());
  auto pct = [&](double q) -> double {
    if (totals.latencies_us.empty()) return -1;
    const auto i =
        static_cast<std::size_t>(q * static_cast<double>(totals.latencies_us.size() - 1));
    return static_cast<double>(totals.latencies_us[i]) / 1000.0;
  };
  const long expected = inserted.load() * still_open;
  const double cpu = (cpu1 - cpu0) / window;
  std::printf(
      "RESULT label=%s clients=%d opened=%d failed=%d still_open=%d ramp_s=%.1f window_s=%.1f "
      "inserted=%ld "
      "rows_received=%ld rows_expected=%ld messages=%ld cpu_cores=%.4f us_per_msg=%.2f "
      "db_cores=%.4f rss_mib=%.1f "
      "p50_ms=%.1f p99_ms=%.1f max_ms=%.1f selects_per_s=%.2f idle_cpu_cores=%.4f "
      "idle_selects_per_s=%.2f\n",
      a.label.c_str(), a.clients, opened, failed, still_open, ramp_s, window, inserted.load(),
      totals.rows, expected, totals.messages, cpu,
      totals.messages ? (cpu1 - cpu0) * 1e6 / static_cast<double>(totals.messages) : -1.0,
      (dbcpu1 - dbcpu0) / window, rss_max, pct(0.5), pct(0.99), pct(1.0),
      static_cast<double>(select1 - select0 - 1) / window, idle_cpu, idle_qps);
  mysql_close(stats_db);
  return 0;
}
