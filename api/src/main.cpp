// vmpulse-api: ingest route 1. Wires configuration, the group-commit queue with its
// database writers, the ingest handler and core's HTTP server; everything with logic
// in it lives in the other files of this folder.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api_config.hpp"
#include "ingest_handler.hpp"
#include "ingest_metrics.hpp"
#include "ingest_queue.hpp"
#include "mysql_group_writer.hpp"
#include "token_store.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/detail/program.hpp"
#include "vmpulse/http_metrics.hpp"
#include "vmpulse/http_server.hpp"
#include "vmpulse/process_metrics.hpp"

namespace {

// SIGHUP reads the token file again (a rotation); a bad file is logged and the tokens
// accepted so far stay.
void reload_tokens(vmpulse::api::TokenStore& tokens) {
  auto reloaded = tokens.reload();
  if (const auto* problem = std::get_if<std::string>(&reloaded)) {
    spdlog::error("SIGHUP: tokens not reloaded, the previous ones stay: {}", *problem);
  } else {
    spdlog::info("SIGHUP: {} ingest tokens accepted from {}", std::get<std::size_t>(reloaded),
                 tokens.path());
  }
}

// Wires the group-commit queue with its writers, the ingest handler and the HTTP server,
// serves until SIGINT or SIGTERM, then answers what is queued and stops.
int run(const vmpulse::api::ApiConfig& config) {
  using namespace vmpulse;
  std::vector<std::unique_ptr<api::GroupWriter>> writers;
  for (unsigned i = 0; i < config.writers; ++i) {
    writers.push_back(
        std::make_unique<api::MysqlGroupWriter>(config.db, "cpp", config.bulk_insert));
  }
  // The services' own metrics (docs/ingest.md, "Metrics"); --metrics off counts nothing.
  auto registry = std::make_shared<metrics::Registry>();
  const api::IngestMetrics ingest_metrics = api::IngestMetrics::registered(*registry);
  metrics::register_process_metrics(*registry);
  api::IngestQueueOptions queue_options;
  queue_options.max_queued_records = config.queue_records;
  queue_options.metrics = config.metrics ? &ingest_metrics : nullptr;
  api::IngestQueue queue(std::move(writers), queue_options);
  registry->gauge_function("vmpulse_ingest_queue_depth",
                           "Records accepted and waiting for their group commit.",
                           [&queue] { return static_cast<double>(queue.stats().queued_records); });

  auto tokens = std::make_shared<api::TokenStore>(config.tokens, config.token_file);
  api::IngestHandler handler({tokens, "cpp", 1}, queue, [&queue] { return queue.ready(); });

  boost::asio::io_context io;
  http::ServerOptions server_options;
  server_options.host = config.listen.host;
  server_options.port = config.listen.port;
  // Bodies a little over the contract's limit still reach the handler, so that the
  // token is checked before the size (contract order: 401 before 413).
  server_options.max_body_bytes = ingest_limits().max_body_bytes + std::size_t{64} * 1024;
  server_options.server_name = "vmpulse-api";
  server_options.max_body_bytes_in_flight = config.body_bytes_in_flight;
  server_options.busy_retry_after_seconds =
      static_cast<int>(ingest_limits().busy_retry_after_seconds);
  http::Handler handle = [&handler](http::Request&& request, const http::Respond& respond) {
    handler.handle(std::move(request), respond);
  };
  if (config.metrics) {
    handle = http::serve_metrics(registry, std::move(handle));
  }
  http::Server server(io, server_options, std::move(handle));
  if (config.metrics) {
    // Route names, not paths, label the request counts (the contract's, as node-api's):
    // /metrics is both the scrape (GET) and the bare ingest path (POST).
    std::vector<http::MetricsRoute> routes;
    for (auto& [label, path] : ingest_route_labels("cpp")) {
      routes.push_back({std::move(label), std::move(path), false});
    }
    server.set_metrics(std::make_shared<http::HttpMetrics>(*registry, std::move(routes)));
  }
  // Path, method, token and declared size are judged before a byte of body is read.
  server.set_header_check(
      [&handler, &config](const http::RequestView& request) -> std::optional<http::Response> {
        if (config.metrics && http::is_metrics_read(request.method(), request.path())) {
          return std::nullopt;
        }
        return handler.answer_before_body(request.method(), request.path(),
                                          request.header("Authorization"),
                                          request.header("Content-Length"));
      });
  server.start();
  spdlog::info(
      "listening on {}:{}, database {}, {} writers, queue {} records, {} threads, {} tokens{}, "
      "{} body bytes in flight at most, metrics {}",
      config.listen.host, server.port(), config.db.redacted(), config.writers, config.queue_records,
      config.threads, config.tokens.size(),
      config.token_file.empty() ? "" : " from " + config.token_file + " (SIGHUP reloads)",
      config.body_bytes_in_flight, config.metrics ? "on" : "off");

  http::run_until_signal(
      io, config.threads,
      [&] {
        server.stop();
        // Answer what is queued (stored if the database lets us) before the io stops.
        queue.stop();
        const auto s = queue.stats();
        spdlog::info("stopped: {} records in {} commits, {} requests answered 503",
                     s.records_committed, s.groups_committed, s.items_failed);
      },
      [&tokens] { reload_tokens(*tokens); });
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vmpulse;
  return detail::run_logged(
      "vmpulse-api", argc, argv,
      [](const std::vector<std::string>& args) {
        return detail::with_usage(
            "vmpulse-api", api::parse_api_config(args, flags::from_environment), api::api_usage);
      },
      run);
}
