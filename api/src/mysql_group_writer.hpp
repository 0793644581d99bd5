// GroupWriter on a MySQL/MariaDB connection: one transaction per group. Keyed requests
// claim their Idempotency-Key first (INSERT IGNORE, in key order so that two writers
// never wait on each other in a cycle); a key already stored — or being stored by
// another writer, whose commit we wait for on the key's row lock — turns its request
// into a replay without failing the rest of the group. Then the records as prepared
// statements' parameters (binary protocol: the text of procesos_top is neither escaped
// by us nor lexed by the server): on MariaDB a single-row INSERT run once for many rows
// (bulk execution), elsewhere — or with bulk off — multi-row INSERTs; then one update of
// metricas_por_api, one COMMIT.
// Used by one writer thread; not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "group_writer.hpp"
#include "vmpulse/config.hpp"
#include "vmpulse/db.hpp"

namespace vmpulse::api {

class MysqlGroupWriter final : public GroupWriter {
 public:
  // bulk: use MariaDB's bulk execution when the server offers it (false: multi-row
  // INSERTs only, as on MySQL).
  MysqlGroupWriter(DbUrl url, std::string api_name, bool bulk = true);

  bool ensure_connected() override;
  void disconnect() override;
  void ping() override;
  std::vector<ItemResult> write(std::span<const IngestItem* const> items) override;

 private:
  std::vector<ItemResult> write_once(std::span<const IngestItem* const> items);
  // Inserts records[at...] by bulk execution, moving `at` past what it stored (short of
  // the end only if a batch cannot go that way); returns the rows inserted.
  std::uint64_t insert_bulk(std::span<const Record* const> records, std::size_t& at);

  DbUrl url_;
  std::string api_;
  bool bulk_;
  db::Connection connection_;
  // The records go in INSERTs of 2^i rows, i ≤ kMaxRowsLog2 (mysql_group_writer.cpp),
  // or in bulk executions of the 1-row one for up to 2^kMaxRowsLog2 rows; each built on
  // first use. The parameters of the one being sent.
  static constexpr std::size_t kMaxRowsLog2 = 8;
  std::array<std::string, kMaxRowsLog2 + 1> insert_statements_;
  db::Params params_;
  bool warned_ = false;  // one log line per outage, not one per reconnect attempt
};

}  // namespace vmpulse::api
