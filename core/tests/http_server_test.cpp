// The server over real loopback sockets: the client side is plain POSIX so that what
// is tested is the bytes on the wire, not Beast talking to itself.
#include "vmpulse/http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>

namespace vmpulse::http {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;

class Client {
 public:
  explicit Client(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // One response: headers, then Content-Length bytes. Empty when the server closed first.
  std::string response() {
    while (pending_.find("\r\n\r\n") == std::string::npos) {
      if (!fill()) return std::exchange(pending_, {});
    }
    const auto header_end = pending_.find("\r\n\r\n") + 4;
    std::size_t length = 0;
    const auto at = lower(pending_.substr(0, header_end)).find("content-length: ");
    if (at != std::string::npos) length = std::stoul(pending_.substr(at + 16));
    while (pending_.size() < header_end + length) {
      if (!fill()) break;
    }
    std::string out = pending_.substr(0, header_end + length);
    pending_.erase(0, out.size());
    return out;
  }
  // True when the server closed the connection (read returns 0) within the timeout.
  bool closed_by_server() {
    char byte = 0;
    return ::recv(fd_, &byte, 1, 0) == 0;
  }

 private:
  static std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
  bool fill() {
    char buffer[4096];
    const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}
std::string body_of(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options, Handler handler, HeaderCheck check = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(io_, std::move(options), std::move(handler));
    if (check) server_->set_header_check(std::move(check));
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  unsigned short port() const { return server_->port(); }

  // The server still answers a fresh connection.
  void expect_still_serving() {
    Client client(port());
    client.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(client.response()), "HTTP/1.1 200 OK");
  }

  void expect_still_serving_with_token() {
    Client client(port());
    client.send("GET /livez HTTP/1.1\r\nHost: x\r\nAuthorization: ok\r\n\r\n");
    EXPECT_EQ(status_line(client.response()), "HTTP/1.1 200 OK");
  }

  static Handler echo_handler() {
    return sync([](const Request& r) {
      if (r.path == "/missing") return Response::error(404, "not_found", "no such path");
      return Response::text(200, r.method + " " + r.path + " " + r.body);
    });
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, AnswersAGet) {
  start({}, echo_handler());
  EXPECT_NE(port(), 0);
  Client client(port());
  ASSERT_TRUE(client.connected());
  client.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto response = client.response();
  EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(response), "GET /livez ");
  EXPECT_NE(response.find("Server: vmpulse"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start({}, echo_handler());
  Client client(port());
  client.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.response()), "GET /one ");
  client.send("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(body_of(client.response()), "POST /two abc");
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start({}, echo_handler());
  Client client(port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.response()), "GET /a ");
  EXPECT_EQ(body_of(client.response()), "GET /b ");
}

TEST_F(ServerTest, ExpectContinueGetsTheInterimAnswer) {
  start({}, echo_handler());
  Client client(port());
  client.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 100 Continue");
  client.send("data");
  EXPECT_EQ(body_of(client.response()), "POST /up data");
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  start({}, echo_handler());
  Client client(port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 200 OK");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, HandlerAnswers404) {
  start({}, echo_handler());
  Client client(port());
  client.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto response = client.response();
  EXPECT_EQ(status_line(response), "HTTP/1.1 404 Not Found");
  EXPECT_NE(body_of(response).find("\"error\":\"not_found\""), std::string::npos);
  expect_still_serving();
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  start(options, echo_handler());
  Client client(port());
  client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  const auto response = client.response();
  EXPECT_EQ(status_line(response), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_NE(body_of(response).find("request_header_fields_too_large"), std::string::npos);
  EXPECT_TRUE(client.closed_by_server());
  expect_still_serving();
}

// The body as sent, whatever its framing and however it arrives (the server appends
// what it reads: http_message.hpp's AppendedBody): every byte value, in pieces, chunked.
TEST_F(ServerTest, BodiesArriveWholeWhateverTheirFraming) {
  start({}, echo_handler());
  std::string bytes;
  for (int round = 0; round < 40; ++round) {
    for (int value = 0; value < 256; ++value) {
      bytes += static_cast<char>(value);
    }
  }
  Client client(port());
  client.send("POST /pieces HTTP/1.1\r\nHost: x\r\nContent-Length: " +
              std::to_string(bytes.size()) + "\r\n\r\n" + bytes.substr(0, 7));
  std::this_thread::sleep_for(20ms);
  client.send(bytes.substr(7, 5000));
  std::this_thread::sleep_for(20ms);
  client.send(bytes.substr(5007));
  EXPECT_EQ(body_of(client.response()), "POST /pieces " + bytes);
  client.send(
      "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n");
  std::this_thread::sleep_for(20ms);
  client.send("1\r\n\0\r\n4\r\ndefg\r\n0\r\n\r\n"s);
  EXPECT_EQ(body_of(client.response()), "POST /chunked abc\0defg"s);
}

// Bodies past the first read's 4 KiB are read in larger pieces (kBodyReadBytes), and the
// buffer shrinks back after the request: what came after the body (a pipelined request)
// must survive both.
TEST_F(ServerTest, LongBodiesArriveWholeAndWhatFollowsIsKept) {
  start({}, echo_handler());
  std::string bytes;
  for (std::size_t i = 0; i < 200'000; ++i) {
    bytes += static_cast<char>((i * 131 + i / 256) % 256);
  }
  const std::string second = "POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz";
  Client client(port());
  client.send("POST /long HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(bytes.size()) +
              "\r\n\r\n" + bytes + second);
  EXPECT_EQ(body_of(client.response()), "POST /long " + bytes);
  EXPECT_EQ(body_of(client.response()), "POST /after xyz");
  client.send("POST /again HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(bytes.size()) +
              "\r\n\r\n" + bytes.substr(0, 70'000));
  std::this_thread::sleep_for(20ms);
  client.send(bytes.substr(70'000));
  EXPECT_EQ(body_of(client.response()), "POST /again " + bytes);
}

TEST_F(ServerTest, OversizedBodyIs413) {
  ServerOptions options;
  options.max_body_bytes = 100;
  start(options, echo_handler());
  Client client(port());
  client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
              std::string(5000, 'b'));
  const auto response = client.response();
  EXPECT_EQ(status_line(response), "HTTP/1.1 413 Payload Too Large");
  EXPECT_NE(body_of(response).find("\"error\":\"payload_too_large\""), std::string::npos);
  expect_still_serving();
}

TEST_F(ServerTest, OversizedChunkedBodyIs413) {
  ServerOptions options;
  options.max_body_bytes = 100;
  start(options, echo_handler());
  Client client(port());
  client.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  client.send("c8\r\n" + std::string(200, 'c') + "\r\n0\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 413 Payload Too Large");
  expect_still_serving();
}

// Answers 401 unless the request carries "Authorization: ok"; counts the bodies handled.
HeaderCheck needs_authorization() {
  return [](const RequestView& request) -> std::optional<Response> {
    if (request.header("Authorization") == "ok") return std::nullopt;
    return Response::error(401, "unauthorized", "no token");
  };
}

TEST_F(ServerTest, HeaderCheckAnswersBeforeTheBodyAndWithoutContinue) {
  start({}, echo_handler(), needs_authorization());
  Client client(port());
  client.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  const auto response = client.response();
  EXPECT_EQ(status_line(response), "HTTP/1.1 401 Unauthorized");
  EXPECT_NE(body_of(response).find("\"error\":\"unauthorized\""), std::string::npos);
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(client.closed_by_server());  // the body was never asked for, nor read
  expect_still_serving_with_token();
}

TEST_F(ServerTest, HeaderCheckPassingLetsTheRequestGoOn) {
  start({}, echo_handler(), needs_authorization());
  Client client(port());
  client.send(
      "POST /up HTTP/1.1\r\nHost: x\r\nAuthorization: ok\r\nContent-Length: 4\r\n"
      "Expect: 100-continue\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 100 Continue");
  client.send("data");
  EXPECT_EQ(body_of(client.response()), "POST /up data");
}

TEST_F(ServerTest, HeaderCheckWithoutBodyKeepsTheConnection) {
  start({}, echo_handler(), needs_authorization());
  Client client(port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 401 Unauthorized");
  client.send("GET /b HTTP/1.1\r\nHost: x\r\nAuthorization: ok\r\n\r\n");
  EXPECT_EQ(body_of(client.response()), "GET /b ");
}

TEST_F(ServerTest, HeaderCheckComesBeforeTheBodyLimit) {
  ServerOptions options;
  options.max_body_bytes = 100;
  start(options, echo_handler(), needs_authorization());
  Client client(port());
  client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 401 Unauthorized");
  Client authorized(port());
  authorized.send(
      "POST /x HTTP/1.1\r\nHost: x\r\nAuthorization: ok\r\nContent-Length: 5000\r\n\r\n");
  EXPECT_EQ(status_line(authorized.response()), "HTTP/1.1 413 Payload Too Large");
}

TEST_F(ServerTest, BodyBytesInFlightOverTheCapAre503) {
  ServerOptions options;
  options.max_body_bytes_in_flight = 150;
  options.busy_retry_after_seconds = 2;
  start(options, echo_handler());
  Client first(port());
  first.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(10, 'a'));
  // The first body is still being read: 100 of the 150 bytes are taken.
  for (int attempt = 0; attempt < 50; ++attempt) {
    Client second(port());
    second.send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
    const auto response = second.response();
    if (status_line(response) == "HTTP/1.1 503 Service Unavailable") {
      EXPECT_NE(response.find("Retry-After: 2"), std::string::npos);
      EXPECT_NE(body_of(response).find("\"error\":\"server_busy\""), std::string::npos);
      break;
    }
    // The first request's headers were not read yet: that request got the bytes.
    ASSERT_LT(attempt, 49) << "never refused: " << response;
    std::this_thread::sleep_for(10ms);
  }
  first.send(std::string(90, 'a'));
  EXPECT_EQ(status_line(first.response()), "HTTP/1.1 200 OK");
  // Released once handled: a body of 100 fits again.
  Client third(port());
  third.send("POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'c'));
  EXPECT_EQ(status_line(third.response()), "HTTP/1.1 200 OK");
}

TEST_F(ServerTest, MalformedRequestIs400) {
  start({}, echo_handler());
  Client client(port());
  client.send("THIS IS NOT HTTP\r\n\r\n");
  const auto response = client.response();
  EXPECT_EQ(status_line(response), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(body_of(response).find("\"error\":\"bad_request\""), std::string::npos);
  expect_still_serving();
}

TEST_F(ServerTest, SlowClientIsTimedOut) {
  ServerOptions options;
  options.read_timeout = 300ms;
  start(options, echo_handler());
  Client client(port());
  client.send("GET /slow HTTP/1.1\r\nHost:");  // and never the rest
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.closed_by_server());
  // Closed by the read timeout, well before the client's own 5 s receive timeout.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  expect_still_serving();
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions options;
  options.idle_timeout = 300ms;
  start(options, echo_handler());
  Client client(port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 200 OK");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, HandlerMayAnswerLaterFromAnotherThread) {
  std::vector<std::thread> workers;
  std::mutex mutex;
  start({}, [&](Request&& request, Respond respond) {
    std::lock_guard lock(mutex);
    workers.emplace_back([path = request.path, respond = std::move(respond)] {
      std::this_thread::sleep_for(50ms);
      respond(Response::text(202, "later " + path));
    });
  });
  Client client(port());
  client.send("GET /async HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto response = client.response();
  EXPECT_EQ(status_line(response), "HTTP/1.1 202 Accepted");
  EXPECT_EQ(body_of(response), "later /async");
  client.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.response()), "later /again");
  std::lock_guard lock(mutex);
  for (auto& worker : workers) worker.join();
}

TEST_F(ServerTest, HandlerThatThrowsGets500AndServerGoesOn) {
  start({}, [](Request&& request, Respond respond) {
    if (request.path == "/throw") throw std::runtime_error("boom");
    respond(Response::text(200, "fine"));
  });
  Client client(port());
  client.send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 500 Internal Server Error");
  client.send("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 200 OK");
}

TEST_F(ServerTest, HandlerThatNeverAnswersGets500) {
  start({}, [](Request&&, Respond) {});
  Client client(port());
  client.send("GET /forgot HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 500 Internal Server Error");
}

TEST_F(ServerTest, SecondInlineAnswerIsDropped) {
  start({}, [](Request&& request, Respond respond) {
    respond(Response::text(200, "first " + request.path));
    respond(Response::text(200, "second " + request.path));
  });
  Client client(port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.response()), "first /a");
  client.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.response()), "first /b");
}

// The prepared fast path: /fast is prepared, everything else goes to a handler that
// answers the same response the ordinary way, so the bytes can be compared.
class PreparedTest : public ServerTest {
 protected:
  static Response answer() {
    Response response = Response::text(200, "prepared body", "text/plain; version=0.0.4");
    response.headers.emplace_back("Retry-After", "1");
    return response;
  }
  void start_prepared(const std::string& prepared_server_name = "vmpulse") {
    server_ = std::make_unique<Server>(io_, ServerOptions{"127.0.0.1", 0},
                                       sync([](const Request& request) {
                                         if (request.path == "/ordinary") return answer();
                                         return Response::error(404, "not_found", request.path);
                                       }));
    auto prepared = PreparedResponse::make(answer(), prepared_server_name);
    server_->set_prepared_handler([this, prepared](const RequestView& request) {
      std::lock_guard lock(mutex_);
      seen_accept_ = std::string(request.header("aCCept").value_or("(none)"));
      seen_method_ = std::string(request.method());
      return request.path() == "/fast" ? prepared : nullptr;
    });
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  std::mutex mutex_;
  std::string seen_accept_;
  std::string seen_method_;
};

TEST_F(PreparedTest, PreparedBytesEqualTheOrdinaryAnswer) {
  start_prepared();
  Client client(port());
  client.send("GET /ordinary HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto ordinary = client.response();
  client.send("GET /fast?x=1 HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n");
  const auto fast = client.response();
  EXPECT_EQ(status_line(fast), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(fast), "prepared body");
  EXPECT_EQ(fast, ordinary);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(seen_accept_, "text/plain");
  EXPECT_EQ(seen_method_, "GET");
}

TEST_F(PreparedTest, NullGoesToTheHandler) {
  start_prepared();
  Client client(port());
  client.send("GET /other HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(client.response()), "HTTP/1.1 404 Not Found");
  std::lock_guard lock(mutex_);
  EXPECT_EQ(seen_accept_, "(none)");
}

TEST_F(PreparedTest, HeadGetsTheLengthWithoutTheBody) {
  start_prepared();
  Client client(port());
  client.send("HEAD /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto response = client.response();
  EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
  EXPECT_NE(response.find("Content-Length: 13\r\n"), std::string::npos);
  EXPECT_NE(response.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(body_of(response), "");
}

TEST_F(PreparedTest, Http10AndConnectionCloseAreHonoured) {
  start_prepared();
  {
    Client client(port());
    client.send("GET /fast HTTP/1.0\r\n\r\n");
    const auto response = client.response();
    EXPECT_EQ(status_line(response), "HTTP/1.0 200 OK");
    EXPECT_EQ(body_of(response), "prepared body");
    EXPECT_TRUE(client.closed_by_server());
  }
  Client client(port());
  client.send("GET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto response = client.response();
  EXPECT_NE(response.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(body_of(response), "prepared body");
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, PreparedWireIsSentOnlyToKeepAliveHttp11Gets) {
  auto prepared = std::make_shared<PreparedResponse>();
  prepared->server_name = "vmpulse";
  prepared->wire = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nwire";
  prepared->response = Response::text(200, "response");
  server_ = std::make_unique<Server>(io_, ServerOptions{"127.0.0.1", 0}, echo_handler());
  server_->set_prepared_handler([prepared](const RequestView&) { return prepared; });
  server_->start();
  thread_ = std::thread([this] { io_.run(); });
  Client client(port());
  client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.response()), "wire");
  client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.response()), "wire");
  Client old(port());
  old.send("GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(body_of(old.response()), "response");
}

TEST_F(PreparedTest, PipelinedPreparedRequestsAreAllAnswered) {
  start_prepared();
  Client client(port());
  std::string requests;
  for (int i = 0; i < 200; ++i) {
    requests += i % 3 == 2 ? "GET /ordinary HTTP/1.1\r\nHost: x\r\n\r\n"
                           : "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n";
  }
  client.send(requests);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(body_of(client.response()), "prepared body") << i;
  }
}

TEST_F(ServerTest, PreparedAnswerLargerThanTheSocketBufferIsWrittenWhole) {
  const auto prepared = PreparedResponse::make(
      Response::text(200, std::string(std::size_t{16} << 20, 'x')), "vmpulse");
  server_ = std::make_unique<Server>(io_, ServerOptions{"127.0.0.1", 0}, echo_handler());
  server_->set_prepared_handler([prepared](const RequestView&) { return prepared; });
  server_->start();
  thread_ = std::thread([this] { io_.run(); });
  Client client(port());
  client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.response(), prepared->wire);
  EXPECT_EQ(client.response(), prepared->wire);
}

TEST_F(ServerTest, SingleThreadServerAnswersInlineAndFromOtherThreads) {
  ServerOptions options;
  options.single_thread = true;
  std::vector<std::thread> workers;
  std::mutex mutex;
  start(options, [&](Request&& request, Respond respond) {
    if (request.path == "/now") {
      respond(Response::text(200, "now"));
      return;
    }
    std::lock_guard lock(mutex);
    workers.emplace_back([respond = std::move(respond)] {
      std::this_thread::sleep_for(20ms);
      respond(Response::text(200, "later"));
    });
  });
  Client client(port());
  for (int i = 0; i < 3; ++i) {
    client.send("GET /now HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(body_of(client.response()), "now");
    client.send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(body_of(client.response()), "later");
  }
  std::lock_guard lock(mutex);
  for (auto& worker : workers) worker.join();
}

TEST_F(PreparedTest, AnotherServerNameIsNotSentAsPrepared) {
  start_prepared("someone-else");
  Client client(port());
  client.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto response = client.response();
  EXPECT_NE(response.find("Server: vmpulse\r\n"), std::string::npos);
  EXPECT_EQ(body_of(response), "prepared body");
}

TEST_F(ServerTest, MaxConnectionsClosesTheExtraOnes) {
  ServerOptions options;
  options.max_connections = 1;
  start(options, echo_handler());
  Client first(port());
  first.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_line(first.response()), "HTTP/1.1 200 OK");
  Client second(port());
  second.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(second.response(), "");
}

TEST_F(ServerTest, WebsocketUpgradeGoesToTheUpgradeHandler) {
  std::promise<std::string> target;
  server_ = nullptr;
  ServerOptions options;
  options.host = "127.0.0.1";
  server_ = std::make_unique<Server>(io_, options, echo_handler());
  server_->set_upgrade_handler([&target](boost::asio::ip::tcp::socket socket, auto request, auto) {
    target.set_value(std::string(request.target()));
    boost::system::error_code ignored;
    socket.close(ignored);
  });
  server_->start();
  thread_ = std::thread([this] { io_.run(); });
  Client client(port());
  client.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
  auto future = target.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(future.get(), "/ws");
}

TEST_F(ServerTest, MetricsCountEveryAnswerByRouteAndStatus) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  auto registry = std::make_shared<metrics::Registry>();
  auto counted =
      std::make_shared<HttpMetrics>(*registry, std::vector<MetricsRoute>{{"echo", "/echo", true}});
  server_ = std::make_unique<Server>(
      io_,
      [&] {
        options.host = "127.0.0.1";
        return options;
      }(),
      echo_handler());
  server_->set_metrics(counted);
  server_->set_header_check([](const RequestView& r) -> std::optional<Response> {
    if (r.path() == "/echo/denied") return Response::error(401, "unauthorized", "no");
    return std::nullopt;
  });
  server_->start();
  thread_ = std::thread([this] { io_.run(); });
  {
    Client client(port());
    client.send("GET /echo/a HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(client.response()), "HTTP/1.1 200 OK");
    client.send("GET /echo/denied?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(client.response()), "HTTP/1.1 401 Unauthorized");
    client.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(client.response()), "HTTP/1.1 404 Not Found");
  }
  {
    Client client(port());
    client.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
    EXPECT_EQ(status_line(client.response()), "HTTP/1.1 431 Request Header Fields Too Large");
  }
  const std::string text = registry->render();
  for (const char* line : {"vmpulse_http_requests_total{route=\"echo\",code=\"200\"} 1\n",
                           "vmpulse_http_requests_total{route=\"echo\",code=\"401\"} 1\n",
                           "vmpulse_http_requests_total{route=\"other\",code=\"404\"} 1\n",
                           "vmpulse_http_requests_total{route=\"other\",code=\"431\"} 1\n",
                           "vmpulse_http_request_duration_seconds_count{route=\"echo\"} 2\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in\n" << text;
  }
}

TEST(ServerBind, PortInUseThrowsWithContext) {
  boost::asio::io_context io;
  ServerOptions options;
  options.host = "127.0.0.1";
  Server first(io, options, sync([](const Request&) { return Response::text(200, ""); }));
  options.port = first.port();
  try {
    Server second(io, options, sync([](const Request&) { return Response::text(200, ""); }));
    FAIL() << "a second server bound the same port";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(options.port)),
              std::string::npos);
  }
}

}  // namespace
}  // namespace vmpulse::http

namespace vmpulse::http {
namespace {

TEST(RunUntilSignal, SigtermStopsTheContextAfterOnStop) {
  boost::asio::io_context io;
  std::promise<void> running;
  // Runs only once io.run() has started, that is after the signal handler is installed.
  boost::asio::post(io, [&running] { running.set_value(); });
  std::atomic<bool> stopped_cleanly{false};
  std::thread runner(
      [&] { run_until_signal(io, 2, [&stopped_cleanly] { stopped_cleanly = true; }); });
  ASSERT_EQ(running.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  ::kill(::getpid(), SIGTERM);
  runner.join();
  EXPECT_TRUE(stopped_cleanly);
  EXPECT_TRUE(io.stopped());
}

// Waits (bounded) until `count` reaches `at_least`.
bool reaches(const std::atomic<int>& count, int at_least) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (count.load() < at_least && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return count.load() >= at_least;
}

TEST(RunUntilSignal, EachSighupCallsOnHangupAndTheContextRunsOn) {
  boost::asio::io_context io;
  std::promise<void> running;
  boost::asio::post(io, [&running] { running.set_value(); });
  std::atomic<int> reloads{0};
  std::atomic<int> stops{0};
  std::thread runner([&] {
    run_until_signal(
        io, 2, [&stops] { ++stops; }, [&reloads] { ++reloads; });
  });
  ASSERT_EQ(running.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  ::kill(::getpid(), SIGHUP);
  EXPECT_TRUE(reaches(reloads, 1));
  // A second SIGHUP once the first is handled (two pending at once would merge): the
  // handler must have been armed again.
  ::kill(::getpid(), SIGHUP);
  EXPECT_TRUE(reaches(reloads, 2));
  EXPECT_FALSE(io.stopped());
  EXPECT_EQ(stops.load(), 0);
  ::kill(::getpid(), SIGTERM);
  runner.join();
  EXPECT_EQ(reloads.load(), 2);
  EXPECT_EQ(stops.load(), 1);
  EXPECT_TRUE(io.stopped());
}

}  // namespace
}  // namespace vmpulse::http
