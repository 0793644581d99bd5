#include "rows.hpp"

#include <array>
#include <charconv>

#include "json_text.hpp"

namespace vmpulse::hub {

std::variant<StoredRecord, std::string> from_row(const db::Row& row, std::size_t first) {
  if (row.size() < first + kRecordColumnCount) {
    return std::string("record row has too few columns");
  }
  auto text = [&](std::size_t column) -> const std::optional<std::string>& {
    return row[first + column];
  };
  for (std::size_t column = 0; column < kRecordColumnCount; ++column) {
    if (!text(column)) {
      return "column " + std::to_string(column) + " is NULL";
    }
  }
  StoredRecord record;
  const std::string& id_text = *text(0);
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), record.id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size()) {
    return "id is not a number: " + id_text;
  }
  record.vm = *text(1);
  record.hora = *text(13);
  record.api = *text(14);

  std::string& json = record.json;
  json.reserve(320);
  json += "{\"id\":";
  json += id_text;
  json += ",\"vm\":";
  append_json_string(json, record.vm);
  for (std::size_t i = 0; i < kMetricColumns.size(); ++i) {
    const std::string& value = *text(kFirstMetricColumn + i);
    // is_plain_number first: from_chars alone would also take "inf" or "1e999".
    double number = 0;
    const auto parsed = std::from_chars(value.data(), value.data() + value.size(), number);
    if (!is_plain_number(value) || parsed.ec != std::errc{} ||
        parsed.ptr != value.data() + value.size()) {
      return std::string(kMetricColumns[i]) + " is not a number: " + value;
    }
    record.metrics[i] = number;
    json += ",\"";
    json += kMetricColumns[i];
    json += "\":";
    json += value;
  }
  json += ",\"hora\":";
  append_json_string(json, record.hora);
  json += ",\"api\":";
  append_json_string(json, record.api);
  json += '}';
  return record;
}

}  // namespace vmpulse::hub
