// CORS for the hub's HTTP API: a dashboard served from another origin than the hub
// (Cloud Run) fetches /api/history, /api/split and /api/vms. Which origins may read is
// OriginPolicy::allows, the same rule that guards /ws. Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "origin_policy.hpp"
#include "vmpulse/http.hpp"

namespace vmpulse::hub {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Access-Control-Allow-Origin (the request's Origin) and Vary: Origin when the request
// carries an Origin the policy allows; nothing otherwise (no Origin: not a cross-origin
// browser request; an origin not allowed: the browser withholds the answer).
HeaderList cors_headers(const OriginPolicy& policy, const http::Request& request);

// The answer to OPTIONS on /api/*: 204 with Allow, plus the CORS headers and
// Access-Control-Allow-Methods/-Headers/-Max-Age when the origin is allowed.
http::Response cors_preflight(const OriginPolicy& policy, const http::Request& request);

// Wraps `inner` for /api/*: OPTIONS is answered with cors_preflight, every other answer
// gets cors_headers. Other paths pass through unchanged. Never answers 403: requests
// without Origin (curl, same-origin pages) are served as before.
http::Handler with_cors(OriginPolicy policy, http::Handler inner);

}  // namespace vmpulse::hub
