// The "# HELP" and "# TYPE" lines of one metric in the Prometheus text exposition
// format, shared by the sample snapshot and the pusher's own counters.
#pragma once

#include <string>

namespace vmpulse::agent {

inline void append_metric_header(std::string& out, const char* name, const char* type,
                                 const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace vmpulse::agent
