#include "vmpulse/record.hpp"

#include <chrono>

#include "json_text.hpp"

namespace vmpulse {

namespace {

// `"name":` for a field name known to need no escaping.
void append_key(std::string& out, std::string_view name) {
  out.push_back('"');
  out.append(name);
  out.append("\":");
}

void append_int_field(std::string& out, std::string_view name, std::int64_t value) {
  append_key(out, name);
  detail::append_json_int(out, value);
  out.push_back(',');
}

void append_percent_field(std::string& out, std::string_view name, double value) {
  append_key(out, name);
  detail::append_json_fixed(out, value, 2);
  out.push_back(',');
}

}  // namespace

void append_json(std::string& out, const Record& record) {
  out.push_back('{');
  append_key(out, "vm");
  detail::append_json_string(out, record.vm);
  out.push_back(',');
  append_int_field(out, "total_ram", record.total_ram);
  append_int_field(out, "ram_libre", record.ram_libre);
  append_int_field(out, "uso_ram", record.uso_ram);
  append_percent_field(out, "porcentaje_ram", record.porcentaje_ram);
  append_percent_field(out, "porcentaje_cpu_uso", record.porcentaje_cpu_uso);
  append_percent_field(out, "porcentaje_cpu_libre", record.porcentaje_cpu_libre);
  append_int_field(out, "procesos_corriendo", record.procesos_corriendo);
  append_int_field(out, "procesos_durmiendo", record.procesos_durmiendo);
  append_int_field(out, "procesos_zombie", record.procesos_zombie);
  append_int_field(out, "procesos_parados", record.procesos_parados);
  append_int_field(out, "total_procesos", record.total_procesos);
  append_key(out, "hora");
  detail::append_json_string(out, record.hora);
  if (!record.api.empty()) {
    out.push_back(',');
    append_key(out, "api");
    detail::append_json_string(out, record.api);
  }
  out.push_back('}');
}

std::string to_json(const Record& record) {
  std::string out;
  out.reserve(400);
  append_json(out, record);
  return out;
}

std::string format_utc(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto seconds_since_epoch = floor<seconds>(when);
  const auto day = floor<days>(seconds_since_epoch);
  const year_month_day date{day};
  const hh_mm_ss time{seconds_since_epoch - day};
  char buffer[32];
  const auto put = [&buffer](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) {
      buffer[at + width - 1 - i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  buffer[4] = '-';
  put(5, static_cast<unsigned>(date.month()), 2);
  buffer[7] = '-';
  put(8, static_cast<unsigned>(date.day()), 2);
  buffer[10] = ' ';
  put(11, static_cast<unsigned>(time.hours().count()), 2);
  buffer[13] = ':';
  put(14, static_cast<unsigned>(time.minutes().count()), 2);
  buffer[16] = ':';
  put(17, static_cast<unsigned>(time.seconds().count()), 2);
  return std::string(buffer, 19);
}

}  // namespace vmpulse
