// vmpulse-fleet-dashboards: N dashboards on a hub's /ws for bench/fleet/dashboards.sh,
// each watching one simulated VM (`?vm=`, the fleet simulator's names, spread over the
// fleet), from one thread (epoll, plain sockets: a counting client has to stay cheaper
// than the hub it measures). After a warm-up it counts, over a window, the bytes and the
// messages each dashboard receives by type, and the hub's CPU time, RSS and delivered
// rows (/api/stats). The first --verify dashboards also read every record they get and
// count the rows of another VM than theirs (0 expected once records are per VM).
//
//   vmpulse-fleet-dashboards --port P --clients N --vms V --prefix fleet
//                            --warmup S --seconds S --server-pid PID --label NAME
// Prints one line: RESULT label=… key=value …
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fleet_model.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  std::size_t clients = 100;
  std::size_t vms = 10000;
  std::string prefix = "fleet";
  double warmup = 10;
  double seconds = 30;
  std::size_t verify = 4;
  int server_pid = 0;
  std::string label = "hub";
};

// What one dashboard received; `counts` by message type ("records", "fleet", …).
struct Tally {
  std::uint64_t bytes = 0;
  std::map<std::string, std::uint64_t> counts;
  std::uint64_t own_rows = 0;      // verified dashboards: rows of their VM
  std::uint64_t foreign_rows = 0;  // verified dashboards: rows of another VM
};

struct Dashboard {
  int fd = -1;
  std::string vm;
  bool verify = false;
  bool upgraded = false;
  bool open = false;
  std::string in;  // unparsed bytes (the handshake answer, then frame headers and payloads)
  Tally tally;
};

double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto close = text.rfind(')');
  if (close == std::string::npos) {
    return 0;
  }
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  long ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) {
      ticks += std::stol(field);
    }
  }
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A line of /proc/PID/status ("VmRSS", "VmHWM") in MiB.
double status_mib(int pid, std::string_view key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(key)) {
      return std::stod(line.substr(key.size() + 1)) / 1024.0;
    }
  }
  return 0;
}

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) {
      close(fd);
    }
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// GET /api/stats's "rows_delivered" (a blocking request on its own connection).
std::uint64_t rows_delivered(int port) {
  const int fd = connect_to(port);
  if (fd < 0) {
    return 0;
  }
  send_all(fd, "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  std::string answer;
  std::array<char, 4096> buffer{};
  ssize_t n = 0;
  while ((n = recv(fd, buffer.data(), buffer.size(), 0)) > 0) {
    answer.append(buffer.data(), static_cast<std::size_t>(n));
  }
  close(fd);
  const auto at = answer.find("\"rows_delivered\":");
  return at == std::string::npos ? 0 : std::stoull(answer.substr(at + 17));
}

// The payload's "type" ({"type":"records",… as the hub writes it).
std::string type_of(std::string_view payload) {
  constexpr std::string_view kPrefix = R"({"type":")";
  if (!payload.starts_with(kPrefix)) {
    return "other";
  }
  const auto end = payload.find('"', kPrefix.size());
  return end == std::string_view::npos
             ? "other"
             : std::string(payload.substr(kPrefix.size(), end - kPrefix.size()));
}

void count_rows(Dashboard& d, std::string_view payload) {
  constexpr std::string_view kVm = R"("vm":")";
  std::size_t at = 0;
  while ((at = payload.find(kVm, at)) != std::string_view::npos) {
    at += kVm.size();
    const auto end = payload.find('"', at);
    if (payload.substr(at, end - at) == d.vm) {
      ++d.tally.own_rows;
    } else {
      ++d.tally.foreign_rows;
    }
    at = end;
  }
}

// Takes the whole frames out of d.in. Server frames are unmasked; a ping is answered.
void take_frames(Dashboard& d) {
  std::size_t pos = 0;
  while (d.in.size() - pos >= 2) {
    const auto* p = reinterpret_cast<const unsigned char*>(d.in.data() + pos);
    const int opcode = p[0] & 0x0F;
    std::uint64_t length = p[1] & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (d.in.size() - pos < 4) {
        break;
      }
      length = (std::uint64_t{p[2]} << 8) | p[3];
      header = 4;
    } else if (length == 127) {
      if (d.in.size() - pos < 10) {
        break;
      }
      length = 0;
      for (int i = 2; i < 10; ++i) {
        length = (length << 8) | p[i];
      }
      header = 10;
    }
    if (d.in.size() - pos < header + length) {
      break;
    }
    const std::string_view payload(d.in.data() + pos + header, length);
    d.tally.bytes += header + length;
    if (opcode == 0x1) {
      const std::string type = type_of(payload);
      ++d.tally.counts[type];
      if (d.verify && type == "records") {
        count_rows(d, payload);
      }
    } else if (opcode == 0x9) {
      // A pong, masked with a zero key, echoing the ping's payload (at most 125 bytes).
      std::string pong{static_cast<char>(0x8A), static_cast<char>(0x80 | length), 0, 0, 0, 0};
      pong += payload;
      send_all(d.fd, pong);
    } else if (opcode == 0x8) {
      d.open = false;
    }
    pos += header + length;
  }
  d.in.erase(0, pos);
}

void on_readable(Dashboard& d) {
  std::array<char, 1 << 16> buffer{};
  while (true) {
    const ssize_t n = recv(d.fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
      d.open = false;
      return;
    }
    if (n < 0) {
      break;
    }
    d.in.append(buffer.data(), static_cast<std::size_t>(n));
  }
  if (!d.upgraded) {
    const auto end = d.in.find("\r\n\r\n");
    if (end == std::string::npos) {
      return;
    }
    if (!d.in.starts_with("HTTP/1.1 101")) {
      std::cerr << d.vm << ": " << d.in.substr(0, d.in.find('\r')) << "\n";
      d.open = false;
      return;
    }
    d.upgraded = true;
    d.in.erase(0, end + 4);
  }
  take_frames(d);
}

