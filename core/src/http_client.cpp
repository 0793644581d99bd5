#include "vmpulse/http_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <charconv>
#include <stdexcept>

#include "vmpulse/log_excerpt.hpp"

namespace vmpulse {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Request = bhttp::request<bhttp::string_body>;

constexpr std::size_t kMaxResponseBody = std::size_t{64} * 1024;

struct SessionFree {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;

// One asynchronous step's outcome, shared with its completion handler: a resolver
// cannot be interrupted, so its handler may run after the step was given up. A step
// that was not done in time counts as failed even if its handler ran while it was
// being aborted: the connection is gone by then.
struct Step {
  bool done = false;
  bool in_time = false;  // done within the step's time, not cancelled: the stream is intact
  beast::error_code ec;
  tcp::resolver::results_type endpoints;
};

auto finish(const std::shared_ptr<Step>& step) {
  return [step](beast::error_code ec, auto&&...) {
    step->ec = ec;
    step->done = true;
  };
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0) {
    return std::chrono::seconds(seconds);
  }
  return std::nullopt;
}

}  // namespace

struct HttpClient::Impl {
  struct Failure {
    std::string text;
    bool may_retry = false;  // nothing of an answer arrived: the request may go again
  };

  HttpUrl url;
  std::string user_agent;
  std::string authority;  // host:port, for messages
  std::chrono::milliseconds timeout{};
  std::shared_ptr<ssl::context> tls;  // null for http://
  asio::io_context io;
  tcp::resolver resolver{io};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  SessionPtr session;          // the last TLS session, offered again on the next handshake
  Clock::time_point deadline;  // of the post() in progress
  std::atomic<bool> cancelled{false};

  bool connected() const { return plain.has_value() || secure.has_value(); }
  beast::tcp_stream& tcp_layer() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  std::chrono::milliseconds step_limit() const {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return std::clamp(left, std::chrono::milliseconds(0), timeout);
  }

  // Runs the asynchronous operation `start` begins until its handler has run, within
  // the step's time. Asynchronous because Beast's timeouts work only for asynchronous
  // operations; one at a time, so each step reads as a step.
  template <class Start>
  std::shared_ptr<Step> run(Start&& start) {
    auto step = std::make_shared<Step>();
    const auto limit = step_limit();
    if (connected()) {
      tcp_layer().expires_after(limit);
    }
    start(step);
    const auto until = Clock::now() + limit;
    io.restart();
    // cancel() sets the flag before it stops the io_context, so one of the two is seen.
    while (!step->done && !cancelled && Clock::now() < until) {
      if (io.run_one_until(until) == 0 && io.stopped()) {
        io.restart();
      }
    }
    step->in_time = step->done;
    if (!step->in_time) {
      // Out of time or cancelled: abort, and let the handler run before the stream it
      // refers to can go away (a closed socket completes its operations at once).
      resolver.cancel();
      if (connected()) {
        beast::error_code ignored;
        tcp_layer().socket().close(ignored);
      }
      for (int i = 0; i < 100 && !step->done; ++i) {
        io.restart();
        io.run_for(std::chrono::milliseconds(50));
      }
      drop_connection(false);
    }
    return step;
  }

  // Ends the connection. `keep_session`: it ended in good order, so its TLS session may
  // be resumed; OpenSSL forgets a session whose connection closes without this side's
  // close_notify, so that is marked as sent (the peer sees the TCP close).
  void drop_connection(bool keep_session) {
    if (secure && keep_session) {
      SSL_set_shutdown(secure->native_handle(), SSL_SENT_SHUTDOWN);
    }
    secure.reset();
    plain.reset();
    buffer.clear();
  }

  std::string failure(const char* what, const beast::error_code& ec) const {
    return std::string(what) + " " + authority + ": " + ec.message();
  }

  std::string incomplete(const char* what) {
    if (cancelled.exchange(false)) {
      return "cancelled";
    }
    return std::string(what) + " " + authority + ": no answer in time";
  }

  std::optional<std::string> connect() {
    drop_connection(true);
    const auto resolved = run([&](const std::shared_ptr<Step>& step) {
      resolver.async_resolve(url.host, url.port,
                             [step](beast::error_code ec, tcp::resolver::results_type results) {
                               step->endpoints = std::move(results);
                               step->ec = ec;
                               step->done = true;
                             });
    });
    if (!resolved->in_time) {
      return incomplete("resolve");
    }
    if (resolved->ec) {
      return failure("resolve", resolved->ec);
    }
    if (tls) {
      secure.emplace(io, *tls);
    } else {
      plain.emplace(io);
    }
    const auto opened = run([&](const std::shared_ptr<Step>& step) {
      tcp_layer().async_connect(resolved->endpoints, finish(step));
    });
    if (!opened->in_time) {
      return incomplete("connect to");
    }
    if (opened->ec) {
      drop_connection(false);
      return failure("connect to", opened->ec);
    }
    return secure ? handshake() : std::nullopt;
  }

