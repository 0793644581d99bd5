#include "vmpulse/processes_json.hpp"

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "vmpulse/detail/json_text.hpp"

namespace vmpulse {

void append_processes_json(std::string& out, std::span<const ProcessEntry> processes) {
  out.push_back('[');
  bool first_entry = true;
  for (const ProcessEntry& entry : processes) {
    if (!first_entry) {
      out.push_back(',');
    }
    first_entry = false;
    out.push_back('{');
    bool first_field = true;
    // Generic over the entry's fields, so a field added to the schema needs no edit here.
    visit_process_fields(entry, [&out, &first_field](std::string_view name, const auto& value) {
      if (!first_field) {
        out.push_back(',');
      }
      first_field = false;
      out.push_back('"');
      out.append(name);  // a schema property name: nothing to escape
      out.append("\":");
      using T = std::remove_cvref_t<decltype(value)>;
      if constexpr (std::is_same_v<T, std::string>) {
        detail::append_json_string(out, value);
      } else if constexpr (std::is_same_v<T, double>) {
        detail::append_json_fixed(out, value, 2);
      } else {
        static_assert(std::is_integral_v<T>, "a process field of a type not written here");
        detail::append_json_int(out, static_cast<std::int64_t>(value));
      }
    });
    out.push_back('}');
  }
  out.push_back(']');
}

}  // namespace vmpulse
