#include "alert_store.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace vmpulse::hub {
namespace {

// Every alert query selects these, in this order (alert_from_row reads them).
constexpr std::string_view kAlertColumns =
    "regla, vm, severidad, estado, valor, umbral, CAST(UNIX_TIMESTAMP(desde) * 1000 AS SIGNED), "
    "CAST(UNIX_TIMESTAMP(cambio) * 1000 AS SIGNED), resumen, silenciada";

std::int64_t to_i64(const std::optional<std::string>& text) {
  std::int64_t value = 0;
  if (text) {
    std::from_chars(text->data(), text->data() + text->size(), value);
  }
  return value;
}

std::optional<double> to_double(const std::optional<std::string>& text) {
  if (!text) {
    return std::nullopt;
  }
  return std::stod(*text);
}

std::string text_of(const std::optional<std::string>& text) { return text.value_or(""); }

// columns: regla vm severidad estado valor umbral desde cambio resumen silenciada.
Alert alert_from_row(const db::Row& row, std::size_t first) {
  Alert alert;
  alert.rule = text_of(row.at(first));
  alert.vm = text_of(row.at(first + 1));
  alert.severity = severity_from(text_of(row.at(first + 2))).value_or(Severity::warning);
  alert.state = alert_state_from(text_of(row.at(first + 3))).value_or(AlertState::pending);
  alert.value = to_double(row.at(first + 4));
  alert.threshold = to_double(row.at(first + 5));
  alert.since_ms = to_i64(row.at(first + 6));
  alert.changed_ms = to_i64(row.at(first + 7));
  alert.summary = text_of(row.at(first + 8));
  alert.silenced = text_of(row.at(first + 9)) == "1";
  return alert;
}

// A double as SQL: full precision; NULL when absent or not finite.
void append_number(std::string& sql, const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) {
    sql += "NULL";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", *value);
  sql += buf;
}

// Unix ms as a DATETIME(3) the session (time_zone +00:00) stores as UTC.
void append_time_ms(std::string& sql, std::int64_t ms) {
  sql += "FROM_UNIXTIME(";
  sql += std::to_string(ms / 1000);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms % 1000));
  sql += frac;
  sql += ')';
}

void append_bool(std::string& sql, bool value) { sql += value ? "TRUE" : "FALSE"; }

}  // namespace

std::vector<Alert> load_active_alerts(db::Connection& connection) {
  // ENUM order: 'firing' after 'pending', 'critical' after 'warning'.
  const auto rows = connection.query("SELECT " + std::string(kAlertColumns) +
                                     " FROM alertas ORDER BY estado DESC, severidad DESC, desde, "
                                     "regla, vm");
  std::vector<Alert> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back(alert_from_row(row, 0));
  }
  return out;
}

std::vector<Silence> load_silences(db::Connection& connection, std::int64_t now_s) {
  const auto rows = connection.query(
      "SELECT id, patron, UNIX_TIMESTAMP(hasta), comentario, UNIX_TIMESTAMP(creado) FROM silencios "
      "WHERE hasta > FROM_UNIXTIME(" +
      std::to_string(now_s) + ") ORDER BY hasta, id");
  std::vector<Silence> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back({.id = static_cast<std::uint64_t>(to_i64(row.at(0))),
                   .match = text_of(row.at(1)),
                   .until_s = to_i64(row.at(2)),
                   .comment = text_of(row.at(3)),
                   .created_s = to_i64(row.at(4))});
  }
  return out;
}

