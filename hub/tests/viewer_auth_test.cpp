#include "viewer_auth.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "address_limit.hpp"
#include "viewer_api.hpp"

using namespace vmpulse::hub;
namespace http = vmpulse::http;
using vmpulse::secret::TokenSet;

namespace {

const std::string kViewer(64, 'v');
const std::string kOlder(64, 'o');
const std::string kIngest(64, 'i');
constexpr std::int64_t kNow = 1'800'000'000;

http::Request request(std::string method, std::string path,
                      std::vector<std::pair<std::string, std::string>> headers = {},
                      std::string body = "") {
  http::Request r;
  r.method = std::move(method);
  r.target = path;
  r.path = std::move(path);
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

std::string header(const http::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

// A viewer token file holding `lines`, removed at the end of the test.
struct TokenFile {
  std::string path = ::testing::TempDir() + "viewer-token-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name();
  explicit TokenFile(const std::string& text) { write(text); }
  ~TokenFile() { std::remove(path.c_str()); }
  TokenFile(const TokenFile&) = delete;
  TokenFile& operator=(const TokenFile&) = delete;
  void write(const std::string& text) const { std::ofstream(path) << text; }
};

// Runs `handler` on `r` and returns its (synchronous) answer; the inner handler says 200.
http::Response call(const http::Handler& handler, http::Request r) {
  http::Response out;
  out.status = 0;
  handler(std::move(r), [&out](http::Response response) { out = std::move(response); });
  return out;
}

http::Handler guarded(std::shared_ptr<const ViewerAuth> auth, int* inner_calls) {
  return with_viewer_auth(
      std::move(auth), [] { return kNow; },
      [inner_calls](http::Request&&, const http::Respond& respond) {
        ++*inner_calls;
        respond(http::Response::json(200, "{}"));
      });
}

}  // namespace

TEST(SessionCookie, SignedValueIsAcceptedUntilItExpires) {
  const TokenSet tokens({kViewer});
  const std::string value = session_value(kViewer, kNow + kSessionSeconds);
  EXPECT_TRUE(value.starts_with("v1." + std::to_string(kNow + kSessionSeconds) + "."));
  EXPECT_TRUE(session_valid(tokens, value, kNow));
  EXPECT_TRUE(session_valid(tokens, value, kNow + kSessionSeconds - 1));
  EXPECT_FALSE(session_valid(tokens, value, kNow + kSessionSeconds));
}

TEST(SessionCookie, TamperedForgedOrMalformedIsRefused) {
  const TokenSet tokens({kViewer});
  std::string value = session_value(kViewer, kNow + 60);
  value.back() = value.back() == '0' ? '1' : '0';
  EXPECT_FALSE(session_valid(tokens, value, kNow));
  // Another expiry under the same signature.
  const std::string good = session_value(kViewer, kNow + 60);
  std::string moved = good;
  moved.replace(3, std::to_string(kNow + 60).size(), std::to_string(kNow + 61));
  EXPECT_FALSE(session_valid(tokens, moved, kNow));
  // Signed with a key that is not the newest viewer token (the ingest token, say).
  EXPECT_FALSE(session_valid(tokens, session_value(kIngest, kNow + 60), kNow));
  // A right signature on an expiry further out than a session lasts.
  EXPECT_FALSE(session_valid(tokens, session_value(kViewer, kNow + kSessionSeconds + 1), kNow));
  for (const std::string bad :
       {"", "v1.", "v1.x.y", "v2.1.2", "v1.-5.abc", "v1.99999999999999999999.a"}) {
    EXPECT_FALSE(session_valid(tokens, bad, kNow)) << bad;
  }
}

TEST(SessionCookie, NewViewerTokenEndsOldSessions) {
  const std::string value = session_value(kOlder, kNow + 60);
  EXPECT_TRUE(session_valid(TokenSet({kOlder}), value, kNow));
  EXPECT_FALSE(session_valid(TokenSet({kOlder, kViewer}), value, kNow));
}

TEST(SessionCookie, CookieHeaderParsingAndSetCookie) {
  EXPECT_EQ(cookie_value("a=1; vmpulse_session=v1.2.3; b=4", kSessionCookie), "v1.2.3");
  EXPECT_EQ(cookie_value("vmpulse_session=x", kSessionCookie), "x");
  EXPECT_FALSE(cookie_value("xvmpulse_session=x; vmpulse_sessionx=y", kSessionCookie));
  EXPECT_FALSE(cookie_value("", kSessionCookie));
  const std::string set = set_cookie("v1.2.3", 60);
  for (const char* attribute : {"vmpulse_session=v1.2.3", "Path=/", "Max-Age=60", "HttpOnly",
                                "Secure", "SameSite=Strict"}) {
    EXPECT_NE(set.find(attribute), std::string::npos) << attribute;
  }
}

TEST(Credentials, BearerDecidesAndCookieOtherwise) {
  const TokenSet tokens({kOlder, kViewer});
  const std::string cookie = "vmpulse_session=" + session_value(kViewer, kNow + 60);
  EXPECT_EQ(check_credential(tokens, std::nullopt, std::nullopt, kNow), Credential::missing);
  EXPECT_EQ(check_credential(tokens, "Bearer " + kViewer, std::nullopt, kNow), Credential::valid);
  EXPECT_EQ(check_credential(tokens, "Bearer " + kOlder, std::nullopt, kNow), Credential::valid);
  EXPECT_EQ(check_credential(tokens, "Bearer " + kIngest, std::nullopt, kNow), Credential::invalid);
  EXPECT_EQ(check_credential(tokens, "Basic abc", std::nullopt, kNow), Credential::invalid);
  EXPECT_EQ(check_credential(tokens, std::nullopt, cookie, kNow), Credential::valid);
  EXPECT_EQ(check_credential(tokens, "Bearer " + kIngest, cookie, kNow), Credential::invalid);
  EXPECT_EQ(check_credential(tokens, std::nullopt, "other=1", kNow), Credential::missing);
  EXPECT_EQ(check_credential(tokens, std::nullopt, "vmpulse_session=v1.1.x", kNow),
            Credential::invalid);
}

TEST(ViewerAuth, FileIsReadAndReloaded) {
  TokenFile file("# viewers\n" + kOlder + "\n");
  const auto auth = ViewerAuth::from_file(file.path);
  EXPECT_EQ(auth->check("Bearer " + kOlder, std::nullopt, kNow), Credential::valid);
  file.write(kViewer + "\n");
  EXPECT_EQ(auth->reload(), std::nullopt);
  EXPECT_EQ(auth->check("Bearer " + kOlder, std::nullopt, kNow), Credential::invalid);
  EXPECT_EQ(auth->check("Bearer " + kViewer, std::nullopt, kNow), Credential::valid);
  // A broken file keeps the tokens that were there; the error never quotes a token.
  file.write("short\n");
  const auto problem = auth->reload();
  ASSERT_TRUE(problem);
  EXPECT_EQ(auth->check("Bearer " + kViewer, std::nullopt, kNow), Credential::valid);
  EXPECT_THROW(ViewerAuth::from_file(file.path + ".missing"), std::runtime_error);
}

TEST(ViewerApi, EveryReadNeedsAViewer) {
  TokenFile file(kViewer + "\n");
  int inner = 0;
  const auto handler = guarded(ViewerAuth::from_file(file.path), &inner);
  for (const char* path :
       {"/api/history", "/api/vms", "/api/split", "/api/stats", "/api/auth", "/anything"}) {
    const auto none = call(handler, request("GET", path));
    EXPECT_EQ(none.status, 401) << path;
    EXPECT_EQ(header(none, "WWW-Authenticate"), "Bearer realm=\"vmpulse\"");
    EXPECT_EQ(call(handler, request("GET", path, {{"Authorization", "Bearer " + kIngest}})).status,
              401)
        << path;
  }
  EXPECT_EQ(inner, 0);
  EXPECT_EQ(
      call(handler, request("GET", "/api/vms", {{"Authorization", "Bearer " + kViewer}})).status,
      200);
  EXPECT_EQ(
      call(handler, request("GET", "/api/auth", {{"authorization", "Bearer " + kViewer}})).status,
      204);
  EXPECT_EQ(call(handler, request("GET", "/livez")).status, 200);
  EXPECT_EQ(call(handler, request("GET", "/readyz")).status, 200);
  EXPECT_EQ(inner, 3);
}

TEST(ViewerApi, SignInGivesASessionCookieThatReads) {
  TokenFile file(kViewer + "\n");
  int inner = 0;
  const auto handler = guarded(ViewerAuth::from_file(file.path), &inner);
  const auto signed_in =
      call(handler, request("POST", "/api/session", {}, R"({"token":")" + kViewer + "\"}"));
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string set = header(signed_in, "Set-Cookie");
  ASSERT_TRUE(set.starts_with("vmpulse_session=v1.")) << set;
  const std::string cookie = set.substr(0, set.find(';'));
  EXPECT_EQ(call(handler, request("GET", "/api/vms", {{"Cookie", cookie}})).status, 200);
  EXPECT_EQ(call(handler, request("GET", "/api/auth", {{"Cookie", "a=b; " + cookie}})).status, 204);
  EXPECT_EQ(call(handler, request("GET", "/api/vms", {{"Cookie", cookie + "0"}})).status, 401);
  // The bearer form signs in too; sign-out clears the cookie.
  EXPECT_EQ(call(handler, request("POST", "/api/session", {{"Authorization", "Bearer " + kViewer}}))
                .status,
            200);
  const auto out = call(handler, request("DELETE", "/api/session"));
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(header(out, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(call(handler, request("GET", "/api/session")).status, 405);
}

TEST(ViewerApi, WrongTokenIs401ThenThrottled) {
  TokenFile file(kViewer + "\n");
  int inner = 0;
  const auto handler = guarded(ViewerAuth::from_file(file.path), &inner);
  int unauthorized = 0, throttled = 0;
  for (int i = 0; i < 100; ++i) {
    const auto answer =
        call(handler, request("POST", "/api/session", {}, R"({"token":")" + kIngest + "\"}"));
    EXPECT_TRUE(answer.status == 401 || answer.status == 429) << answer.status;
    EXPECT_EQ(answer.body.find(kIngest), std::string::npos);
    EXPECT_TRUE(header(answer, "Set-Cookie").empty());
    (answer.status == 401 ? unauthorized : throttled)++;
  }
  EXPECT_GE(unauthorized, 20);
  EXPECT_GE(throttled, 1);
  for (const std::string body : {"", "{", "[]", R"({"token":5})", R"({"token":""})"}) {
    const auto answer = call(handler, request("POST", "/api/session", {}, body));
    EXPECT_TRUE(answer.status == 401 || answer.status == 429) << body;
  }
}

TEST(ViewerApi, OpenReadsLetEveryoneIn) {
  int inner = 0;
  const auto handler = guarded(ViewerAuth::open_reads(), &inner);
  EXPECT_EQ(call(handler, request("GET", "/api/vms")).status, 200);
  EXPECT_EQ(call(handler, request("POST", "/api/session", {}, "{}")).status, 401);
}

TEST(SignInThrottle, RefillsWithTime) {
  SignInThrottle throttle;
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  int allowed = 0;
  for (int i = 0; i < 100; ++i) {
    allowed += throttle.allow_failure(t0) ? 1 : 0;
  }
  EXPECT_EQ(allowed, 2 * static_cast<int>(kSignInFailures));
  EXPECT_FALSE(throttle.allow_failure(t0));
  EXPECT_TRUE(throttle.allow_failure(t0 + std::chrono::milliseconds(200)));
}

TEST(ClientAddress, ForwardedForOnlyFromATrustedProxy) {
  const std::vector<std::string> trusted{"127.0.0.1"};
  EXPECT_EQ(client_address("10.0.0.7", "1.2.3.4", trusted), "10.0.0.7");
  EXPECT_EQ(client_address("127.0.0.1", std::nullopt, trusted), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "6.6.6.6, 10.0.0.7", trusted), "10.0.0.7");
  EXPECT_EQ(client_address("127.0.0.1", " 10.0.0.8 ", trusted), "10.0.0.8");
  EXPECT_EQ(client_address("127.0.0.1", "2001:db8::1", trusted), "2001:db8::1");
  EXPECT_EQ(client_address("127.0.0.1", "a, not-an-address", trusted), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "", trusted), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4", {}), "127.0.0.1");
}

TEST(AddressLimit, CapsEachAddressAndFreesOnRelease) {
  auto limit = std::make_shared<AddressLimit>(2);
  auto a1 = AddressLimit::acquire(limit, "a");
  auto a2 = AddressLimit::acquire(limit, "a");
  EXPECT_TRUE(a1 && a2);
  EXPECT_FALSE(AddressLimit::acquire(limit, "a"));
  EXPECT_TRUE(AddressLimit::acquire(limit, "b"));  // released at once
  EXPECT_EQ(limit->count("b"), 0u);
  a1.reset();
  EXPECT_EQ(limit->count("a"), 1u);
  EXPECT_TRUE(AddressLimit::acquire(limit, "a"));
}

TEST(ViewerAuth, WithoutTokensNobodyReads) {
  const ViewerAuth nobody;
  EXPECT_FALSE(nobody.open());
  EXPECT_EQ(nobody.check("Bearer " + kViewer, std::nullopt, kNow), Credential::missing);
  EXPECT_FALSE(nobody.sign_in(kViewer, kNow));
}
