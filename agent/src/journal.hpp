// The push journal: every sample is appended to <spool>/samples.journal and
// fdatasync'd when it is taken, before it is sent, so that a SIGKILL or a power cut
// loses at most the sample being taken. One line a record:
//   s <key> <record JSON>           a sample, with the Idempotency-Key it is sent under alone
//   d <key>                         that sample was delivered (or rejected) on its own
//   b <batch key> <file> <n> <key>… those n samples were sealed into the spool batch <file>
// A "b" line is synced before its batch file is written, so a restart can tell which
// samples are in the spool even when it was killed between the two. The journal is
// emptied whenever no sample in it is outstanding. Not thread-safe: the pusher guards it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vmpulse::agent {

struct JournalSample {
  std::string key;   // the Idempotency-Key of this sample sent on its own
  std::string json;  // the record, as sent

  bool operator==(const JournalSample&) const = default;
};

struct JournalSeal {
  std::string batch_key;
  std::string file;                    // in the spool directory
  std::vector<JournalSample> samples;  // in the batch's order; empty when some were missing
};

// What an earlier run left in the journal.
struct JournalReplay {
  std::vector<JournalSeal> seals;
  // Neither delivered nor sealed, oldest first. Each may have reached the ingest on its
  // own already, so each must be sent again alone, under its own key, with the same body.
  std::vector<JournalSample> unsent;
  std::size_t skipped_lines = 0;  // torn or corrupt; logged
};

// Pure apart from its log lines: the journal's text → what it says. A last line without
// its newline (killed mid-write) or a line that does not parse is skipped.
JournalReplay replay_journal(std::string_view text);

std::string journal_sample_line(const std::string& key, const std::string& json);
std::string journal_delivered_line(const std::string& key);
std::string journal_seal_line(const std::string& batch_key, const std::string& file,
                              const std::vector<const JournalSample*>& samples);

// The request body of samples sent together: "[json,json,…]". A sample sent alone and
// the same sample sealed alone into a batch get the same bytes, so a replay of either
// under the sample's key is recognised by the ingest.
std::string batch_body(const std::vector<const JournalSample*>& samples);

class Journal {
 public:
  // Reads what an earlier run left in <directory>/samples.journal (replayed()) and
  // opens it for appending. Throws std::runtime_error when it cannot be opened.
  explicit Journal(const std::string& directory);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  const JournalReplay& replayed() const { return replayed_; }

  // Appends one line; with `sync`, it is on disk when this returns. Throws
  // std::runtime_error.
  void append(const std::string& line, bool sync);
  // Replaces the whole journal with these samples, atomically (temporary file, sync,
  // rename, directory sync); used once after a restart to drop what was replayed.
  void rewrite(const std::vector<JournalSample>& samples);
  // Empties the journal (no sample in it is outstanding). Not synced: if a crash
  // undoes it, the replay finds only delivered or sealed samples, or samples that are
  // sent again under their own key, which the ingest recognises.
  void clear();
  std::size_t bytes() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  std::string directory_;
  std::string path_;
  int fd_ = -1;
  std::size_t bytes_ = 0;
  JournalReplay replayed_;
};

}  // namespace vmpulse::agent