Tally sum(const std::vector<Dashboard>& dashboards, bool verified_only) {
  Tally total;
  for (const Dashboard& d : dashboards) {
    if (verified_only && !d.verify) {
      continue;
    }
    total.bytes += d.tally.bytes;
    total.own_rows += d.tally.own_rows;
    total.foreign_rows += d.tally.foreign_rows;
    for (const auto& [type, n] : d.tally.counts) {
      total.counts[type] += n;
    }
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"N dashboards on a hub's /ws, each watching one simulated VM"};
  app.add_option("--port", options.port, "the hub's port on 127.0.0.1")->required();
  app.add_option("--clients", options.clients, "dashboards");
  app.add_option("--vms", options.vms, "VMs the simulator runs (its names)");
  app.add_option("--prefix", options.prefix, "the simulator's --prefix");
  app.add_option("--warmup", options.warmup, "seconds before the window (snapshots arrive)");
  app.add_option("--seconds", options.seconds, "the measured window");
  app.add_option("--verify", options.verify, "dashboards that read every record's vm");
  app.add_option("--server-pid", options.server_pid, "the hub's pid (CPU, RSS)")->required();
  app.add_option("--label", options.label, "the RESULT line's label");
  CLI11_PARSE(app, argc, argv);
  if (options.clients == 0 || options.vms == 0) {
    std::cerr << "--clients and --vms must be at least 1\n";
    return 2;
  }

  const int epoll = epoll_create1(0);
  std::vector<Dashboard> dashboards(options.clients);
  for (std::size_t i = 0; i < options.clients; ++i) {
    Dashboard& d = dashboards[i];
    d.vm = vmpulse::fleet::vm_name(options.prefix, i * options.vms / options.clients, options.vms);
    d.verify = i < options.verify;
    d.fd = connect_to(options.port);
    if (d.fd < 0 ||
        !send_all(d.fd, "GET /ws?vm=" + d.vm +
                            " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\n\r\n")) {
      std::cerr << "cannot connect dashboard " << i << "\n";
      return 1;
    }
    d.open = true;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    epoll_ctl(epoll, EPOLL_CTL_ADD, d.fd, &event);
  }

  const auto start = Clock::now();
  const auto window_start = start + std::chrono::duration<double>(options.warmup);
  const auto window_end = window_start + std::chrono::duration<double>(options.seconds);
  bool in_window = false;
  Tally at_start;
  Tally verified_at_start;
  double cpu_start = 0;
  std::uint64_t rows_start = 0;
  std::array<epoll_event, 256> events{};
  while (Clock::now() < window_end) {
    if (!in_window && Clock::now() >= window_start) {
      in_window = true;
      at_start = sum(dashboards, false);
      verified_at_start = sum(dashboards, true);
      cpu_start = cpu_seconds(options.server_pid);
      rows_start = rows_delivered(options.port);
    }
    const int n = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 100);
    for (int k = 0; k < n; ++k) {
      Dashboard& d = dashboards[events[static_cast<std::size_t>(k)].data.u64];
      on_readable(d);
      if (!d.open) {
        epoll_ctl(epoll, EPOLL_CTL_DEL, d.fd, nullptr);
      }
    }
  }
  const double cpu = cpu_seconds(options.server_pid) - cpu_start;
  const std::uint64_t rows = rows_delivered(options.port) - rows_start;
  const Tally total = sum(dashboards, false);
  const Tally verified = sum(dashboards, true);
  std::size_t still_open = 0;
  for (const Dashboard& d : dashboards) {
    still_open += d.open ? 1 : 0;
  }
  const double per_client_s = options.seconds * static_cast<double>(options.clients);
  const auto per = [&](const std::string& type) {
    const auto it = total.counts.find(type);
    const auto before = at_start.counts.find(type);
    const std::uint64_t n = (it == total.counts.end() ? 0 : it->second) -
                            (before == at_start.counts.end() ? 0 : before->second);
    return static_cast<double>(n) / per_client_s;
  };
  const double verified_s =
      options.seconds * static_cast<double>(std::min(options.verify, options.clients));
  std::printf(
      "RESULT label=%s clients=%zu open=%zu window_s=%.1f hub_cores=%.3f hub_rss=%.1f "
      "hub_hwm=%.1f rows_per_s=%.0f bytes_per_client_s=%.0f records_per_client_s=%.2f "
      "fleet_per_client_s=%.2f snapshots_per_client_s=%.3f resyncs_per_client_s=%.3f "
      "own_rows_per_client_s=%.2f foreign_rows_per_client_s=%.1f\n",
      options.label.c_str(), options.clients, still_open, options.seconds, cpu / options.seconds,
      status_mib(options.server_pid, "VmRSS:"), status_mib(options.server_pid, "VmHWM:"),
      static_cast<double>(rows) / options.seconds,
      static_cast<double>(total.bytes - at_start.bytes) / per_client_s, per("records"),
      per("fleet"), per("snapshot"), per("resync"),
      verified_s > 0
          ? static_cast<double>(verified.own_rows - verified_at_start.own_rows) / verified_s
          : 0.0,
      verified_s > 0
          ? static_cast<double>(verified.foreign_rows - verified_at_start.foreign_rows) / verified_s
          : 0.0);
  for (Dashboard& d : dashboards) {
    close(d.fd);
  }
  close(epoll);
  return still_open == options.clients ? 0 : 1;
}
