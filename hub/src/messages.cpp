#include "messages.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "vmpulse/detail/json_text.hpp"

namespace vmpulse::hub {

using vmpulse::detail::append_json_string;
namespace {

Split with_known_routes(const Split& split) {
  Split out = split;
  out.per_api.try_emplace("cpp", 0);
  out.per_api.try_emplace("nodejs", 0);
  return out;
}

// What a VM list shows of each VM's newest row besides its time (issue 13), and what a
// fleet table sorts by (issue 15): with these a dashboard needs no VM's whole record but
// the one it shows.
constexpr std::array<std::size_t, 5> kVmSummaryMetrics{
    metric_index("porcentaje_cpu_uso"), metric_index("porcentaje_ram"), metric_index("carga_1"),
    metric_index("disco_total"), metric_index("disco_libre")};
static_assert(std::ranges::all_of(kVmSummaryMetrics,
                                  [](std::size_t i) { return i < kMetricColumns.size(); }));

void append_vm_entry(std::string& out, const std::string& vm, const VmEntry& entry) {
  out += "{\"vm\":";
  append_json_string(out, vm);
  out += ",\"last\":";
  append_json_string(out, entry.last);
  out += ",\"rows\":";
  out += std::to_string(entry.rows);
  if (entry.latest) {
    for (const std::size_t index : kVmSummaryMetrics) {
      const std::size_t mark = out.size();
      out += ",\"";
      out += kMetricColumns[index];
      out += "\":";
      if (!append_metric(out, *entry.latest, index)) {
        out.resize(mark);  // NULL in the newest row: left out
      }
    }
  }
  // The newest record's labels: a VM that dropped a label no longer shows it.
  out += ",\"etiquetas\":";
  append_labels_json(out, entry.latest ? entry.latest->labels : Labels{});
  out += '}';
}

void append_vms_array(std::string& out, const LiveState& state) {
  out += '[';
  bool first = true;
  for (const auto& [vm, entry] : state.vms()) {
    if (!first) {
      out += ',';
    }
    first = false;
    append_vm_entry(out, vm, entry);
  }
  out += ']';
}

}  // namespace

void append_split(std::string& out, const Split& split) {
  const Split all = with_known_routes(split);
  out += '{';
  for (const auto& [api, count] : all.per_api) {
    append_json_string(out, api);
    out += ':';
    out += std::to_string(count);
    out += ',';
  }
  out += "\"total\":";
  out += std::to_string(all.total());
  out += '}';
}

std::string encode_records(const std::vector<const StoredRecord*>& records, const Split& split) {
  std::string out;
  std::size_t size = 64;
  for (const StoredRecord* record : records) {
    size += record->json.size() + 1;
  }
  out.reserve(size + 64);
  out += "{\"type\":\"records\",\"records\":[";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += records[i]->json;
  }
  out += "],\"split\":";
  append_split(out, split);
  out += '}';
  return out;
}

std::string encode_records(const std::vector<StoredRecord>& records, const Split& split) {
  std::vector<const StoredRecord*> all;
  all.reserve(records.size());
  for (const StoredRecord& record : records) {
    all.push_back(&record);
  }
  return encode_records(all, split);
}

std::string encode_snapshot(const std::optional<std::string>& vm, int minutes,
                            const LiveState& state, const std::vector<StoredRecord>& series,
                            std::string_view alerts) {
  std::string out;
  out.reserve(256 + series.size() * 300 + state.vms().size() * 160);
  out += "{\"type\":\"snapshot\",\"vm\":";
  if (vm) {
    append_json_string(out, *vm);
  } else {
    out += "null";
  }
  out += ",\"minutes\":";
  out += std::to_string(minutes);
  out += ",\"vms\":";
  append_vms_array(out, state);
  // The chosen VM's newest record only: every VM's (procesos_top included) made a
  // 10,000-VM snapshot 15.6 MB; the vms array carries what the fleet table shows.
  out += ",\"latest\":{";
  if (const VmEntry* entry = vm ? state.find(*vm) : nullptr; entry && entry->latest) {
    append_json_string(out, *vm);
    out += ':';
    out += entry->latest->json;
  }
  out += "},\"series\":[";
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += series[i].json;
  }
  out += "],\"split\":";
  append_split(out, state.split());
  out += ",\"alerts\":";
  out += alerts;
  out += '}';
  return out;
}

