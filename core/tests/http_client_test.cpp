#include "vmpulse/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace vmpulse {
namespace {

// A scripted HTTP server on a loopback port, in a thread: for each connection, the
// answers to write (one per request read); after them the connection is closed.
// Every wait is bounded (poll, 5 s), so a client that misbehaves fails the test.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::vector<std::string>> connections)
      : connections_(std::move(connections)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(::listen(listener_, 4), 0);
    EXPECT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    if (thread_.joinable()) {
      thread_.join();
    }
    ::close(listener_);
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api/metrics"; }
  // Call after the client is done (joins the thread).
  const std::vector<std::string>& requests() {
    if (thread_.joinable()) {
      thread_.join();
    }
    return requests_;
  }

 private:
  static bool readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 5000) == 1;
  }

  // One request: the headers, then Content-Length bytes of body.
  bool read_request(int fd, std::string& pending) {
    char chunk[4096];
    for (;;) {
      const auto end = pending.find("\r\n\r\n");
      if (end != std::string::npos) {
        const auto at = pending.find("Content-Length: ");
        const std::size_t body = at == std::string::npos ? 0 : std::stoul(pending.substr(at + 16));
        if (pending.size() >= end + 4 + body) {
          requests_.push_back(pending.substr(0, end + 4 + body));
          pending.erase(0, end + 4 + body);
          return true;
        }
      }
      if (!readable(fd)) {
        return false;
      }
      const auto got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        return false;
      }
      pending.append(chunk, static_cast<std::size_t>(got));
    }
  }

  void serve() {
    for (const auto& answers : connections_) {
      if (!readable(listener_)) {
        return;
      }
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      std::string pending;
      for (const auto& answer : answers) {
        if (!read_request(fd, pending)) {
          break;
        }
        EXPECT_EQ(::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(answer.size()));
      }
      ::close(fd);
    }
  }

  std::vector<std::vector<std::string>> connections_;
  std::vector<std::string> requests_;
  int listener_ = -1;
  unsigned short port_ = 0;
  std::thread thread_;
};

const std::string kCreated = "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}";

HttpClient client_for(const ScriptedServer& server) {
  return HttpClient(std::get<HttpUrl>(parse_http_url(server.url())), std::chrono::seconds(5));
}

TEST(HttpClient, KeepsTheConnectionAliveBetweenPosts) {
  ScriptedServer server({{kCreated, kCreated, kCreated}});
  HttpClient client = client_for(server);
  for (int i = 0; i < 3; ++i) {
    auto answer =
        client.post(PostRequest{"[1]", "token-0123456789abcdef", "k" + std::to_string(i)});
    ASSERT_TRUE(std::holds_alternative<HttpAnswer>(answer)) << std::get<std::string>(answer);
    EXPECT_EQ(std::get<HttpAnswer>(answer).status, 201);
  }
  // All three on the one scripted connection: a second connection would not be accepted.
  ASSERT_EQ(server.requests().size(), 3u);
  EXPECT_NE(server.requests()[0].find("Authorization: Bearer token-0123456789abcdef\r\n"),
            std::string::npos);
  EXPECT_NE(server.requests()[2].find("Idempotency-Key: k2\r\n"), std::string::npos);
  EXPECT_NE(server.requests()[0].find("Host: 127.0.0.1:"), std::string::npos);
}

TEST(HttpClient, WithoutATokenOrKeySendsNeitherHeaderAndNamesItsCaller) {
  // The hub's alert notifications: a webhook gets no bearer token and no key.
  ScriptedServer server({{kCreated}});
  HttpClient client(std::get<HttpUrl>(parse_http_url(server.url())), std::chrono::seconds(5), {},
                    "vmpulse-hub");
  auto answer = client.post(PostRequest{"{}", "", ""});
  ASSERT_TRUE(std::holds_alternative<HttpAnswer>(answer)) << std::get<std::string>(answer);
  ASSERT_EQ(server.requests().size(), 1u);
  const std::string& request = server.requests()[0];
  EXPECT_EQ(request.find("Authorization"), std::string::npos) << request;
  EXPECT_EQ(request.find("Idempotency-Key"), std::string::npos) << request;
  EXPECT_NE(request.find("User-Agent: vmpulse-hub\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("Content-Type: application/json\r\n"), std::string::npos) << request;
}

TEST(HttpClient, SendsAgainOnANewConnectionWhenTheKeptOneWasClosed) {
  // The first connection answers once and closes (an idle timeout on the server).
  ScriptedServer server({{kCreated}, {kCreated}});
  HttpClient client = client_for(server);
  auto first = client.post(PostRequest{"[1]", "t", "key-1"});
  ASSERT_TRUE(std::holds_alternative<HttpAnswer>(first)) << std::get<std::string>(first);
  auto second = client.post(PostRequest{"[2]", "t", "key-2"});
  ASSERT_TRUE(std::holds_alternative<HttpAnswer>(second)) << std::get<std::string>(second);
  EXPECT_EQ(std::get<HttpAnswer>(second).status, 201);
  ASSERT_EQ(server.requests().size(), 2u);
  EXPECT_NE(server.requests()[1].find("Idempotency-Key: key-2"), std::string::npos);
}

TEST(HttpClient, ARedirectIsAnsweredWithItsLocationNotFollowed) {
  ScriptedServer server(
      {{"HTTP/1.1 301 Moved Permanently\r\nLocation: https://ingest.example/"
        "api/metrics\r\nContent-Length: 0\r\n\r\n"}});
  HttpClient client = client_for(server);
  auto answer = client.post(PostRequest{"[1]", "t", "k"});
  ASSERT_TRUE(std::holds_alternative<HttpAnswer>(answer)) << std::get<std::string>(answer);
  EXPECT_EQ(std::get<HttpAnswer>(answer).status, 301);
  EXPECT_EQ(std::get<HttpAnswer>(answer).location, "https://ingest.example/api/metrics");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, AnErrorPageComesBackAsOneShortLine) {
  const std::string page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
                           std::string(300, 'x') + "\r\n</body>\r\n</html>\r\n";
  ScriptedServer server(
      {{"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: " +
        std::to_string(page.size()) + "\r\n\r\n" + page}});
  HttpClient client = client_for(server);
  auto answer = client.post(PostRequest{"[1]", "t", "k"});
  ASSERT_TRUE(std::holds_alternative<HttpAnswer>(answer)) << std::get<std::string>(answer);
  const HttpAnswer& response = std::get<HttpAnswer>(answer);
  EXPECT_EQ(response.status, 502);
  EXPECT_EQ(response.body.find_first_of("\r\n"), std::string::npos) << response.body;
  EXPECT_TRUE(response.body.starts_with("<html> <head><title>502 Bad Gateway</title>"))
      << response.body;
  EXPECT_LE(response.body.size(), 130u);
  server.requests();
}

}  // namespace
}  // namespace vmpulse
