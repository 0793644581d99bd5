// A stored record as the hub handles it: the row id, the fields it groups and orders
// by, its numeric fields as numbers (what the alert rules compare), and the record
// already encoded as JSON once, so that every message that carries it copies bytes
// instead of re-encoding. The columns come from the Record's visit_fields (the schema's
// order), so a field added to the schema needs no edit here. Pure; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "vmpulse/db.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::hub {

// How a column's text goes into the JSON and the metrics: quoted, a number, or a JSON
// object of strings (etiquetas, read into StoredRecord::labels).
enum class ColumnKind { text, integer, decimal, labels };

struct RecordField {
  std::string_view name;
  ColumnKind kind = ColumnKind::text;
  bool optional = false;  // a version 2 field: NULL in rows that lack it
};

namespace detail {

// A Record that is never constructed: visit_fields only names its members, so the field
// list is known at compile time (a constexpr Record is not, with clang's std::string).
union UnbuiltRecord {
  Record record;
  char none;
  constexpr UnbuiltRecord() : none(0) {}
  constexpr ~UnbuiltRecord() {}
};

template <class T>
struct FieldType {
  using type = T;
  static constexpr bool optional = false;
};
template <class T>
struct FieldType<std::optional<T>> {
  using type = T;
  static constexpr bool optional = true;
};

template <class F>
constexpr void each_field(F f) {
  UnbuiltRecord unbuilt;
  visit_fields(unbuilt.record, [&](std::string_view name, auto& member) {
    using Member = FieldType<std::remove_cvref_t<decltype(member)>>;
    using T = typename Member::type;
    const ColumnKind kind = std::is_same_v<T, std::string> ? ColumnKind::text
                            : std::is_same_v<T, Labels>    ? ColumnKind::labels
                            : std::is_floating_point_v<T>  ? ColumnKind::decimal
                                                           : ColumnKind::integer;
    f(RecordField{name, kind, Member::optional});
  });
}

constexpr bool is_metric(ColumnKind kind) {
  return kind == ColumnKind::integer || kind == ColumnKind::decimal;
}

constexpr std::size_t count_fields(bool metrics_only) {
  std::size_t n = 0;
  each_field([&](RecordField field) { n += !metrics_only || is_metric(field.kind); });
  return n;
}

}  // namespace detail

// The record's scalar fields, in the schema's order (vm … tiempo_activo, hora, api).
inline constexpr auto kRecordFields = [] {
  std::array<RecordField, detail::count_fields(false)> out{};
  std::size_t n = 0;
  detail::each_field([&](RecordField field) { out[n++] = field; });
  return out;
}();

// procesos_top is not a scalar: selected last, written into the JSON before this field
// (where the schema places it).
inline constexpr std::string_view kProcessesColumn = "procesos_top";
inline constexpr std::string_view kProcessesBefore = "hora";

// The columns every record query selects, in the order from_row expects: id, the fields,
// procesos_top.
inline constexpr std::size_t kRecordColumnCount = kRecordFields.size() + 2;
inline constexpr auto kRecordColumnNames = [] {
  std::array<std::string_view, kRecordColumnCount> out{};
  out[0] = "id";
  for (std::size_t i = 0; i < kRecordFields.size(); ++i) {
    out[i + 1] = kRecordFields[i].name;
  }
  out[kRecordColumnCount - 1] = kProcessesColumn;
  return out;
}();

namespace detail {
constexpr std::size_t joined_size() {
  std::size_t size = 0;
  for (std::string_view name : kRecordColumnNames) {
    size += name.size() + 2;
  }
  return size - 2;
}
inline constexpr auto kRecordColumnsText = [] {
  std::array<char, joined_size()> out{};
  std::size_t at = 0;
  for (std::string_view name : kRecordColumnNames) {
    if (at > 0) {
      out[at++] = ',';
      out[at++] = ' ';
    }
    for (char c : name) {
      out[at++] = c;
    }
  }
  return out;
}();
}  // namespace detail

// "id, vm, total_ram, …, api, procesos_top"
inline constexpr std::string_view kRecordColumns{detail::kRecordColumnsText.data(),
                                                 detail::kRecordColumnsText.size()};
static_assert(kRecordColumns.ends_with(kProcessesColumn));

// kRecordColumns up to procesos_top: "id, vm, …, api, ". A query that selects NULL in
// its place reads rows that from_row takes as rows without a process list.
inline constexpr std::string_view kRecordColumnsBeforeProcesses =
    kRecordColumns.substr(0, kRecordColumns.size() - kProcessesColumn.size());

// The numeric fields, by name and in schema order: the metrics an alert rule may name
// (version 2 ones included: carga_1, porcentaje_cpu_robado, …).
inline constexpr auto kMetricColumns = [] {
  std::array<std::string_view, detail::count_fields(true)> out{};
  std::size_t n = 0;
  for (const RecordField& field : kRecordFields) {
    if (detail::is_metric(field.kind)) {
      out[n++] = field.name;
    }
  }
  return out;
}();

// A metric's index in kMetricColumns (kMetricColumns.size() when there is none).
constexpr std::size_t metric_index(std::string_view name) {
  std::size_t i = 0;
  while (i < kMetricColumns.size() && kMetricColumns[i] != name) {
    ++i;
  }
  return i;
}

struct StoredRecord {
  std::uint64_t id = 0;
  std::string vm;
  std::string hora;  // "YYYY-MM-DD HH:MM:SS" UTC, as stored
  std::string api;
  Labels labels;  // etiquetas, in stored order; empty when NULL
  std::string json;  // {"id":…,"vm":…,…,"etiquetas":{…},"procesos_top":[{…}],"hora":…,"api":…}
  // kMetricColumns' values, parsed once here so that the alert engine compares numbers
  // without another query or parse. NaN where the column is NULL (a version 1 row).
  std::array<double, kMetricColumns.size()> metrics{};

  // The metric `name` (kMetricColumns), or nullopt when NULL or not a metric.
  std::optional<double> metric(std::string_view name) const;
};

inline constexpr double kNullMetric = std::numeric_limits<double>::quiet_NaN();

// Converts a row selected with kRecordColumns (from column `first` on); an error names
// the column that is missing or not what the schema promises. NULL is accepted in the
// optional fields and procesos_top only; procesos_top goes back to the contract's form
// (append_processes_from_stored: the compact stored form converted, rows stored before
// db/migrations/009 as they are; anything else refuses the row); etiquetas is
// read (an object of strings, or the row is refused) and written back in the routes'
// form, whatever spacing the server returns it with (MySQL 8 normalises JSON).
std::variant<StoredRecord, std::string> from_row(const db::Row& row, std::size_t first = 0);

// Appends metric `index` of `record` as JSON the way the row stores it (an integer, or 2
// decimals); false (nothing appended) when it is NULL.
bool append_metric(std::string& out, const StoredRecord& record, std::size_t index);

}  // namespace vmpulse::hub
