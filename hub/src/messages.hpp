// The hub's messages (docs/ws-protocol.md), encoded once per update and shared by every
// client as an immutable buffer. Pure functions; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "live_state.hpp"
#include "rows.hpp"
#include "vm_filter.hpp"

namespace vmpulse::hub {

// A WebSocket text frame around `payload` (RFC 6455 5.2): FIN, opcode 1, unmasked as a
// server sends it, never fragmented, the shortest length encoding.
std::string frame_text(std::string_view payload);
// The payload of a frame built by frame_text; empty when `frame` is not one.
std::string_view frame_payload(std::string_view frame);

// One encoded message as it goes on the wire: its whole WebSocket frame, built once,
// the same immutable bytes written as they are to every client that receives it.
using Message = std::shared_ptr<const std::string>;
inline Message make_message(std::string_view payload) {
  return std::make_shared<const std::string>(frame_text(payload));
}

// {"cpp":N,"nodejs":M,…,"total":T}; cpp and nodejs are always present.
void append_split(std::string& out, const Split& split);

// {"type":"records","records":[…],"split":{…}}, the records in the order given.
std::string encode_records(const std::vector<StoredRecord>& records, const Split& split);
std::string encode_records(const std::vector<const StoredRecord*>& records, const Split& split);

// The alerts as clients see them, {"active":[…],"silences":[…]} (alert_api.hpp's
// encode_alerts); this when the hub has no alerts.
inline constexpr std::string_view kNoAlerts = R"({"active":[],"silences":[]})";

// {"type":"snapshot","vm":…,"minutes":…,"vms":[…],"latest":{…},"series":[…],"split":{…},
//  "alerts":{…}}; "latest" holds the chosen VM's newest record only (the updates bring
// the others'), "vms" every VM's summary.
std::string encode_snapshot(const std::optional<std::string>& vm, int minutes,
                            const LiveState& state, const std::vector<StoredRecord>& series,
                            std::string_view alerts = kNoAlerts);

// {"type":"alerts","active":[…],"silences":[…]} from an encode_alerts body.
std::string encode_alerts_message(std::string_view alerts);

// {"vms":[{"vm":…,"last":…,"rows":…,"porcentaje_cpu_uso":…,"porcentaje_ram":…,"carga_1":…,
//  "disco_total":…,"disco_libre":…,"etiquetas":{…}}]} (GET /api/vms), sorted by name; the
// five metrics from the VM's newest row, each left out when NULL there; etiquetas that
// row's labels, {} when it has none.
// The snapshot's "vms" is the same list.
std::string encode_vms(const LiveState& state);

// encode_vms's body with where each entry lies in it and its labels, so that a filtered
// GET /api/vms copies the matching entries without the poller's state (which only the
// poller's thread may read).
struct VmList {
  struct Entry {
    std::size_t begin = 0;  // the entry's object in json: [begin, end)
    std::size_t end = 0;
    Labels labels;
  };
  std::string json = "{\"vms\":[]}";
  std::vector<Entry> entries;
};
VmList encode_vm_list(const LiveState& state);

// The body of GET /api/vms?label=…: the entries of `list` whose labels hold `filter`.
std::string select_vms(const VmList& list, const LabelFilter& filter);

// {"type":"fleet","vms":[…],"split":{…}}: the entries of /api/vms (encode_vms) for `vms`,
// by name (a name the state does not know is left out), and the state's split, which
// `records` no longer brings to a client that watches another VM.
std::string encode_fleet(const LiveState& state, const std::set<std::string>& vms);

// {"cpp":N,"nodejs":M,"total":T,"shares":{"cpp":0.51,"nodejs":0.49}} (GET /api/split)
std::string encode_split_answer(const Split& split);

std::string encode_resync(std::string_view reason);
std::string encode_pong();

}  // namespace vmpulse::hub
