#include "vmpulse/record.hpp"

#include <chrono>
#include <optional>
#include <type_traits>

#include "vmpulse/detail/json_text.hpp"
#include "vmpulse/processes_json.hpp"

namespace vmpulse {

namespace {

// `"name":` for a field name known to need no escaping.
void append_key(std::string& out, std::string_view name) {
  out.push_back('"');
  out.append(name);
  out.append("\":");
}

void append_value(std::string& out, const std::string& value) {
  detail::append_json_string(out, value);
}
void append_value(std::string& out, std::int64_t value) { detail::append_json_int(out, value); }
void append_value(std::string& out, double value) { detail::append_json_fixed(out, value, 2); }
void append_value(std::string& out, const Labels& value) { append_labels_json(out, value); }

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

// The fields of a record, in visit (schema) order: every required one, an optional one
// only when present, `api` only when non-empty.
class FieldWriter {
 public:
  explicit FieldWriter(std::string& out) : out_(out) {}

  template <class Member>
  void operator()(std::string_view name, const Member& member) {
    if constexpr (IsOptional<Member>::value) {
      if (member) {
        key(name);
        append_value(out_, *member);
      }
    } else {
      if constexpr (std::is_same_v<Member, std::string>) {
        if (name == "api" && member.empty()) {
          return;
        }
      }
      key(name);
      append_value(out_, member);
    }
  }

  void key(std::string_view name) {
    if (!first_) {
      out_.push_back(',');
    }
    first_ = false;
    append_key(out_, name);
  }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace

void append_json(std::string& out, const Record& record) {
  out.push_back('{');
  FieldWriter writer(out);
  visit_fields(record, [&](std::string_view name, const auto& member) {
    // procesos_top, the one list (visit_fields visits scalars), comes right before hora
    // in the schema's order; RecordJson.KeysInSchemaOrder checks it.
    if (name == "hora" && record.procesos_top) {
      writer.key("procesos_top");
      append_processes_stored(out, *record.procesos_top);  // the compact form
    }
    writer(name, member);
  });
  out.push_back('}');
}

void append_labels_json(std::string& out, const Labels& labels) {
  out.push_back('{');
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    detail::append_json_string(out, key);
    out.push_back(':');
    detail::append_json_string(out, value);
  }
  out.push_back('}');
}

std::string to_json(const Record& record) {
  std::string out;
  out.reserve(record.procesos_top ? 400 + 100 * record.procesos_top->size() : 400);
  append_json(out, record);
  return out;
}

std::string format_utc(std::chrono::system_clock::time_point when) {
  return format_utc(
      std::int64_t{std::chrono::floor<std::chrono::seconds>(when).time_since_epoch().count()});
}

// In seconds all the way: a system_clock::time_point counts nanoseconds in 64 bits and
// ends in 2262, and the hub formats times up to DATETIME's last, 9999-12-31 23:59:59.
std::string format_utc(std::int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds seconds_since_epoch{seconds{unix_seconds}};
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