  std::optional<std::string> handshake() {
    SSL* native = secure->native_handle();
    // OpenSSL's own name check (rather than Asio's host_name_verification callback)
    // records what failed, so the log can say "hostname mismatch". An address is
    // checked against the certificate's IP entries and is never sent as SNI (RFC 6066).
    X509_VERIFY_PARAM* param = SSL_get0_param(native);
    beast::error_code not_address;
    asio::ip::make_address(url.host, not_address);
    bool ready = false;
    if (!not_address) {
      ready = X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str()) == 1;
    } else {
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      ready = X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0) == 1 &&
              SSL_set_tlsext_host_name(native, url.host.c_str()) == 1;
    }
    if (!ready || (session && SSL_set_session(native, session.get()) != 1)) {
      drop_connection(false);
      return "TLS setup for " + authority + " failed";
    }
    const auto shaken = run([&](const std::shared_ptr<Step>& step) {
      secure->async_handshake(ssl::stream_base::client, finish(step));
    });
    if (!shaken->in_time) {
      return incomplete("TLS handshake with");
    }
    if (shaken->ec) {
      const long verify = SSL_get_verify_result(native);
      std::string text = failure("TLS handshake with", shaken->ec);
      if (verify != X509_V_OK) {
        text = "TLS handshake with " + authority +
               ": certificate verify failed: " + X509_verify_cert_error_string(verify);
      }
      session.reset();
      drop_connection(false);
      return text;
    }
    return std::nullopt;
  }

  template <class Stream>
  std::variant<HttpAnswer, Failure> exchange(Stream& stream, Request& message) {
    const auto written = run([&](const std::shared_ptr<Step>& step) {
      bhttp::async_write(stream, message, finish(step));
    });
    if (!written->in_time) {
      return Failure{incomplete("send to"), false};
    }
    if (written->ec) {
      Failure failed{failure("send to", written->ec), written->ec != beast::error::timeout};
      drop_connection(failed.may_retry);
      return failed;
    }
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    const auto read = run([&](const std::shared_ptr<Step>& step) {
      bhttp::async_read(stream, buffer, parser, finish(step));
    });
    if (!read->in_time) {
      return Failure{incomplete("read answer from"), false};
    }
    if (read->ec) {
      Failure failed{failure("read answer from", read->ec),
                     !parser.got_some() && read->ec != beast::error::timeout};
      drop_connection(failed.may_retry);
      return failed;
    }
    const auto& response = parser.get();
    HttpAnswer answer;
    answer.status = static_cast<int>(response.result_int());
    answer.body = log_excerpt(response.body());
    if (const auto it = response.find(bhttp::field::retry_after); it != response.end()) {
      answer.retry_after =
          parse_retry_after(std::string_view(it->value().data(), it->value().size()));
    }
    if (const auto it = response.find(bhttp::field::content_type); it != response.end()) {
      answer.json =
          std::string_view(it->value().data(), it->value().size()).starts_with("application/json");
    }
    if (const auto it = response.find(bhttp::field::location); it != response.end()) {
      answer.location = log_excerpt(std::string_view(it->value().data(), it->value().size()));
    }
    if (secure) {
      // Saved after an answer rather than after the handshake: a TLS 1.3 server sends
      // its session ticket after the handshake, and it has been read by now.
      SSL_SESSION* latest = SSL_get1_session(secure->native_handle());
      if (latest != nullptr && SSL_SESSION_is_resumable(latest) == 1) {
        session.reset(latest);
      } else {
        SSL_SESSION_free(latest);
      }
    }
    if (!parser.keep_alive()) {
      drop_connection(true);
    }
    return answer;
  }
};

HttpClient::HttpClient(HttpUrl url, std::chrono::milliseconds timeout, const TlsFiles& tls,
                       std::string user_agent)
    : impl_(std::make_unique<Impl>()) {
  impl_->user_agent = std::move(user_agent);
  impl_->authority = url.host + ":" + url.port;
  impl_->url = std::move(url);
  impl_->timeout = timeout;
  if (impl_->url.tls) {
    auto context = make_tls_context(tls);
    if (auto* error = std::get_if<std::string>(&context)) {
      throw std::runtime_error(*error);
    }
    impl_->tls = std::get<std::shared_ptr<ssl::context>>(std::move(context));
  }
}

HttpClient::~HttpClient() = default;

void HttpClient::cancel() {
  impl_->cancelled = true;
  impl_->io.stop();
}

std::variant<HttpAnswer, std::string> HttpClient::post(const PostRequest& request) {
  Impl& impl = *impl_;
  if (impl.cancelled.exchange(false)) {
    return std::string("cancelled");
  }
  impl.deadline = Clock::now() + impl.timeout * 2;
  Request message{bhttp::verb::post, impl.url.target, 11};
  message.set(bhttp::field::host, host_header(impl.url));
  message.set(bhttp::field::user_agent, impl.user_agent);
  message.set(bhttp::field::content_type, "application/json");
  if (!request.token.empty()) {
    message.set(bhttp::field::authorization, "Bearer " + request.token);
  }
  if (!request.idempotency_key.empty()) {
    message.set("Idempotency-Key", request.idempotency_key);
  }
  message.body() = request.body;
  message.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = impl.connected();
    if (!reused) {
      if (auto error = impl.connect()) {
        return *error;
      }
    }
    auto answer =
        impl.secure ? impl.exchange(*impl.secure, message) : impl.exchange(*impl.plain, message);
    if (auto* response = std::get_if<HttpAnswer>(&answer)) {
      return std::move(*response);
    }
    auto& failed = std::get<Impl::Failure>(answer);
    // A kept-alive connection the server closed while idle fails before any answer:
    // that says nothing about the server, so the request goes once more, on a new one.
    if (!reused || !failed.may_retry || attempt > 0 || impl.cancelled) {
      return std::move(failed.text);
    }
  }
}

}  // namespace vmpulse