std::string encode_fleet(const LiveState& state, const std::set<std::string>& vms) {
  std::string out = "{\"type\":\"fleet\",\"vms\":[";
  bool first = true;
  for (const std::string& vm : vms) {
    const VmEntry* entry = state.find(vm);
    if (entry == nullptr) {
      continue;
    }
    if (!first) {
      out += ',';
    }
    first = false;
    append_vm_entry(out, vm, *entry);
  }
  out += "],\"split\":";
  append_split(out, state.split());
  out += '}';
  return out;
}

std::string encode_alerts_message(std::string_view alerts) {
  std::string out = "{\"type\":\"alerts\",";
  out += alerts.substr(1);  // the body's fields, after its '{'
  return out;
}

std::string encode_vms(const LiveState& state) { return encode_vm_list(state).json; }

VmList encode_vm_list(const LiveState& state) {
  VmList list;
  list.entries.reserve(state.vms().size());
  std::string& out = list.json;
  out.reserve(64 + state.vms().size() * 200);
  out = "{\"vms\":[";
  for (const auto& [vm, entry] : state.vms()) {
    if (!list.entries.empty()) {
      out += ',';
    }
    VmList::Entry& listed = list.entries.emplace_back();
    listed.begin = out.size();
    append_vm_entry(out, vm, entry);
    listed.end = out.size();
    if (entry.latest) {
      listed.labels = entry.latest->labels;
    }
  }
  out += "]}";
  return list;
}

std::string select_vms(const VmList& list, const LabelFilter& filter) {
  if (filter.empty()) {
    return list.json;
  }
  std::string out = "{\"vms\":[";
  bool first = true;
  for (const VmList::Entry& entry : list.entries) {
    if (!labels_match(entry.labels, filter)) {
      continue;
    }
    if (!first) {
      out += ',';
    }
    first = false;
    out.append(list.json, entry.begin, entry.end - entry.begin);
  }
  out += "]}";
  return out;
}

std::string encode_split_answer(const Split& split) {
  const Split all = with_known_routes(split);
  std::string out;
  append_split(out, all);
  out.pop_back();  // reopen the object to add the shares
  out += ",\"shares\":{";
  const std::uint64_t total = all.total();
  bool first = true;
  for (const auto& [api, count] : all.per_api) {
    if (!first) {
      out += ',';
    }
    first = false;
    append_json_string(out, api);
    // Two decimals are what a dashboard shows; 0 when nothing is stored yet.
    const double share = total == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(total);
    char buf[32];
    std::snprintf(buf, sizeof buf, ":%.4g", std::round(share * 10000.0) / 10000.0);
    out += buf;
  }
  out += "}}";
  return out;
}

std::string frame_text(std::string_view payload) {
  std::string frame;
  const std::uint64_t size = payload.size();
  frame.reserve(payload.size() + 10);
  frame += static_cast<char>(0x81);  // FIN, text
  if (size < 126) {
    frame += static_cast<char>(size);
  } else if (size <= 0xFFFF) {
    frame += static_cast<char>(126);
    frame += static_cast<char>((size >> 8) & 0xFF);
    frame += static_cast<char>(size & 0xFF);
  } else {
    frame += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      frame += static_cast<char>((size >> shift) & 0xFF);
    }
  }
  frame += payload;
  return frame;
}

std::string_view frame_payload(std::string_view frame) {
  if (frame.size() < 2 || static_cast<unsigned char>(frame[0]) != 0x81) {
    return {};
  }
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint64_t>(static_cast<unsigned char>(frame[i]));
  };
  std::uint64_t size = byte(1);
  std::size_t header = 2;
  if (size & 0x80) {
    return {};  // masked: not a server frame
  }
  if (size == 126) {
    if (frame.size() < 4) {
      return {};
    }
    size = (byte(2) << 8) | byte(3);
    header = 4;
  } else if (size == 127) {
    if (frame.size() < 10) {
      return {};
    }
    size = 0;
    for (std::size_t i = 2; i < 10; ++i) {
      size = (size << 8) | byte(i);
    }
    header = 10;
  }
  if (frame.size() - header != size) {
    return {};
  }
  return frame.substr(header);
}

std::string encode_resync(std::string_view reason) {
  std::string out = "{\"type\":\"resync\",\"reason\":";
  append_json_string(out, reason);
  out += '}';
  return out;
}

std::string encode_pong() { return "{\"type\":\"pong\"}"; }

}  // namespace vmpulse::hub
