// The floor of a WebSocket fan-out, for bench/hub/run.sh: the least a server can do to
// push new rows to N clients, measured with the same load client as the hub and the
// peers. One thread, epoll. Every poll interval ONE query reads the rows newer than the
// last id seen; if there are any, one text frame is built once and written with one
// send() to each client (TCP_NODELAY, no queue, no timers, no allocation per client).
// It has none of the hub's guarantees: a client whose socket buffer is full is dropped
// (counted on stderr), there is no keepalive, no origin check, no snapshot, and rows
// that commit behind a larger id are missed. What it costs per delivered message is
// what the kernel charges for a send on this machine (on loopback the receiver's TCP
// work runs inside the sender's system call).
//
//   fanout_floor --port P --poll-ms MS --db-host H --db-port P --db-user U --db-pass P
//                --db-name D
// GET /livez answers 200; any other request with "Upgrade: websocket" becomes a client.
#include <arpa/inet.h>
#include <mysql.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Args {
  int port = 0;
  int poll_ms = 1000;
  std::string db_host = "127.0.0.1", db_user, db_pass, db_name;
  int db_port = 3306;
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; i += 2) {
    const std::string k = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "fanout_floor: %s needs a value\n", k.c_str());
      std::exit(2);
    }
    const std::string v = argv[i + 1];
    if (k == "--port")
      a.port = std::stoi(v);
    else if (k == "--poll-ms")
      a.poll_ms = std::stoi(v);
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
    else {
      std::fprintf(stderr, "fanout_floor: unknown argument %s\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.port <= 0 || a.poll_ms <= 0) {
    std::fprintf(stderr, "fanout_floor: --port and --poll-ms must be positive\n");
    std::exit(2);
  }
  return a;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Numbers as they are, everything else as a JSON string (the bench's rows hold no
// characters that need escaping beyond these).
void append_value(std::string& out, const char* value, unsigned long length, bool numeric) {
  if (value == nullptr) {
    out += "null";
    return;
  }
  if (numeric) {
    out.append(value, length);
    return;
  }
  out += '"';
  for (unsigned long i = 0; i < length; ++i) {
    const char ch = value[i];
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

// One unmasked FIN text frame around `payload`.
std::string make_frame(const std::string& payload) {
  std::string frame;
  frame.reserve(payload.size() + 10);
  frame.push_back(static_cast<char>(0x81));
  if (payload.size() < 126) {
    frame.push_back(static_cast<char>(payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    frame.push_back(static_cast<char>(126));
    frame.push_back(static_cast<char>((payload.size() >> 8) & 0xFF));
    frame.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    frame.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8)
      frame.push_back(static_cast<char>((payload.size() >> shift) & 0xFF));
  }
  frame += payload;
  return frame;
}

enum class State { request, open };

struct Conn {
  int fd = -1;
  State state = State::request;
  std::string in;
  std::size_t slot = 0;  // where an open client sits in open_fds
};

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse_args(argc, argv);
  std::signal(SIGPIPE, SIG_IGN);
  MYSQL* db = mysql_init(nullptr);
  if (!mysql_real_connect(db, a.db_host.c_str(), a.db_user.c_str(), a.db_pass.c_str(),
                          a.db_name.c_str(), static_cast<unsigned>(a.db_port), nullptr, 0)) {
    std::fprintf(stderr, "fanout_floor: database: %s\n", mysql_error(db));
    return 1;
  }
  std::uint64_t last_id = 0;
  if (mysql_query(db, "SELECT COALESCE(MAX(id), 0) FROM metricas") == 0) {
    MYSQL_RES* res = mysql_store_result(db);
    if (MYSQL_ROW row = mysql_fetch_row(res)) last_id = std::strtoull(row[0], nullptr, 10);
    mysql_free_result(res);
  }

  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(a.port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 4096) != 0) {
    std::perror("fanout_floor: listen");
    return 1;
  }
  const int ep = epoll_create1(0);
  epoll_event lev{EPOLLIN, {.fd = listener}};
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);

  std::vector<Conn> conns;    // indexed by fd
  std::vector<int> open_fds;  // the open clients
  std::size_t dropped = 0;
  std::vector<epoll_event> events(1024);
  char buf[16384];
  std::int64_t next_poll = now_ms() + a.poll_ms;

  auto close_conn = [&](int fd) {
    Conn& conn = conns[static_cast<std::size_t>(fd)];
    if (conn.state == State::open) {  // swap-remove from the list of clients
      const int moved = open_fds.back();
      open_fds[conn.slot] = moved;
      conns[static_cast<std::size_t>(moved)].slot = conn.slot;
      open_fds.pop_back();
    }
    ::close(fd);
    conn = Conn{};
  };

  while (true) {
    const int timeout = static_cast<int>(std::max<std::int64_t>(0, next_poll - now_ms()));
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listener) {
        while (true) {
          const int c = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
          if (c < 0) break;
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          if (conns.size() <= static_cast<std::size_t>(c))
            conns.resize(static_cast<std::size_t>(c) + 1);
          conns[static_cast<std::size_t>(c)] = Conn{c, State::request, {}};
          epoll_event ev{EPOLLIN, {.fd = c}};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
        }
        continue;
      }
      Conn& conn = conns[static_cast<std::size_t>(fd)];
      if (conn.fd < 0) continue;
      bool gone = false;
      while (true) {
        const ssize_t got = ::read(fd, buf, sizeof buf);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) gone = true;
        if (got <= 0) break;
        if (conn.state == State::request) conn.in.append(buf, static_cast<std::size_t>(got));
        // Open clients: what they send (nothing, in the bench) is read and ignored.
      }
      if (gone) {
        close_conn(fd);
        continue;
      }
      if (conn.state != State::request) continue;
      const auto end = conn.in.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      const std::string_view head(conn.in.data(), end);
      if (head.rfind("GET /livez ", 0) == 0) {
        static constexpr std::string_view ok =
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)!::send(fd, ok.data(), ok.size(), MSG_NOSIGNAL);
        close_conn(fd);
        continue;
      }
      static constexpr std::string_view key_name = "Sec-WebSocket-Key: ";
      const auto key_at = head.find(key_name);
      if (key_at == std::string_view::npos) {
        static constexpr std::string_view bad =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)!::send(fd, bad.data(), bad.size(), MSG_NOSIGNAL);
        close_conn(fd);
        continue;
      }
      const auto key_end = head.find("\r\n", key_at);
      const std::string_view key =
          head.substr(key_at + key_name.size(), key_end == std::string_view::npos
                                                    ? std::string_view::npos
                                                    : key_end - key_at - key_name.size());
      boost::beast::websocket::detail::sec_ws_accept_type accept;
      boost::beast::websocket::detail::make_sec_ws_accept(
          accept, boost::beast::string_view(key.data(), std::min<std::size_t>(key.size(), 24)));
      std::string reply =
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Accept: ";
      reply.append(accept.data(), accept.size());
      reply += "\r\n\r\n";
      (void)!::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
      conn.state = State::open;
      conn.in = {};
      conn.slot = open_fds.size();
      open_fds.push_back(fd);
    }
    if (now_ms() < next_poll) continue;
    next_poll += a.poll_ms;

    // One query for every client.
    std::string sql =
        "SELECT * FROM metricas WHERE id > " + std::to_string(last_id) + " ORDER BY id LIMIT 5000";
    if (mysql_query(db, sql.c_str()) != 0) {
      std::fprintf(stderr, "fanout_floor: poll: %s\n", mysql_error(db));
      continue;
    }
    MYSQL_RES* res = mysql_store_result(db);
    if (res == nullptr) continue;
    const unsigned columns = mysql_num_fields(res);
    const MYSQL_FIELD* fields = mysql_fetch_fields(res);
    std::string payload = "{\"type\":\"records\",\"records\":[";
    std::size_t rows = 0;
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      const unsigned long* lengths = mysql_fetch_lengths(res);
      if (rows++ > 0) payload += ',';
      payload += '{';
      for (unsigned c = 0; c < columns; ++c) {
        if (c > 0) payload += ',';
        payload += '"';
        payload += fields[c].name;
        payload += "\":";
        append_value(payload, row[c], lengths[c], IS_NUM(fields[c].type));
        if (std::strcmp(fields[c].name, "id") == 0 && row[c])
          last_id = std::strtoull(row[c], nullptr, 10);
      }
      payload += '}';
    }
    mysql_free_result(res);
    if (rows == 0) continue;
    payload += "]}";
    const std::string frame = make_frame(payload);

    // The fan-out: one send per client, nothing else.
    for (std::size_t i = 0; i < open_fds.size();) {
      const int fd = open_fds[i];
      const ssize_t sent = ::send(fd, frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (sent == static_cast<ssize_t>(frame.size())) {
        ++i;
        continue;
      }
      ++dropped;
      std::fprintf(stderr, "fanout_floor: dropped a client that did not keep up (%zu so far)\n",
                   dropped);
      close_conn(fd);  // moves the last client into slot i
    }
  }
}
