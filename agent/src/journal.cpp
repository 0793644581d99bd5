#include "journal.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <stdexcept>

#include "durable_file.hpp"
#include "vmpulse/contract.hpp"

namespace vmpulse::agent {
namespace {

constexpr const char* kFileName = "samples.journal";
// Far more than a journal holds (the samples of one --push-interval, and lines about
// them); a bigger file is not ours to trust.
constexpr std::size_t kMaxJournal = std::size_t{64} * 1024 * 1024;

// Splits off the next space-separated word of `rest`.
std::string_view next_word(std::string_view& rest) {
  const auto space = rest.find(' ');
  const std::string_view word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  return word;
}

bool valid_record_json(std::string_view json) {
  std::string body = "[";
  body += json;
  body += ']';
  return std::holds_alternative<std::vector<Record>>(parse_ingest_body(body));
}

// Applies one complete line to the replay; false when it does not parse.
bool apply_line(std::string_view line, std::vector<JournalSample>& open, JournalReplay& replay) {
  std::string_view rest = line;
  const std::string_view type = next_word(rest);
  if (type == "s") {
    const std::string_view key = next_word(rest);
    if (!valid_idempotency_key(key) || !valid_record_json(rest)) {
      return false;
    }
    open.push_back(JournalSample{std::string(key), std::string(rest)});
    return true;
  }
  if (type == "d") {
    const std::string_view key = next_word(rest);
    if (!valid_idempotency_key(key) || !rest.empty()) {
      return false;
    }
    std::erase_if(open, [&](const JournalSample& s) { return s.key == key; });
    return true;
  }
  if (type == "b") {
    JournalSeal seal;
    seal.batch_key = std::string(next_word(rest));
    seal.file = std::string(next_word(rest));
    const std::string_view count_text = next_word(rest);
    std::size_t count = 0;
    const auto [end, ec] =
        std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
    if (!valid_idempotency_key(seal.batch_key) || seal.file.empty() ||
        seal.file.find('/') != std::string::npos || ec != std::errc() ||
        end != count_text.data() + count_text.size() || count == 0) {
      return false;
    }
    std::vector<std::string_view> keys;
    while (!rest.empty()) {
      keys.push_back(next_word(rest));
    }
    if (keys.size() != count) {
      return false;
    }
    for (const std::string_view key : keys) {
      const auto it = std::find_if(open.begin(), open.end(),
                                   [&](const JournalSample& s) { return s.key == key; });
      if (it == open.end()) {
        // Not journaled (the disk was failing then): the batch cannot be rebuilt, but
        // the samples that are here are in it and must not be sent again.
        seal.samples.clear();
        for (const std::string_view gone : keys) {
          std::erase_if(open, [&](const JournalSample& s) { return s.key == gone; });
        }
        break;
      }
      seal.samples.push_back(std::move(*it));
      open.erase(it);
    }
    replay.seals.push_back(std::move(seal));
    return true;
  }
  return false;
}

}  // namespace

JournalReplay replay_journal(std::string_view text) {
  JournalReplay replay;
  std::vector<JournalSample> open;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto eol = text.find('\n');
    if (eol == std::string_view::npos) {
      spdlog::warn(
          "journal: skipping a torn last line ({} bytes, line {}): the agent was stopped while "
          "writing it",
          text.size(), line_number);
      ++replay.skipped_lines;
      break;
    }
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
    if (!apply_line(line, open, replay)) {
      spdlog::error("journal: skipping line {} ({} bytes): not a journal record", line_number,
                    line.size());
      ++replay.skipped_lines;
    }
  }
  replay.unsent = std::move(open);
  return replay;
}

std::string journal_sample_line(const std::string& key, const std::string& json) {
  std::string line;
  line.reserve(key.size() + json.size() + 4);
  line += "s ";
  line += key;
  line += ' ';
  line += json;
  line += '\n';
  return line;
}

std::string journal_delivered_line(const std::string& key) { return "d " + key + "\n"; }

std::string journal_seal_line(const std::string& batch_key, const std::string& file,
                              const std::vector<const JournalSample*>& samples) {
  std::string line = "b " + batch_key + " " + file + " " + std::to_string(samples.size());
  for (const JournalSample* sample : samples) {
    line += ' ';
    line += sample->key;
  }
  line += '\n';
  return line;
}

std::string batch_body(const std::vector<const JournalSample*>& samples) {
  std::string body = "[";
  for (const JournalSample* sample : samples) {
    if (body.size() > 1) {
      body += ',';
    }
    body += sample->json;
  }
  body += ']';
  return body;
}

Journal::Journal(const std::string& directory)
    : directory_(directory), path_(directory + "/" + kFileName) {
  auto text = read_file_no_follow(path_, kMaxJournal);
  if (const Failure* failure = failure_of(text)) {
    if (!failure->missing) {
      // Unreadable (too big, a symlink, I/O error): what it held cannot be recovered, but
      // sampling and pushing must go on.
      spdlog::error("journal: {}; starting a new one", failure->message);
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  } else {
    replayed_ = replay_journal(std::get<std::string>(text));
    bytes_ = std::get<std::string>(text).size();
  }
  fd_ = open_no_follow(path_, O_WRONLY | O_CREAT | O_APPEND);
  sync_directory(directory_);  // the journal's own name survives a power cut
}

Journal::~Journal() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

void Journal::append(const std::string& line, bool sync) {
  write_all(fd_, line, path_);
  bytes_ += line.size();
  if (sync && ::fdatasync(fd_) != 0) {
    throw std::runtime_error("cannot sync " + path_ + ": " + errno_text(errno));
  }
}

void Journal::rewrite(const std::vector<JournalSample>& samples) {
  const std::string temporary = path_ + ".tmp";
  std::string text;
  for (const JournalSample& sample : samples) {
    text += journal_sample_line(sample.key, sample.json);
  }
  const int fd = open_no_follow(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
  try {
    write_all(fd, text, temporary);
    if (::fdatasync(fd) != 0) {
      throw std::runtime_error("cannot sync " + temporary + ": " + errno_text(errno));
    }
    if (::rename(temporary.c_str(), path_.c_str()) != 0) {
      throw std::runtime_error("cannot rename " + temporary + ": " + errno_text(errno));
    }
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  sync_directory(directory_);
  ::close(fd_);
  fd_ = fd;
  bytes_ = text.size();
}

void Journal::clear() {
  if (bytes_ == 0) {
    return;
  }
  if (::ftruncate(fd_, 0) != 0) {
    spdlog::error("journal: cannot empty {}: {}", path_, errno_text(errno));
    return;
  }
  bytes_ = 0;
}

}  // namespace vmpulse::agent
