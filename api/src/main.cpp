// vmpulse-api: ingest route 1. Wires configuration, the group-commit queue with its
// database writers, the ingest handler and core's HTTP server; everything with logic
// in it lives in the other files of this folder.
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "api_config.hpp"
#include "ingest_handler.hpp"
#include "ingest_queue.hpp"
#include "mysql_group_writer.hpp"
#include "vmpulse/contract.hpp"
#include "vmpulse/http_server.hpp"
#include "vmpulse/log.hpp"

namespace {

int run(const vmpulse::api::ApiConfig& config) {
  using namespace vmpulse;
  std::vector<std::unique_ptr<api::GroupWriter>> writers;
  for (unsigned i = 0; i < config.writers; ++i) {
    writers.push_back(std::make_unique<api::MysqlGroupWriter>(config.db, "cpp"));
  }
  api::IngestQueueOptions queue_options;
  queue_options.max_queued_records = config.queue_records;
  api::IngestQueue queue(std::move(writers), queue_options);

  api::IngestHandler handler({config.token, "cpp", 1}, queue, [&queue] { return queue.ready(); });

  boost::asio::io_context io;
  http::ServerOptions server_options;
  server_options.host = config.listen.host;
  server_options.port = config.listen.port;
  // Bodies a little over the contract's limit still reach the handler, so that the
  // token is checked before the size (contract order: 401 before 413).
  server_options.max_body_bytes = ingest_limits().max_body_bytes + std::size_t{64} * 1024;
  server_options.server_name = "vmpulse-api";
  http::Server server(io, server_options,
                      [&handler](http::Request&& request, const http::Respond& respond) {
                        handler.handle(std::move(request), respond);
                      });
  server.start();
  spdlog::info("listening on {}:{}, database {}, {} writers, queue {} records, {} threads",
               config.listen.host, server.port(), config.db.redacted(), config.writers,
               config.queue_records, config.threads);

  http::run_until_signal(io, config.threads, [&] {
    server.stop();
    // Answer what is queued (stored if the database lets us) before the io stops.
    queue.stop();
    const auto s = queue.stats();
    spdlog::info("stopped: {} records in {} commits, {} requests answered 503", s.records_committed,
                 s.groups_committed, s.items_failed);
  });
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = vmpulse::api::parse_api_config(args, vmpulse::flags::from_environment);
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "vmpulse-api: %s\n", problem->c_str());
    return 2;
  }
  const auto& config = std::get<vmpulse::api::ApiConfig>(parsed);
  if (config.help) {
    std::fputs(vmpulse::api::api_usage().c_str(), stdout);
    return 0;
  }
  vmpulse::init_logging("vmpulse-api", config.log_level);
  try {
    return run(config);
  } catch (const std::exception& e) {
    spdlog::critical("{}", e.what());
    return 1;
  }
}
