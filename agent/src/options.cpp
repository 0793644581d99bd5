#include "options.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "vmpulse/contract.hpp"
#include "vmpulse/defaults.hpp"
#include "vmpulse/http_url.hpp"
#include "vmpulse/secret.hpp"

namespace vmpulse::agent {
namespace {

std::string env_or(const char* name, std::string_view fallback) {
  // Start-up only, before any other thread exists.
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe)
  return value != nullptr && *value != '\0' ? std::string(value) : std::string(fallback);
}

bool valid_module_id(std::string_view id) {
  if (id.empty() || id.size() > 64) {
    return false;
  }
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

OptionsExit bad(const std::string& message) { return detail::refuse("vmpulse-agent", message); }

bool valid_token(std::string_view token) {
  for (const char c : token) {
    if (c <= ' ' || c == 127) {
      return false;
    }
  }
  return !token.empty();
}

}  // namespace

std::string vm_name_from_host(std::string_view host) {
  // Character by character and then cut to length, both judged by the contract's rule,
  // so that a change of the schema's vm pattern or maxLength reaches this too.
  std::string name(host);
  for (char& c : name) {
    if (!valid_vm_name(std::string_view(&c, 1))) {
      c = '-';
    }
  }
  while (!name.empty() && !valid_vm_name(name)) {
    name.pop_back();
  }
  return name.empty() ? std::string("localhost") : name;
}

std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text) {
  using namespace std::chrono;
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  auto number = [&](std::size_t at, std::size_t length) -> std::optional<int> {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, value);
    if (ec != std::errc() || end != text.data() + at + length) {
      return std::nullopt;
    }
    return value;
  };
  const auto y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2),
             mi = number(14, 2), s = number(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59 || *y < 1970) {
    return std::nullopt;
  }
  const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                            day{static_cast<unsigned>(*d)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return sys_days{date} + hours{*h} + minutes{*mi} + seconds{*s};
}

std::variant<Labels, std::string> parse_labels(const std::vector<std::string>& items) {
  Labels labels;
  for (const std::string& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return "\"" + item + "\": write a label as key=value";
    }
    labels.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  if (auto problem = check_labels(labels)) {
    return *problem + " (contract/record.schema.json, etiquetas)";
  }
  return labels;
}

