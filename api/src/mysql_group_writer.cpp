#include "mysql_group_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

#include "ingest_sql.hpp"

namespace vmpulse::api {
namespace {

// Errors after which the same transaction may simply be tried again.
constexpr unsigned kDeadlock = 1213;
constexpr unsigned kLockWaitTimeout = 1205;
constexpr int kAttempts = 3;

// The records of a group go in prepared multi-row INSERTs of a power of two rows, at most
// 2^max_log2: any group size is a few statements, and a connection prepares at most
// max_log2 + 1 of them, whatever sizes the groups have (256 rows of 29 columns stay far
// below a statement's 65,535 parameters). The next one's log2 for `left` records: the
// largest power of two ≤ left.
std::size_t chunk_log2(std::size_t left, std::size_t max_log2) {
  std::size_t log2 = 0;
  while (log2 < max_log2 && (std::size_t{2} << log2) <= left) {
    ++log2;
  }
  return log2;
}

// Server-side ends of a session that the client library may not flag as lost:
// shutdown in progress, connection killed, server gone away, lost during query.
bool session_gone(const db::DbError& e) {
  const unsigned code = e.code();
  return e.connection_lost() || code == 1053 || code == 1927 || code == 2006 || code == 2013;
}

// Bytes that mysql_real_escape_string leaves as they are, in any character set.
bool needs_no_escaping(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':' || c == ' ';
}

}  // namespace

MysqlGroupWriter::MysqlGroupWriter(DbUrl url, std::string api_name, bool bulk)
    : url_(std::move(url)), api_(std::move(api_name)), bulk_(bulk), connection_(url_) {}

bool MysqlGroupWriter::ensure_connected() {
  if (connection_.connected()) {
    return true;
  }
  try {
    connection_.connect();
    // Read committed: no gap locks between concurrent writers, and a replayed key's
    // row is read as committed by its first request.
    connection_.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    // Every statement opens the transaction that the next COMMIT (or ROLLBACK) ends:
    // one round trip per group less than START TRANSACTION first.
    connection_.execute("SET SESSION autocommit = 0");
    spdlog::debug("database {}: records stored by {}", url_.redacted(),
                  bulk_ && connection_.bulk_supported() ? "bulk execution" : "multi-row INSERTs");
    if (warned_) {
      spdlog::info("database {} reachable again", url_.redacted());
    }
    warned_ = false;
    return true;
  } catch (const db::DbError& e) {
    if (!warned_) {
      spdlog::warn("database {} unreachable: {}", url_.redacted(), e.what());
    }
    warned_ = true;
    connection_.close();
    return false;
  }
}

void MysqlGroupWriter::disconnect() { connection_.close(); }

void MysqlGroupWriter::ping() {
  try {
    connection_.query("SELECT 1");
  } catch (const db::DbError& e) {
    throw WriteFailed(e.what(), true);
  }
}

std::vector<ItemResult> MysqlGroupWriter::write(std::span<const IngestItem* const> items) {
  for (int attempt = 1;; ++attempt) {
    try {
      return write_once(items);
    } catch (const db::DbError& e) {
      if (session_gone(e)) {
        // Possibly during COMMIT: the outcome is unknown, so nobody may be told 201.
        throw WriteFailed(e.what(), true);
      }
      connection_.rollback();
      const bool transient = e.code() == kDeadlock || e.code() == kLockWaitTimeout;
      if (!transient || attempt == kAttempts) {
        throw WriteFailed(e.what(), false);
      }
      spdlog::debug("group retried after {} (attempt {})", e.what(), attempt);
    }
  }
}

std::vector<ItemResult> MysqlGroupWriter::write_once(std::span<const IngestItem* const> items) {
  const Quote quote = [this](std::string& sql, std::string_view value) {
    // Names and times (what every row carries) need no escaping: quoted as they are.
    if (std::all_of(value.begin(), value.end(), needs_no_escaping)) {
      sql += '\'';
      sql += value;
      sql += '\'';
    } else {
      connection_.append_quoted(sql, value);
    }
  };
  std::vector<ItemResult> results(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    results[i] = {ItemResult::Status::stored, items[i]->records.size()};
  }

  // autocommit is off (ensure_connected): the first statement begins the transaction.

  std::vector<std::size_t> keyed;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i]->idempotency_key) {
      keyed.push_back(i);
    }
  }
  std::stable_sort(keyed.begin(), keyed.end(), [&](std::size_t a, std::size_t b) {
    return *items[a]->idempotency_key < *items[b]->idempotency_key;
  });
  // Every key in one statement, the common case (each one's round trip was most of a
  // group's time under load); if any is not new (a retry of a stored request, or a key
  // twice in the group), start the transaction again and claim one key at a time, which
  // tells which request each existing key belongs to. ROLLBACK as a statement: a failed
  // one throws (the group is retried), where one that failed silently would leave this
  // transaction's claims to be read back as replays.
  bool claimed = false;
  if (keyed.size() > 1) {
    std::vector<KeyClaim> claims;
    claims.reserve(keyed.size());
    for (const std::size_t i : keyed) {
      claims.push_back(
          {*items[i]->idempotency_key, items[i]->records.size(), items[i]->body_sha256});
    }
    connection_.execute(claim_keys_sql(claims, api_, quote));
    claimed = connection_.affected_rows() == keyed.size();
    if (!claimed) {
      connection_.execute("ROLLBACK");
    }
  }
  const std::span<const std::size_t> one_by_one =
      claimed ? std::span<const std::size_t>{} : std::span<const std::size_t>(keyed);
  for (const std::size_t i : one_by_one) {
    const std::string& key = *items[i]->idempotency_key;
    connection_.execute(
        claim_key_sql(key, api_, items[i]->records.size(), items[i]->body_sha256, quote));
    if (connection_.affected_rows() == 1) {
      continue;
    }
    const auto rows = connection_.query(stored_for_key_sql(key, quote));
    std::size_t stored = 0;
    if (!rows.empty() && !rows[0].empty() && rows[0][0]) {
      const std::string& text = *rows[0][0];
      std::from_chars(text.data(), text.data() + text.size(), stored);
    }
    // A key stored before its body was recorded (NULL) can only be replayed.
    const bool other_body =
        !rows.empty() && rows[0].size() > 1 && rows[0][1] && *rows[0][1] != items[i]->body_sha256;
    results[i] = {other_body ? ItemResult::Status::key_reused : ItemResult::Status::replayed,
                  other_body ? 0 : stored};
  }

  std::vector<const Record*> records;
  records.reserve(std::accumulate(
      items.begin(), items.end(), std::size_t{0},
      [](std::size_t n, const IngestItem* item) { return n + item->records.size(); }));
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (results[i].status != ItemResult::Status::stored) {
      continue;
    }
    for (const Record& record : items[i]->records) {
      records.push_back(&record);
    }
  }
  if (!records.empty()) {
    std::uint64_t inserted = 0;
    std::size_t at = 0;
    if (bulk_ && connection_.bulk_supported()) {
      inserted = insert_bulk(records, at);
    }
    while (at < records.size()) {
      const std::size_t log2 = chunk_log2(records.size() - at, kMaxRowsLog2);
      const std::size_t rows = std::size_t{1} << log2;
      std::string& statement = insert_statements_[log2];
      if (statement.empty()) {
        statement = insert_records_statement(rows);
      }
      params_.clear();
      for (std::size_t i = at; i < at + rows; ++i) {
        add_record_params(params_, *records[i], api_);
      }
      inserted += connection_.execute_prepared(statement, params_);
      at += rows;
    }
    if (inserted != records.size()) {
      throw db::DbError("INSERT stored " + std::to_string(inserted) + " of " +
                            std::to_string(records.size()) + " rows",
                        0, false);
    }
    connection_.execute(add_count_sql(api_, records.size(), quote));
  }
  connection_.commit();
  return results;
}

std::uint64_t MysqlGroupWriter::insert_bulk(std::span<const Record* const> records,
                                            std::size_t& at) {
  // One single-row INSERT run for up to 2^kMaxRowsLog2 rows at a time: a message of the
  // same bounded size as the multi-row statements'.
  std::string& statement = insert_statements_[0];
  if (statement.empty()) {
    statement = insert_records_statement(1);
  }
  std::uint64_t inserted = 0;
  while (at < records.size()) {
    const std::size_t rows = std::min(records.size() - at, std::size_t{1} << kMaxRowsLog2);
    params_.clear();
    for (std::size_t i = at; i < at + rows; ++i) {
      add_record_params(params_, *records[i], api_);
    }
    const auto affected = connection_.execute_bulk(statement, params_, rows);
    if (!affected) {
      break;  // a column of mixed kinds: these rows go as multi-row INSERTs
    }
    inserted += *affected;
    at += rows;
  }
  return inserted;
}

}  // namespace vmpulse::api
