#include "spool.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "durable_file.hpp"

namespace vmpulse::agent {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "vmpulse-batch 1 ";
constexpr std::string_view kSuffix = ".batch";
constexpr std::size_t kMaxBatchFile = std::size_t{4} * 1024 * 1024;

std::runtime_error errno_error(const std::string& what) {
  return std::runtime_error(what + ": " + errno_text(errno));
}

}  // namespace

std::string encode_batch(const std::string& idempotency_key, const std::string& body,
                         std::size_t samples) {
  std::string text;
  text.reserve(body.size() + idempotency_key.size() + 32);
  text += kMagic;
  text += idempotency_key;
  text += ' ';
  text += std::to_string(samples);
  text += '\n';
  text += body;
  return text;
}

std::optional<SpooledBatch> decode_batch(const std::string& file, const std::string& text) {
  if (!text.starts_with(kMagic)) {
    return std::nullopt;
  }
  const auto eol = text.find('\n');
  if (eol == std::string::npos) {
    return std::nullopt;
  }
  const std::string_view header(text.data() + kMagic.size(), eol - kMagic.size());
  const auto space = header.find(' ');
  if (space == std::string_view::npos || space == 0) {
    return std::nullopt;
  }
  SpooledBatch batch;
  batch.file = file;
  batch.idempotency_key = std::string(header.substr(0, space));
  const std::string_view count = header.substr(space + 1);
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), batch.samples);
  if (ec != std::errc() || end != count.data() + count.size()) {
    return std::nullopt;
  }
  batch.body = text.substr(eol + 1);
  if (batch.body.empty() || batch.body.front() != '[' || batch.body.back() != ']') {
    return std::nullopt;
  }
  return batch;
}

Spool::Spool(std::string directory, std::size_t max_files, std::size_t max_bytes)
    : directory_(std::move(directory)), max_files_(max_files), max_bytes_(max_bytes) {
  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (ec) {
    throw std::runtime_error("cannot create the spool directory " + directory_ + ": " +
                             ec.message());
  }
  std::vector<Entry> found;
  for (const auto& entry : fs::directory_iterator(directory_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".tmp")) {
      fs::remove(entry.path(), ec);  // a write interrupted by a crash; never renamed, never sent
      continue;
    }
    if (!name.ends_with(kSuffix) || !entry.is_regular_file()) {
      continue;
    }
    found.push_back(Entry{name, static_cast<std::size_t>(entry.file_size(ec))});
  }
  if (ec) {
    throw std::runtime_error("cannot read the spool directory " + directory_ + ": " + ec.message());
  }
  std::sort(found.begin(), found.end(),
            [](const Entry& a, const Entry& b) { return a.file < b.file; });
  for (Entry& entry : found) {
    bytes_ += entry.bytes;
    files_.push_back(std::move(entry));
  }
  if (!files_.empty()) {
    spdlog::info("spool {}: {} batches ({} bytes) from an earlier run still to deliver", directory_,
                 files_.size(), bytes_);
  }
  enforce_bounds();
}

std::string Spool::add(const std::string& idempotency_key, const std::string& body,
                       std::size_t samples) {
  std::string file = reserve_name();
  add_as(file, idempotency_key, body, samples);
  return file;
}

std::string Spool::reserve_name() {
  // Milliseconds since the epoch, then a counter: names sort in creation order, and
  // do so across restarts as long as the clock does not go back.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char name[64];
  const int length =
      std::snprintf(name, sizeof name, "%015lld-%06llu%.*s", static_cast<long long>(ms),
                    static_cast<unsigned long long>(counter_++ % 1'000'000),
                    static_cast<int>(kSuffix.size()), kSuffix.data());
  return {name, static_cast<std::size_t>(length)};
}

bool Spool::contains(const std::string& file) const {
  return std::any_of(files_.begin(), files_.end(), [&](const Entry& e) { return e.file == file; });
}

void Spool::add_as(const std::string& file, const std::string& idempotency_key,
                   const std::string& body, std::size_t samples) {
  if (file.find('/') != std::string::npos || !file.ends_with(kSuffix)) {
    throw std::runtime_error("not a spool file name: " + file);
  }
  const std::string path = directory_ + "/" + file;
  const std::string temporary = path + ".tmp";
  const std::string text = encode_batch(idempotency_key, body, samples);

  const int fd = open_no_follow(temporary, O_WRONLY | O_CREAT | O_TRUNC);
  try {
    write_all(fd, text, temporary);
    // On disk before the rename makes it visible: a power cut leaves the old state or
    // the whole batch, never an empty file.
    if (::fsync(fd) != 0) {
      throw errno_error("cannot sync " + temporary);
    }
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const auto error = errno_error("cannot rename " + temporary);
    ::unlink(temporary.c_str());
    throw error;
  }
  // The rename is durable only once the directory is: the journal forgets the samples
  // of this batch after this returns.
  sync_directory(directory_);
  const Entry entry{file, text.size()};
  // Batches rebuilt from the journal keep their earlier, smaller names.
  const auto at = std::lower_bound(files_.begin(), files_.end(), entry,
                                   [](const Entry& a, const Entry& b) { return a.file < b.file; });
  if (at != files_.end() && at->file == file) {
    bytes_ = bytes_ - std::min(bytes_, at->bytes) + text.size();
    at->bytes = text.size();
  } else {
    files_.insert(at, entry);
    bytes_ += text.size();
  }
  enforce_bounds();
}

void Spool::enforce_bounds() {
  // The newest batch always stays, even alone over the byte bound.
  while (files_.size() > 1 && (files_.size() > max_files_ || bytes_ > max_bytes_)) {
    const Entry oldest = files_.front();
    spdlog::warn(
        "spool {} full ({} batches, {} bytes; bounds {} and {}): dropping the oldest batch {}",
        directory_, files_.size(), bytes_, max_files_, max_bytes_, oldest.file);
    remove(oldest.file);
    ++dropped_;
  }
}

std::optional<SpooledBatch> Spool::oldest() {
  while (!files_.empty()) {
    const std::string file = files_.front().file;
    auto text = read_file_no_follow(directory_ + "/" + file, kMaxBatchFile);
    if (auto* failure = failure_of(text)) {
      spdlog::error("spool: dropping {}: {}", file, failure->message);
    } else if (auto batch = decode_batch(file, std::get<std::string>(text))) {
      return batch;
    } else {
      spdlog::error("spool: dropping {}: not a batch file", file);
    }
    remove(file);
    ++dropped_;
  }
  return std::nullopt;
}

void Spool::remove(const std::string& file) {
  const auto it =
      std::find_if(files_.begin(), files_.end(), [&](const Entry& e) { return e.file == file; });
  if (it == files_.end()) {
    return;
  }
  if (::unlink((directory_ + "/" + file).c_str()) != 0 && errno != ENOENT) {
    spdlog::error("spool: cannot remove {}/{}: {}", directory_, file, errno_text(errno));
  }
  bytes_ -= std::min(bytes_, it->bytes);
  files_.erase(it);
}

}  // namespace vmpulse::agent