void write_transitions(db::Connection& connection, std::vector<Transition>& batch,
                       std::int64_t now_s) {
  if (batch.empty()) {
    return;
  }
  connection.begin();
  try {
    // Read inside the transaction: a silence added a moment ago applies.
    const std::vector<Silence> silences = load_silences(connection, now_s);
    std::string history =
        "INSERT INTO alertas_historial (regla, vm, severidad, estado, anterior, valor, umbral, "
        "desde, hora, huella, resumen, silenciada, notificar) VALUES ";
    bool first_row = true;
    for (auto& transition : batch) {
      Alert& alert = transition.alert;
      alert.silenced = is_silenced(silences, alert.vm, now_s);
      const std::string fingerprint = alert.fingerprint();
      std::string sql;
      if (alert.state == AlertState::resolved) {
        sql = "DELETE FROM alertas WHERE regla = ";
        connection.append_quoted(sql, alert.rule);
        sql += " AND vm = ";
        connection.append_quoted(sql, alert.vm);
      } else {
        sql =
            "INSERT INTO alertas (regla, vm, severidad, estado, valor, umbral, desde, cambio, "
            "huella, resumen, silenciada) VALUES (";
        connection.append_quoted(sql, alert.rule);
        sql += ',';
        connection.append_quoted(sql, alert.vm);
        sql += ',';
        connection.append_quoted(sql, to_string(alert.severity));
        sql += ',';
        connection.append_quoted(sql, to_string(alert.state));
        sql += ',';
        append_number(sql, alert.value);
        sql += ',';
        append_number(sql, alert.threshold);
        sql += ',';
        append_time_ms(sql, alert.since_ms);
        sql += ',';
        append_time_ms(sql, alert.changed_ms);
        sql += ',';
        connection.append_quoted(sql, fingerprint);
        sql += ',';
        connection.append_quoted(sql, alert.summary.substr(0, 255));
        sql += ',';
        append_bool(sql, alert.silenced);
        sql +=
            ") ON DUPLICATE KEY UPDATE severidad = VALUES(severidad), estado = VALUES(estado), "
            "valor = VALUES(valor), umbral = VALUES(umbral), desde = VALUES(desde), "
            "cambio = VALUES(cambio), huella = VALUES(huella), resumen = VALUES(resumen), "
            "silenciada = VALUES(silenciada)";
      }
      connection.execute(sql);

      history += first_row ? "(" : ",(";
      first_row = false;
      connection.append_quoted(history, alert.rule);
      history += ',';
      connection.append_quoted(history, alert.vm);
      history += ',';
      connection.append_quoted(history, to_string(alert.severity));
      history += ',';
      connection.append_quoted(history, to_string(alert.state));
      history += ',';
      if (transition.from && *transition.from != AlertState::resolved) {
        connection.append_quoted(history, to_string(*transition.from));
      } else {
        history += "NULL";
      }
      history += ',';
      append_number(history, alert.value);
      history += ',';
      append_number(history, alert.threshold);
      history += ',';
      append_time_ms(history, alert.since_ms);
      history += ',';
      append_time_ms(history, alert.changed_ms);
      history += ',';
      connection.append_quoted(history, fingerprint);
      history += ',';
      connection.append_quoted(history, alert.summary.substr(0, 255));
      history += ',';
      append_bool(history, alert.silenced);
      history += ',';
      append_bool(history, transition.notifiable() && !alert.silenced);
      history += ')';
    }
    // One statement keeps the batch's ids consecutive and in the engine's order.
    connection.execute(history);
    connection.commit();
  } catch (...) {
    connection.rollback();
    throw;
  }
}

std::size_t sync_silenced(db::Connection& connection, const std::vector<Alert>& active,
                          const std::vector<Silence>& silences, std::int64_t now_s) {
  std::size_t changed = 0;
  for (const auto& alert : active) {
    const bool silenced = is_silenced(silences, alert.vm, now_s);
    if (silenced == alert.silenced) {
      continue;
    }
    std::string sql = "UPDATE alertas SET silenciada = ";
    append_bool(sql, silenced);
    sql += " WHERE regla = ";
    connection.append_quoted(sql, alert.rule);
    sql += " AND vm = ";
    connection.append_quoted(sql, alert.vm);
    connection.execute(sql);
    ++changed;
  }
  return changed;
}

Silence add_silence(db::Connection& connection, Silence silence, std::int64_t now_s) {
  std::string sql = "INSERT INTO silencios (patron, hasta, comentario, creado) VALUES (";
  connection.append_quoted(sql, silence.match);
  sql += ", FROM_UNIXTIME(" + std::to_string(silence.until_s) + "), ";
  connection.append_quoted(sql, silence.comment);
  sql += ", FROM_UNIXTIME(" + std::to_string(now_s) + "))";
  connection.execute(sql);
  const auto rows = connection.query("SELECT LAST_INSERT_ID()");
  silence.id = rows.empty() ? 0 : static_cast<std::uint64_t>(to_i64(rows[0].at(0)));
  silence.created_s = now_s;
  return silence;
}

std::int64_t count_silences(db::Connection& connection, std::int64_t now_s) {
  const auto rows = connection.query("SELECT COUNT(*) FROM silencios WHERE hasta > FROM_UNIXTIME(" +
                                     std::to_string(now_s) + ")");
  return rows.empty() ? 0 : to_i64(rows[0].at(0));
}

bool remove_silence(db::Connection& connection, std::uint64_t id) {
  connection.execute("DELETE FROM silencios WHERE id = " + std::to_string(id));
  return connection.affected_rows() > 0;
}

std::uint64_t remove_silences(db::Connection& connection, std::string_view match) {
  std::string sql = "DELETE FROM silencios WHERE patron = ";
  connection.append_quoted(sql, match);
  connection.execute(sql);
  return connection.affected_rows();
}

std::uint64_t expire_silences(db::Connection& connection, std::int64_t now_s) {
  connection.execute("DELETE FROM silencios WHERE hasta <= FROM_UNIXTIME(" + std::to_string(now_s) +
                     ")");
  return connection.affected_rows();
}

std::vector<HistoryEntry> load_history(db::Connection& connection, std::int64_t since_s,
                                       std::size_t limit) {
  const auto rows = connection.query(
      "SELECT id, anterior, regla, vm, severidad, estado, valor, umbral, "
      "CAST(UNIX_TIMESTAMP(desde) * 1000 AS SIGNED), CAST(UNIX_TIMESTAMP(hora) * 1000 AS SIGNED), "
      "resumen, silenciada FROM alertas_historial WHERE hora >= FROM_UNIXTIME(" +
      std::to_string(since_s) + ") ORDER BY id DESC LIMIT " + std::to_string(limit));
  std::vector<HistoryEntry> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    HistoryEntry entry;
    entry.id = static_cast<std::uint64_t>(to_i64(row.at(0)));
    if (row.at(1)) {
      entry.from = alert_state_from(*row.at(1));
    }
    entry.alert = alert_from_row(row, 2);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace vmpulse::hub
