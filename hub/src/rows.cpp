#include "rows.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "vmpulse/detail/json_text.hpp"
#include "vmpulse/processes_json.hpp"

namespace vmpulse::hub {

using vmpulse::detail::append_json_string;
using vmpulse::detail::is_plain_number;
namespace {

// kMetricColumns' kinds, in the same order.
constexpr auto kMetricKinds = [] {
  std::array<ColumnKind, kMetricColumns.size()> out{};
  std::size_t n = 0;
  for (const RecordField& field : kRecordFields) {
    if (detail::is_metric(field.kind)) {
      out[n++] = field.kind;
    }
  }
  return out;
}();

// A field's column in the selected row (after `id`).
constexpr std::size_t field_column(std::string_view name) {
  std::size_t i = 0;
  while (i < kRecordFields.size() && kRecordFields[i].name != name) {
    ++i;
  }
  return i + 1;
}
constexpr std::size_t kVmColumn = field_column("vm");
constexpr std::size_t kHoraColumn = field_column("hora");
constexpr std::size_t kApiColumn = field_column("api");
static_assert(kApiColumn < kRecordColumnCount - 1 && kHoraColumn < kApiColumn,
              "the hub groups by vm and orders by hora: the schema must keep them");

// A stored etiquetas column: an object whose values are strings (the routes checked the
// rest of the contract's rule before storing it).
bool read_labels(const std::string& text, Labels& out) {
  const auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
  if (!parsed.is_object()) {
    return false;  // also a parse error (discarded)
  }
  out.clear();
  for (const auto& [key, value] : parsed.items()) {
    if (!value.is_string()) {
      return false;
    }
    out.emplace_back(key, value.get<std::string>());
  }
  return true;
}

}  // namespace

std::optional<double> StoredRecord::metric(std::string_view name) const {
  const std::size_t index = metric_index(name);
  if (index == kMetricColumns.size() || std::isnan(metrics[index])) {
    return std::nullopt;
  }
  return metrics[index];
}

std::variant<StoredRecord, std::string> from_row(const db::Row& row, std::size_t first) {
  if (row.size() < first + kRecordColumnCount) {
    return std::string("record row has too few columns");
  }
  auto text = [&](std::size_t column) -> const std::optional<std::string>& {
    return row[first + column];
  };
  for (std::size_t column : {std::size_t{0}, kVmColumn, kHoraColumn, kApiColumn}) {
    if (!text(column)) {
      return std::string(kRecordColumnNames[column]) + " is NULL";
    }
  }
  StoredRecord record;
  const std::string& id_text = *text(0);
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), record.id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size()) {
    return "id is not a number: " + id_text;
  }
  record.vm = *text(kVmColumn);
  record.hora = *text(kHoraColumn);
  record.api = *text(kApiColumn);
  const auto& processes = text(kRecordColumnCount - 1);

  std::string& json = record.json;
  // The compact stored list grows by its keys, about twice its size, in the contract's form.
  json.reserve(processes ? 512 + 2 * processes->size() : 512);
  json += "{\"id\":";
  json += id_text;
  std::size_t metric = 0;
  for (std::size_t i = 0; i < kRecordFields.size(); ++i) {
    const RecordField& field = kRecordFields[i];
    if (field.name == kProcessesBefore && processes) {
      json += ",\"";
      json += kProcessesColumn;
      json += "\":";
      if (auto error = append_processes_from_stored(json, *processes)) {
        return std::string(kProcessesColumn) + ": " + *error;
      }
    }
    const auto& cell = text(i + 1);
    if (field.kind == ColumnKind::labels) {
      if (!cell) {
        continue;
      }
      if (!read_labels(*cell, record.labels)) {
        return std::string(field.name) + " is not a JSON object of strings";
      }
      json += ",\"";
      json += field.name;
      json += "\":";
      append_labels_json(json, record.labels);
      continue;
    }
    if (field.kind == ColumnKind::text) {
      if (!cell) {
        if (!field.optional) {
          return std::string(field.name) + " is NULL";
        }
        continue;
      }
      json += ",\"";
      json += field.name;
      json += "\":";
      append_json_string(json, *cell);
      continue;
    }
    double& number = record.metrics[metric++];
    if (!cell) {
      if (!field.optional) {
        return std::string(field.name) + " is NULL";
      }
      number = kNullMetric;
      continue;
    }
    const std::string& value = *cell;
    // is_plain_number first: from_chars alone would also take "inf" or "1e999".
    const auto parsed = std::from_chars(value.data(), value.data() + value.size(), number);
    if (!is_plain_number(value) || parsed.ec != std::errc{} ||
        parsed.ptr != value.data() + value.size()) {
      return std::string(field.name) + " is not a number: " + value;
    }
    json += ",\"";
    json += field.name;
    json += "\":";
    json += value;
  }
  json += '}';
  return record;
}

bool append_metric(std::string& out, const StoredRecord& record, std::size_t index) {
  const double value = record.metrics[index];
  if (std::isnan(value)) {
    return false;
  }
  char buf[48];
  // Integer columns hold at most 2^53 (the schema's maximum), exact in a double.
  const int size = kMetricKinds[index] == ColumnKind::integer
                       ? std::snprintf(buf, sizeof buf, "%.0f", value)
                       : std::snprintf(buf, sizeof buf, "%.2f", value);
  out.append(buf, static_cast<std::size_t>(size));
  return true;
}

}  // namespace vmpulse::hub
