// The alerts' state in MySQL (db/migrations/004_alertas.sql, docs/alerts.md): the active
// alerts (alertas), their history, which is also the notifier's outbox
// (alertas_historial), and the silences (silencios). The evaluating hub writes each
// batch of transitions in ONE transaction, so a restart or a takeover finds the state
// and the history agreeing. Functions over a caller's connection; thread-compatible
// (one connection per thread, as db::Connection requires).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alert.hpp"
#include "silence.hpp"
#include "vmpulse/db.hpp"

namespace vmpulse::hub {

// One row of alertas_historial: the alert as it became (alert.state is the new state,
// resolved included) and the state it left.
struct HistoryEntry {
  std::uint64_t id = 0;
  Alert alert;
  std::optional<AlertState> from;
};

// The active alerts (pending and firing): firing first, then critical first, then the
// oldest; `silenced` as stored (the evaluator keeps it current, see sync_silenced).
std::vector<Alert> load_active_alerts(db::Connection& connection);
// The silences still running at `now_s`, the soonest to end first.
std::vector<Silence> load_silences(db::Connection& connection, std::int64_t now_s);

// Writes `batch` in one transaction: each transition's alert is upserted into alertas
// (deleted when resolved) and appended to alertas_historial with silenciada (a silence
// running at `now_s` matches its VM) and notificar (notifiable and not silenced). Sets
// each transition's alert.silenced. Rolls back and rethrows on any error.
void write_transitions(db::Connection& connection, std::vector<Transition>& batch,
                       std::int64_t now_s);

// Brings alertas.silenciada in line with the silences running at `now_s`, for the
// alerts in `active` whose flag differs (a silence added or ended while they fire).
// Returns how many rows it changed.
std::size_t sync_silenced(db::Connection& connection, const std::vector<Alert>& active,
                          const std::vector<Silence>& silences, std::int64_t now_s);

// Adds a silence (id and created are set from the database); returns it.
Silence add_silence(db::Connection& connection, Silence silence, std::int64_t now_s);
// How many silences are in force at `now_s` (until later than now).
std::int64_t count_silences(db::Connection& connection, std::int64_t now_s);
// Removes the silence `id`; false when there is none.
bool remove_silence(db::Connection& connection, std::uint64_t id);
// Removes the silences whose pattern is exactly `match`; how many.
std::uint64_t remove_silences(db::Connection& connection, std::string_view match);
// Deletes the silences that ended before `now_s`; how many.
std::uint64_t expire_silences(db::Connection& connection, std::int64_t now_s);

// The history from `since_s` on, newest first, at most `limit` rows.
std::vector<HistoryEntry> load_history(db::Connection& connection, std::int64_t since_s,
                                       std::size_t limit);

}  // namespace vmpulse::hub
