// GroupWriter on a MySQL/MariaDB connection: one transaction per group. Keyed requests
// claim their Idempotency-Key first (INSERT IGNORE, in key order so that two writers
// never wait on each other in a cycle); a key already stored — or being stored by
// another writer, whose commit we wait for on the key's row lock — turns its request
// into a replay without failing the rest of the group. Then the records, in prepared
// multi-row INSERTs (binary protocol: the text of procesos_top is neither escaped by us
// nor lexed by the server), one update of metricas_por_api, one COMMIT.
// Used by one writer thread; not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "group_writer.hpp"
#include "vmpulse/config.hpp"
#include "vmpulse/db.hpp"

namespace vmpulse::api {

class MysqlGroupWriter final : public GroupWriter {
 public:
  MysqlGroupWriter(DbUrl url, std::string api_name);

  bool ensure_connected() override;
  void disconnect() override;
  void ping() override;
  std::vector<ItemResult> write(std::span<const IngestItem* const> items) override;

 private:
  std::vector<ItemResult> write_once(std::span<const IngestItem* const> items);

  DbUrl url_;
  std::string api_;
  db::Connection connection_;
  // The records go in INSERTs of 2^i rows, i ≤ kMaxRowsLog2 (mysql_group_writer.cpp);
  // each built on first use. The parameters of the one being sent.
  static constexpr std::size_t kMaxRowsLog2 = 8;
  std::array<std::string, kMaxRowsLog2 + 1> insert_statements_;
  db::Params params_;
  bool warned_ = false;  // one log line per outage, not one per reconnect attempt
};

}  // namespace vmpulse::api
