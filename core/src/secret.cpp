#include "vmpulse/secret.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace vmpulse::secret {
namespace {

constexpr std::size_t kMinTokenChars = 16;
constexpr std::size_t kMaxTokenChars = 512;
constexpr std::size_t kMaxTokenFileBytes = std::size_t{64} * 1024;

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4U]);
    out.push_back(kDigits[data[i] & 0x0FU]);
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_token_text(std::string_view token) {
  if (token.size() < kMinTokenChars || token.size() > kMaxTokenChars) {
    return false;
  }
  for (const char c : token) {
    if (c <= ' ' || c > '~') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return to_hex(digest.data(), digest.size());
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
           &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  return to_hex(digest.data(), length);
}

bool equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(
        diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("the random generator failed");
  }
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string_view bearer_token(std::string_view authorization) {
  authorization = trim(authorization);
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) {
    return {};
  }
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) {
      return {};
    }
  }
  return trim(authorization.substr(kScheme.size()));
}

bool TokenSet::accepts(std::string_view candidate) const {
  bool found = false;
  for (const auto& token : tokens_) {
    // Every token is compared, so the time does not tell which one matched.
    found = equal(token, candidate) || found;
  }
  return found;
}

std::variant<TokenSet, std::string> parse_token_file(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (!is_token_text(line)) {
      return "line " + std::to_string(line_number) + " is not a token (16 to 512 visible " +
             "ASCII characters, no spaces)";
    }
    tokens.emplace_back(line);
  }
  if (tokens.empty()) {
    return std::string("no token in it");
  }
  return TokenSet(std::move(tokens));
}

std::variant<TokenSet, std::string> load_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return "token file " + path + ": cannot be read";
  }
  std::string text;
  text.resize(kMaxTokenFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxTokenFileBytes) {
    return "token file " + path + ": larger than 64 KiB";
  }
  auto parsed = parse_token_file(text);
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    return "token file " + path + ": " + *problem;
  }
  return parsed;
}

}  // namespace vmpulse::secret
