// vmpulse-agent: samples this VM every interval and serves the latest sample over
// HTTP; with --push, also delivers every sample to the ingest API.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <system_error>

#include "collector.hpp"
#include "handlers.hpp"
#include "options.hpp"
#include "pusher.hpp"
#include "sampler.hpp"
#include "snapshot.hpp"
#include "vmpulse/detail/program.hpp"
#include "vmpulse/http_server.hpp"
#include "vmpulse/metrics.hpp"
#include "vmpulse/process_metrics.hpp"
#include "vmpulse/secret.hpp"

namespace {

constexpr const char* kVersion = "0.1.0";

// SIGHUP: the token file is read again (a rotation appended a newer token). A file that
// cannot be read or parsed is logged and the token in use is kept.
void reload_token(vmpulse::agent::Pusher* pusher, const std::string& path) {
  if (pusher == nullptr || path.empty()) {
    spdlog::info("SIGHUP: nothing to reload (no --push with --token-file)");
    return;
  }
  auto tokens = vmpulse::secret::load_token_file(path);
  if (const auto* error = std::get_if<std::string>(&tokens)) {
    spdlog::error("SIGHUP: keeping the token in use: {}", *error);
    return;
  }
  pusher->set_token(std::get<vmpulse::secret::TokenSet>(tokens).newest());
  spdlog::info("SIGHUP: token file {} read again, sending its newest token", path);
}

// Wires the sampler, the pusher (--push) and the HTTP server, serves until SIGINT or
// SIGTERM, then stops them; what was not delivered stays in the spool.
int run(const vmpulse::agent::AgentOptions& options) {
  using namespace vmpulse;
  // Each thread would otherwise get its own 64 MiB malloc arena; the agent allocates
  // little and its idle RSS matters more than allocator contention.
  mallopt(M_ARENA_MAX, 2);  // NOLINT(concurrency-mt-unsafe): before any other thread
  std::unique_ptr<agent::Pusher> pusher;
  if (!options.push.url.empty()) {
    try {
      pusher = std::make_unique<agent::Pusher>(options.push);
    } catch (const std::exception& error) {
      spdlog::critical("push mode: {}", error.what());
      return 1;
    }
  }

  // The agent's own CPU, memory and file descriptors under the standard process_* names
  // (docs/observability.md), read with each sample: /metrics/prometheus is built once a
  // sample, not per scrape. Its own /proc/self, whatever --procfs says.
  metrics::Registry own_process;
  metrics::register_process_metrics(own_process);

  agent::SnapshotStore store;
  agent::Sampler sampler(
      agent::Collector({.procfs = options.procfs,
                        .module_id = options.module_id,
                        .vm = options.vm,
                        .clock = agent::Clock{options.clock},
                        .rootfs = options.rootfs,
                        .sysfs = options.sysfs,
                        .top = options.top,
                        .labels = options.labels}),
      options.interval, store,
      agent::AgentInfo{options.module_id, kVersion, options.process_metrics},
      pusher ? agent::Sampler::OnSample([&pusher](const std::string& vm, const std::string& json) {
        pusher->add(vm, json);
      })
             : agent::Sampler::OnSample{},
      agent::Sampler::ExtraMetrics([&pusher, &own_process] {
        std::string text;
        if (pusher) {
          agent::append_prometheus(text, pusher->stats());
        }
        text += own_process.render();
        return text;
      }));

  boost::asio::io_context io(static_cast<int>(options.threads));
  http::ServerOptions server_options;
  server_options.host = options.listen.host;
  server_options.port = options.listen.port;
  server_options.max_body_bytes = std::size_t{16} * 1024;  // the agent takes no bodies
  server_options.read_timeout = options.request_timeout;
  server_options.write_timeout = options.request_timeout;
  server_options.server_name = agent::kServerName;
  server_options.single_thread = options.threads == 1;
  std::unique_ptr<http::Server> server;
  try {
    server = std::make_unique<http::Server>(io, server_options,
                                            http::sync([&store](const http::Request& request) {
                                              return agent::handle_request(request, store);
                                            }));
  } catch (const std::system_error& error) {
    spdlog::critical("cannot listen on {}:{}: {}", options.listen.host, options.listen.port,
                     error.what());
    return 1;
  }
  // Every GET of an endpoint is answered from bytes prepared once per sample; the
  // handler above sees only what is not (404, 405, HEAD).
  server->set_prepared_handler([&store](const http::RequestView& request) {
    return request.method() == "GET"
               ? agent::prepared_get(request.path(), request.header("Accept"), store)
               : nullptr;
  });
  spdlog::info("vm {} sampling {} every {} ms (modules: {}/*_{}), serving http://{}:{}/metrics{}",
               options.vm, options.procfs, options.interval.count(), options.procfs,
               options.module_id, options.listen.host, server->port(),
               pusher ? ", pushing to " + options.push.url : std::string());

  sampler.start();
  if (pusher) {
    pusher->start();
  }
  server->start();
  http::run_until_signal(
      io, options.threads, [&server] { server->stop(); },
      [&pusher, &options] { reload_token(pusher.get(), options.push.token_file); });
  sampler.stop();
  if (pusher) {
    pusher->stop();  // what was not delivered stays in the spool for the next start
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return vmpulse::detail::run_logged("vmpulse-agent", argc, argv, vmpulse::agent::parse_options,
                                     run);
}