std::variant<AgentOptions, OptionsExit> parse_options(const std::vector<std::string>& args) {
  AgentOptions options;
  const std::string default_port =
      env_or(std::string(defaults::kAgentPortEnv).c_str(), std::to_string(defaults::kAgentPort));
  std::string listen = "0.0.0.0:" + default_port;
  std::string interval = env_or(std::string(defaults::kIntervalEnv).c_str(), defaults::kInterval);
  std::string module_id = env_or(std::string(defaults::kModuleIdEnv).c_str(), defaults::kModuleId);
  std::string vm;
  std::string clock;
  std::string top = "10";
  std::string push_interval = "5s";
  std::string request_timeout = "10s";
  const std::string state_dir =
      env_or(std::string(defaults::kStateDirEnv).c_str(), defaults::kStateDir);
  options.push.spool_dir = state_dir + "/agent-spool";

  CLI::App app{
      "vmpulse-agent: samples this VM (kernel modules or /proc) and serves the record as JSON and\n"
      "Prometheus text; optionally pushes its samples to the ingest API."};
  app.name("vmpulse-agent");
  app.option_defaults()->always_capture_default();
  app.add_option("--listen", listen, "HOST:PORT to serve HTTP on")->envname("VMPULSE_AGENT_LISTEN");
  app.add_option("--interval", interval, "time between samples (250ms, 1s, 2m)")
      ->envname("VMPULSE_INTERVAL");
  app.add_option("--procfs", options.procfs,
                 "where /proc is mounted (the host's, from a container)")
      ->envname("VMPULSE_PROCFS");
  app.add_option("--rootfs", options.rootfs,
                 "the filesystem disco_total and disco_libre describe (the host's root, from a "
                 "container)")
      ->envname("VMPULSE_ROOTFS");
  app.add_option("--sysfs", options.sysfs,
                 "where /sys is mounted (its block/ tells whole disks from partitions)")
      ->envname("VMPULSE_SYSFS");
  app.add_option("--top", top,
                 "procesos_top: up to N processes by CPU, then up to N by memory (0: off, "
                 "at most 50)")
      ->envname("VMPULSE_TOP");
  app.add_flag("--process-metrics", options.process_metrics,
               "also expose procesos_top as per-process Prometheus series")
      ->envname("VMPULSE_PROCESS_METRICS");
  app.add_option("--module-id", module_id, "id of the kernel modules' files (<procfs>/cpu_<id>, …)")
      ->envname("VMPULSE_MODULE_ID");
  app.add_option("--vm", vm, "this VM's name in the records (default: the hostname)")
      ->envname("VMPULSE_VM");
  std::vector<std::string> label_items;
  app.add_option("--label", label_items,
                 "KEY=VALUE, repeatable: a label of this VM in every record (etiquetas); "
                 "VMPULSE_LABELS=k=v,k2=v2 when no --label is given");
  app.add_option("--threads", options.threads, "HTTP threads")->envname("VMPULSE_AGENT_THREADS");
  app.add_option("--request-timeout", request_timeout, "time a client has to send a whole request")
      ->envname("VMPULSE_AGENT_REQUEST_TIMEOUT");
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error")
      ->envname("VMPULSE_LOG_LEVEL");
  app.add_option("--log-format", options.log_format, "text (default) or json, one object a line")
      ->envname("VMPULSE_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--push", options.push.url,
                 "ingest URL to POST batches of samples to (https://…/api/metrics)")
      ->envname("VMPULSE_PUSH_URL");
  app.add_option("--token", options.push.token, "bearer token for --push")
      ->envname("VMPULSE_TOKEN");
  app.add_option("--token-file", options.push.token_file,
                 "file of bearer tokens for --push, one a line, the newest (sent) last; "
                 "read again on SIGHUP")
      ->envname("VMPULSE_TOKEN_FILE");
  app.add_option("--ca-file", options.push.tls.ca_file,
                 "PEM CA certificates to verify the https:// server with (default: the "
                 "system's store)")
      ->envname("VMPULSE_CA_FILE");
  app.add_option("--cert-file", options.push.tls.cert_file,
                 "PEM client certificate for mutual TLS, with --key-file")
      ->envname("VMPULSE_CERT_FILE");
  app.add_option("--key-file", options.push.tls.key_file,
                 "PEM private key of --cert-file (unencrypted, keep it 0600)")
      ->envname("VMPULSE_KEY_FILE");
  app.add_flag("--insecure-http", options.push.insecure_http,
               "allow --push http:// to a host other than this machine (the token then "
               "crosses the network in clear text)")
      ->envname("VMPULSE_INSECURE_HTTP");
  app.add_option("--spool", options.push.spool_dir, "directory of batches not yet delivered")
      ->envname("VMPULSE_SPOOL");
  app.add_option("--push-interval", push_interval, "longest wait before a batch is sent")
      ->envname("VMPULSE_PUSH_INTERVAL");
  app.add_option("--push-batch", options.push.batch_max, "samples per batch (1-1000)")
      ->envname("VMPULSE_PUSH_BATCH");
  app.add_option("--spool-max-files", options.push.spool_max_files, "batches kept on disk at most")
      ->envname("VMPULSE_SPOOL_MAX_FILES");
  app.add_option("--spool-max-bytes", options.push.spool_max_bytes, "bytes kept on disk at most")
      ->envname("VMPULSE_SPOOL_MAX_BYTES");
  // Hidden (empty group): freezes the clock for the fixture tests.
  app.add_option("--clock", clock, "")->group("");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return OptionsExit{0, app.help()};
  } catch (const CLI::ParseError& error) {
    return bad(std::string(error.what()) + " (see --help)");
  }

  const auto endpoint = parse_endpoint(listen);
  if (const auto* error = std::get_if<std::string>(&endpoint)) {
    return bad("--listen: " + *error);
  }
  options.listen = std::get<Endpoint>(endpoint);
  const auto every = parse_duration(interval);
  if (const auto* error = std::get_if<std::string>(&every)) {
    return bad("--interval: " + *error);
  }
  options.interval = std::get<std::chrono::milliseconds>(every);
  if (options.interval < std::chrono::milliseconds(10)) {
    return bad("--interval: at least 10ms");
  }
  const auto timeout = parse_duration(request_timeout);
  if (const auto* error = std::get_if<std::string>(&timeout)) {
    return bad("--request-timeout: " + *error);
  }
  options.request_timeout = std::get<std::chrono::milliseconds>(timeout);
  if (!valid_module_id(module_id)) {
    return bad("--module-id \"" + module_id + "\": use letters, digits, '_' and '-' (at most 64)");
  }
  options.module_id = module_id;
  if (options.procfs.empty()) {
    return bad("--procfs: empty path");
  }
  while (options.procfs.size() > 1 && options.procfs.back() == '/') {
    options.procfs.pop_back();
  }
  for (auto [flag, path] :
       {std::pair{"--rootfs", &options.rootfs}, std::pair{"--sysfs", &options.sysfs}}) {
    if (path->empty()) {
      return bad(std::string(flag) + ": empty path");
    }
    while (path->size() > 1 && path->back() == '/') {
      path->pop_back();
    }
  }
  {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(top.data(), top.data() + top.size(), value);
    if (top.empty() || ec != std::errc() || end != top.data() + top.size() || value > 50) {
      return bad("--top \"" + top + "\": a whole number from 0 (off) to 50");
    }
    options.top = value;
  }
  if (vm.empty()) {
    options.vm = vm_name_from_host(host_name());
  } else if (!valid_vm_name(vm)) {
    return bad("--vm \"" + vm + "\": not a valid vm name (contract/record.schema.json)");
  } else {
    options.vm = vm;
  }
  if (label_items.empty()) {
    // Comma-separated: a value holding a comma can only be given with --label.
    const std::string from_env = env_or("VMPULSE_LABELS", "");
    for (std::size_t at = 0; at < from_env.size();) {
      const std::size_t comma = std::min(from_env.find(',', at), from_env.size());
      label_items.push_back(from_env.substr(at, comma - at));
      at = comma + 1;
    }
  }
  auto labels = parse_labels(label_items);
  if (const auto* problem = std::get_if<std::string>(&labels)) {
    return bad("--label / VMPULSE_LABELS: " + *problem);
  }
  options.labels = std::get<Labels>(std::move(labels));
  if (options.threads < 1 || options.threads > 64) {
    return bad("--threads: 1 to 64");
  }
  if (!clock.empty()) {
    options.clock = parse_utc(clock);
    if (!options.clock) {
      return bad("--clock \"" + clock + "\": expected YYYY-MM-DD HH:MM:SS (UTC)");
    }
  }

  PushOptions& push = options.push;
  if (!push.url.empty()) {
    const auto url = parse_http_url(push.url);
    if (const auto* error = std::get_if<std::string>(&url)) {
      return bad("--push \"" + push.url + "\": " + *error);
    }
    const HttpUrl& target = std::get<HttpUrl>(url);
    if (!target.tls && !is_loopback_host(target.host) && !push.insecure_http) {
      return bad("--push \"" + push.url +
                 "\": plain http:// would send the token in clear text to a host other than "
                 "this machine; use https:// (or, on a network you trust, --insecure-http)");
    }
    if (target.tls || !push.tls.ca_file.empty() || !push.tls.cert_file.empty() ||
        !push.tls.key_file.empty()) {
      // Checked now so that a bad file stops the start, not the first push.
      const auto context = make_tls_context(push.tls);
      if (const auto* error = std::get_if<std::string>(&context)) {
        return bad(*error);
      }
    }
    if (!push.token_file.empty()) {
      auto tokens = secret::load_token_file(push.token_file);
      if (const auto* error = std::get_if<std::string>(&tokens)) {
        return bad("--token-file: " + *error);
      }
      push.token = std::get<secret::TokenSet>(tokens).newest();
    }
    if (push.token.empty()) {
      return bad(
          "--push needs a token (--token, --token-file, VMPULSE_TOKEN or VMPULSE_TOKEN_FILE)");
    }
    if (!valid_token(push.token)) {
      return bad("the push token contains spaces or control characters");
    }
    const auto wait = parse_duration(push_interval);
    if (const auto* error = std::get_if<std::string>(&wait)) {
      return bad("--push-interval: " + *error);
    }
    push.batch_interval = std::get<std::chrono::milliseconds>(wait);
    if (push.batch_max < 1 || push.batch_max > ingest_limits().max_batch) {
      return bad("--push-batch: 1 to " + std::to_string(ingest_limits().max_batch) +
                 " (the ingest contract's max_batch)");
    }
    if (push.spool_dir.empty()) {
      return bad("--spool: empty path");
    }
    if (push.spool_max_files < 1) {
      return bad("--spool-max-files: at least 1");
    }
    if (push.spool_max_bytes < std::size_t{64} * 1024) {
      return bad("--spool-max-bytes: at least 65536");
    }
  }
  return options;
}

}  // namespace vmpulse::agent
