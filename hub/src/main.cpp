// vmpulse-hub: pushes new rows from MySQL to every connected dashboard over WebSocket
// (/ws) and serves history, split counts and the VM list over HTTP (docs/hub.md).
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "cors.hpp"
#include "http_api.hpp"
#include "hub_options.hpp"
#include "poller.hpp"
#include "query_runner.hpp"
#include "rollup.hpp"
#include "vmpulse/flags.hpp"
#include "vmpulse/http_server.hpp"
#include "vmpulse/log.hpp"
#include "ws_session.hpp"

int main(int argc, char** argv) {
  using namespace vmpulse;
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = hub::parse_hub_options(args, flags::from_environment);
  if (auto* problem = std::get_if<std::string>(&parsed)) {
    std::cerr << "vmpulse-hub: " << *problem << "\n";
    return 2;
  }
  const hub::HubOptions options = std::get<hub::HubOptions>(std::move(parsed));
  if (options.help) {
    std::cout << hub::hub_usage();
    return 0;
  }
  init_logging("vmpulse-hub", options.log_level);

  try {
    hub::Poller poller(
        {.db = options.db, .poll = options.poll, .late_window = options.late_window});
    hub::QueryRunner queries(options.db);
    hub::Rollup rollup({.db = options.db}, [&poller] { return poller.settled_id(); });
    boost::asio::io_context io(static_cast<int>(options.threads));

    http::ServerOptions server_options;
    server_options.host = options.listen.host.empty() ? "0.0.0.0" : options.listen.host;
    server_options.port = options.listen.port;
    server_options.max_connections = options.max_clients + 256;  // room for HTTP requests
    server_options.server_name = "vmpulse-hub";
    hub::WsOptions ws_options;
    ws_options.max_clients = options.max_clients;
    ws_options.queue.max_messages = options.queue_messages;
    ws_options.origins = options.origins;
    ws_options.idle_timeout = options.keepalive * 2;
    auto ws_context = std::make_shared<hub::WsContext>(io, options.threads, poller, ws_options);
    if (ws_context->single_thread) {
      poller.set_fanout(
          [ws_context](const hub::Message& update, hub::Poller::SubscriberList subscribers) {
            hub::fan_out(ws_context, update, std::move(subscribers));
          });
    }
    auto stats = [&poller, &rollup, ws_context] {
      const hub::PollerStats p = poller.stats();
      const hub::RollupStats r = rollup.stats();
      return "{\"clients\":" + std::to_string(ws_context->clients.load()) +
             ",\"subscribers\":" + std::to_string(p.subscribers) +
             ",\"polls\":" + std::to_string(p.polls) +
             ",\"rows_delivered\":" + std::to_string(p.rows_delivered) +
             ",\"late_rows\":" + std::to_string(p.late_rows) +
             ",\"snapshot_queries\":" + std::to_string(p.snapshot_queries) +
             ",\"resyncs\":" + std::to_string(ws_context->resyncs.load()) +
             ",\"rollup_id\":" + std::to_string(r.rolled_id) +
             ",\"rollup_behind\":" + std::to_string(r.behind) +
             ",\"rollup_rows\":" + std::to_string(r.rows) + "}";
    };
    http::Server server(
        io, server_options,
        // CORS on /api/* uses the same origin allow-list as /ws.
        hub::with_cors(
            options.origins,
            hub::HttpApi{poller, queries,
                         [] { return static_cast<std::int64_t>(std::time(nullptr)); }, stats}));
    server.set_upgrade_handler([ws_context](auto socket, auto request, auto) {
      hub::serve_websocket(std::move(socket), std::move(request), ws_context);
    });

    poller.start();
    queries.start();
    rollup.start();
    server.start();
    spdlog::info("listening on {}:{} (poll {} ms, database {})", server_options.host, server.port(),
                 options.poll.count(), options.db.redacted());
    http::run_until_signal(io, options.threads, [&] { server.stop(); });
    rollup.stop();
    queries.stop();
    poller.stop();
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
  return 0;
}
