// Which machines a GET /api/vms asks for: `label=key=value`, repeatable, every one must
// hold (AND) on the VM's newest labels (its newest record's etiquetas). The key and value
// follow the contract's etiquetas rule (vmpulse::check_labels, from the schema), so a
// filter no stored label could match is answered 400 rather than with an empty list.
// Pure; thread-safe.
#pragma once

#include <variant>

#include "history_query.hpp"
#include "vmpulse/http.hpp"
#include "vmpulse/record.hpp"

namespace vmpulse::hub {

// The pairs a VM's labels must all hold; empty: every VM.
using LabelFilter = Labels;

// The request's `label` parameters, or 400's invalid_parameter: a value without '=', an
// empty key, a key or value the contract refuses, a key given twice.
std::variant<LabelFilter, ParamError> parse_label_filter(const http::Request& request);

// True when every pair of `filter` is among `labels`.
bool labels_match(const Labels& labels, const LabelFilter& filter);

}  // namespace vmpulse::hub
